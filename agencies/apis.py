from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.selectors import agency_list, user_context


class MeApi(APIView):
    class MeOutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        full_name = serializers.CharField()
        roles = serializers.ListField(child=serializers.CharField())
        agencies = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses=MeOutputSerializer, summary="The signed-in user and their active roles")
    def get(self, request):
        ctx = user_context(request.user)
        data = {
            "username": request.user.username,
            "full_name": request.user.display_name,
            "roles": sorted(ctx.roles),
            "agencies": sorted({m.agency.code for m in ctx.memberships}),
        }
        return Response(self.MeOutputSerializer(data).data)


class AgencyListApi(APIView):
    class AgencyOutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        kind = serializers.CharField()
        institution = serializers.CharField()
        region = serializers.CharField()
        receives_complaints = serializers.BooleanField()
        services = serializers.SerializerMethodField()

        def get_services(self, obj) -> list[str]:
            return [s.code for s in obj.services.all()]

    @extend_schema(responses=AgencyOutputSerializer(many=True),
                   summary="Agencies and the services they offer")
    def get(self, request):
        return Response(self.AgencyOutputSerializer(agency_list(), many=True).data)
