from django.urls import path

from digiward.homecare.views import planning, requests, setup, visits

app_name = "homecare"

urlpatterns = [
    # Requests and deadlines
    path("", requests.request_list, name="request_list"),
    path("new/", requests.request_create, name="request_create"),
    path("deadlines/", requests.deadline_list, name="deadlines"),
    path("<int:pk>/", requests.request_detail, name="request_detail"),
    path("<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path("<int:pk>/registry/", requests.request_link, name="request_link"),
    path("<int:pk>/eligibility/", requests.request_eligibility, name="request_eligibility"),
    path("<int:pk>/decide/<slug:action>/", requests.request_decide, name="request_decide"),
    path("<int:pk>/book/", requests.request_book, name="request_book"),
    path("<int:pk>/checklist/", requests.request_checklist, name="request_checklist"),
    # Day plans and routes
    path("plans/", planning.plan_today, name="plan_today"),
    path("plans/<str:day>/", planning.plan_detail, name="plan_detail"),
    path("plans/<str:day>/run/", planning.plan_run, name="plan_run"),
    path("plans/<str:day>/officers/<int:officer_id>/", planning.route_sheet, name="route_sheet"),
    path(
        "plans/<str:day>/officers/<int:officer_id>/route.pdf", planning.route_pdf, name="route_pdf"
    ),
    path("plans/<str:day>/officers/<int:officer_id>/lock/", planning.route_lock, name="route_lock"),
    path("visits/<int:pk>/move/", planning.visit_move, name="visit_move"),
    path("visits/<int:pk>/reorder/", planning.visit_reorder, name="visit_reorder"),
    path("visits/<int:pk>/unschedule/", planning.visit_unschedule, name="visit_unschedule"),
    # At the home
    path("my-visits/", visits.my_visit_list, name="my_visits"),
    path("going-along/", visits.companion_visit_list, name="companion_visits"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/arrive/", visits.visit_arrive, name="visit_arrive"),
    path("visits/<int:pk>/leave/", visits.visit_leave, name="visit_leave"),
    path("visits/<int:pk>/authorization/", visits.visit_authorization, name="visit_authorization"),
    path("visits/<int:pk>/photos/", visits.visit_photo_add, name="visit_photo_add"),
    path("photos/<int:pk>/", visits.photo_view, name="photo_view"),
    path("authorizations/", visits.authorization_list, name="authorization_list"),
    # Set-up
    path("officers/", setup.officer_list, name="officer_list"),
    path("officers/<int:pk>/", setup.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/leave/", setup.leave_add, name="leave_add"),
    path("leave/<int:pk>/remove/", setup.leave_remove, name="leave_remove"),
    path("settings/", setup.settings_edit, name="settings"),
    path("procedures/", setup.procedure_list, name="procedure_list"),
    path("procedures/<int:procedure_id>/", setup.procedure_edit, name="procedure_edit"),
]
