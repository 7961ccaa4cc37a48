from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "digiward.donations"
    label = "donations"
    verbose_name = _("Device donations")

    def ready(self) -> None:
        # What this app holds about a person, for export, anonymisation and retention.
        from digiward.donations.privacy import register

        register()
