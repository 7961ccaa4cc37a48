from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Citizens' pages: no sign-in, built for old eyes and cheap phones."""

    name = "digiward.public"
    label = "public"
    verbose_name = _("Public pages")
