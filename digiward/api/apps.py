from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The programmatic door: /api/v1/ with per-user tokens, same rules as the pages."""

    name = "digiward.api"
    label = "api"
    verbose_name = _("API")
