"""Case API: the same selectors, policies and services as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from cases import consent as consents
from cases import selectors, services
from cases.intake.forms import CONSENT_FORM_CHOICES
from cases.models import (
    LEGAL_BASES,
    AccessLevel,
    CaseStatus,
    ConsentForm,
    ConsentGiver,
    ConsentPurpose,
    ConsentScope,
    ViolenceType,
)
from cases.policies import can_manage_consent, can_manage_grants, may_assign_on_case
from cases.registered import registered_sections
from common import limits
from common.api import BoundedListPagination, Input, query_input
from common.audit import access_log_record
from common.errors import ActionNotAllowed
from common.models import AccessAction


class CaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    initials = serializers.CharField()
    status = serializers.CharField()
    violence_types = serializers.ListField(child=serializers.CharField())
    is_emergency = serializers.BooleanField()
    awaiting_formal_decision = serializers.BooleanField()
    receiving_agency = serializers.CharField(source="receiving_agency.code")
    opened_at = serializers.DateTimeField()
    access_level = serializers.SerializerMethodField()

    def get_access_level(self, obj) -> str:
        return AccessLevel(obj.access_level).name.lower()


class RegisteredReporterSerializer(serializers.Serializer):
    is_victim = serializers.BooleanField()
    full_name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    relation = serializers.CharField()


class RegisteredSerializer(serializers.Serializer):
    """What was registered, by the caller's level (docs/access.md "What was registered"). Labels
    (Indonesian, from the model choices), never codes. ``service`` is null below the service level;
    ``full`` (chronology, place, names, NIK, phones, addresses, date of birth, reporter) is null on
    ``GET /api/cases/{id}/``: it is given only by the logged reveal
    ``POST /api/cases/{id}/reveal/registered/`` (as the page's "Tampilkan identitas")."""

    class SummarySerializer(serializers.Serializer):
        class ConsentBasisSerializer(serializers.Serializer):
            victim = serializers.CharField(help_text="The victim's initials")
            purpose = serializers.CharField()
            given_by = serializers.CharField()
            withdrawn = serializers.BooleanField()

        class ComplaintSummarySerializer(serializers.Serializer):
            id = serializers.CharField(help_text="The complaint's public id")
            violence_types = serializers.ListField(child=serializers.CharField())
            violence_forms = serializers.ListField(child=serializers.CharField())
            incident_month = serializers.CharField(help_text="Month and year only, e.g. \"Maret 2026\"")
            stated_needs = serializers.ListField(child=serializers.CharField())
            safe_to_contact = serializers.BooleanField()

        not_safe_to_contact = serializers.BooleanField(
            help_text="True when any complaint says the victim is not safe to contact")
        consent_basis = ConsentBasisSerializer(many=True)
        complaints = ComplaintSummarySerializer(many=True)

    class ServiceSerializer(serializers.Serializer):
        class ComplaintServiceSerializer(serializers.Serializer):
            id = serializers.CharField()
            safe_contact = serializers.CharField(help_text="The safe way and time to contact the victim")
            perpetrator_relations = serializers.ListField(
                child=serializers.CharField(), help_text="Relations to the victim, never names")

        class VictimServiceSerializer(serializers.Serializer):
            initials = serializers.CharField()
            age_band = serializers.CharField()
            disability = serializers.CharField()

        complaints = ComplaintServiceSerializer(many=True)
        victims = VictimServiceSerializer(many=True)

    class FullSerializer(serializers.Serializer):
        class ComplaintFullSerializer(serializers.Serializer):
            id = serializers.CharField()
            chronology = serializers.CharField()
            incident_place = serializers.CharField()
            perpetrator_names = serializers.ListField(child=serializers.CharField())
            reporter = RegisteredReporterSerializer(allow_null=True)

        class VictimFullSerializer(serializers.Serializer):
            initials = serializers.CharField()
            full_name = serializers.CharField()
            nik = serializers.CharField()
            phone = serializers.CharField()
            address = serializers.CharField()
            date_of_birth = serializers.CharField()

        complaints = ComplaintFullSerializer(many=True)
        victims = VictimFullSerializer(many=True)

    level = serializers.SerializerMethodField()
    summary = SummarySerializer()
    service = ServiceSerializer(allow_null=True)
    full = FullSerializer(allow_null=True, help_text="Null on GET /api/cases/{id}/; given by the logged "
                                                     "POST /api/cases/{id}/reveal/registered/")

    def get_level(self, obj) -> str:
        return AccessLevel(obj["level"]).name.lower()


class CaseDetailOutputSerializer(CaseOutputSerializer):
    registered = RegisteredSerializer()


class CaseListFilterInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False, allow_blank=True)
    number = serializers.CharField(required=False, max_length=20,
                                   help_text="Case number, whole (PPA-2026-000123 or 2026-123) or its start")
    violence_type = serializers.ChoiceField(choices=ViolenceType.choices, required=False, allow_blank=True)
    emergency = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema_view(get=extend_schema(parameters=[CaseListFilterInput]))
