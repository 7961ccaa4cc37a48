"""PDFs of the donations app: the handover minutes (biên bản bàn giao) and the sponsor report.

The minutes are an official Vietnamese document, so they are always in Vietnamese,
whatever the screen's language, in the layout of Decree 30/2020/NĐ-CP on administrative
documents: the issuing body top left, the national motto top right, place and date,
the title, the parties, the item table, the total in figures and in words, signatures.
WeasyPrint renders them with the vendored Be Vietnam Pro font (complete Vietnamese glyphs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from digiward.core.documents import date_words, in_sentence, pdf_fonts, place_name
from digiward.donations import ranking
from digiward.donations.models import Allocation, Campaign, Handover, ItemKind, PriorityEntry
from digiward.donations.selectors import SponsorReport
from digiward.donations.wording import vnd_figures, vnd_in_words
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Relation, Sex

KIND_WORDS = {ItemKind.PHONE: "Điện thoại thông minh", ItemKind.SIM: "Thẻ SIM", ItemKind.OTHER: ""}
UNIT_WORDS = {ItemKind.PHONE: "Chiếc", ItemKind.SIM: "Cái", ItemKind.OTHER: "Cái"}
CONDITION_WORDS = {"new": "Mới 100%", "good": "Tốt", "damaged": "Hư hỏng", "not_working": "Hỏng"}


@dataclass
class ItemLine:
    number: int
    description: str
    short: str  # one line, for the ceremony's table
    identity: str
    unit: str
    condition: str
    value: str
    value_vnd: int


def item_lines(allocations: Sequence[Allocation]) -> list[ItemLine]:
    lines = []
    for number, allocation in enumerate(allocations, start=1):
        item = allocation.item
        kind_word = KIND_WORDS[ItemKind(item.kind)]
        if item.kind == ItemKind.SIM and item.name.lower().startswith("sim"):
            kind_word = "Thẻ"  # "Thẻ SIM Viettel", not "Thẻ SIM SIM Viettel"
        description = " ".join(p for p in (kind_word, item.name) if p)
        if item.kind == ItemKind.SIM:
            extras = [] if item.carrier.lower() in item.name.lower() else [item.carrier]
            extras.append(item.data_package)
            if item.free_months:
                extras.append(f"miễn phí {item.free_months} tháng")
            extras = [e for e in extras if e]
            description += f" ({', '.join(extras)})" if extras else ""
        identity = (
            f"IMEI {item.imei}"
            if item.imei
            else (f"Số {item.sim_number}" if item.sim_number else "")
        )
        lines.append(
            ItemLine(
                number=number,
                description=description,
                short=item.name,
                identity=identity,
                unit=UNIT_WORDS[ItemKind(item.kind)],
                condition=CONDITION_WORDS.get(item.condition, ""),
                value=vnd_figures(item.value_vnd),
                value_vnd=item.value_vnd,
            )
        )
    return lines


def status_vi(flags: int, year: int | None) -> str:
    """The household's status as the minutes write it (always Vietnamese)."""
    suffix = f" {year}" if year else ""
    if flags & ranking.POOR_STATUS:
        words = "Hộ nghèo" + suffix
    elif flags & ranking.NEAR_POOR_STATUS:
        words = "Hộ cận nghèo" + suffix
    elif flags & ranking.PARTICULARLY_DISADVANTAGED:
        return "Hộ đặc biệt khó khăn"
    else:
        return ""
    if flags & ranking.PARTICULARLY_DISADVANTAGED:
        words += ", hộ đặc biệt khó khăn"
    if flags & ranking.MERIT_FAMILY:
        words += ", gia đình người có công"
    elif flags & ranking.SOCIAL_POLICY_FAMILY:
        words += ", gia đình chính sách xã hội"
    return words


def _is_head(handover: Handover) -> bool:
    """The recipient heads the household (by the household's head, else by the relation)."""
    head_id = handover.household.head_id
    if head_id is not None:
        return head_id == handover.recipient_id
    return handover.recipient.relation_to_head == Relation.HEAD


def _title_of(resident_sex: str) -> str:
    return "Bà" if resident_sex == Sex.FEMALE else "Ông"


def _header(campaign: Campaign, day: date) -> dict[str, object]:
    commune = campaign.commune
    sponsors = list(campaign.sponsors.all())
    return {
        "campaign": campaign,
        "commune_upper": commune.name.upper(),
        "commune_name": in_sentence(commune.name),
        "place_date": f"{place_name(commune.name)}, {date_words(day)}",
        "day_words": date_words(day),
        "sponsors": sponsors,
        **pdf_fonts(),
    }


