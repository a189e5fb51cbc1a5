from django.urls import path

from cases import apis

urlpatterns = [
    path("cases/", apis.CaseListApi.as_view(), name="case-list"),
    path("cases/<int:pk>/", apis.CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<int:pk>/reveal/", apis.CaseRevealApi.as_view(), name="case-reveal"),
]
