from django.urls import path

from digiward.homecare import views

app_name = "homecare"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
]
