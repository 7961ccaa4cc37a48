"""Starting the registry's background jobs: checking and importing a ward list, exporting.

Views call these and redirect to the job's page; the work itself is in `tasks.py`. Each
checks the permission again, so an API or a command calling them is held to the same rule.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.jobs import job_start, jobs_visible_to
from digiward.core.models import Job, JobStatus
from digiward.core.permissions import Perm
from digiward.registry.tasks import export_registry, import_residents, preview_import

PREVIEW_KIND = "registry.import_preview"
IMPORT_KIND = "registry.import"
EXPORT_KIND = "registry.export"
EXPORT_FILTERS = frozenset({"area", "age_band", "vulnerability", "poverty_status"})


def import_preview_start(*, access: Access, upload: UploadedFile[bytes]) -> Job:
    """Keep the uploaded list in private storage and check it in the background."""
    access.require(Perm.IMPORT_REGISTRY)
    name = upload.name or "ds.xlsx"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    stored = default_storage.save(
        f"imports/{access.commune.code}/{stamp}-{get_valid_filename(name)}", upload
    )
    return job_start(
        acting_user=access.user,
        commune=access.commune,
        kind=PREVIEW_KIND,
        title=_("Check of %(name)s") % {"name": name},
        task=preview_import,
        perm=Perm.IMPORT_REGISTRY,
        params={"path": stored, "name": name},
    )


def import_previews_of(access: Access) -> QuerySet[Job]:
    """The checks and imports this user may see: his own, or all for an administrator."""
    return jobs_visible_to(access).filter(kind__in=[PREVIEW_KIND, IMPORT_KIND])


def confirmable_preview(access: Access, job_id: Any) -> Job | None:
    """A finished check this user may confirm, or None (the view answers 404)."""
    preview = import_previews_of(access).filter(pk=job_id, kind=PREVIEW_KIND).first()
    if preview is None or preview.status != JobStatus.SUCCEEDED:
        return None
    return preview


def import_start(*, access: Access, preview: Job, skip_invalid: bool) -> Job:
    """Import the file a finished check read, all-or-nothing or skipping bad rows."""
    access.require(Perm.IMPORT_REGISTRY)
    return job_start(
        acting_user=access.user,
        commune=access.commune,
        kind=IMPORT_KIND,
        title=_("Import of %(name)s") % {"name": preview.params["name"]},
        task=import_residents,
        perm=Perm.IMPORT_REGISTRY,
        params={**preview.params, "skip_invalid": skip_invalid, "preview": str(preview.pk)},
    )


def export_start(*, access: Access, filters: dict[str, str]) -> Job:
    access.require(Perm.EXPORT_REGISTRY)
    return job_start(
        acting_user=access.user,
        commune=access.commune,
        kind=EXPORT_KIND,
        title=_("Registry export"),
        task=export_registry,
        perm=Perm.EXPORT_REGISTRY,
        params={"filters": {k: v for k, v in filters.items() if k in EXPORT_FILTERS and v}},
    )
