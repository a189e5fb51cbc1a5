from django.urls import path

from meetings import sign_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("jadwal/", views.schedule_edit, name="schedule"),
    path("baru/", views.meeting_create, name="create"),
    path("lembaga/", views.agency_overview, name="agency"),
    path("tindak-lanjut/<int:action>/", views.follow_up, name="follow-up"),
    path("kasus/<int:pk>/", views.case_history, name="case-history"),
    path("<int:meeting>/", views.meeting_detail, name="detail"),
    path("<int:meeting>/buka/", views.meeting_open, name="open"),
    path("<int:meeting>/kehadiran/", views.meeting_attendance, name="attendance"),
    path("<int:meeting>/tutup/", views.meeting_close, name="close"),
    path("<int:meeting>/batal/", views.meeting_cancel, name="cancel"),
    path("<int:meeting>/jadwal-ulang/", views.meeting_reschedule, name="reschedule"),
    path("<int:meeting>/penyaringan/", views.screening, name="screening"),
    path("<int:meeting>/agenda/", views.agenda, name="agenda"),
    path("<int:meeting>/agenda/tambah/", views.agenda_add, name="agenda-add"),
    path("<int:meeting>/agenda/<int:item>/", views.item_detail, name="item"),
    path("<int:meeting>/agenda/<int:item>/geser/", views.agenda_move, name="agenda-move"),
    path("<int:meeting>/agenda/<int:item>/tunda/", views.agenda_defer, name="agenda-defer"),
    path("<int:meeting>/agenda/<int:item>/paparan/", views.presentation, name="presentation"),
    path("<int:meeting>/agenda/<int:item>/asesmen/", views.item_assessment, name="assessment"),
    path("<int:meeting>/agenda/<int:item>/keputusan/", views.item_decision, name="decision"),
    path("<int:meeting>/agenda/<int:item>/tindak-lanjut/", views.item_action, name="action-add"),
    path("<int:meeting>/notula/", views.minutes, name="minutes"),
    path("<int:meeting>/notula/tandatangan/", sign_views.minutes_sign_view, name="sign"),
    path("<int:meeting>/notula.pdf", sign_views.minutes_pdf, name="minutes-pdf"),
    path("<int:meeting>/addendum/", sign_views.addendum_create_view, name="addendum"),
    path("notula-bertanda-tangan/", sign_views.signed_minutes_list, name="signed-list"),
]
