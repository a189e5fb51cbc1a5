from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/identitas/", views.case_reveal, name="reveal"),
    path("<int:pk>/akses/", views.case_grant, name="grant"),
    path("<int:pk>/akses/<int:grant_id>/cabut/", views.case_revoke, name="revoke"),
]