class CaseListApi(generics.ListAPIView):
    """Cases visible to the caller, newest first (paginated; limit/offset; ``count`` stops at 1,001
    and ``offset`` at 1,000: narrow with ``number`` and the filters)."""

    serializer_class = CaseOutputSerializer
    pagination_class = BoundedListPagination

    def get_queryset(self):
        filters = query_input(CaseListFilterInput, self.request)
        return selectors.case_list(user=self.request.user, status=filters.get("status") or None,
                                   number=filters.get("number", ""),
                                   violence_type=filters.get("violence_type", ""),
                                   emergency=filters.get("emergency"))


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseDetailOutputSerializer,
                   summary="One case with what was registered, by level (404 when missing or not yours)")
    def get(self, request, pk: int):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=case,
                          case=case, level=AccessLevel(case.access_level).name.lower())
        case.registered = registered_sections(case=case, level=case.access_level, revealed=False,
                                              consents=consents.case_consents(case=case))
        return Response(CaseDetailOutputSerializer(case).data)


class CaseRevealApi(APIView):
    class RevealInputSerializer(Input):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=limits.REVEAL_REASON)

    class VictimIdentitySerializer(serializers.Serializer):
        id = serializers.IntegerField()
        category = serializers.CharField()
        initials = serializers.CharField()
        full_name = serializers.CharField()
        nik = serializers.CharField()
        phone = serializers.CharField()
        address = serializers.CharField()

    @extend_schema(request=RevealInputSerializer, responses=VictimIdentitySerializer(many=True),
                   summary="Reveal victim identity (logged; a reason is required below full access)")
    def post(self, request, pk: int):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        data = self.RevealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        victims = services.identity_reveal(actor=request.user, case=case,
                                           reason=data.validated_data.get("reason", ""),
                                           request=request)
        return Response(self.VictimIdentitySerializer(victims, many=True).data)


class CaseRevealRegisteredApi(APIView):
    """What was registered with its full section: the same rule, log and timeline as the reveal."""

    @extend_schema(request=CaseRevealApi.RevealInputSerializer, responses=RegisteredSerializer,
                   summary="What was registered, with identity (logged; reason required below full)")
    def post(self, request, pk: int):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        data = CaseRevealApi.RevealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.identity_reveal(actor=request.user, case=case,
                                 reason=data.validated_data.get("reason", ""), request=request)
        return Response(RegisteredSerializer(registered_sections(
            case=case, level=case.access_level, revealed=True,
            consents=consents.case_consents(case=case))).data)


# --- assignment ------------------------------------------------------------------------------------

class AssignmentInputSerializer(Input):
    assignee = serializers.CharField(max_length=150, help_text=(
        "Username of a case-work officer of the receiving agency (not a system administrator, a Tim "
        "Percepatan position or a ministry viewer)"))


def assignee_from(request):
    """The named officer, checked for form first; an unknown username is refused like one from
    another agency (the service says who may be assigned)."""
    from agencies.models import User

    data = AssignmentInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    assignee = User.objects.filter(username=data.validated_data["assignee"]).first()
    if assignee is None:
        raise serializers.ValidationError({"assignee": [str(services.ASSIGNEE_NOT_CASE_WORK)]})
    return assignee


class AssignmentOutputSerializer(serializers.Serializer):
    assignee = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.display_name")
    role = serializers.CharField()
    assigned_at = serializers.DateTimeField()


