"""Meetings API: the same selectors, policies and services as the pages. Non-members get 404 on a
meeting; a member who may not take the action gets 403 with the service's message."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from cases.models import Case
from common import limits
from common.api import Input
from common.errors import ActionNotAllowed
from meetings import policies, selectors, services
from meetings.models import (
    ASSESSMENT_DIMENSIONS,
    WEEKLY_SELECTION_TARGET,
    DecisionKind,
    FollowUpStatus,
    Rating,
    ScreeningOutcome,
)


def _member_or_403(user):
    if not policies.is_member(user):
        raise ActionNotAllowed(_("Hanya anggota Tim Percepatan yang dapat melihat rapat."))


class MeetingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    scheduled_for = serializers.DateTimeField()
    starts_at = serializers.DateTimeField()
    place = serializers.CharField()
    online_link = serializers.CharField()
    held_on_schedule = serializers.BooleanField(allow_null=True)
    presiding_role = serializers.CharField()
    minutes_status = serializers.CharField(source="minutes.status")
    selected_count = serializers.IntegerField()
    target_met = serializers.SerializerMethodField()

    def get_target_met(self, obj) -> bool:
        return obj.selected_count >= WEEKLY_SELECTION_TARGET


class MeetingListApi(generics.ListAPIView):
    """Meetings, newest first (paginated; limit/offset)."""

    serializer_class = MeetingOutputSerializer

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    class MeetingCreateInputSerializer(Input):
        starts_at = serializers.DateTimeField()
        place = serializers.CharField(required=False, allow_blank=True, max_length=200)
        online_link = serializers.URLField(required=False, allow_blank=True)
        title = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(summary="Meetings (Tim Percepatan)")
    def get(self, request, *args, **kwargs):
        _member_or_403(request.user)
        return super().get(request, *args, **kwargs)

    @extend_schema(request=MeetingCreateInputSerializer, responses={201: MeetingOutputSerializer},
                   summary="Schedule an ad-hoc meeting (secretary, ketua, wakil ketua)")
    def post(self, request):
        _member_or_403(request.user)
        if not policies.can_edit(request.user):
            raise ActionNotAllowed(services.NOT_EDITOR)
        data = self.MeetingCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_create(actor=request.user, **data.validated_data)
        meeting = selectors.meeting_get_for_user(user=request.user, id=meeting.pk)
        return Response(MeetingOutputSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDetailApi(APIView):
    @extend_schema(responses=MeetingOutputSerializer, summary="One meeting (404 for non-members)")
    def get(self, request, meeting: int):
        m = selectors.meeting_get_for_user(user=request.user, id=meeting)
        return Response(MeetingOutputSerializer(m).data)


class MeetingComplaintSerializer(serializers.Serializer):
    complaint = serializers.UUIDField(source="public_id")
    case_number = serializers.CharField(source="case.number")
    initials = serializers.CharField(source="case.initials")
    violence_types = serializers.ListField(child=serializers.CharField())
    risk_level = serializers.SerializerMethodField()
    criteria_met = serializers.SerializerMethodField()
    receiving_agency = serializers.CharField(source="receiving_agency.code")
    received_at = serializers.DateTimeField()

    def _triage(self, obj):
        try:
            return obj.triage
        except Exception:  # no triage yet (reverse one-to-one)
            return None

    def get_risk_level(self, obj) -> str | None:
        t = self._triage(obj)
        return t.risk_level if t else None

    def get_criteria_met(self, obj) -> list[str]:
        t = self._triage(obj)
        return list(getattr(t, "criteria_met", []) or []) if t else []


class MeetingScreeningSerializer(serializers.Serializer):
    complaint = serializers.UUIDField(source="complaint.public_id")
    case_number = serializers.CharField(source="case.number")
    initials = serializers.CharField(source="case.initials")
    outcome = serializers.CharField()
    decided_at = serializers.DateTimeField()


class MeetingScreeningApi(APIView):
    class MeetingScreeningInputSerializer(Input):
        outcomes = serializers.DictField(child=serializers.ChoiceField(choices=ScreeningOutcome.choices),
                                         allow_empty=False)

    class MeetingScreeningOutputSerializer(serializers.Serializer):
        waiting = MeetingComplaintSerializer(many=True)
        screened = MeetingScreeningSerializer(many=True)

    @extend_schema(responses=MeetingScreeningOutputSerializer, summary="Screening list and outcomes")
    def get(self, request, meeting: int):
        m = selectors.meeting_get_for_user(user=request.user, id=meeting)
        return Response(self.MeetingScreeningOutputSerializer({
            "waiting": selectors.screening_candidates(meeting=m),
            "screened": selectors.meeting_screenings(meeting=m)}).data)

    @extend_schema(request=MeetingScreeningInputSerializer,
                   responses={201: MeetingScreeningSerializer(many=True)},
                   summary="Record screening outcomes in bulk (all or nothing; one outcome per complaint)")
    def post(self, request, meeting: int):
        m = selectors.meeting_get_for_user(user=request.user, id=meeting)
        if not policies.can_edit(request.user):
            raise ActionNotAllowed(services.NOT_EDITOR)
        data = self.MeetingScreeningInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = services.screening_record(actor=request.user, meeting=m,
                                         outcomes=data.validated_data["outcomes"])
        return Response(MeetingScreeningSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class MeetingActionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    description = serializers.CharField()
    responsible_agency = serializers.CharField(source="responsible_agency.code")
    due_date = serializers.DateField()


class MeetingAgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    initials = serializers.CharField(source="case.initials")
    kind = serializers.CharField()
    status = serializers.CharField()
    has_presentation = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    def get_has_presentation(self, obj) -> bool:
        return hasattr(obj, "presentation")

    def get_decision(self, obj) -> str | None:
        return obj.decision.kind if hasattr(obj, "decision") else None


class MeetingAgendaApi(APIView):
    class MeetingAgendaInputSerializer(Input):
        case = serializers.IntegerField()

    @extend_schema(responses=MeetingAgendaItemSerializer(many=True), summary="The meeting's agenda")
    def get(self, request, meeting: int):
        m = selectors.meeting_get_for_user(user=request.user, id=meeting)
        return Response(MeetingAgendaItemSerializer(selectors.agenda_items(meeting=m), many=True).data)

    @extend_schema(request=MeetingAgendaInputSerializer, responses={201: MeetingAgendaItemSerializer},
                   summary="Add a case to the agenda")
    def post(self, request, meeting: int):
        m = selectors.meeting_get_for_user(user=request.user, id=meeting)
        if not policies.can_edit(request.user):
            raise ActionNotAllowed(services.NOT_EDITOR)
        data = self.MeetingAgendaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = Case.objects.filter(pk=data.validated_data["case"]).first()
        if case is None:
            from django.http import Http404

            raise Http404
        item = services.agenda_add(actor=request.user, meeting=m, case=case)
        return Response(MeetingAgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)


class MeetingPresentationApi(APIView):
    class MeetingPresentationInputSerializer(Input):
        chronology = serializers.CharField(max_length=limits.PRESENTATION_CHRONOLOGY)
        current_condition = serializers.CharField(max_length=limits.NOTE)
        obstacles = serializers.CharField(max_length=limits.NOTE)
        #: Words of the narrative the presenter confirms are common words, not names ("putri").
        common_words = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                             max_length=20)

    @extend_schema(request=MeetingPresentationInputSerializer,
                   responses=MeetingPresentationInputSerializer,
                   summary="Write the presentation (receiving agency staff; refused with a name or NIK)")
    def post(self, request, meeting: int, item: int):
        it = selectors.agenda_item_get_for_user(user=request.user, meeting_id=meeting, item_id=item)
        if not policies.can_present(request.user, it):
            raise ActionNotAllowed(services.NOT_PRESENTER)
        data = self.MeetingPresentationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        p = services.presentation_save(actor=request.user, item=it, **data.validated_data)
        return Response({"chronology": p.chronology, "current_condition": p.current_condition,
                         "obstacles": p.obstacles, "common_words": p.confirmed_common_words})


class MeetingAssessmentApi(APIView):
    class MeetingAssessmentInputSerializer(Input):
        ratings = serializers.DictField(child=serializers.ChoiceField(choices=Rating.choices))
        notes = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=limits.NOTE),
                                      required=False)

    @extend_schema(request=MeetingAssessmentInputSerializer, responses={200: None},
                   summary=f"Joint assessment: {', '.join(p for p, _ in ASSESSMENT_DIMENSIONS)}")
    def post(self, request, meeting: int, item: int):
        it = selectors.agenda_item_get_for_user(user=request.user, meeting_id=meeting, item_id=item)
        if not policies.is_member(request.user):
            from django.http import Http404

            raise Http404
        if not policies.can_edit(request.user):
            raise ActionNotAllowed(services.NOT_EDITOR)
        data = self.MeetingAssessmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_save(actor=request.user, item=it, ratings=data.validated_data["ratings"],
                                 notes=data.validated_data.get("notes", {}))
        return Response({"detail": "ok"})


class MeetingDecisionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    kind = serializers.CharField()
    reason = serializers.CharField()
    coordinator_agency = serializers.CharField(source="coordinator_agency.code", allow_null=True)
    serving_agencies = serializers.SerializerMethodField()
    effective = serializers.SerializerMethodField()
    triage_eligible = serializers.BooleanField(allow_null=True)
    criteria_met = serializers.ListField(child=serializers.CharField())
    priority_pilot = serializers.BooleanField()
    priority_reason = serializers.CharField()

    def get_effective(self, obj) -> bool:
        return obj.applied_at is not None

    def get_serving_agencies(self, obj) -> list[str]:
        return sorted(a.code for a in obj.serving_agencies.all())


class MeetingDecisionApi(APIView):
    class MeetingDecisionInputSerializer(Input):
        case = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=DecisionKind.choices)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=limits.DECISION_REASON)
        serving_agencies = serializers.ListField(child=serializers.SlugField(), required=False)
        coordinator_agency = serializers.SlugField(required=False, allow_blank=True)
        priority_pilot = serializers.BooleanField(required=False, default=False)
        priority_reason = serializers.CharField(required=False, allow_blank=True,
                                                max_length=limits.DECISION_REASON)

    @extend_schema(request=MeetingDecisionInputSerializer,
                   responses={201: MeetingDecisionOutputSerializer},
                   summary="Record a decision on an agenda case (no effect until the minutes are signed)")
    def post(self, request, meeting: int):
        m = selectors.meeting_get_for_user(user=request.user, id=meeting)
        if not policies.can_edit(request.user):
            raise ActionNotAllowed(services.NOT_EDITOR)
        data = self.MeetingDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        case = Case.objects.filter(pk=v["case"]).first()
        if case is None:
            from common.errors import ApplicationError

            raise ApplicationError(services.DECISION_NOT_ON_AGENDA)
        serving = list(Agency.objects.filter(code__in=v.get("serving_agencies", [])))
        coordinator = Agency.objects.filter(code=v.get("coordinator_agency") or "").first()
        d = services.decision_record(actor=request.user, meeting=m, case=case, kind=v["kind"],
                                     reason=v.get("reason", ""), serving_agencies=serving,
                                     coordinator_agency=coordinator,
                                     priority_pilot=v.get("priority_pilot", False),
                                     priority_reason=v.get("priority_reason", ""))
        return Response(MeetingDecisionOutputSerializer(d).data, status=status.HTTP_201_CREATED)


class MeetingActionItemApi(APIView):
    class MeetingActionItemInputSerializer(Input):
        description = serializers.CharField(required=False, allow_blank=True, max_length=limits.NOTE)
        responsible_agency = serializers.SlugField(required=False, allow_blank=True)
        due_date = serializers.DateField(required=False, allow_null=True)

    @extend_schema(request=MeetingActionItemInputSerializer,
                   responses={201: MeetingActionItemSerializer},
                   summary="Add an action item to a decision (what, agency, due date: all required)")
    def post(self, request, meeting: int, item: int):
        it = selectors.agenda_item_get_for_user(user=request.user, meeting_id=meeting, item_id=item)
        if not policies.is_member(request.user):
            from django.http import Http404

            raise Http404
        data = self.MeetingActionItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agency = Agency.objects.filter(code=v.get("responsible_agency") or "").first()
        ai = services.action_item_add_for_item(actor=request.user, item=it,
                                               description=v.get("description", ""),
                                               responsible_agency=agency, due_date=v.get("due_date"))
        return Response(MeetingActionItemSerializer(ai).data, status=status.HTTP_201_CREATED)


class MeetingFollowUpSerializer(serializers.Serializer):
    status = serializers.CharField()
    evidence = serializers.CharField()
    at = serializers.DateTimeField()
    on_time = serializers.BooleanField(allow_null=True)
    agency = serializers.CharField(source="agency.code", allow_null=True)


class MeetingAgencyActionItemSerializer(MeetingActionItemSerializer):
    current_status = serializers.CharField()
    done_on_time = serializers.BooleanField(allow_null=True)
    follow_ups = MeetingFollowUpSerializer(many=True)


class MeetingActionItemListApi(APIView):
    @extend_schema(responses=MeetingAgencyActionItemSerializer(many=True),
                   summary="Action items of the caller's agencies with their follow-up")
    def get(self, request):
        qs = selectors.action_items_for_agencies(user=request.user)
        return Response(MeetingAgencyActionItemSerializer(qs, many=True).data)


class MeetingFollowUpApi(APIView):
    class MeetingFollowUpInputSerializer(Input):
        status = serializers.ChoiceField(choices=[FollowUpStatus.OPEN, FollowUpStatus.DONE])
        evidence = serializers.CharField(required=False, allow_blank=True, max_length=limits.NOTE)

    @extend_schema(request=MeetingFollowUpInputSerializer, responses={201: MeetingFollowUpSerializer},
                   summary="Append a follow-up (responsible agency's staff; append-only)")
    def post(self, request, action: int):
        ai = selectors.action_item_get_for_user(user=request.user, id=action)
        data = self.MeetingFollowUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.follow_up_add(actor=request.user, action_item=ai, **data.validated_data)
        return Response(MeetingFollowUpSerializer(row).data, status=status.HTTP_201_CREATED)
