from django.urls import path

from digiward.guidance.views import desk, roster, team

app_name = "guidance"

urlpatterns = [
    path("", roster.home, name="home"),
    # Roster
    path("roster/", roster.roster_current, name="roster"),
    path("roster/<int:year>/<int:month>/", roster.roster_month, name="roster_month"),
    path("roster/generate/", roster.roster_generate, name="roster_generate"),
    path("roster/<int:pk>/publish/", roster.roster_publish, name="roster_publish"),
    path("shifts/<int:pk>/", roster.shift_detail, name="shift_detail"),
    path("shifts/<int:pk>/add/", roster.assignment_add, name="assignment_add"),
    path("seats/<int:pk>/remove/", roster.assignment_remove, name="assignment_remove"),
    path("seats/<int:pk>/attendance/", roster.attendance_set, name="attendance_set"),
    path("seats/<int:pk>/swap/", roster.swap_request, name="swap_request"),
    path("my-shifts/", roster.my_shifts, name="my_shifts"),
    path("swaps/", roster.swap_list, name="swap_list"),
    path("swaps/<int:pk>/accept/", roster.swap_accept, name="swap_accept"),
    path("swaps/<int:pk>/cancel/", roster.swap_cancel, name="swap_cancel"),
    path("swaps/<int:pk>/decide/", roster.swap_decide, name="swap_decide"),
    # Team and opening hours
    path("team/", team.team, name="team"),
    path("team/add/", team.member_add, name="member_add"),
    path("team/<int:pk>/", team.member_detail, name="member_detail"),
    path("team/<int:pk>/absences/", team.absence_add, name="absence_add"),
    path("absences/<int:pk>/remove/", team.absence_remove, name="absence_remove"),
    path("hours/", team.slot_list, name="slot_list"),
    path("hours/new/", team.slot_edit, name="slot_add"),
    path("hours/defaults/", team.slot_defaults, name="slot_defaults"),
    path("hours/<int:pk>/", team.slot_edit, name="slot_edit"),
    # Help sessions
    path("log/", desk.session_log, name="session_log"),
    path("log/residents/", desk.session_residents, name="session_residents"),
    path("log/procedures/", desk.session_procedures, name="session_procedures"),
    path("sessions/", desk.session_list, name="session_list"),
    path("sessions/<int:pk>/link/", desk.session_link, name="session_link"),
    # Desk queue
    path("queue/", desk.queue, name="queue"),
    path("queue/take/", desk.ticket_take, name="ticket_take"),
    path("queue/next/", desk.queue_call_next, name="queue_call_next"),
    path("queue/screen/", desk.queue_screen, name="queue_screen"),
    path("queue/tickets/<int:pk>/", desk.ticket_print, name="ticket_print"),
    path("queue/tickets/<int:pk>/close/", desk.ticket_close, name="ticket_close"),
    path("queue/tickets/<int:pk>/requeue/", desk.ticket_requeue, name="ticket_requeue"),
]
