from django.urls import path

from common import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("buka/", views.notification_open, name="open"),
    path("tandai-dibaca/", views.notification_mark_read, name="mark-read"),
]
