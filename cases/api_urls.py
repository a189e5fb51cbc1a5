from django.urls import path

from cases import apis
from cases.intake import apis as intake_apis

urlpatterns = [
    path("cases/", apis.CaseListApi.as_view(), name="case-list"),
    path("cases/<int:pk>/", apis.CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<int:pk>/assignment/", apis.CaseAssignmentApi.as_view(), name="case-assignment"),
    path("cases/<int:pk>/reveal/", apis.CaseRevealApi.as_view(), name="case-reveal"),
    path("cases/<int:pk>/reveal/registered/", apis.CaseRevealRegisteredApi.as_view(),
         name="case-reveal-registered"),
    path("cases/<int:pk>/grants/", apis.CaseGrantListApi.as_view(), name="case-grant-list"),
    path("cases/<int:pk>/consents/", apis.CaseConsentListApi.as_view(), name="case-consent-list"),
    path("cases/<int:pk>/consents/<int:consent>/withdraw/", apis.CaseConsentWithdrawApi.as_view(),
         name="case-consent-withdraw"),
    path("complaints/", intake_apis.ComplaintListApi.as_view(), name="complaint-list"),
    path("cases/<int:pk>/complaints/<uuid:complaint>/", intake_apis.ComplaintDetailApi.as_view(),
         name="complaint-detail"),
    path("cases/<int:pk>/complaints/<uuid:complaint>/assignment/",
         intake_apis.ComplaintAssignmentApi.as_view(), name="complaint-assignment"),
    path("cases/<int:pk>/complaints/<uuid:complaint>/corrections/",
         intake_apis.ComplaintCorrectionApi.as_view(), name="complaint-correct"),
    path("cases/<int:pk>/complaints/<uuid:complaint>/victims/", intake_apis.ComplaintVictimAddApi.as_view(),
         name="complaint-victim-add"),
    path("cases/<int:pk>/complaints/<uuid:complaint>/perpetrators/",
         intake_apis.ComplaintPerpetratorAddApi.as_view(), name="complaint-perpetrator-add"),
    path("cases/<int:pk>/complaints/<uuid:complaint>/responses/", intake_apis.InitialResponseApi.as_view(),
         name="complaint-respond"),
]
