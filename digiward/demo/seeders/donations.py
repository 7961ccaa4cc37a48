"""The demo ward's device-donation campaign, as in the article.

"Ninh Kieu Ward … coordinated with a bank to donate 14 smartphones to poor households and
1 particularly disadvantaged household … worth VND 2,357,000, … an additional SIM card."

One bank, 15 phones at 2.357.000 ₫ and 15 SIM cards, ranked, reviewed, locked, handed
over at one ceremony, with the 7-day follow-ups done and some of the 30-day ones. Every
step goes through the donations services, as an officer would do it. Deterministic
(fixed numbers, fixed draw seed, fixed dates relative to the demo's today) and
idempotent: if the campaign exists, nothing is done.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from digiward.core.access import Access
from digiward.core.models import Commune, Membership, Role, User
from digiward.donations import services
from digiward.donations.identifiers import luhn_check_digit
from digiward.donations.models import (
    Campaign,
    CampaignStatus,
    ChangeAction,
    EntryStatus,
    FollowUp,
    ItemKind,
    PhoneUse,
    PriorityEntry,
    Sponsor,
    SponsorKind,
)
from digiward.donations.ranking import DEFAULT_WEIGHTS, Rules
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Household, Milestone, PovertyStatus, ResidentStatus

SPONSOR_NAME = "Ngân hàng Nông nghiệp Chi nhánh Ninh Kiều"
CAMPAIGN_NAME = "Tặng điện thoại thông minh cho hộ nghèo năm 2026"
PHONE_MODEL = "Samsung Galaxy A06 (4GB/64GB)"
PHONE_VALUE = 2_357_000
PHONES = 15
# Viettel numbers 0868 1xx xxx (valid mobile numbers per libphonenumber).
SIM_PREFIX = "0868"


def demo_imei(n: int) -> str:
    """A well-formed IMEI: a Samsung-like type allocation code, a serial, the Luhn digit."""
    body = f"35{2099_00:06d}{17_6140 + n:06d}"
    return body + luhn_check_digit(body)


def _officer(commune: Commune) -> User:
    user = User.objects.filter(username="canbo").first()
    if user is None:
        membership = (
            Membership.objects.filter(commune=commune, role__in=[Role.OFFICER, Role.COMMUNE_ADMIN])
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is None:
            raise RuntimeError("seed_donations needs an officer: run seed_users first")
        user = membership.user
    return user


@transaction.atomic
def seed_donations(*, commune: Commune, today: date) -> str:
    if Campaign.objects.filter(commune=commune, name=CAMPAIGN_NAME).exists():
        return f"{CAMPAIGN_NAME}: already there, nothing changed."
    access = Access(user=_officer(commune), commune=commune, roles=frozenset({Role.OFFICER}))
    sponsor = Sponsor.objects.filter(commune=commune, name=SPONSOR_NAME).first()
    if sponsor is None:
        sponsor = services.sponsor_save(
            access=access,
            sponsor=Sponsor(
                name=SPONSOR_NAME,
                kind=SponsorKind.BANK,
                representative="Trần Quốc Việt",
                representative_title="Phó Giám đốc chi nhánh",
                phone="02923812345",
                address="Đường Trần Hưng Đạo, phường Ninh Kiều, thành phố Cần Thơ",
            ),
        )
    ceremony = today - timedelta(days=47)  # 15/9/2026 for the demo's 1/11/2026
    campaign = services.campaign_save(
        access=access,
        campaign=Campaign(
            name=CAMPAIGN_NAME,
            description=(
                "Phường phối hợp với ngân hàng tặng điện thoại thông minh kèm thẻ SIM cho hộ "
                "nghèo và hộ đặc biệt khó khăn, kèm hướng dẫn sử dụng."
            ),
            starts_on=ceremony - timedelta(days=30),
            ends_on=ceremony + timedelta(days=60),
            budget_vnd=PHONES * PHONE_VALUE,
            handover_place="Trung tâm Phục vụ hành chính công phường Ninh Kiều",
            ward_representative="Nguyễn Thị Thu Hà",
            ward_representative_title="Phó Chủ tịch UBND phường",
            draw_seed=int(commune.code) * 1_000_003,
            # As in the article, every poor household may receive; those where nobody has
            # a smartphone yet come first within their group (a heavy weight, not a bar).
            rules=Rules(
                require_no_smartphone=False,
                weights={**DEFAULT_WEIGHTS, "no_smartphone": 40},
            ).to_json(),
        ),
        sponsors=[sponsor],
    )
    for kind, value, text in (
        (ItemKind.PHONE, PHONE_VALUE, PHONE_MODEL),
        (ItemKind.SIM, 0, "SIM Viettel kèm gói data 6 tháng"),
    ):
        services.pledge_add(
            access=access,
            campaign=campaign,
            sponsor=sponsor,
            kind=kind,
            quantity=PHONES,
            unit_value_vnd=value,
            description=text,
        )
    services.campaign_transition(access=access, campaign=campaign, target=CampaignStatus.OPEN)
    received = ceremony - timedelta(days=10)
    phones = [
        services.NewItem(
            kind=ItemKind.PHONE,
            name=PHONE_MODEL,
            value_vnd=PHONE_VALUE,
            received_on=received,
            imei=demo_imei(n),
            sponsor_id=sponsor.pk,
        )
        for n in range(PHONES)
    ]
    sims = [
        services.NewItem(
            kind=ItemKind.SIM,
            name="SIM Viettel",
            value_vnd=0,
            received_on=received,
            sim_number=f"{SIM_PREFIX}{120_301 + 7 * n:06d}",
            data_package="Gói data 3GB/ngày",
            free_months=6,
            sponsor_id=sponsor.pk,
        )
        for n in range(PHONES)
    ]
    services.items_receive(access=access, campaign=campaign, items=phones + sims)

    # A family of a person with merit among the poor households: Circular 14's first group.
    merit = (
        Household.objects.for_commune(commune)
        .filter(poverty_status=PovertyStatus.POOR)
        .order_by("code")
        .first()
    )
    if merit is not None:
        services.household_policy_save(
            access=access,
            household=merit,
            merit_family=True,
            social_policy_family=False,
            basis="Danh sách gia đình người có công phường Ninh Kiều, cập nhật 2026",
        )
    services.ranking_run(
        campaign=campaign, acting_user=access.user, reference=ceremony - timedelta(days=7)
    )
    listed = list(
        PriorityEntry.objects.filter(campaign=campaign, status=EntryStatus.LISTED).select_related(
            "household"
        )
    )
    if len(listed) > PHONES:
        # The review meeting's decision, kept with the list.
        services.list_change(
            access=access,
            campaign=campaign,
            household=listed[2].household,
            action=ChangeAction.REMOVE,
            reason="Hộ đã được một doanh nghiệp khác tặng điện thoại tháng 8/2026 (họp xét duyệt ngày 05/9/2026).",
        )
    services.campaign_transition(
        access=access, campaign=campaign, target=CampaignStatus.LIST_LOCKED
    )

    entries = list(
        PriorityEntry.objects.filter(campaign=campaign)
        .exclude(status=EntryStatus.REMOVED)
        .select_related("household")[:PHONES]
    )
    free_phones = list(campaign.items.filter(kind=ItemKind.PHONE).order_by("pk"))
    free_sims = list(campaign.items.filter(kind=ItemKind.SIM).order_by("pk"))
    handovers = []
    for index, entry in enumerate(entries):
        members = list(
            entry.household.residents.filter(status=ResidentStatus.ACTIVE).order_by(
                "birth_year", "pk"
            )
        )
        adults = [m for m in members if m.birth_year and m.birth_year <= today.year - 18]
        with_phone = set(
            Milestone.objects.filter(
                resident__in=members, kind=MilestoneKind.HAS_SMARTPHONE
            ).values_list("resident_id", flat=True)
        )
        # Not always the head: the oldest adult without a smartphone (often a grandmother).
        candidates = [m for m in adults if m.pk not in with_phone] or adults or members
        recipient = candidates[0]
        allocations = services.allocation_create(
            access=access,
            campaign=campaign,
            household=entry.household,
            recipient=recipient,
            items=[free_phones[index], free_sims[index]],
        )
        handovers.append(
            services.handover_record(
                access=access,
                campaign=campaign,
                allocations=allocations,
                details=services.HandoverDetails(
                    handed_on=ceremony,
                    vneid_installed=True,
                    vneid_level1=index % 3 != 2,
                    large_font=True,
                    relative_number_saved=index % 5 != 4,
                    scam_warning=True,
                    sim_in_own_name=True,
                    confirmed=True,
                    confirmed_by="" if index % 6 else "Con gái ký thay (mẹ không biết chữ)",
                    consent_to_share=index % 3 == 0,
                ),
            )
        )
    if handovers:
        services.campaign_transition(
            access=access, campaign=campaign, target=CampaignStatus.FOLLOW_UP
        )
    follow_ups_done = 0
    for index, handover in enumerate(handovers):
        for follow_up in FollowUp.objects.filter(handover=handover).order_by("days_after"):
            later = follow_up.days_after == campaign.second_follow_up_days
            if later and index >= 10:
                continue  # still to do: the list shows them overdue
            use = PhoneUse.IN_USE
            if later and index == 7:
                use = PhoneUse.NOT_USED
            elif index == 4:
                use = PhoneUse.RARELY
            steps: list[str] = []
            if later and index % 2 == 0:
                steps = [MilestoneKind.FIRST_ONLINE_SERVICE.value]
            elif not later and index % 3 == 2:
                steps = [MilestoneKind.VNEID_LEVEL1.value]
            services.follow_up_record(
                access=access,
                follow_up=follow_up,
                reached=True,
                phone_use=use,
                milestones=steps,
                done_on=min(follow_up.due_on, today),
                note="",
            )
            follow_ups_done += 1
    viewer = User.objects.filter(username="nhataitro").first()
    if (
        viewer is not None
        and Membership.objects.filter(
            user=viewer, commune=commune, role=Role.SPONSOR_VIEWER
        ).exists()
    ):
        services.sponsor_contact_link(access=access, sponsor=sponsor, user=viewer)
    return (
        f"{CAMPAIGN_NAME}: {len(listed)} households ranked, {len(handovers)} handed over "
        f"({len(handovers)} phones, {len(handovers)} SIM cards), {follow_ups_done} follow-ups done."
    )
