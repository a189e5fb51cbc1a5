"""SOP API: the case's runs, one run with its tracker, starting a run, recording a step — one view
per operation, the same selectors, policies and services as the pages.

Every case is fetched through ``case_get_for_user`` (404 when missing or not the caller's; a run of
another case is 404 too); a caller who may see the case but not act gets 403 before the input is
read; invalid input gets 400 (common.api.exception_handler).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import AccessLevel, Complaint
from cases.selectors import case_complaint_pick, case_get_for_user
from common.api import Input, body_uuid
from common.audit import access_log_record
from common.errors import ActionNotAllowed
from common.models import AccessAction
from sops import policies, selectors, services
from sops.catalogue import SOP_CHOICES


class SopStepOutputSerializer(serializers.Serializer):
    run = serializers.IntegerField(source="run_id")
    sop = serializers.CharField(source="run.sop")
    step = serializers.CharField()
    done_at = serializers.DateTimeField()
    done_by = serializers.CharField(source="done_by.display_name")
    output_ref = serializers.CharField()


class SopRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sop = serializers.CharField()
    complaint = serializers.UUIDField(source="complaint.public_id", allow_null=True, default=None)
    started_at = serializers.DateTimeField()
    started_by = serializers.CharField(source="started_by.display_name")
    ended_at = serializers.DateTimeField(allow_null=True)


class SopRunListItemOutputSerializer(SopRunOutputSerializer):
    done = serializers.IntegerField()
    last_done_at = serializers.DateTimeField(allow_null=True)


class SopTrackerRowOutputSerializer(serializers.Serializer):
    step = serializers.CharField(source="step.code")
    name = serializers.CharField(source="step.name")
    actor = serializers.CharField(source="step.actor")
    standard_minutes = serializers.IntegerField(source="step.minutes", allow_null=True)
    output = serializers.CharField(source="step.output")
    optional = serializers.BooleanField(source="step.optional")
    done_at = serializers.DateTimeField(source="record.done_at", allow_null=True, default=None)
    done_by = serializers.CharField(source="record.done_by.display_name", allow_null=True, default=None)
    output_ref = serializers.CharField(source="record.output_ref", allow_null=True, default=None)
    elapsed_minutes = serializers.IntegerField(allow_null=True)
    late = serializers.BooleanField()
    out_of_order = serializers.BooleanField()
    overdue_pending = serializers.BooleanField()


class SopRunDetailOutputSerializer(SopRunOutputSerializer):
    steps = SopTrackerRowOutputSerializer(many=True, source="tracker.rows")
    done = serializers.IntegerField(source="tracker.done")
    required = serializers.IntegerField(source="tracker.required")
    late = serializers.IntegerField(source="tracker.late")
    out_of_order = serializers.IntegerField(source="tracker.out_of_order")


class SopRunListApi(APIView):
    class SopRunStartInputSerializer(Input):
        sop = serializers.ChoiceField(choices=SOP_CHOICES)
        complaint = serializers.UUIDField(required=False, allow_null=True,
                                          help_text="Public id of a complaint of the case (optional)")

    @extend_schema(responses=SopRunListItemOutputSerializer(many=True), summary="The case's SOP runs")
    def get(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        return Response(SopRunListItemOutputSerializer(selectors.sop_run_list(case=case), many=True).data)

    @extend_schema(request=SopRunStartInputSerializer, responses={201: SopRunOutputSerializer},
                   summary="Start a run of an SOP on the case (a case may run an SOP more than once)")
    def post(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        if not policies.can_work_on_case(request.user, case):
            raise ActionNotAllowed(services.START_NOT_ALLOWED)
        data = self.SopRunStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = None
        if data.validated_data.get("complaint"):
            complaint = (Complaint.objects.filter(case=case, public_id=data.validated_data["complaint"])
                         .select_related("receiving_agency").first())
            if complaint is None:
                raise serializers.ValidationError({"complaint": [services.COMPLAINT_NOT_IN_CASE]})
        run = services.sop_run_start(actor=request.user, case=case, sop=data.validated_data["sop"],
                                     complaint=complaint)
        return Response(SopRunOutputSerializer(run).data, status=status.HTTP_201_CREATED)


class SopRunDetailApi(APIView):
    @extend_schema(responses=SopRunDetailOutputSerializer,
                   summary="One SOP run with each step: when, by whom, late / out of order")
    def get(self, request, pk: int, run: int):
        run = selectors.sop_run_get_for_user(user=request.user, case_id=pk, run_id=run)
        access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=run,
                          case=run.case, level=AccessLevel(run.case.access_level).name.lower())
        run.tracker = selectors.sop_tracker(run=run)
        return Response(SopRunDetailOutputSerializer(run).data)


class SopRunStepApi(APIView):
    class SopRunStepInputSerializer(Input):
        step = serializers.CharField(max_length=40)
        done_at = serializers.DateTimeField(required=False, allow_null=True)
        output_ref = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(request=SopRunStepInputSerializer, responses={201: SopStepOutputSerializer},
                   summary="Record that a step of the run's SOP was done")
    def post(self, request, pk: int, run: int):
        run = selectors.sop_run_get_for_user(user=request.user, case_id=pk, run_id=run)
        if not policies.can_record_step(request.user, run):
            raise ActionNotAllowed(services.STEP_NOT_ALLOWED)
        data = self.SopRunStepInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.sop_step_record(
            actor=request.user, run=run, step=data.validated_data["step"],
            done_at=data.validated_data.get("done_at"), output_ref=data.validated_data.get("output_ref", ""))
        return Response(SopStepOutputSerializer(record).data, status=status.HTTP_201_CREATED)


class SopStepRecordApi(APIView):
    """The complaint's shortcut kept from the triage API: records on the complaint's current run of
    the SOP, starting one when there is none."""

    class SopStepRecordInputSerializer(Input):
        complaint = serializers.UUIDField(required=False)
        sop = serializers.ChoiceField(choices=SOP_CHOICES)
        step = serializers.CharField(max_length=40)
        done_at = serializers.DateTimeField(required=False, allow_null=True)
        output_ref = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(request=SopStepRecordInputSerializer, responses={201: SopStepOutputSerializer},
                   summary="Record that a Perbup SOP step was done for the complaint (its current run)")
    def post(self, request, pk: int):
        case = case_get_for_user(user=request.user, id=pk)
        complaint = case_complaint_pick(case=case, complaint_id=body_uuid(request, "complaint"),
                                        queryset=Complaint.objects.select_related("receiving_agency"))
        if not policies.can_work_on_case(request.user, case):
            raise ActionNotAllowed(services.STEP_NOT_ALLOWED)
        data = self.SopStepRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if complaint is None:
            raise serializers.ValidationError({"complaint": [services.NO_COMPLAINT]})
        record = services.sop_complaint_step_record(
            actor=request.user, complaint=complaint, sop=data.validated_data["sop"],
            step=data.validated_data["step"], done_at=data.validated_data.get("done_at"),
            output_ref=data.validated_data.get("output_ref", ""))
        return Response(SopStepOutputSerializer(record).data, status=status.HTTP_201_CREATED)
