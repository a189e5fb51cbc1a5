from django.urls import path

from cases import views
from cases.intake import views as intake_views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("pengaduan/baru/", intake_views.complaint_register_view, name="register"),
    path("antrian/", intake_views.complaint_queue_view, name="queue"),
    path("<int:pk>/pengaduan/<uuid:complaint>/respons/", intake_views.initial_response_view,
         name="respond"),
    path("<int:pk>/pengaduan/<uuid:complaint>/batal/", intake_views.complaint_void_view, name="void"),
    path("<int:pk>/pengaduan/<uuid:complaint>/lampiran/", intake_views.attachment_upload_view,
         name="attach"),
    path("<int:pk>/pengaduan/<uuid:complaint>/koreksi/", intake_views.complaint_correct_view,
         name="correct"),
    path("<int:pk>/lampiran/<int:attachment>/", intake_views.attachment_download_view,
         name="attachment"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/identitas/", views.case_reveal, name="reveal"),
    path("<int:pk>/akses/", views.case_grant, name="grant"),
    path("<int:pk>/penugasan/", views.case_assign_view, name="assign"),
    path("<int:pk>/pengaduan/<uuid:complaint>/penugasan/", views.complaint_assign_view,
         name="complaint-assign"),
    path("<int:pk>/akses/<int:grant_id>/cabut/", views.case_revoke, name="revoke"),
    path("<int:pk>/persetujuan/", views.consent_record_view, name="consent-record"),
    path("<int:pk>/persetujuan/<int:consent>/tarik/", views.consent_withdraw_view, name="consent-withdraw"),
]
