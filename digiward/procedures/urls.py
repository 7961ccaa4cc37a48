from django.urls import path

from digiward.procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("<int:pk>/", views.procedure_detail, name="detail"),
    path("new/", views.procedure_form, name="procedure_add"),
    path("<int:pk>/edit/", views.procedure_form, name="procedure_edit"),
    path("guides/<slug:slug>/edit/", views.guide_edit, name="guide_edit"),
    path("guides/<slug:slug>/picture/", views.guide_picture, name="guide_picture"),
    path("pictures/<int:pk>.jpg", views.guide_picture_file, name="picture_file"),
    path("guides/<slug:slug>/versions/", views.guide_versions, name="guide_versions"),
]
