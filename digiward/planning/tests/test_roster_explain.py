"""Infeasible rosters: which rule fails, where, and the Vietnamese sentence for it."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

import pytest

from digiward.planning.roster import (
    Availability,
    Conflict,
    ConflictCode,
    Member,
    RosterProblem,
    RosterRules,
    RosterStatus,
    Slot,
    SoftCode,
    SoftViolation,
    describe_en,
    describe_vi,
    solve_roster,
    validate_roster,
)

MONDAY = date(2026, 3, 2)


def day(offset):
    return MONDAY + timedelta(days=offset)


def member(id, name=None, *, experienced=True, skills=(), max_week=5, no=(), absent=()):
    return Member(
        id=id,
        name=name or f"Thành viên {id}",
        skills=frozenset(skills),
        experienced=experienced,
        max_shifts_per_week=max_week,
        availability=dict.fromkeys(no, Availability.UNAVAILABLE),
        absences=frozenset(absent),
    )


def slot(id, offset=0, kind="morning", required=1, skills=()):
    return Slot(
        id=id, day=day(offset), kind=kind, required=required, required_skills=frozenset(skills)
    )


def infeasible(members, slots, rules=None):
    prob = RosterProblem(
        members=members, slots=slots, rules=rules or RosterRules(), time_limit_seconds=5.0
    )
    result = solve_roster(prob)
    assert result.status is RosterStatus.INFEASIBLE
    assert result.assignments == []
    assert validate_roster(prob, result.draft_assignments, allow_unfilled=True) == []
    return result


def only(result):
    [conflict] = result.conflicts
    return conflict


# --------------------------------------------------------------------------- counted


def test_no_members():
    conflict = only(infeasible([], [slot("s", required=2)]))
    assert conflict.code is ConflictCode.NO_MEMBERS
    assert conflict.detail == {"slots": 1, "seats": 2}
    assert describe_vi(conflict) == "Chưa có thành viên nào trong đội để xếp vào 1 ca trực."


def test_not_enough_available():
    members = [member(1), member(2, no=[(0, "morning")]), member(3, absent=[day(0)])]
    conflict = only(infeasible(members, [slot("mon-am", required=2), slot("tue", 1)]))
    assert conflict.code is ConflictCode.NOT_ENOUGH_AVAILABLE
    assert (conflict.slot_id, conflict.day, conflict.member_id) == ("mon-am", day(0), None)
    assert conflict.detail["required"] == 2
    assert conflict.detail["available"] == 1
    assert conflict.detail["available_member_ids"] == [1]
    assert (
        describe_vi(conflict) == "Ca sáng thứ Hai 02/03/2026 cần 2 người nhưng chỉ có 1 người rảnh."
    )
    assert describe_en(conflict) == (
        "The morning slot on Monday 02/03/2026 needs 2 people but only 1 person free."
    )


def test_not_enough_available_when_nobody_is_free_on_sunday_evening():
    conflict = only(infeasible([member(1, absent=[day(6)])], [slot("sun", 6, kind="evening")]))
    assert describe_vi(conflict) == "Ca tối Chủ nhật 08/03/2026 cần 1 người nhưng không có ai rảnh."


def test_no_experienced_available():
    # The only experienced member cannot do Wednesday afternoons.
    members = [
        member(1, no=[(2, "afternoon")]),
        member(2, experienced=False),
        member(3, experienced=False),
    ]
    conflict = only(infeasible(members, [slot("wed-pm", 2, kind="afternoon", required=2)]))
    assert conflict.code is ConflictCode.NO_EXPERIENCED_AVAILABLE
    assert (conflict.slot_id, conflict.day) == ("wed-pm", day(2))
    assert describe_vi(conflict) == (
        "Ca chiều thứ Tư 04/03/2026 cần ít nhất 1 người có kinh nghiệm nhưng không có người có "
        "kinh nghiệm nào rảnh."
    )


def test_skill_not_available():
    members = [member(1, skills=["khmer"]), member(2, skills=["sign_language"], absent=[day(0)])]
    conflict = only(infeasible(members, [slot("s", skills=["sign_language"])]))
    assert conflict.code is ConflictCode.SKILL_NOT_AVAILABLE
    assert (conflict.slot_id, conflict.day) == ("s", day(0))
    assert conflict.detail["skill"] == "sign_language"
    assert describe_vi(conflict) == (
        "Ca sáng thứ Hai 02/03/2026 cần người có kỹ năng ngôn ngữ ký hiệu nhưng không có ai "
        "rảnh có kỹ năng này."
    )
    # The Django side can pass its own display names.
    assert "kỹ năng Thủ ngữ" in describe_vi(conflict, {"sign_language": "Thủ ngữ"})


def test_overlapping_slots_need_more_people_than_exist():
    members = [member(i) for i in range(1, 4)]
    slots = [slot("desk1", required=2), slot("desk2", required=2)]
    conflict = only(infeasible(members, slots))
    assert conflict.code is ConflictCode.OVERLAP_NOT_ENOUGH_PEOPLE
    assert conflict.day == day(0)
    assert [ref["id"] for ref in conflict.detail["slots"]] == ["desk1", "desk2"]
    assert (conflict.detail["needed"], conflict.detail["available"]) == (4, 3)
    assert describe_vi(conflict) == (
        "Các ca trùng giờ (ca sáng thứ Hai 02/03/2026 và ca sáng thứ Hai 02/03/2026) cần tổng "
        "cộng 4 người nhưng chỉ có 3 người rảnh, mà mỗi người chỉ trực được một ca tại một thời "
        "điểm."
    )


def test_weekly_capacity_too_low():
    # 12 slots of 2 in the week of 9 March = 24 shifts; 5 members x 4 = 20.
    members = [member(i, max_week=4) for i in range(1, 6)]
    slots = [
        slot(f"{d}-{kind}", d, kind, required=2)
        for d in range(7, 13)
        for kind in ("morning", "afternoon")
    ]
    slots.append(slot("first-week", 0, required=2))  # the first week is fine
    conflict = only(infeasible(members, slots))
    assert conflict.code is ConflictCode.WEEKLY_CAPACITY_TOO_LOW
    assert conflict.day == date(2026, 3, 9)
    assert (conflict.detail["needed"], conflict.detail["capacity"]) == (24, 20)
    assert describe_vi(conflict) == (
        "Tuần từ 09/03/2026 đến 15/03/2026 cần 24 lượt trực nhưng các thành viên chỉ có thể "
        "nhận tối đa 20 lượt."
    )


def test_shifts_held_in_the_other_month_leave_no_capacity():
    # Both members already work their whole week in the neighbouring month's roster.
    members = [
        dataclasses.replace(member(i, max_week=2), booked={date(2026, 3, 2): 2}) for i in (1, 2)
    ]
    conflict = infeasible(members, [slot("s", 1)]).conflicts[0]
    assert conflict.code is ConflictCode.WEEKLY_CAPACITY_TOO_LOW
    assert (conflict.detail["needed"], conflict.detail["capacity"]) == (1, 0)
    assert describe_vi(conflict) == (
        "Tuần từ 02/03/2026 đến 08/03/2026 cần 1 lượt trực nhưng các thành viên chỉ có thể "
        "nhận tối đa 0 lượt (họ đã nhận 4 lượt của tuần này ở tháng liền kề)."
    )


def test_experienced_capacity_too_low():
    members = [member(1, max_week=2), member(2, experienced=False), member(3, experienced=False)]
    conflict = only(infeasible(members, [slot(f"d{d}", d) for d in range(3)]))
    assert conflict.code is ConflictCode.EXPERIENCED_CAPACITY_TOO_LOW
    assert conflict.day == day(0)
    assert (conflict.detail["slots_needing"], conflict.detail["capacity"]) == (3, 2)
    assert describe_vi(conflict) == (
        "Tuần từ 02/03/2026 đến 08/03/2026 có 3 ca cần người có kinh nghiệm nhưng những người "
        "có kinh nghiệm chỉ có thể nhận tối đa 2 ca."
    )


def test_skill_capacity_too_low():
    members = [member(1, skills=["khmer"], max_week=1), member(2)]
    slots = [slot("tue", 1, skills=["khmer"]), slot("thu", 3, skills=["khmer"])]
    conflict = only(infeasible(members, slots))
    assert conflict.code is ConflictCode.SKILL_CAPACITY_TOO_LOW
    assert conflict.detail["skill"] == "khmer"
    assert describe_vi(conflict) == (
        "Tuần từ 02/03/2026 đến 08/03/2026 có 2 ca cần người có kỹ năng tiếng Khmer nhưng "
        "những người có kỹ năng này chỉ có thể nhận tối đa 1 ca."
    )


# --------------------------------------------------------------------------- CP-SAT cores


def test_slot_requirements_that_no_single_choice_meets():
    # One seat, which must be experienced AND sign language: nobody is both.
    # Counting sees someone experienced and someone skilled, so only the core finds it.
    members = [
        member(1, "Nguyễn Văn An"),
        member(2, "Trần Thị Bình", experienced=False, skills=["sign_language"]),
    ]
    conflict = only(infeasible(members, [slot("s", skills=["sign_language"])]))
    assert conflict.code is ConflictCode.SLOT_REQUIREMENTS_CONFLICT
    assert (conflict.slot_id, conflict.day) == ("s", day(0))
    assert conflict.detail["rules"] == ["cover", "experienced", "skill:sign_language"]
    assert describe_vi(conflict) == (
        "Ca sáng thứ Hai 02/03/2026 cần 1 người có kinh nghiệm và có kỹ năng ngôn ngữ ký hiệu, "
        "nhưng trong 2 người rảnh không ai đáp ứng được tất cả các yêu cầu này."
    )
    assert describe_en(conflict) == (
        "The morning slot on Monday 02/03/2026 needs one person who is experienced and has "
        "“sign language”, but none of the 2 people free is all of these."
    )


def test_slot_requirements_with_several_seats():
    # Two seats, but experience, Khmer and sign language are held by three
    # different people: no two of them cover all three needs.
    members = [
        member(1),
        member(2, experienced=False, skills=["khmer"]),
        member(3, experienced=False, skills=["sign_language"]),
    ]
    conflict = only(infeasible(members, [slot("s", required=2, skills=["khmer", "sign_language"])]))
    assert conflict.code is ConflictCode.SLOT_REQUIREMENTS_CONFLICT
    assert describe_vi(conflict) == (
        "Ca sáng thứ Hai 02/03/2026 cần 2 người, trong đó phải có người có kinh nghiệm, người "
        "có kỹ năng tiếng Khmer và người có kỹ năng ngôn ngữ ký hiệu, nhưng trong 3 người rảnh "
        "không có cách xếp nào đáp ứng được cùng lúc các yêu cầu này."
    )


def test_weekly_limit_of_one_member_is_the_bottleneck():
    # Tue, Wed and Thu need sign language and only Chi (2 a week) is free then;
    # Monday's sign-language slot has two more people, so the weekly counting
    # (4 slots, 2 + 1 + 1 = 4 shifts) sees no problem.
    members = [
        member(1, "Lê Minh Chi", skills=["sign_language"], max_week=2),
        member(2, "Phạm Dũng", skills=["sign_language"], no=[(d, "morning") for d in (1, 2, 3)]),
        member(3, "Võ Hà", skills=["sign_language"], no=[(d, "morning") for d in (1, 2, 3)]),
    ]
    slots = [slot(f"d{d}", d, skills=["sign_language"]) for d in range(4)]
    conflict = only(infeasible(members, slots))
    assert conflict.code is ConflictCode.WEEKLY_LIMIT_CONFLICT
    assert (conflict.member_id, conflict.slot_id, conflict.day) == (1, None, day(0))
    assert [ref["id"] for ref in conflict.detail["slots"]] == ["d1", "d2", "d3"]
    assert conflict.detail["rules"] == ["skill:sign_language"]
    assert conflict.detail["members"] == [{"id": 1, "name": "Lê Minh Chi", "limit": 2}]
    assert describe_vi(conflict) == (
        "Trong tuần từ 02/03/2026 đến 08/03/2026, giới hạn số ca mỗi tuần của Lê Minh Chi (tối "
        "đa 2 ca) không đủ để đáp ứng yêu cầu về kỹ năng ngôn ngữ ký hiệu của ca sáng thứ Ba "
        "03/03/2026, ca sáng thứ Tư 04/03/2026 và ca sáng thứ Năm 05/03/2026."
    )


def test_overlapping_slots_that_need_the_same_person():
    # The two morning desks need sign language and Khmer; only An has either,
    # and An cannot be at both. Every count passes (one slot per skill, one
    # person with each, three people for two seats).
    members = [
        member(1, "An", skills=["khmer", "sign_language"]),
        member(2, "Bình"),
        member(3, "Chi"),
    ]
    slots = [slot("desk1", skills=["sign_language"]), slot("desk2", skills=["khmer"])]
    conflict = only(infeasible(members, slots))
    assert conflict.code is ConflictCode.RULES_CONFLICT
    assert conflict.day == day(0)
    assert [ref["id"] for ref in conflict.detail["slots"]] == ["desk1", "desk2"]
    assert conflict.detail["rules"] == ["skill:khmer", "skill:sign_language"]
    assert describe_vi(conflict) == (
        "Không thể cùng lúc đáp ứng yêu cầu về kỹ năng tiếng Khmer và kỹ năng ngôn ngữ ký hiệu "
        "của ca sáng thứ Hai 02/03/2026 và ca sáng thứ Hai 02/03/2026 vì mỗi người chỉ trực "
        "được một ca tại một thời điểm."
    )


def test_independent_conflicts_in_different_weeks_are_all_reported():
    members = [member(1), member(2, experienced=False, skills=["khmer"])]
    slots = [
        slot("w1", 0, required=3),  # counted: not enough people
        slot("w2", 7, skills=["khmer"]),  # core: one seat, experienced + Khmer
        slot("w3", 14),  # fine
    ]
    result = infeasible(members, slots)
    assert [(c.code, c.slot_id) for c in result.conflicts] == [
        (ConflictCode.NOT_ENOUGH_AVAILABLE, "w1"),
        (ConflictCode.SLOT_REQUIREMENTS_CONFLICT, "w2"),
    ]
    # w2's only seat must be both experienced and Khmer-speaking: nobody is, so
    # the draft leaves it for the manager to fill.
    assert {s for s, _ in result.draft_assignments} == {"w1", "w3"}
    assert result.unfilled == [("w1", 1), ("w2", 1)]


def test_counted_conflicts_are_not_repeated_by_the_core():
    members = [member(1), member(2)]
    result = infeasible(members, [slot("a", required=3), slot("b", 1, required=3)])
    assert [c.code for c in result.conflicts] == [ConflictCode.NOT_ENOUGH_AVAILABLE] * 2


def test_feasible_problem_has_no_conflicts():
    prob = RosterProblem(members=[member(1)], slots=[slot("s")], time_limit_seconds=5.0)
    result = solve_roster(prob)
    assert result.status is RosterStatus.OPTIMAL
    assert result.conflicts == []
    assert result.draft_assignments == []


# --------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("item", "vietnamese"),
    [
        (
            SoftViolation(
                SoftCode.PREFER_NOT,
                "s",
                1,
                day(5),
                {"member_name": "Ngô Thảo", "kind": "afternoon"},
            ),
            "Ngô Thảo được xếp vào ca chiều thứ Bảy 07/03/2026 dù đã báo không muốn trực ca này.",
        ),
        (
            SoftViolation(
                SoftCode.OFF_PATTERN, "s", 1, day(4), {"member_name": "Bùi Long", "kind": "morning"}
            ),
            "Bùi Long được xếp vào ca sáng thứ Sáu 06/03/2026, khác với lịch trực quen thuộc.",
        ),
        (
            SoftViolation(
                SoftCode.CONSECUTIVE_DAYS,
                member_id=1,
                day=day(0),
                detail={
                    "member_name": "Đỗ Tâm",
                    "first": "2026-03-02",
                    "last": "2026-03-07",
                    "length": 6,
                    "limit": 5,
                },
            ),
            "Đỗ Tâm trực 6 ngày liên tiếp từ 02/03/2026 đến 07/03/2026 (tối đa 5 ngày).",
        ),
        (
            SoftViolation(
                SoftCode.UNFAIR_LOAD,
                member_id=1,
                detail={"member_name": "Hồ Quân", "count": 12, "share": 9.6},
            ),
            "Hồ Quân được xếp 12 ca, trong khi phần chia đều là khoảng 9,6 ca.",
        ),
        (
            Conflict(ConflictCode.UNEXPLAINED),
            "Không thể xếp lịch trực đáp ứng mọi quy định, nhưng chưa xác định được nguyên nhân "
            "cụ thể trong thời gian cho phép.",
        ),
    ],
)
def test_describe_vi_sentences(item, vietnamese):
    assert describe_vi(item) == vietnamese
    assert describe_en(item)  # an English sentence exists for every code


def test_every_code_has_both_wordings():
    samples = {
        ConflictCode.NO_MEMBERS: {"slots": 2, "seats": 4},
        ConflictCode.NOT_ENOUGH_AVAILABLE: {"kind": "morning", "required": 2, "available": 0},
        ConflictCode.NO_EXPERIENCED_AVAILABLE: {"kind": "morning", "required": 2},
        ConflictCode.SKILL_NOT_AVAILABLE: {"kind": "morning", "skill": "vneid"},
        ConflictCode.OVERLAP_NOT_ENOUGH_PEOPLE: {
            "slots": [{"id": "a", "day": "2026-03-02", "kind": "morning"}],
            "needed": 3,
            "available": 2,
        },
    }
    week = {"week_start": "2026-03-02", "week_end": "2026-03-08"}
    slots = [{"id": "a", "day": "2026-03-02", "kind": "morning"}]
    samples |= {
        ConflictCode.WEEKLY_CAPACITY_TOO_LOW: {**week, "needed": 3, "capacity": 2},
        ConflictCode.EXPERIENCED_CAPACITY_TOO_LOW: {**week, "slots_needing": 3, "capacity": 2},
        ConflictCode.SKILL_CAPACITY_TOO_LOW: {
            **week,
            "skill": "x",
            "slots_needing": 3,
            "capacity": 2,
        },
        ConflictCode.SLOT_REQUIREMENTS_CONFLICT: {
            "kind": "morning",
            "required": 1,
            "rules": ["cover", "experienced"],
            "available_member_ids": [1],
        },
        ConflictCode.WEEKLY_LIMIT_CONFLICT: {
            **week,
            "slots": slots,
            "rules": ["experienced"],
            "members": [{"id": 1, "name": "An", "limit": 2}],
        },
        ConflictCode.RULES_CONFLICT: {
            **week,
            "slots": slots,
            "rules": ["cover"],
            "same_day": False,
        },
        ConflictCode.UNEXPLAINED: week,
    }
    assert set(samples) == set(ConflictCode)
    for code, detail in samples.items():
        conflict = Conflict(code, day=day(0), detail=detail)
        vietnamese, english = describe_vi(conflict), describe_en(conflict)
        assert vietnamese.endswith(".")
        assert english.endswith(".")
        assert vietnamese != code.value
        assert english != code.value
        assert vietnamese[0].isupper()
        assert english[0].isupper()


def test_unknown_kinds_and_skills_are_shown_as_given():
    conflict = Conflict(
        ConflictCode.SKILL_NOT_AVAILABLE, "s", None, day(0), {"kind": "ca_dem", "skill": "Zalo"}
    )
    assert describe_vi(conflict).startswith(
        "Ca ca_dem thứ Hai 02/03/2026 cần người có kỹ năng Zalo"
    )


def test_time_overlap_counts_as_one_group():
    # A 7:00-11:30 desk and a 9:00-12:00 home visit need 1 each; one person is free.
    members = [member(1)]
    slots = [
        Slot("desk", day(0), "morning", 1, start=time(7), end=time(11, 30)),
        Slot("visit", day(0), "outreach", 1, start=time(9), end=time(12)),
    ]
    overlap, experience = infeasible(members, slots).conflicts
    assert overlap.code is ConflictCode.OVERLAP_NOT_ENOUGH_PEOPLE
    assert "ca outreach thứ Hai" in describe_vi(overlap)
    # A second, independent reason: even with more people, both need the one
    # experienced member at the same time.
    assert experience.code is ConflictCode.RULES_CONFLICT
    assert experience.detail["rules"] == ["experienced"]
