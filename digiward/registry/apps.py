from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "digiward.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # The registry's sections of a person's data (export, anonymisation, retention).
        from digiward.registry.privacy import sections  # noqa: F401