def _render(template: str, context: dict[str, object]) -> bytes:
    with translation.override("vi"):
        html = render_to_string(template, context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def handover_minutes_pdf(handover: Handover, *, citizen_id: str) -> bytes:
    """One recipient's minutes: parties, items with IMEI and SIM number, total in words.

    `citizen_id`: as `services.minutes_citizen_ids` gives it (full and audited, or masked)."""
    allocations = list(handover.allocations.select_related("item").order_by("kind", "pk"))
    lines = item_lines(allocations)
    total = sum(line.value_vnd for line in lines)
    entry = PriorityEntry.objects.filter(
        campaign=handover.campaign, household=handover.household
    ).first()
    status = status_vi(entry.flags, entry.poverty_year) if entry is not None else ""
    recipient = handover.recipient
    context = {
        **_header(handover.campaign, handover.handed_on),
        "handover": handover,
        "recipient": recipient,
        "recipient_title": _title_of(recipient.sex),
        "citizen_id": citizen_id,
        "is_head": _is_head(handover),
        "head": handover.household.head,
        "household": handover.household,
        "household_status": status,
        "lines": lines,
        "total": vnd_figures(total),
        "total_words": vnd_in_words(total),
        "checklist": [
            ("Cài đặt ứng dụng VNeID từ kho ứng dụng chính thức", handover.vneid_installed),
            ("Đăng ký tài khoản định danh điện tử mức 1", handover.vneid_level1),
            ("Bật chế độ chữ to", handover.large_font),
            ("Lưu số điện thoại người thân", handover.relative_number_saved),
            (
                "Hướng dẫn phòng tránh lừa đảo (không đọc mã OTP cho bất kỳ ai)",
                handover.scam_warning,
            ),
            ("Đăng ký thuê bao SIM chính chủ", handover.sim_in_own_name),
        ],
    }
    return _render("donations/pdf/handover_minutes.html", context)


@dataclass
class CeremonyLine:
    number: int
    handover: Handover
    recipient_title: str
    citizen_id: str
    is_head: bool
    items: list[ItemLine]
    value_vnd: int
    value: str


def ceremony_minutes_pdf(campaign: Campaign, day: date, *, citizen_ids: Mapping[int, str]) -> bytes:
    """One set of minutes for a whole ceremony: every recipient of that day signs a line.

    `citizen_ids`: recipient id → number, as `services.minutes_citizen_ids` gives them."""
    handovers = list(
        Handover.objects.filter(campaign=campaign, handed_on=day)
        .select_related("recipient", "household", "household__area", "household__head")
        .prefetch_related("allocations__item")
        .order_by("number")
    )
    lines = []
    for number, handover in enumerate(handovers, start=1):
        items = item_lines(sorted(handover.allocations.all(), key=lambda a: (a.kind, a.pk)))
        lines.append(
            CeremonyLine(
                number=number,
                handover=handover,
                recipient_title=_title_of(handover.recipient.sex),
                citizen_id=citizen_ids.get(handover.recipient_id, ""),
                is_head=_is_head(handover),
                items=items,
                value_vnd=sum(i.value_vnd for i in items),
                value=vnd_figures(sum(i.value_vnd for i in items)),
            )
        )
    total = sum(line.value_vnd for line in lines)
    kinds = list(dict.fromkeys(item.description for line in lines for item in line.items))
    context = {
        **_header(campaign, day),
        "lines": lines,
        "kinds": kinds,
        "place": handovers[0].place if handovers else campaign.handover_place,
        "total": vnd_figures(total),
        "total_words": vnd_in_words(total),
        "count": len(lines),
    }
    return _render("donations/pdf/ceremony_minutes.html", context)


def sponsor_report_pdf(report: SponsorReport, *, printed_on: date) -> bytes:
    """The sponsor's report on paper (Vietnamese): aggregates, names only with consent."""
    with translation.override("vi"):
        milestone_labels = {kind.value: str(kind.label) for kind in MilestoneKind}
    context = {
        **_header(report.campaign, printed_on),
        "report": report,
        "kind_words": {
            "phone": "Điện thoại thông minh",
            "sim": "Thẻ SIM",
            "other": "Vật phẩm khác",
        },
        "milestone_labels": milestone_labels,
        "pledged_words": vnd_in_words(report.pledged_vnd),
        "handed_over_words": vnd_in_words(report.handed_over_vnd),
    }
    return _render("donations/pdf/sponsor_report.html", context)
