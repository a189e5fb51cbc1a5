from django.urls import path

from triage import views

app_name = "triage"
urlpatterns = [
    path("darurat/", views.emergency_list, name="emergency-list"),
    path("<int:pk>/", views.triage_detail, name="detail"),
    path("<int:pk>/catat/", views.triage_record, name="record"),
    path("<int:pk>/risiko/", views.triage_override, name="override"),
    path("<int:pk>/rujuk-darurat/", views.emergency_refer, name="refer"),
    path("<int:pk>/perpanjang-darurat/", views.emergency_extend, name="extend"),
    path("<int:pk>/langkah-sop/", views.sop_step, name="sop-step"),
]
