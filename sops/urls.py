from django.urls import path

from sops import views

# Included under kasus/<int:pk>/sop/ (config/urls.py): the SOP runs of one case.
app_name = "sops"
urlpatterns = [
    path("", views.case_runs, name="case-runs"),
    path("mulai/", views.run_start, name="run-start"),
    path("<int:run>/", views.run_detail, name="run"),
    path("<int:run>/langkah/", views.run_step, name="run-step"),
]
