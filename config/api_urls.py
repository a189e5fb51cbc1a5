from django.urls import include, path

app_name = "api"
urlpatterns = [
    path("", include("agencies.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("triage.api_urls")),
    path("", include("sops.api_urls")),
    path("", include("plans.api_urls")),
]
