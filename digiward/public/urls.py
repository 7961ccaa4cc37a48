from django.urls import path

from digiward.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("huong-dan/", views.guide_search, name="search"),
    path("huong-dan/<slug:slug>/", views.guide_detail, name="guide"),
    path("huong-dan/<slug:slug>/the.pdf", views.guide_card, name="guide_card"),
    path("huong-dan/anh/<int:pk>.jpg", views.guide_picture, name="guide_picture"),
    path("nho-ho-tro/", views.help_at_home, name="help_at_home"),
    path("nho-ho-tro/da-gui/", views.help_done, name="help_done"),
    path("tra-cuu/", views.status_lookup, name="status"),
    path("so-lieu/", views.figures, name="figures"),
    path("ngon-ngu/<str:code>/", views.set_language, name="set_language"),
]
