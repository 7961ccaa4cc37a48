from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running DigiWard: readiness, heartbeats of scheduled commands, backup and restore."""

    name = "digiward.ops"
    label = "ops"
    verbose_name = _("Operations")
