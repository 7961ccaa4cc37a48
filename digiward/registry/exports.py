"""The registry as an Excel file (filtered like the journey view), audit-logged."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.audit import audit_record
from digiward.core.dates import day_text, moment_text
from digiward.core.jobs import JobRun
from digiward.core.models import AuditAction
from digiward.core.params import id_from
from digiward.core.xlsx import build_workbook
from digiward.registry.journey import LADDER
from digiward.registry.models import Area
from digiward.registry.selectors import JourneyFilters, filtered_residents


def write_registry_export(run: JobRun) -> None:
    job = run.job
    raw = job.params.get("filters", {})
    area_id = id_from(str(raw.get("area", "")))
    if area_id and not Area.objects.for_commune(job.commune).filter(pk=area_id).exists():
        area_id = None
    filters = JourneyFilters(
        area_id=area_id,
        age_band=raw.get("age_band") or None,
        vulnerability=raw.get("vulnerability") or None,
        poverty_status=raw.get("poverty_status") or None,
    )
    residents = (
        filtered_residents(job.commune, filters)
        .select_related("household", "household__area")
        .order_by("household__code", "pk")
    )
    total = residents.count()
    run.progress(0, total=total, message=_("Writing the registry to Excel"), force=True)
    rung_labels = {0: str(_("No milestone yet"))} | {
        i: str(k.label) for i, k in enumerate(LADDER, start=1)
    }
    rows = (
        (
            r.household.code,
            r.full_name,
            day_text(r.birth_date) if r.birth_date else (r.birth_year or ""),
            r.get_sex_display(),
            r.citizen_id_masked,
            r.get_relation_to_head_display(),
            r.household.get_poverty_status_display(),
            r.household.poverty_year or "",
            r.phone,
            str(r.household.area or ""),
            r.household.address,
            "x" if r.lives_alone else "",
            "x" if r.chronic_illness else "",
            "x" if r.disability else "",
            "x" if r.limited_mobility else "",
            rung_labels.get(r.journey_rung, ""),
            day_text(r.journey_last_on) if r.journey_last_on else "",
        )
        for r in residents.iterator(chunk_size=2000)
    )
    content = build_workbook(
        title=_("Residents"),
        subtitle=f"{job.commune.name} · {moment_text(timezone.localtime())}",
        headers=[
            _("Household code"),
            _("Full name"),
            _("Date of birth"),
            _("Sex"),
            _("Citizen ID"),
            _("Relation to the head"),
            _("Household classification"),
            _("Year certified"),
            _("Phone number"),
            _("Area"),
            _("Address"),
            _("Lives alone"),
            _("Chronic illness"),
            _("Disability"),
            _("Cannot travel easily"),
            _("Digital journey"),
            _("Last progress"),
        ],
        rows=rows,
        widths=[12, 26, 12, 8, 16, 16, 20, 10, 13, 14, 30, 8, 8, 8, 8, 28, 12],
        on_row=lambda n: run.progress(n),
    )
    run.attach_file(
        f"nguoi-dan-{job.commune.code}-{timezone.localtime():%Y%m%d-%H%M}.xlsx", content
    )
    audit_record(
        action=AuditAction.EXPORT,
        commune=job.commune,
        object_type="registry.resident",
        object_repr=_("Registry export (%(count)s residents)") % {"count": total},
        note=str(raw),
    )
    run.result = {"rows": total}
