"""What donations hold about a person: an item set aside stops the anonymisation; after it
the sponsor report keeps its numbers and loses the person's story."""

from __future__ import annotations

import dataclasses

import pytest

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.personal_data import Reveal
from digiward.donations import services
from digiward.donations.models import Handover, ListChange, PriorityEntry
from digiward.donations.privacy import Handovers, HouseholdLists
from digiward.donations.selectors import sponsor_report
from digiward.donations.tests.factories import follow_ups_done, handover_weeks_ago, scenario
from digiward.registry.privacy.services import resident_anonymise
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_an_item_set_aside_stops_the_anonymisation(commune, officer, admin):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    s.allocate(0, s.phones)
    (reason,) = Handovers().blockers(s.head(0))
    assert s.campaign.name in reason
    with pytest.raises(DomainError):
        resident_anonymise(access=access_for(admin, commune), resident=s.head(0), reason="Đơn")


def test_after_anonymisation_the_report_keeps_its_numbers_not_the_story(commune, officer, admin):
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    handovers = []
    for index in range(2):
        allocations = s.allocate(index, s.phones[index : index + 1])
        handovers.append(
            services.handover_record(
                access=s.access,
                campaign=s.campaign,
                allocations=allocations,
                details=handover_weeks_ago(
                    consent_to_share=True, confirmed_by="Con gái ký thay", note="Nhà cuối hẻm"
                ),
            )
        )
    for handover in handovers:
        follow_ups_done(s.access, handover, note="Dùng Zalo gọi cháu")
    ListChange.objects.create(  # the review's decision, typed about him
        commune=commune,
        campaign=s.campaign,
        household=s.households[0],
        action="add",
        reason="Ông đã có máy của con nhưng hỏng",
    )
    recipient = s.head(0)
    exported = [r.as_json() for r in Handovers().collect(recipient, reveal=Reveal(False))]
    assert exported[0]["confirmed_by"] == "Con gái ký thay"
    assert exported[0]["follow_up_7_note"] == "Dùng Zalo gọi cháu"
    lists = [r.as_json() for r in HouseholdLists().collect(recipient, reveal=Reveal(False))]
    assert any(r.get("reason") == "Ông đã có máy của con nhưng hỏng" for r in lists)

    def numbers():
        report = dataclasses.asdict(sponsor_report(s.campaign))
        report.pop("campaign")
        return report, [story["name"] for story in report.pop("stories")]

    before, stories_before = numbers()
    assert recipient.full_name in stories_before
    result = resident_anonymise(
        access=access_for(admin, commune), resident=recipient, reason="Đơn xóa dữ liệu"
    )
    after, stories_after = numbers()
    assert after == before
    assert stories_after == [s.head(1).full_name] and result.label not in stories_after
    handover = Handover.objects.get(pk=handovers[0].pk)
    assert (handover.confirmed_by, handover.note, handover.consent_to_share) == ("", "", False)
    assert set(handover.follow_ups.values_list("note", flat=True)) == {""}
    # He was the household's only member: the review's reason about it goes too.
    assert ListChange.objects.get(household=s.households[0]).reason == "—"
    assert Handover.objects.get(pk=handovers[1].pk).note == "Nhà cuối hẻm"  # not his


def test_the_households_list_notes_stay_while_someone_is_left(commune, officer, admin):
    s = scenario(commune, officer, households=1, phones=0, sims=0)
    ResidentFactory(commune=commune, household=s.households[0], full_name="Con trai")
    PriorityEntry.objects.filter(household=s.households[0]).update(note="Ghi chú của tổ")
    resident_anonymise(access=access_for(admin, commune), resident=s.head(0), reason="Đơn")
    assert PriorityEntry.objects.get(household=s.households[0]).note == "Ghi chú của tổ"


def test_the_sponsor_sees_no_milestone_count_below_five(commune, officer):
    """The milestone table a sponsor sees (page, Excel, PDF all read `milestones_shown`):
    small counts hidden column by column, with the next smallest when one alone would be
    given back; the raw counts stay for the commune's own use."""
    from digiward.donations.selectors import MilestoneCount

    s = scenario(commune, officer, households=3, phones=2, sims=0)
    report = dataclasses.replace(
        sponsor_report(s.campaign),
        milestones=[
            MilestoneCount("has_smartphone", "A", recipients=12, since_handover=3),
            MilestoneCount("has_sim", "B", recipients=7, since_handover=6),
            MilestoneCount("vneid_level1", "C", recipients=0, since_handover=0),
        ],
    )
    shown = report.milestones_shown
    assert [m.recipients for m in shown] == [12, 7, 0]
    assert [m.since_handover for m in shown] == [None, None, 0]
    assert [m.since_handover for m in report.milestones] == [3, 6, 0]
