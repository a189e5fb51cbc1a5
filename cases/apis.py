"""Case API: the same selectors, policies and services as the pages."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.models import AccessLevel, CaseStatus
from common import limits
from common.api import Input, query_input
from common.audit import access_log_record
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


class CaseListFilterInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False, allow_blank=True)


@extend_schema_view(get=extend_schema(parameters=[CaseListFilterInput]))
class CaseListApi(generics.ListAPIView):
    """Cases visible to the caller (paginated; limit/offset)."""

    serializer_class = CaseOutputSerializer

    def get_queryset(self):
        filters = query_input(CaseListFilterInput, self.request)
        return selectors.case_list(user=self.request.user, status=filters.get("status") or None)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseOutputSerializer, summary="One case (404 when missing or not yours)")
    def get(self, request, pk: int):
        case = selectors.case_get_for_user(user=request.user, id=pk)
        access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=case,
                          case=case, level=AccessLevel(case.access_level).name.lower())
        return Response(CaseOutputSerializer(case).data)


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
