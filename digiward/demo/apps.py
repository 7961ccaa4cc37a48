from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data: a realistic Phường Ninh Kiều. Imports every app; nothing imports it."""

    name = "digiward.demo"
    label = "demo"
    verbose_name = _("Demo data")
