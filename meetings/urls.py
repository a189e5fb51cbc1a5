from django.urls import path

from meetings.views import agenda, decisions, delegations, meetings, minutes, presentations, signing

app_name = "meetings"
urlpatterns = [
    path("", meetings.meeting_list, name="list"),
    path("jadwal/", meetings.schedule_edit, name="schedule"),
    path("baru/", meetings.meeting_create, name="create"),
    path("lembaga/", decisions.agency_overview, name="agency"),
    path("pejabat-penandatangan/", delegations.delegations, name="delegations"),
    path("tindak-lanjut/<int:action>/", decisions.follow_up, name="follow-up"),
    path("kasus/<int:pk>/", decisions.case_history, name="case-history"),
    path("<int:meeting>/", meetings.meeting_detail, name="detail"),
    path("<int:meeting>/buka/", meetings.meeting_open, name="open"),
    path("<int:meeting>/kehadiran/", meetings.meeting_attendance, name="attendance"),
    path("<int:meeting>/tutup/", meetings.meeting_close, name="close"),
    path("<int:meeting>/batal/", meetings.meeting_cancel, name="cancel"),
    path("<int:meeting>/jadwal-ulang/", meetings.meeting_reschedule, name="reschedule"),
    path("<int:meeting>/penyaringan/", agenda.screening, name="screening"),
    path("<int:meeting>/agenda/", agenda.agenda, name="agenda"),
    path("<int:meeting>/agenda/tambah/", agenda.agenda_add, name="agenda-add"),
    path("<int:meeting>/agenda/<int:item>/", presentations.item_detail, name="item"),
    path("<int:meeting>/agenda/<int:item>/geser/", agenda.agenda_move, name="agenda-move"),
    path("<int:meeting>/agenda/<int:item>/tunda/", agenda.agenda_defer, name="agenda-defer"),
    path("<int:meeting>/agenda/<int:item>/paparan/", presentations.presentation, name="presentation"),
    path("<int:meeting>/agenda/<int:item>/paparan-lisan/", presentations.oral_presentation,
         name="oral-presentation"),
    path("<int:meeting>/agenda/<int:item>/asesmen/", presentations.item_assessment, name="assessment"),
    path("<int:meeting>/agenda/<int:item>/keputusan/", decisions.item_decision, name="decision"),
    path("<int:meeting>/agenda/<int:item>/tindak-lanjut/", decisions.item_action, name="action-add"),
    path("<int:meeting>/notula/", minutes.minutes, name="minutes"),
    path("<int:meeting>/notula/tandatangan/", signing.minutes_sign_view, name="sign"),
    path("<int:meeting>/notula.pdf", signing.minutes_pdf, name="minutes-pdf"),
    path("<int:meeting>/addendum/", signing.addendum_create_view, name="addendum"),
    path("notula-bertanda-tangan/", signing.signed_minutes_list, name="signed-list"),
]
