from django.urls import path

from digiward.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/people/", views.dashboard_people, name="dashboard_people"),
    path("dashboard/monthly-report/", views.monthly_report, name="monthly_report"),
    path("province/", views.province, name="province"),
]
