from django.urls import path

from triage import apis

urlpatterns = [
    path("cases/<int:pk>/triage/", apis.TriageDetailApi.as_view(), name="triage-detail"),
    path("cases/<int:pk>/triage/record/", apis.TriageRecordApi.as_view(), name="triage-record"),
    path("cases/<int:pk>/triage/override/", apis.TriageOverrideApi.as_view(), name="triage-override"),
    path("cases/<int:pk>/emergency/refer/", apis.EmergencyReferApi.as_view(), name="emergency-refer"),
]
