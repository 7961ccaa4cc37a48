from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "digiward.guidance"
    label = "guidance"
    verbose_name = _("Guidance team")

    def ready(self) -> None:
        # What this app holds about a person, for export, anonymisation and retention.
        from digiward.guidance import signals  # noqa: F401  (the daily counts follow sessions)
        from digiward.guidance.privacy import register

        register()
