from django.urls import path

from agencies import apis

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="me"),
    path("agencies/", apis.AgencyListApi.as_view(), name="agency-list"),
]
