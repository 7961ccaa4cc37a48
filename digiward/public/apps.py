from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Citizens' pages: no sign-in, built for old eyes and cheap phones."""

    name = "digiward.public"
    label = "public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        # The public pages' cache is keyed by a content stamp (page_cache.py): a worker
        # that saves what those pages show re-reads it at once; the others within seconds.
        from django.db.models.signals import post_delete, post_save

        from digiward.core.models import CommuneSettings
        from digiward.procedures.models import CommuneProcedureNote
        from digiward.public.page_cache import content_changed
        from digiward.registry.models import Area

        for model in (CommuneSettings, CommuneProcedureNote, Area):
            post_save.connect(
                content_changed, sender=model, dispatch_uid=f"public-{model.__name__}"
            )
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"public-del-{model.__name__}"
            )
