"""Operations endpoints, mounted at the site root (config/urls.py), next to /healthz."""

from django.urls import path

from digiward.ops.views import readyz

app_name = "ops"
urlpatterns = [
    path("readyz", readyz, name="readyz"),
]