class CaseAssignmentApi(APIView):
    @extend_schema(request=AssignmentInputSerializer, responses={200: AssignmentOutputSerializer},
                   summary="Assign or reassign the case's officer (head, acting head, admin officer); "
                           "the previous officer's assignment ends")
    def post(self, request, pk: int):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        if not may_assign_on_case(request.user, case):
            raise ActionNotAllowed(services.ASSIGN_NOT_ALLOWED)
        assignment = services.case_officer_assign(actor=request.user, case=case,
                                                  assignee=assignee_from(request))
        return Response(AssignmentOutputSerializer(assignment).data)


# --- consent ---------------------------------------------------------------------------------------

class ConsentOutputSerializer(serializers.Serializer):
    """The consent basis (summary level): never a name. ``giver_relation`` from service level."""

    class VictimRefSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        initials = serializers.CharField()
        category = serializers.CharField()

    id = serializers.IntegerField()
    victim = VictimRefSerializer()
    purpose = serializers.CharField()
    given_by = serializers.CharField()
    giver_relation = serializers.SerializerMethodField()
    scope = serializers.CharField()
    agencies = serializers.SerializerMethodField()
    form = serializers.CharField()
    given_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    withdrawn = serializers.BooleanField(source="is_withdrawn")
    withdrawn_at = serializers.DateTimeField(allow_null=True)

    def get_giver_relation(self, obj) -> str | None:
        return obj.giver_relation if self.context.get("level", 0) >= AccessLevel.SERVICE else None

    def get_agencies(self, obj) -> list[str]:
        return [a.code for a in getattr(obj, "agencies", [])]


class CaseConsentListApi(APIView):
    class RecordInputSerializer(Input):
        victim = serializers.IntegerField(help_text="Victim id (from this list or the reveal)")
        purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
        given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
        giver_relation = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
        giver_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
        scope = serializers.ChoiceField(choices=ConsentScope.choices, default=ConsentScope.PROGRAMME)
        agencies = serializers.ListField(child=serializers.SlugField(), required=False, default=list,
                                         help_text="Agency codes, for scope named_agencies")
        form = serializers.ChoiceField(choices=CONSENT_FORM_CHOICES, default=ConsentForm.ORAL)
        given_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses=ConsentOutputSerializer(many=True),
                   summary="The victims' consents on a case (basis only; 404 when missing or not yours)")
    def get(self, request, pk: int):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        return Response(ConsentOutputSerializer(consents.case_consents(case=case), many=True,
                                                context={"level": case.access_level}).data)

    @extend_schema(request=RecordInputSerializer, responses={201: ConsentOutputSerializer},
                   summary="Record a victim's consent (receiving agency's staff with full access)")
    def post(self, request, pk: int):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        if not can_manage_consent(request.user, case):
            raise ActionNotAllowed(consents.CONSENT_NOT_ALLOWED)
        ser = self.RecordInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        victim = case.victims.filter(pk=d["victim"]).first()
        if victim is None:
            raise serializers.ValidationError({"victim": [consents.CONSENT_VICTIM_UNKNOWN]})
        agencies = list(Agency.objects.filter(code__in=d["agencies"], is_active=True))
        if len(agencies) != len(set(d["agencies"])):
            raise serializers.ValidationError({"agencies": [consents.CONSENT_AGENCY_UNKNOWN]})
        record = consents.consent_record(
            actor=request.user, victim=victim, purpose=d["purpose"], given_by=d["given_by"],
            scope=d["scope"], agencies=agencies, form=d["form"], given_at=d["given_at"],
            giver_relation=d["giver_relation"], giver_name=d["giver_name"])
        [out] = [c for c in consents.case_consents(case=case) if c.pk == record.pk]
        return Response(ConsentOutputSerializer(out, context={"level": case.access_level}).data,
                        status=status.HTTP_201_CREATED)


