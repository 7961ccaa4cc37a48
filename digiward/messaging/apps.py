from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "digiward.messaging"
    label = "messaging"
    verbose_name = _("Zalo and SMS messages")

    def ready(self) -> None:
        # Core must not import this app: it calls what we register (receipt fallback, stale
        # rows) at the end of every `deliver_outbox` run.
        from digiward.core.outbox import register_sweep
        from digiward.messaging.services import messaging_sweep

        register_sweep(messaging_sweep)
