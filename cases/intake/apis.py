"""Complaint API: register, list (work queue), retrieve, record the initial response.

Same services, selectors and validation as the pages. Identity goes in (registration) but never
comes out of these endpoints: responses carry case number and initials only."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
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
    region = serializers.CharField(required=False, allow_blank=True, max_length=4, default="",
                                   help_text="City of residence in DKI Jakarta: 3101, 3171 … 3175")
    kecamatan = serializers.CharField(
        required=False, allow_blank=True, max_length=10, default="",
        help_text="Kecamatan of residence: its Kemendagri code, e.g. 31.74.01 (Tebet); it must lie in "
                  "the city given in region")


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


# --- corrections (cases.intake.corrections) --------------------------------------------------------

def _optional(field_class, **kwargs):
    """A field that is left out of ``validated_data`` when not sent: a correction names only what
    it changes."""
    return field_class(required=False, **kwargs)


class ComplaintChangesSerializer(Input):
    channel = _optional(serializers.ChoiceField, choices=Channel.choices)
    received_at = _optional(serializers.DateTimeField,
                            help_text="Recomputes the due time; a recorded breach stays recorded")
    violence_types = _optional(serializers.ListField,
                               child=serializers.ChoiceField(choices=ViolenceType.choices))
    violence_forms = _optional(serializers.ListField,
                               child=serializers.ChoiceField(choices=ViolenceForm.choices))
    incident_date = _optional(serializers.DateField, allow_null=True)
    incident_place = _optional(serializers.CharField, allow_blank=True, max_length=limits.PLACE)
    incident_region = _optional(serializers.CharField, allow_blank=True, max_length=4)
    chronology = _optional(serializers.CharField, allow_blank=True, max_length=limits.CHRONOLOGY)
    stated_needs = _optional(serializers.ListField, child=serializers.SlugField(max_length=40))
    stated_needs_note = _optional(serializers.CharField, allow_blank=True, max_length=limits.NOTE)
    safe_to_contact = _optional(serializers.BooleanField)
    safe_contact = _optional(serializers.CharField, allow_blank=True, max_length=limits.SAFE_CONTACT)


class VictimChangesSerializer(Input):
    full_name = _optional(serializers.CharField, allow_blank=True, max_length=limits.NAME)
    category = _optional(serializers.ChoiceField, choices=VictimCategory.choices)
    sex = _optional(serializers.ChoiceField, choices=Sex.choices)
    nik = _optional(serializers.CharField, allow_blank=True, max_length=limits.NIK_INPUT)
    phone = _optional(serializers.CharField, allow_blank=True, max_length=limits.PHONE)
    address = _optional(serializers.CharField, allow_blank=True, max_length=limits.ADDRESS)
    date_of_birth = _optional(serializers.DateField, allow_null=True)
    estimated_age = _optional(serializers.IntegerField, allow_null=True, min_value=0, max_value=120)
    disability = _optional(serializers.ChoiceField, choices=DisabilityType.choices)
    region = _optional(serializers.CharField, allow_blank=True, max_length=4)
    kecamatan = _optional(serializers.CharField, allow_blank=True, max_length=10)


class ReporterChangesSerializer(Input):
    is_victim = _optional(serializers.BooleanField)
    full_name = _optional(serializers.CharField, allow_blank=True, max_length=limits.NAME)
    phone = _optional(serializers.CharField, allow_blank=True, max_length=limits.PHONE)
    address = _optional(serializers.CharField, allow_blank=True, max_length=limits.ADDRESS)
    relation = _optional(serializers.CharField, allow_blank=True, max_length=limits.RELATION)


class PerpetratorChangesSerializer(Input):
    full_name = _optional(serializers.CharField, allow_blank=True, max_length=limits.NAME)
    power_relation = _optional(serializers.BooleanField)
    public_official = _optional(serializers.BooleanField)


class RelationsField(serializers.DictField):
    """{id: relation}; the ids are whole numbers (JSON keys are strings)."""

    child = serializers.ChoiceField(choices=PerpetratorRelation.choices)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not all(str(k).isdigit() and len(str(k)) < 10 for k in value):
            raise serializers.ValidationError(_("Kunci harus nomor korban atau terlapor."))
        return {int(k): v for k, v in value.items()}


def _relations_field(help_text: str):
    return RelationsField(required=False, default=dict, help_text=help_text)


class _ReasonInput(Input):
    reason = serializers.CharField(allow_blank=True, max_length=limits.SHORT_REASON,
                                   help_text="Required: why the data is corrected (kept encrypted, never "
                                             "on the timeline)")


class CorrectionInputSerializer(_ReasonInput):
    """Exactly one of ``complaint``, ``victim``, ``reporter``, ``perpetrator``: the fields to change."""

    complaint = ComplaintChangesSerializer(required=False)
    victim = VictimChangesSerializer(required=False)
    victim_id = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                         help_text="With victim: which victim")
    reporter = ReporterChangesSerializer(required=False)
    perpetrator = PerpetratorChangesSerializer(required=False)
    perpetrator_id = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                              help_text="With perpetrator: which perpetrator")
    relations = _relations_field("With perpetrator: {victim id: relation}, a relation per victim")

    def validate(self, attrs):
        given = [k for k in ("complaint", "victim", "reporter", "perpetrator") if k in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Kirim tepat satu dari complaint, victim, reporter atau perpetrator."))
        for kind in ("victim", "perpetrator"):
            if kind in attrs and f"{kind}_id" not in attrs:
                raise serializers.ValidationError({f"{kind}_id": [_("Wajib diisi.")]})
        return attrs


class CorrectionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.CharField()
    target_id = serializers.IntegerField()
    fields = serializers.ListField(child=serializers.CharField(), help_text="Names of the corrected fields")
    corrected_at = serializers.DateTimeField()


def _correctable(request, pk: int, complaint):
    """The complaint, for those who may correct it: 404 when the case is not visible, 403 (the
    refusal) when visible but not theirs to correct — before the body is read."""
    from cases.intake.corrections import CORRECT_NOT_ALLOWED
    from cases.policies import may_correct
    from common.errors import ActionNotAllowed

    c = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
    if not may_correct(request.user, c):
        raise ActionNotAllowed(CORRECT_NOT_ALLOWED)
    return c


class ComplaintCorrectionApi(APIView):
    @extend_schema(request=CorrectionInputSerializer, responses={201: CorrectionOutputSerializer},
                   summary="Correct the complaint, a victim, the reporter or a perpetrator, with a reason "
                           "(receiving agency's head, acting head, admin officers, the assignee)")
    def post(self, request, pk: int, complaint):
        from cases.intake import corrections
        from cases.models import Perpetrator, Victim

        c = _correctable(request, pk, complaint)
        ser = CorrectionInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if "complaint" in d:
            done = corrections.complaint_correct(actor=request.user, complaint=c, changes=d["complaint"],
                                                 reason=d["reason"])
        elif "reporter" in d:
            done = corrections.reporter_correct(actor=request.user, complaint=c, changes=d["reporter"],
                                                reason=d["reason"])
        elif "victim" in d:
            victim = Victim.objects.filter(complaint=c, pk=d["victim_id"]).first()
            if victim is None:
                raise Http404
            done = corrections.victim_correct(actor=request.user, victim=victim, changes=d["victim"],
                                              reason=d["reason"])
        else:
            perpetrator = Perpetrator.objects.filter(complaint=c, pk=d["perpetrator_id"]).first()
            if perpetrator is None:
                raise Http404
            done = corrections.perpetrator_correct(actor=request.user, perpetrator=perpetrator,
                                                   changes=d["perpetrator"], relations=d["relations"],
                                                   reason=d["reason"])
        return Response(CorrectionOutputSerializer(done).data, status=status.HTTP_201_CREATED)


class VictimAddInputSerializer(_ReasonInput):
    victim = VictimInputSerializer()
    relations = _relations_field(
        "{perpetrator id: relation}: what each perpetrator of the complaint is to her")
    consent_by = serializers.ChoiceField(choices=ConsentBy.choices, default=ConsentBy.NONE)
    consent_form = serializers.ChoiceField(choices=CONSENT_FORM_CHOICES, default=ConsentForm.ORAL)


class PerpetratorAddInputSerializer(_ReasonInput):
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=limits.NAME, default="")
    power_relation = serializers.BooleanField(default=False)
    public_official = serializers.BooleanField(default=False)
    relations = _relations_field("{victim id: relation}: what they are to each victim of the complaint")


class PersonAddedSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class ComplaintVictimAddApi(APIView):
    @extend_schema(request=VictimAddInputSerializer, responses={201: PersonAddedSerializer},
                   summary="Add a victim to the complaint, with each perpetrator's relation to her; the "
                           "triage is marked for review")
    def post(self, request, pk: int, complaint):
        from cases.intake import corrections

        c = _correctable(request, pk, complaint)
        ser = VictimAddInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        victim = corrections.victim_add(
            actor=request.user, complaint=c, data=intake.VictimInput(**d["victim"]), relations=d["relations"],
            reason=d["reason"], consent_by=d["consent_by"], consent_form=d["consent_form"])
        return Response({"id": victim.pk}, status=status.HTTP_201_CREATED)


class ComplaintPerpetratorAddApi(APIView):
    @extend_schema(request=PerpetratorAddInputSerializer, responses={201: PersonAddedSerializer},
                   summary="Add a perpetrator to the complaint, with their relation to each victim")
    def post(self, request, pk: int, complaint):
        from cases.intake import corrections

        c = _correctable(request, pk, complaint)
        ser = PerpetratorAddInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        perpetrator = corrections.perpetrator_add(
            actor=request.user, complaint=c, relations=d["relations"], reason=d["reason"],
            data=intake.PerpetratorInput(full_name=d["full_name"], power_relation=d["power_relation"],
                                         public_official=d["public_official"]))
        return Response({"id": perpetrator.pk}, status=status.HTTP_201_CREATED)
