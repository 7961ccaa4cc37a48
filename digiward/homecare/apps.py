from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomecareConfig(AppConfig):
    name = "digiward.homecare"
    label = "homecare"
    verbose_name = _("Home support")

    def ready(self) -> None:
        # What this app holds about a person, for export, anonymisation and retention.
        from digiward.homecare.privacy import register

        register()
