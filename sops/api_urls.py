from django.urls import path

from sops import apis

urlpatterns = [
    path("cases/<int:pk>/sop-runs/", apis.SopRunListApi.as_view(), name="sop-run-list"),
    path("cases/<int:pk>/sop-runs/<int:run>/", apis.SopRunDetailApi.as_view(), name="sop-run-detail"),
    path("cases/<int:pk>/sop-runs/<int:run>/steps/", apis.SopRunStepApi.as_view(), name="sop-run-step"),
    path("cases/<int:pk>/sop-steps/", apis.SopStepRecordApi.as_view(), name="sop-step-record"),
]
