"""Keep the daily counts of help sessions in step, whoever writes a session: the desk's
services, the demo seeder, a test. Bulk writes around the ORM (bench, fast_insert) call
`summaries.rebuild` themselves."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from digiward.guidance.models import HelpSession
from digiward.guidance.summaries import recount_day

# A fixture or a restore loads rows as they were (`raw`), the daily counts with them: a
# recount then would count twice. Every recount runs in the database that was written.


@receiver(pre_save, sender=HelpSession)
def _remember_the_old_day(
    sender: Any, instance: HelpSession, raw: bool = False, using: str = "default", **kwargs: Any
) -> None:
    if instance.pk is not None and not raw:
        old = HelpSession.objects.using(using).filter(pk=instance.pk)
        instance._summary_before = old.values_list("commune_id", "helped_on").first()  # type: ignore[attr-defined]


@receiver(post_save, sender=HelpSession)
def _recount_after_save(
    sender: Any, instance: HelpSession, raw: bool = False, using: str = "default", **kwargs: Any
) -> None:
    if raw:
        return
    recount_day(instance.commune_id, instance.helped_on, using=using)
    before = getattr(instance, "_summary_before", None)
    if before is not None and before != (instance.commune_id, instance.helped_on):
        recount_day(*before, using=using)


@receiver(post_delete, sender=HelpSession)
def _recount_after_delete(
    sender: Any, instance: HelpSession, using: str = "default", **kwargs: Any
) -> None:
    recount_day(instance.commune_id, instance.helped_on, using=using)
