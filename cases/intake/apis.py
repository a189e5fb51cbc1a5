"""Complaint API: register, list (work queue), retrieve, record the initial response.

Same services, selectors and validation as the pages. Identity goes in (registration) but never
comes out of these endpoints: responses carry case number and initials only."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from cases import selectors
from cases.apis import AssignmentInputSerializer, assignee_from
from cases.intake import services as intake
from cases.intake.forms import CONSENT_FORM_CHOICES, QueueFilterForm
from cases.models.consent import ConsentForm
from cases.models.core import ViolenceType
from cases.models.intake import (
    Channel,
    ConsentBy,
    DisabilityType,
    PerpetratorRelation,
    ResponseMethod,
    Sex,
    VictimCategory,
    ViolenceForm,
)
from common import limits
from common.api import Input, query_input


class VictimInputSerializer(Input):
    full_name = serializers.CharField(max_length=limits.NAME)
    category = serializers.ChoiceField(choices=VictimCategory.choices)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.FEMALE)
    nik = serializers.CharField(required=False, allow_blank=True, max_length=limits.NIK_INPUT, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=limits.PHONE, default="")
    address = serializers.CharField(required=False, allow_blank=True, max_length=limits.ADDRESS, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120,
                                             default=None)
    disability = serializers.ChoiceField(choices=DisabilityType.choices, required=False, default="")
    region = serializers.CharField(required=False, allow_blank=True, max_length=4, default="")
    kecamatan = serializers.CharField(required=False, allow_blank=True, max_length=10, default="")


class ReporterInputSerializer(Input):
    is_victim = serializers.BooleanField(default=True)
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=limits.NAME, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=limits.PHONE, default="")
    address = serializers.CharField(required=False, allow_blank=True, max_length=limits.ADDRESS, default="")
    relation = serializers.CharField(required=False, allow_blank=True, max_length=limits.RELATION,
                                     default="")


class PerpetratorInputSerializer(Input):
    relation = serializers.ChoiceField(choices=PerpetratorRelation.choices)
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=limits.NAME, default="")
    power_relation = serializers.BooleanField(default=False)
    public_official = serializers.BooleanField(default=False)
    is_guardian = serializers.BooleanField(default=False)


class ComplaintRegisterInputSerializer(Input):
    receiving_agency = serializers.SlugField(help_text="Agency code; default: your receiving agency",
                                             required=False)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    received_at_reason = serializers.CharField(required=False, allow_blank=True, default="",
                                               max_length=limits.SHORT_REASON)
    assignee = serializers.CharField(required=False, allow_blank=True, default="", max_length=150,
                                     help_text="Username of the staff member responsible")
    victims = VictimInputSerializer(many=True, allow_empty=True, max_length=limits.PEOPLE_PER_COMPLAINT)
    reporter = ReporterInputSerializer(required=False)
    perpetrators = PerpetratorInputSerializer(many=True, required=False, default=list,
                                              max_length=limits.PEOPLE_PER_COMPLAINT)
    violence_types = serializers.ListField(child=serializers.ChoiceField(choices=ViolenceType.choices),
                                           allow_empty=True)
    violence_forms = serializers.ListField(child=serializers.ChoiceField(choices=ViolenceForm.choices),
                                           required=False, default=list)
    incident_date = serializers.DateField(required=False, allow_null=True, default=None)
    incident_place = serializers.CharField(required=False, allow_blank=True, default="",
                                           max_length=limits.PLACE)
    incident_region = serializers.CharField(required=False, allow_blank=True, default="", max_length=4)
    chronology = serializers.CharField(allow_blank=True, max_length=limits.CHRONOLOGY)
    stated_needs = serializers.ListField(child=serializers.SlugField(max_length=40), required=False,
                                         default=list)
    stated_needs_note = serializers.CharField(required=False, allow_blank=True, default="",
                                              max_length=limits.NOTE)
    consent_to_share = serializers.BooleanField(default=False)
    consent_by = serializers.ChoiceField(choices=ConsentBy.choices, default=ConsentBy.NONE)
    consent_form = serializers.ChoiceField(
        choices=CONSENT_FORM_CHOICES, default=ConsentForm.ORAL,
        help_text="How the consent was given (oral or written); with consent_to_share and consent_by "
                  "registration records one share consent per victim")
    safe_to_contact = serializers.BooleanField(default=True)
    safe_contact = serializers.CharField(required=False, allow_blank=True, default="",
                                         max_length=limits.SAFE_CONTACT)
    join_case = serializers.IntegerField(required=False, allow_null=True, default=None)


class ComplaintOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case_id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    initials = serializers.CharField(source="case.initials")
    receiving_agency = serializers.CharField(source="receiving_agency.code")
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    violence_types = serializers.ListField(child=serializers.CharField())
    outcome = serializers.CharField()
    assignee = serializers.CharField(source="assignee.username", allow_null=True)


def _filter_choices(name: str) -> list:
    """The work-queue page's filter choices, without its "all" entry (an empty value)."""
    return [(value, label) for value, label in QueueFilterForm.base_fields[name].choices if value]


