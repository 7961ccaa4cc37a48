from django.urls import path

from digiward.registry.views import imports, journey, people, privacy, settings

app_name = "registry"

urlpatterns = [
    path("", people.registry_home, name="home"),
    path("households/", people.household_list, name="household_list"),
    path("households/new/", people.household_edit, name="household_add"),
    path("households/<int:pk>/", people.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", people.household_edit, name="household_edit"),
    path("residents/new/", people.resident_edit, name="resident_add"),
    path("residents/validate/", people.resident_validate, name="resident_validate"),
    path("residents/<int:pk>/", people.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/edit/", people.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/status/", people.resident_status, name="resident_status"),
    path("residents/<int:pk>/citizen-id/", people.citizen_id_reveal, name="citizen_id_reveal"),
    path("residents/<int:pk>/milestones/", people.milestone_add, name="milestone_add"),
    path(
        "residents/<int:pk>/milestones/<int:milestone_id>/remove/",
        people.milestone_remove,
        name="milestone_remove",
    ),
    path("residents/<int:pk>/export/", privacy.resident_export, name="resident_export"),
    path("residents/<int:pk>/anonymise/", privacy.resident_anonymise, name="resident_anonymise"),
    path("journey/", journey.journey, name="journey"),
    path("settings/", settings.registry_settings, name="settings"),
    path("import/", imports.import_upload, name="import"),
    path("import/<uuid:job_id>/confirm/", imports.import_confirm, name="import_confirm"),
    path("export/", imports.export, name="export"),
]
