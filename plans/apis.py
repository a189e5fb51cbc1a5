"""Service plan API: the plan of a case (versions, items, conferences), and the same writes as the
plan page — record a case conference, add / remove a service item, move an item's status, approve
the draft — through the same selectors, policies and services.

The case is fetched through ``case_get_for_user`` (404 when missing or not the caller's; an item or
version of another case is 404 too); a refusal by the service is 403 (not allowed) or 400 with the
field it is about (common.api.exception_handler)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency, Service, User
from cases.models import AccessLevel
from cases.selectors import case_get_for_user
from common import limits
from common.api import Input, StrictIntegerField
from common.audit import access_log_record
from common.errors import ActionNotAllowed
from common.models import AccessAction
from plans import services as plans
from plans.models import ItemRole, ItemStatus, Plan, PlanVersion, ServiceItem
from plans.policies import plan_permissions
from plans.selectors import plan_page_for_user


def _may_or_403(user, case, what: str) -> None:
    """Refuse before reading the input whom ``plans.policies`` does not allow (403)."""
    if not plan_permissions(user, case, Plan.objects.filter(case=case).first())[what]:
        raise ActionNotAllowed(plans.APPROVE_NOT_ALLOWED if what == "approve" else plans.EDIT_NOT_ALLOWED)


class ItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.CharField(source="service.name")
    agency = serializers.CharField(source="agency.name")
    agency_id = serializers.IntegerField()
    officer = serializers.CharField(source="officer.display_name", allow_null=True, default=None)
    role = serializers.CharField()
    planned_start = serializers.DateField(allow_null=True)
    planned_end = serializers.DateField(allow_null=True)
    frequency = serializers.CharField()
    off_catalogue_reason = serializers.CharField()
    status = serializers.CharField()
    cancel_reason = serializers.CharField()


class VersionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    provisional = serializers.BooleanField()
    approved_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.CharField(source="approved_by.display_name", allow_null=True, default=None)
    items = ItemOutputSerializer(many=True, source="items.all")


class AttendeeOutputSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.name")
    position = serializers.CharField()


class ConferenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    held_on = serializers.DateField()
    provisional = serializers.BooleanField()
    agreed = serializers.CharField()
    attendees = AttendeeOutputSerializer(many=True, source="attendees.all")


class PlanOutputSerializer(serializers.Serializer):
    coordinator_agency = serializers.CharField(source="plan.coordinator_agency.name", allow_null=True,
                                               default=None)
    versions = VersionOutputSerializer(many=True)
    conferences = ConferenceOutputSerializer(many=True)


def _plan_response(request, case, code=status.HTTP_200_OK):
    page = plan_page_for_user(user=request.user, case=case)
    return Response(PlanOutputSerializer(page).data, status=code)


def _item(case, pk: int) -> ServiceItem:
    item = ServiceItem.objects.filter(pk=pk, version__plan__case=case).first()
    if item is None:
        raise Http404
    return item


class PlanDetailApi(APIView):
    @extend_schema(responses=PlanOutputSerializer,
                   summary="The case's service plan: every version newest first with its items, and "
                           "the case conferences")
    def get(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=case,
                          case=case, level=AccessLevel(case.access_level).name.lower())
        return _plan_response(request, case)


class PlanConferenceApi(APIView):
    class AttendeeInputSerializer(Input):
        agency = StrictIntegerField()
        position = serializers.CharField(max_length=limits.NAME, allow_blank=True)

    class ConferenceInputSerializer(Input):
        held_on = serializers.DateField()
        attendees = serializers.ListField(child=serializers.DictField(), allow_empty=True)
        agreed = serializers.CharField(required=False, allow_blank=True, max_length=limits.NOTE)

    @extend_schema(request=ConferenceInputSerializer, responses={201: PlanOutputSerializer},
                   summary="Record a case conference (opens a draft version of the plan)")
    def post(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        _may_or_403(request.user, case, "edit")
        data = self.ConferenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attendees = []
        for row in data.validated_data["attendees"]:
            one = self.AttendeeInputSerializer(data=row)
            if not one.is_valid():
                raise serializers.ValidationError({"attendees": one.errors})
            agency = Agency.objects.filter(pk=one.validated_data["agency"], is_active=True).first()
            if agency is None:
                raise serializers.ValidationError({"attendees": [plans.ATTENDEES_REQUIRED]})
            attendees.append(plans.AttendeeInput(agency, one.validated_data["position"]))
        plans.conference_record(actor=request.user, case=case, held_on=data.validated_data["held_on"],
                                attendees=attendees, agreed=data.validated_data.get("agreed", ""))
        return _plan_response(request, case, status.HTTP_201_CREATED)


class PlanItemAddApi(APIView):
    class ItemInputSerializer(Input):
        service = StrictIntegerField()
        agency = StrictIntegerField()
        officer = StrictIntegerField(required=False, allow_null=True)
        role = serializers.ChoiceField(choices=ItemRole.choices)
        planned_start = serializers.DateField(required=False, allow_null=True)
        planned_end = serializers.DateField(required=False, allow_null=True)
        frequency = serializers.CharField(required=False, allow_blank=True, max_length=limits.NAME)
        off_catalogue_reason = serializers.CharField(required=False, allow_blank=True,
                                                     max_length=limits.SHORT_REASON)

    @extend_schema(request=ItemInputSerializer, responses={201: ItemOutputSerializer},
                   summary="Add a service item to the plan's draft (an approved plan opens a new version)")
    def post(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        _may_or_403(request.user, case, "edit")
        data = self.ItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        service = Service.objects.filter(pk=v.pop("service")).first()
        agency = Agency.objects.filter(pk=v.pop("agency")).first()
        officer_id = v.pop("officer", None)
        officer = User.objects.filter(pk=officer_id).first() if officer_id is not None else None
        errors = {}
        if service is None:
            errors["service"] = [plans.SERVICE_INACTIVE]
        if agency is None:
            errors["agency"] = [plans.AGENCY_NOT_IN_PLAN]
        if officer_id is not None and officer is None:
            errors["officer"] = [plans.OFFICER_NOT_STAFF]
        if errors:
            raise serializers.ValidationError(errors)
        item = plans.item_add(actor=request.user, case=case, service=service, agency=agency, officer=officer,
                              **v)
        return Response(ItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class PlanItemRemoveApi(APIView):
    class RemoveInputSerializer(Input):
        item = StrictIntegerField()

    @extend_schema(request=RemoveInputSerializer, responses={200: PlanOutputSerializer},
                   summary="Take a service item out of the plan (out of the draft, or a new draft)")
    def post(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        _may_or_403(request.user, case, "edit")
        data = self.RemoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plans.item_remove(actor=request.user, item=_item(case, data.validated_data["item"]))
        return _plan_response(request, case)


class PlanItemStatusApi(APIView):
    class StatusInputSerializer(Input):
        item = StrictIntegerField()
        status = serializers.ChoiceField(choices=[ItemStatus.IN_PROGRESS, ItemStatus.DELIVERED,
                                                  ItemStatus.CANCELLED])
        reason = serializers.CharField(required=False, allow_blank=True, max_length=limits.SHORT_REASON)

    @extend_schema(request=StatusInputSerializer, responses={200: ItemOutputSerializer},
                   summary="Move a service item: start, delivered, or cancel with a reason")
    def post(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        data = self.StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = plans.item_status_set(actor=request.user, item=_item(case, data.validated_data["item"]),
                                     to=data.validated_data["status"],
                                     reason=data.validated_data.get("reason", ""))
        return Response(ItemOutputSerializer(ServiceItem.objects.select_related(
            "service", "agency", "officer").get(pk=item.pk)).data)


class PlanApproveApi(APIView):
    class ApproveInputSerializer(Input):
        version = StrictIntegerField()

    @extend_schema(request=ApproveInputSerializer, responses={200: PlanOutputSerializer},
                   summary="Approve the draft (coordinating agency's head): the agencies in the plan "
                           "get service access")
    def post(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        _may_or_403(request.user, case, "approve")
        data = self.ApproveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = PlanVersion.objects.filter(pk=data.validated_data["version"], plan__case=case).first()
        if version is None:
            raise Http404
        plans.plan_approve(actor=request.user, version=version)
        return _plan_response(request, case)
