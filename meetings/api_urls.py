from django.urls import path

from meetings import apis

urlpatterns = [
    path("meetings/", apis.MeetingListApi.as_view(), name="meeting-list"),
    path("meetings/<int:meeting>/", apis.MeetingDetailApi.as_view(), name="meeting-detail"),
    path("meetings/<int:meeting>/screening/", apis.MeetingScreeningApi.as_view(), name="meeting-screening"),
    path("meetings/<int:meeting>/agenda/", apis.MeetingAgendaApi.as_view(), name="meeting-agenda"),
    path("meetings/<int:meeting>/agenda/<int:item>/presentation/", apis.MeetingPresentationApi.as_view(),
         name="meeting-presentation"),
    path("meetings/<int:meeting>/agenda/<int:item>/assessment/", apis.MeetingAssessmentApi.as_view(),
         name="meeting-assessment"),
    path("meetings/<int:meeting>/agenda/<int:item>/action-items/", apis.MeetingActionItemApi.as_view(),
         name="meeting-action-items"),
    path("meetings/<int:meeting>/decisions/", apis.MeetingDecisionApi.as_view(), name="meeting-decisions"),
    path("action-items/", apis.MeetingActionItemListApi.as_view(), name="action-item-list"),
    path("action-items/<int:action>/follow-ups/", apis.MeetingFollowUpApi.as_view(),
         name="action-item-follow-up"),
]
