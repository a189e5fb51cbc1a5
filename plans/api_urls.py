from django.urls import path

from plans import apis

urlpatterns = [
    path("cases/<int:pk>/plan/", apis.PlanDetailApi.as_view(), name="plan-detail"),
    path("cases/<int:pk>/plan/conferences/", apis.PlanConferenceApi.as_view(), name="plan-conference"),
    path("cases/<int:pk>/plan/items/", apis.PlanItemAddApi.as_view(), name="plan-item-add"),
    path("cases/<int:pk>/plan/items/remove/", apis.PlanItemRemoveApi.as_view(), name="plan-item-remove"),
    path("cases/<int:pk>/plan/items/status/", apis.PlanItemStatusApi.as_view(), name="plan-item-status"),
    path("cases/<int:pk>/plan/approve/", apis.PlanApproveApi.as_view(), name="plan-approve"),
]
