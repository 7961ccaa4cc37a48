from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "digiward.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from digiward.core import collation, signals  # noqa: F401  (vi order; sign-in audit)
