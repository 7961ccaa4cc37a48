from django.urls import path

from digiward.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/people/", views.dashboard_people, name="dashboard_people"),
    path("province/", views.province, name="province"),
]
