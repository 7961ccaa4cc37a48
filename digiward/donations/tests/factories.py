"""Building campaigns for tests the way officers do: through the services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from digiward.core.access import Access
from digiward.core.models import Commune, Role, User
from digiward.donations import services
from digiward.donations.identifiers import luhn_check_digit
from digiward.donations.models import (
    Allocation,
    Campaign,
    CampaignStatus,
    Handover,
    Item,
    ItemKind,
    PhoneUse,
    Sponsor,
)
from digiward.registry.models import Household, PovertyStatus, Relation, Resident
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory


def imei(n: int) -> str:
    body = f"35209900{n:06d}"
    return body + luhn_check_digit(body)


def sim(n: int) -> str:
    return f"0868{100_000 + n:06d}"


def access_for(user: User, commune: Commune, role: Role = Role.OFFICER) -> Access:
    return Access(user=user, commune=commune, roles=frozenset({role}))


def poor_household(commune: Commune, code: str, *, birth_year: int = 1950, **fields) -> Household:
    household = HouseholdFactory(
        commune=commune,
        code=code,
        poverty_status=fields.pop("poverty_status", PovertyStatus.POOR),
        poverty_year=fields.pop("poverty_year", 2026),
        **fields,
    )
    head = ResidentFactory(
        commune=commune, household=household, relation_to_head=Relation.HEAD, birth_year=birth_year
    )
    household.head = head
    household.save()
    return household


@dataclass
class Scenario:
    access: Access
    campaign: Campaign
    sponsor: Sponsor
    households: list[Household]
    phones: list[Item] = field(default_factory=list)
    sims: list[Item] = field(default_factory=list)

    def head(self, index: int) -> Resident:
        head = self.households[index].head
        assert head is not None
        return head

    def refresh(self) -> Campaign:
        self.campaign.refresh_from_db()
        return self.campaign

    def allocate(
        self, index: int, items: Sequence[Item], *, recipient: Resident | None = None
    ) -> list[Allocation]:
        """Give `items` to the index-th household: to its head, or to `recipient`."""
        return services.allocation_create(
            access=self.access,
            campaign=self.campaign,
            household=self.households[index],
            recipient=recipient or self.head(index),
            items=items,
        )


def scenario(
    commune: Commune,
    user: User,
    *,
    households: int = 3,
    phones: int = 2,
    sims: int = 2,
    lock: bool = True,
    phones_per_household: int = 1,
    first_imei: int = 1,
) -> Scenario:
    access = access_for(user, commune)
    sponsor = services.sponsor_save(
        access=access, sponsor=Sponsor(name=f"Ngân hàng Thử {first_imei}", kind="bank")
    )
    today = timezone.localdate()
    campaign = services.campaign_save(
        access=access,
        campaign=Campaign(
            name=f"Đợt tặng thử {first_imei}",
            starts_on=today - timedelta(days=60),
            phones_per_household=phones_per_household,
            draw_seed=42,
        ),
        sponsors=[sponsor],
    )
    services.pledge_add(
        access=access,
        campaign=campaign,
        sponsor=sponsor,
        kind=ItemKind.PHONE,
        quantity=max(phones, 1),
        unit_value_vnd=2_357_000,
    )
    services.campaign_transition(access=access, campaign=campaign, target=CampaignStatus.OPEN)
    received = today - timedelta(days=50)
    new = [
        services.NewItem(
            kind=ItemKind.PHONE,
            name="Samsung Galaxy A06",
            value_vnd=2_357_000,
            received_on=received,
            imei=imei(first_imei + n),
        )
        for n in range(phones)
    ] + [
        services.NewItem(
            kind=ItemKind.SIM,
            name="SIM Viettel",
            value_vnd=0,
            received_on=received,
            sim_number=sim(first_imei + n),
            data_package="3GB/ngày",
            free_months=6,
        )
        for n in range(sims)
    ]
    items = services.items_receive(access=access, campaign=campaign, items=new) if new else []
    homes = [poor_household(commune, f"T{first_imei:03d}{n:02d}") for n in range(households)]
    services.ranking_run(campaign=campaign, acting_user=user)
    if lock:
        services.campaign_transition(
            access=access, campaign=campaign, target=CampaignStatus.LIST_LOCKED
        )
    campaign.refresh_from_db()
    return Scenario(
        access=access,
        campaign=campaign,
        sponsor=sponsor,
        households=homes,
        phones=[i for i in items if i.kind == ItemKind.PHONE],
        sims=[i for i in items if i.kind == ItemKind.SIM],
    )


def new_phone(n: int, **fields: Any) -> services.NewItem:
    """A phone as typed on the receiving form: the n-th test IMEI unless `imei` is given."""
    return services.NewItem(
        kind=ItemKind.PHONE,
        name="Samsung Galaxy A06",
        value_vnd=2_357_000,
        received_on=timezone.localdate(),
        imei=fields.pop("imei", imei(n)),
        **fields,
    )


def new_sim(number: str, **fields: Any) -> services.NewItem:
    return services.NewItem(
        kind=ItemKind.SIM,
        name="SIM",
        value_vnd=0,
        received_on=timezone.localdate(),
        sim_number=number,
        **fields,
    )


def draft(commune: Commune, user: User) -> tuple[Access, Sponsor, Campaign]:
    """A draft campaign with one sponsor and nothing else."""
    access = access_for(user, commune)
    sponsor = services.sponsor_save(access=access, sponsor=Sponsor(name="Ngân hàng A", kind="bank"))
    campaign = services.campaign_save(
        access=access,
        campaign=Campaign(name="Đợt 1", starts_on=timezone.localdate() - timedelta(days=10)),
        sponsors=[sponsor],
    )
    return access, sponsor, campaign


def open_campaign(commune: Commune, user: User) -> tuple[Access, Campaign]:
    """An open campaign with a pledge of two phones, no items yet."""
    access, sponsor, campaign = draft(commune, user)
    services.pledge_add(
        access=access,
        campaign=campaign,
        sponsor=sponsor,
        kind="phone",
        quantity=2,
        unit_value_vnd=1,
    )
    services.campaign_transition(access=access, campaign=campaign, target=CampaignStatus.OPEN)
    return access, campaign


def follow_ups_done(access: Access, handover: Handover, note: str = "") -> None:
    """Every check of this handover made today: the recipient reached, the phone in use."""
    for follow_up in handover.follow_ups.all():
        services.follow_up_record(
            access=access,
            follow_up=follow_up,
            reached=True,
            phone_use=PhoneUse.IN_USE,
            milestones=[],
            done_on=timezone.localdate(),
            note=note,
        )


def handover_today(**flags) -> services.HandoverDetails:
    return services.HandoverDetails(handed_on=timezone.localdate(), confirmed=True, **flags)


def handover_weeks_ago(**flags) -> services.HandoverDetails:
    """Handed over 45 days ago: every follow-up (7 and 30 days, moved past Tết) is due."""
    return services.HandoverDetails(handed_on=days_ago(45), confirmed=True, **flags)


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
