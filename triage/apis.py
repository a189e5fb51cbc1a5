"""Triage API: one view per operation, the same selectors, policies and services as the pages.

Every case is fetched through ``triage_complaint_get_for_user`` (404 when missing or not the
caller's); a caller who may see the case but not take the action gets 403 before the input is
read; invalid input gets 400 (common.api.exception_handler).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from cases.models import AccessLevel
from common import limits
from common.api import Input, body_uuid, query_input
from common.audit import access_log_record
from common.errors import ActionNotAllowed
from common.models import AccessAction
from sops.apis import SopStepOutputSerializer
from sops.selectors import sop_steps_for_complaint
from triage import policies, selectors, services
from triage.models import ComplexityCondition, EmergencyCondition, RiskLevel


class TriageReasonOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    ok = serializers.BooleanField(allow_null=True)
    text = serializers.CharField()


class TriageAssessmentOutputSerializer(serializers.Serializer):
    complaint = serializers.UUIDField(source="complaint.public_id")
    emergency_conditions = serializers.ListField(child=serializers.CharField())
    complexity_conditions = serializers.ListField(child=serializers.CharField())
    complexity_change_reason = serializers.CharField()
    needs_multiple_services = serializers.BooleanField()
    cross_region = serializers.BooleanField()
    assessed_risk = serializers.CharField()
    risk_level = serializers.CharField()
    risk_overridden = serializers.SerializerMethodField()
    risk_override_reason = serializers.CharField()
    risk_overridden_at = serializers.DateTimeField(allow_null=True)
    eligible = serializers.BooleanField()
    criteria_met = serializers.ListField(child=serializers.CharField())
    explanation = TriageReasonOutputSerializer(many=True)
    assessed_at = serializers.DateTimeField()

    def get_risk_overridden(self, obj) -> bool:
        return obj.risk_overridden_by_id is not None


class TriageCaseOutputSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    case_number = serializers.CharField()
    status = serializers.CharField()
    is_emergency = serializers.BooleanField()
    awaiting_formal_decision = serializers.BooleanField()
    complaint = serializers.UUIDField(allow_null=True)
    assessment = TriageAssessmentOutputSerializer(allow_null=True)
    sop_steps = SopStepOutputSerializer(many=True)


class TriageQueryInput(serializers.Serializer):
    complaint = serializers.UUIDField(
        required=False, help_text="Public id of the complaint (default: the case's latest open one)")


def _fetch(request, pk, complaint_id):
    return selectors.triage_complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint_id)


class TriageDetailApi(APIView):
    @extend_schema(parameters=[TriageQueryInput], responses=TriageCaseOutputSerializer,
                   summary="Triage of a case's complaint (assessment null when not yet triaged)")
    def get(self, request, pk: int):
        case, complaint = _fetch(request, pk, query_input(TriageQueryInput, request).get("complaint"))
        access_log_record(request=request, user=request.user, action=AccessAction.VIEW,
                          obj=complaint or case, case=case, level=AccessLevel(case.access_level).name.lower())
        assessment = selectors.triage_for_complaint(complaint=complaint) if complaint else None
        steps = sop_steps_for_complaint(complaint=complaint) if complaint else []
        return Response(TriageCaseOutputSerializer({
            "case_id": case.pk, "case_number": case.number, "status": case.status,
            "is_emergency": case.is_emergency, "awaiting_formal_decision": case.awaiting_formal_decision,
            "complaint": complaint.public_id if complaint else None,
            "assessment": assessment, "sop_steps": steps,
        }).data)


class TriageRecordApi(APIView):
    class TriageRecordInputSerializer(Input):
        complaint = serializers.UUIDField(required=False)
        emergency_conditions = serializers.ListField(
            child=serializers.ChoiceField(choices=EmergencyCondition.choices), allow_empty=True)
        complexity_conditions = serializers.ListField(
            child=serializers.ChoiceField(choices=ComplexityCondition.choices), allow_empty=True)
        needs_multiple_services = serializers.BooleanField()
        cross_region = serializers.BooleanField()
        notes = serializers.CharField(required=False, allow_blank=True, max_length=limits.NOTE)
        complexity_change_reason = serializers.CharField(required=False, allow_blank=True,
                                                         max_length=limits.SHORT_REASON)

    @extend_schema(request=TriageRecordInputSerializer, responses={201: TriageAssessmentOutputSerializer},
                   summary="Record (or replace) the triage of a complaint; an emergency starts action first")
    def post(self, request, pk: int):
        case, complaint = _fetch(request, pk, body_uuid(request, "complaint"))
        if not policies.can_record_on_case(request.user, case):
            raise ActionNotAllowed(services.NOT_RECEIVING_STAFF)
        data = self.TriageRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = {k: v for k, v in data.validated_data.items() if k != "complaint"}
        assessment = services.triage_record(actor=request.user, complaint=complaint, **payload)
        return Response(TriageAssessmentOutputSerializer(assessment).data, status=status.HTTP_201_CREATED)


class TriageOverrideApi(APIView):
    class TriageOverrideInputSerializer(Input):
        complaint = serializers.UUIDField(required=False)
        risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
        reason = serializers.CharField(max_length=limits.SHORT_REASON)

    @extend_schema(request=TriageOverrideInputSerializer, responses=TriageAssessmentOutputSerializer,
                   summary="The receiving agency's head sets the risk level, with a reason")
    def post(self, request, pk: int):
        case, complaint = _fetch(request, pk, body_uuid(request, "complaint"))
        if not policies.can_override_on_case(request.user, case):
            raise ActionNotAllowed(services.OVERRIDE_NOT_ALLOWED)
        data = self.TriageOverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = selectors.triage_for_complaint(complaint=complaint) if complaint else None
        if assessment is None:
            raise serializers.ValidationError({"complaint": [_("Belum ada hasil verifikasi untuk diubah.")]})
        assessment = services.triage_override_risk(
            actor=request.user, assessment=assessment, risk_level=data.validated_data["risk_level"],
            reason=data.validated_data["reason"])
        return Response(TriageAssessmentOutputSerializer(assessment).data)


class EmergencyGrantOutputSerializer(serializers.Serializer):
    agency = serializers.CharField(source="group.agency.code")
    level = serializers.IntegerField()
    source = serializers.CharField()
    granted_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)


class EmergencyReferApi(APIView):
    class EmergencyReferInputSerializer(Input):
        complaint = serializers.UUIDField(required=False)
        agencies = serializers.ListField(child=serializers.SlugField(), allow_empty=False,
                                         help_text="Agency codes")
        hours = serializers.IntegerField(required=False, min_value=1,
                                         max_value=services.EMERGENCY_GRANT_MAX_HOURS,
                                         default=services.EMERGENCY_GRANT_HOURS)

    @extend_schema(request=EmergencyReferInputSerializer,
                   responses={201: EmergencyGrantOutputSerializer(many=True)},
                   summary="Refer an emergency: temporary service-level access for the agencies, at once")
    def post(self, request, pk: int):
        case, complaint = _fetch(request, pk, body_uuid(request, "complaint"))
        if not policies.can_refer_emergency(request.user, case):
            raise ActionNotAllowed(services.REFER_NOT_ALLOWED)
        data = self.EmergencyReferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = set(data.validated_data["agencies"])
        agencies = list(Agency.objects.filter(code__in=codes).select_related("group"))
        unknown = codes - {a.code for a in agencies}
        if unknown:
            message = _("Lembaga tidak dikenal: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
            raise serializers.ValidationError({"agencies": [message]})
        grants = services.emergency_refer(actor=request.user, case=case, agencies=agencies,
                                          hours=data.validated_data["hours"], complaint=complaint)
        grants = list(selectors.emergency_grants(case=case).filter(pk__in=[g.pk for g in grants]))
        return Response(EmergencyGrantOutputSerializer(grants, many=True).data,
                        status=status.HTTP_201_CREATED)
