from django.urls import path

from digiward.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("province/", views.province, name="province"),
]