class CaseConsentWithdrawApi(APIView):
    class WithdrawInputSerializer(Input):
        note = serializers.CharField(max_length=500, help_text="How and when the consent was withdrawn")

    @extend_schema(request=WithdrawInputSerializer, responses=ConsentOutputSerializer,
                   summary="Withdraw a consent from now on (receiving agency's staff with full access)")
    def post(self, request, pk: int, consent: int):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        if not can_manage_consent(request.user, case):
            raise ActionNotAllowed(consents.CONSENT_NOT_ALLOWED)
        record = consents.consent_get_for_case(case=case, id=consent)
        ser = self.WithdrawInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        consents.consent_withdraw(actor=request.user, consent=record, note=ser.validated_data["note"])
        [out] = [c for c in consents.case_consents(case=case) if c.pk == record.pk]
        return Response(ConsentOutputSerializer(out, context={"level": case.access_level}).data)


# --- grants to other agencies ----------------------------------------------------------------------

LEVELS_BY_NAME = {lv.name.lower(): lv for lv in (AccessLevel.SUMMARY, AccessLevel.SERVICE, AccessLevel.FULL)}
GRANT_CONFIRM_REQUIRED = _("Periksa lalu kirim lagi dengan confirm=true: %(what)s")


class GrantOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.CharField(source="group.agency.code")
    agency_name = serializers.CharField(source="group.agency.name")
    level = serializers.SerializerMethodField()
    source = serializers.CharField()
    reason = serializers.CharField()
    basis = serializers.CharField(help_text="consent, protection_of_life, investigation_request; "
                                            "empty below full")
    basis_label = serializers.CharField(source="get_basis_display")
    granted_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_level(self, obj) -> str:
        return AccessLevel(obj.level).name.lower()


class CaseGrantListApi(APIView):
    class GrantInputSerializer(Input):
        agency = serializers.SlugField(help_text="Agency code")
        level = serializers.ChoiceField(choices=list(LEVELS_BY_NAME))
        reason = serializers.CharField(required=False, allow_blank=True, default="",
                                       max_length=limits.SHORT_REASON,
                                       help_text="Why; required for full")
        legal_basis = serializers.ChoiceField(
            choices=[b.value for b in LEGAL_BASES], required=False, allow_blank=True, default="",
            help_text="The head's legal basis for full when no consent covers the agency")
        expires_at = serializers.DateTimeField(
            required=False, allow_null=True, default=None,
            help_text="Default for full: now + IDENTITY_GRANT_DAYS; below full: until revoked")
        confirm = serializers.BooleanField(
            required=False, default=False,
            help_text="false (default): nothing is saved, 400 {confirm: [what would be shared]}; "
                      "true: save")

    def _case(self, request, pk):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        if not can_manage_grants(request.user, case):
            raise ActionNotAllowed(services.GRANT_NOT_ALLOWED)
        return case

    @extend_schema(responses=GrantOutputSerializer(many=True),
                   summary="The case's grants to other agencies, with reason, basis and expiry "
                           "(head or acting head of the receiving agency)")
    def get(self, request, pk: int):
        case = self._case(request, pk)
        return Response(GrantOutputSerializer(selectors.case_grants(case=case), many=True).data)

    @extend_schema(request=GrantInputSerializer, responses={201: GrantOutputSerializer},
                   summary="Grant another agency access; full needs a reason and a consent covering "
                           "the agency or a legal basis, and confirm=true after reading what is shared")
    def post(self, request, pk: int):
        case = self._case(request, pk)
        ser = self.GrantInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        agency = Agency.objects.filter(code=d["agency"], is_active=True).exclude(kind="ministry").first()
        if agency is None:
            raise serializers.ValidationError({"agency": [consents.CONSENT_AGENCY_UNKNOWN]})
        args = {"actor": request.user, "case": case, "agency": agency, "level": LEVELS_BY_NAME[d["level"]],
                "expires_at": d["expires_at"], "reason": d["reason"], "legal_basis": d["legal_basis"]}
        plan = services.case_grant_plan(**args)
        if not d["confirm"]:
            what = GRANT_CONFIRM_REQUIRED % {"what": plan.confirmation}
            raise serializers.ValidationError({"confirm": [what]})
        grant = services.case_grant_access(**{**args, "expires_at": plan.expires_at})
        return Response(GrantOutputSerializer(selectors.case_grants(case=case).get(pk=grant.pk)).data,
                        status=status.HTTP_201_CREATED)
