"""Excel files of the donations app: the list for the review meeting, the sponsor report."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.audit import audit_record
from digiward.core.dates import day_text, moment_text
from digiward.core.jobs import JobFailure, JobRun
from digiward.core.models import AuditAction
from digiward.core.xlsx import build_workbook
from digiward.donations import wording
from digiward.donations.models import Campaign, EntryStatus
from digiward.donations.ranking import UNKNOWN_BIRTH_YEAR
from digiward.donations.selectors import SponsorReport, list_entries


def write_list_export(run: JobRun) -> None:
    """The priority list as the review meeting reads it: position, household, reasons."""
    job = run.job
    campaign = Campaign.objects.filter(pk=job.params["campaign_id"], commune=job.commune).first()
    if campaign is None:
        raise JobFailure(_("This campaign no longer exists."))
    rules = campaign.ranking_rules
    entries = list_entries(campaign)
    total = entries.count()
    run.progress(0, total=total, message=_("Writing the list to Excel"), force=True)
    status_labels = dict(EntryStatus.choices)
    rows = (
        (
            e.position or "+",
            e.household.code,
            e.household.head.full_name if e.household.head else "",
            e.household.address,
            e.group if e.group < 9 else "",
            e.score,
            wording.reasons_text(e.flags, e.poverty_year, rules),
            "" if e.oldest_birth_year == UNKNOWN_BIRTH_YEAR else e.oldest_birth_year,
            e.draw,
            str(status_labels[e.status]),
            e.note,
        )
        for e in entries.iterator(chunk_size=2000)
    )
    content = build_workbook(
        title=_("Priority list"),
        subtitle=_(
            "%(campaign)s · %(commune)s · printed %(when)s · draw seed %(seed)s · order: group, "
            "score, oldest member, draw"
        )
        % {
            "campaign": campaign.name,
            "commune": job.commune.name,
            "when": moment_text(timezone.localtime()),
            "seed": campaign.draw_seed,
        },
        headers=[
            _("Position"),
            _("Household code"),
            _("Head of household"),
            _("Address"),
            _("Priority group"),
            _("Score"),
            _("Reasons"),
            _("Oldest member born"),
            _("Draw"),
            _("Status"),
            _("Note"),
        ],
        rows=rows,
        widths=[9, 12, 24, 32, 9, 8, 60, 12, 18, 16, 30],
        on_row=lambda n: run.progress(n),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    run.attach_file(f"danh-sach-uu-tien-{campaign.pk}-{stamp}.xlsx", content)
    audit_record(
        action=AuditAction.EXPORT,
        commune=job.commune,
        obj=campaign,
        object_repr=_("Priority list of %(campaign)s (%(count)s rows)")
        % {"campaign": campaign.name, "count": total},
    )
    run.result = {"rows": total}


def sponsor_report_xlsx(report: SponsorReport) -> bytes:
    campaign = report.campaign
    rows: list[list[object]] = []
    for kind in report.kinds:
        rows.append([_("Pledged"), kind.label, kind.pledged, kind.pledged_vnd])
        rows.append([_("Received"), kind.label, kind.received, kind.received_vnd])
        rows.append([_("Handed over"), kind.label, kind.handed_over, kind.handed_over_vnd])
    rows.append([_("Households that received"), "", report.households, ""])
    rows.append(
        [
            _("In use after %(days)s days") % {"days": report.first_days},
            _("of %(n)s checked") % {"n": report.first_done},
            report.first_in_use,
            "",
        ]
    )
    rows.append(
        [
            _("In use after %(days)s days") % {"days": report.second_days},
            _("of %(n)s checked") % {"n": report.second_done},
            report.second_in_use,
            "",
        ]
    )
    few = _("fewer than 5")
    for milestone in report.milestones_shown:  # small counts hidden (core.disclosure)
        since = few if milestone.since_handover is None else milestone.since_handover
        rows.append(
            [
                _("Recipients who reached"),
                milestone.label,
                few if milestone.recipients is None else milestone.recipients,
                _("%(n)s since the handover") % {"n": since},
            ]
        )
    for story in report.stories:
        rows.append(
            [
                _("Recipient (agreed to be named)"),
                f"{story.name} · {story.area}",
                day_text(story.handed_on),
                ", ".join(story.milestones),
            ]
        )
    return build_workbook(
        title=_("Sponsor report"),
        subtitle=f"{campaign.name} · {campaign.commune.name} · {moment_text(timezone.localtime())}",
        headers=[_("What"), _("Detail"), _("Number"), _("Value (VND) / note")],
        rows=rows,
        widths=[34, 40, 12, 36],
    )