class ComplaintQueueFilterInput(serializers.Serializer):
    """The work-queue page's filters; an unknown value is a 400, not an unfiltered list."""

    number = serializers.CharField(required=False, max_length=20,
                                   help_text="Case number, whole (PPA-2026-000123 or 2026-123) or its start")
    channel = serializers.ChoiceField(choices=_filter_choices("channel"), required=False, allow_blank=True)
    region = serializers.ChoiceField(choices=_filter_choices("region"), required=False, allow_blank=True)
    violence_type = serializers.ChoiceField(choices=_filter_choices("violence_type"), required=False,
                                            allow_blank=True)
    risk = serializers.ChoiceField(choices=_filter_choices("risk"), required=False, allow_blank=True)
    assignee = serializers.ChoiceField(choices=_filter_choices("assignee"), required=False, allow_blank=True)


@extend_schema_view(get=extend_schema(parameters=[ComplaintQueueFilterInput]))
class ComplaintListApi(generics.ListAPIView):
    """Work queue: open complaints of your receiving agencies, overdue first (paginated)."""

    serializer_class = ComplaintOutputSerializer

    def get_queryset(self):
        return selectors.complaint_queue(user=self.request.user,
                                         filters=query_input(ComplaintQueueFilterInput, self.request))

    @extend_schema(request=ComplaintRegisterInputSerializer, responses={201: ComplaintOutputSerializer},
                   summary="Register a complaint (opens or joins a case; starts the 24-hour clock)")
    def post(self, request):
        # Role first (403 for anyone who is not receiving staff), then the input (400).
        agencies = list(selectors.receiving_agencies_of(request.user))
        wanted = request.data.get("receiving_agency") if hasattr(request.data, "get") else None
        if wanted:
            agencies = [a for a in agencies if a.code == wanted]
        if not agencies:
            from common.errors import ActionNotAllowed

            raise ActionNotAllowed(intake.NOT_RECEIVING_STAFF)
        agency: Agency = agencies[0]
        ser = ComplaintRegisterInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        assignee = None
        if d.get("assignee"):
            from agencies.models import User

            assignee = User.objects.filter(username=d["assignee"]).first()
            if assignee is None:
                raise serializers.ValidationError({"assignee": [intake.ASSIGNEE_INVALID]})
        join_case = None
        if d.get("join_case"):
            try:
                join_case = selectors.case_get_for_user(user=request.user, id=d["join_case"])
            except Http404:
                raise serializers.ValidationError({"join_case": [intake.JOIN_CASE_INVALID]}) from None
        data = intake.ComplaintInput(
            channel=d["channel"], victims=[intake.VictimInput(**v) for v in d["victims"]],
            violence_types=d["violence_types"], chronology=d["chronology"],
            reporter=intake.ReporterInput(**(d.get("reporter") or {})),
            perpetrators=[intake.PerpetratorInput(**p) for p in d["perpetrators"]],
            received_at=d["received_at"], received_at_reason=d["received_at_reason"],
            violence_forms=d["violence_forms"], incident_date=d["incident_date"],
            incident_place=d["incident_place"], incident_region=d["incident_region"],
            stated_needs=d["stated_needs"], stated_needs_note=d["stated_needs_note"],
            consent_to_share=d["consent_to_share"], consent_by=d["consent_by"],
            consent_form=d["consent_form"],
            safe_to_contact=d["safe_to_contact"], safe_contact=d["safe_contact"],
        )
        complaint = intake.complaint_register(actor=request.user, receiving_agency=agency, data=data,
                                              assignee=assignee, join_case=join_case)
        return Response(ComplaintOutputSerializer(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintDetailApi(APIView):
    @extend_schema(responses=ComplaintOutputSerializer,
                   summary="One complaint (404 when missing or not yours)")
    def get(self, request, pk: int, complaint):
        c = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
        return Response(ComplaintOutputSerializer(c).data)


class InitialResponseInputSerializer(Input):
    method = serializers.ChoiceField(choices=ResponseMethod.choices)
    successful = serializers.BooleanField()
    result = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.NOTE)
    responded_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    responded_at_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300,
        help_text="Required when responded_at is earlier than now; recorded on the case timeline")


class InitialResponseApi(APIView):
    @extend_schema(request=InitialResponseInputSerializer, responses={201: ComplaintOutputSerializer},
                   summary="Record the initial response or a failed contact attempt")
    def post(self, request, pk: int, complaint):
        c = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
        ser = InitialResponseInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        intake.initial_response_record(actor=request.user, complaint=c, **ser.validated_data)
        c.refresh_from_db()
        return Response(ComplaintOutputSerializer(c).data, status=status.HTTP_201_CREATED)


class ComplaintAssignmentApi(APIView):
    @extend_schema(request=AssignmentInputSerializer, responses={200: ComplaintOutputSerializer},
                   summary="Assign or reassign the complaint's officer (head, acting head, admin officer); "
                           "the previous assignee's assignment ends")
    def post(self, request, pk: int, complaint):
        from cases.policies import may_assign_on_case
        from cases.services import ASSIGN_NOT_ALLOWED
        from common.errors import ActionNotAllowed

        c = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
        if not may_assign_on_case(request.user, c.case):
            raise ActionNotAllowed(ASSIGN_NOT_ALLOWED)
        intake.complaint_assign(actor=request.user, complaint=c, assignee=assignee_from(request))
        c.refresh_from_db()
        return Response(ComplaintOutputSerializer(c).data)
