"""Plain sentences for roster conflicts and soft violations, in Vietnamese and English.

`describe_vi` is what a ward officer reads when a roster cannot be made, so it
says which slot (kind, weekday, date as dd/mm/yyyy) and what is missing, with
correct diacritics. The Django layer may use its own translations of the
machine-readable `Conflict`; this module lets the explanation be shown without
it. Skill codes and slot kinds can be given display names through `labels`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from digiward.planning.roster_types import Conflict, SoftViolation

WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KINDS_VI = {
    "morning": "sáng",
    "noon": "trưa",
    "afternoon": "chiều",
    "evening": "tối",
    "night": "đêm",
}
SKILLS_VI = {
    "sign_language": "ngôn ngữ ký hiệu",
    "khmer": "tiếng Khmer",
    "vneid": "VNeID",
    "public_services": "dịch vụ công trực tuyến",
    "elderly_support": "hỗ trợ người cao tuổi",
}


def describe_vi(item: Conflict | SoftViolation, labels: Mapping[str, str] | None = None) -> str:
    """One plain Vietnamese sentence for a conflict or a soft violation.

    `labels` maps skill codes and slot kinds to the words to show (the Django
    side can pass its own display names); common ones are built in.
    """
    return _Wording(vi=True, labels=labels or {}).describe(item)


def describe_en(item: Conflict | SoftViolation, labels: Mapping[str, str] | None = None) -> str:
    """The same sentence in English, for logs and non-Vietnamese readers."""
    return _Wording(vi=False, labels=labels or {}).describe(item)


class _Wording:
    def __init__(self, *, vi: bool, labels: Mapping[str, str]) -> None:
        self.vi = vi
        self.labels = labels

    # -- pieces

    def day(self, value: date | str) -> str:
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return day.strftime("%d/%m/%Y")

    def slot(self, day: date | str, kind: str, *, capital: bool = False) -> str:
        when = date.fromisoformat(day) if isinstance(day, str) else day
        if self.vi:
            text = f"ca {self.kind(kind)} {WEEKDAYS_VI[when.weekday()]} {self.day(when)}"
        else:
            text = f"the {self.kind(kind)} slot on {WEEKDAYS_EN[when.weekday()]} {self.day(when)}"
        return text[0].upper() + text[1:] if capital else text

    def at(self, item: Conflict | SoftViolation, d: Mapping[str, Any], *, capital: bool) -> str:
        """The slot a conflict or violation is about (they always carry its day)."""
        if item.day is None:
            text = f"ca {self.kind(d['kind'])}" if self.vi else f"the {self.kind(d['kind'])} slot"
            return text[0].upper() + text[1:] if capital else text
        return self.slot(item.day, d["kind"], capital=capital)

    def kind(self, kind: str) -> str:
        if kind in self.labels:
            return self.labels[kind]
        return KINDS_VI.get(kind, kind) if self.vi else kind.replace("_", " ")

    def skill(self, skill: str) -> str:
        if skill in self.labels:
            return self.labels[skill]
        return SKILLS_VI.get(skill, skill) if self.vi else skill.replace("_", " ")

    def join(self, parts: Sequence[str]) -> str:
        last = " và " if self.vi else " and "
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + last + parts[-1]

    def slots(self, refs: Iterable[Mapping[str, Any]]) -> str:
        return self.join([self.slot(r["day"], r["kind"]) for r in refs])

    def week(self, detail: Mapping[str, Any]) -> str:
        start, end = self.day(detail["week_start"]), self.day(detail["week_end"])
        return f"tuần từ {start} đến {end}" if self.vi else f"the week of {start} to {end}"

    def needs(self, rules: Sequence[str]) -> str:
        words = []
        for rule in rules:
            if rule == "cover":
                words.append("số người" if self.vi else "the number of people")
            elif rule == "experienced":
                words.append("người có kinh nghiệm" if self.vi else "an experienced member")
            elif rule.startswith("skill:"):
                skill = self.skill(rule.removeprefix("skill:"))
                words.append(f"kỹ năng {skill}" if self.vi else f"the skill “{skill}”")
        return self.join(words or ["—"])

    def people(self, count: int) -> str:
        return f"{count} người" if self.vi else f"{count} {'person' if count == 1 else 'people'}"

    # -- sentences

    def describe(self, item: Conflict | SoftViolation) -> str:
        handler = getattr(self, f"_{item.code.value.lower()}", None)
        if handler is None:
            return item.code.value
        return str(handler(item, item.detail))

    def _no_members(self, item: Conflict, d: Mapping[str, Any]) -> str:
        if self.vi:
            return f"Chưa có thành viên nào trong đội để xếp vào {d['slots']} ca trực."
        return f"There are no team members to staff the {d['slots']} slots."

    def _not_enough_available(self, item: Conflict, d: Mapping[str, Any]) -> str:
        slot = self.at(item, d, capital=True)
        if self.vi:
            free = f"chỉ có {d['available']} người rảnh" if d["available"] else "không có ai rảnh"
            return f"{slot} cần {d['required']} người nhưng {free}."
        free = f"only {self.people(d['available'])} free" if d["available"] else "nobody is free"
        return f"{slot} needs {self.people(d['required'])} but {free}."

    def _no_experienced_available(self, item: Conflict, d: Mapping[str, Any]) -> str:
        slot = self.at(item, d, capital=True)
        if self.vi:
            return (
                f"{slot} cần ít nhất 1 người có kinh nghiệm nhưng không có người có kinh nghiệm "
                "nào rảnh."
            )
        return f"{slot} needs at least one experienced member but none is free."

    def _skill_not_available(self, item: Conflict, d: Mapping[str, Any]) -> str:
        slot = self.at(item, d, capital=True)
        skill = self.skill(d["skill"])
        if self.vi:
            return f"{slot} cần người có kỹ năng {skill} nhưng không có ai rảnh có kỹ năng này."
        return f"{slot} needs someone with the skill “{skill}” but nobody free has it."

    def _overlap_not_enough_people(self, item: Conflict, d: Mapping[str, Any]) -> str:
        slots = self.slots(d["slots"])
        if self.vi:
            return (
                f"Các ca trùng giờ ({slots}) cần tổng cộng {d['needed']} người nhưng chỉ có "
                f"{d['available']} người rảnh, mà mỗi người chỉ trực được một ca tại một thời điểm."
            )
        return (
            f"The overlapping slots ({slots}) need {self.people(d['needed'])} in total but only "
            f"{self.people(d['available'])} {'is' if d['available'] == 1 else 'are'} free, and "
            "nobody can be in two places at once."
        )

    def _weekly_capacity_too_low(self, item: Conflict, d: Mapping[str, Any]) -> str:
        week = self.week(d)
        held = d.get("held_elsewhere", 0)
        if self.vi:
            elsewhere = f" (họ đã nhận {held} lượt của tuần này ở tháng liền kề)" if held else ""
            return (
                f"{week[0].upper()}{week[1:]} cần {d['needed']} lượt trực nhưng các thành viên "
                f"chỉ có thể nhận tối đa {d['capacity']} lượt{elsewhere}."
            )
        elsewhere = (
            f" (they already hold {held} shifts of this week in the neighbouring month)"
            if held
            else ""
        )
        return (
            f"{week[0].upper()}{week[1:]} needs {d['needed']} shifts but the members can take "
            f"at most {d['capacity']}{elsewhere}."
        )

    def _experienced_capacity_too_low(self, item: Conflict, d: Mapping[str, Any]) -> str:
        week = self.week(d)
        if self.vi:
            return (
                f"{week[0].upper()}{week[1:]} có {d['slots_needing']} ca cần người có kinh "
                f"nghiệm nhưng những người có kinh nghiệm chỉ có thể nhận tối đa "
                f"{d['capacity']} ca."
            )
        return (
            f"{week[0].upper()}{week[1:]} has {d['slots_needing']} slots that need an "
            f"experienced member but the experienced members can take at most {d['capacity']}."
        )

    def _skill_capacity_too_low(self, item: Conflict, d: Mapping[str, Any]) -> str:
        week, skill = self.week(d), self.skill(d["skill"])
        if self.vi:
            return (
                f"{week[0].upper()}{week[1:]} có {d['slots_needing']} ca cần người có kỹ năng "
                f"{skill} nhưng những người có kỹ năng này chỉ có thể nhận tối đa "
                f"{d['capacity']} ca."
            )
        return (
            f"{week[0].upper()}{week[1:]} has {d['slots_needing']} slots that need the skill "
            f"“{skill}” but the members who have it can take at most {d['capacity']}."
        )

    def _slot_requirements_conflict(self, item: Conflict, d: Mapping[str, Any]) -> str:
        slot = self.at(item, d, capital=True)
        wants = [r for r in d["rules"] if r != "cover"]
        free = len(d["available_member_ids"])
        if d["required"] == 1 and len(wants) > 1:
            # One seat: one person must have every quality at once.
            if self.vi:
                return (
                    f"{slot} cần 1 người {self._qualities(wants)}, nhưng trong {free} người rảnh "
                    "không ai đáp ứng được tất cả các yêu cầu này."
                )
            return (
                f"{slot} needs one person who {self._qualities(wants)}, but none of the "
                f"{self.people(free)} free is all of these."
            )
        if self.vi:
            return (
                f"{slot} cần {d['required']} người, trong đó phải có {self._who(wants)}, nhưng "
                f"trong {free} người rảnh không có cách xếp nào đáp ứng được cùng lúc các yêu "
                "cầu này."
            )
        return (
            f"{slot} needs {self.people(d['required'])} including {self._who(wants)}, but no "
            f"choice among the {self.people(free)} free meets all of these at once."
        )

    def _qualities(self, rules: Sequence[str]) -> str:
        words = []
        for rule in rules:
            if rule == "experienced":
                words.append("có kinh nghiệm" if self.vi else "is experienced")
            elif rule.startswith("skill:"):
                skill = self.skill(rule.removeprefix("skill:"))
                words.append(f"có kỹ năng {skill}" if self.vi else f"has “{skill}”")
        return self.join(words)

    def _who(self, rules: Sequence[str]) -> str:
        words = []
        for rule in rules:
            if rule == "experienced":
                words.append("người có kinh nghiệm" if self.vi else "an experienced member")
            elif rule.startswith("skill:"):
                skill = self.skill(rule.removeprefix("skill:"))
                words.append(f"người có kỹ năng {skill}" if self.vi else f"someone with “{skill}”")
        return self.join(words or (["đủ người"] if self.vi else ["enough people"]))

    def _weekly_limit_conflict(self, item: Conflict, d: Mapping[str, Any]) -> str:
        week = self.week(d)
        if self.vi:
            names = self.join([f"{m['name']} (tối đa {m['limit']} ca)" for m in d["members"]])
            return (
                f"Trong {week}, giới hạn số ca mỗi tuần của {names} không đủ để đáp ứng yêu "
                f"cầu về {self.needs(d['rules'])} của {self.slots(d['slots'])}."
            )
        names = self.join([f"{m['name']} (at most {m['limit']})" for m in d["members"]])
        return (
            f"In {week}, the weekly limits of {names} are too low to meet the requirements "
            f"for {self.needs(d['rules'])} in {self.slots(d['slots'])}."
        )

    def _rules_conflict(self, item: Conflict, d: Mapping[str, Any]) -> str:
        if self.vi:
            reason = " vì mỗi người chỉ trực được một ca tại một thời điểm" if d["same_day"] else ""
            return (
                f"Không thể cùng lúc đáp ứng yêu cầu về {self.needs(d['rules'])} của "
                f"{self.slots(d['slots'])}{reason}."
            )
        reason = ", as nobody can be in two slots at once" if d["same_day"] else ""
        return (
            f"The requirements for {self.needs(d['rules'])} cannot all be met in "
            f"{self.slots(d['slots'])}{reason}."
        )

    def _unexplained(self, item: Conflict, d: Mapping[str, Any]) -> str:
        where = f" trong {self.week(d)}" if self.vi and d else ""
        if self.vi:
            return (
                f"Không thể xếp lịch trực đáp ứng mọi quy định{where}, nhưng chưa xác định được "
                "nguyên nhân cụ thể trong thời gian cho phép."
            )
        where = f" in {self.week(d)}" if d else ""
        return (
            f"No roster meets every rule{where}, and the exact reason was not found in the "
            "time allowed."
        )

    # -- soft violations

    def _prefer_not(self, item: SoftViolation, d: Mapping[str, Any]) -> str:
        slot = self.at(item, d, capital=False)
        if self.vi:
            return f"{d['member_name']} được xếp vào {slot} dù đã báo không muốn trực ca này."
        return f"{d['member_name']} is on {slot} despite preferring not to be."

    def _off_pattern(self, item: SoftViolation, d: Mapping[str, Any]) -> str:
        slot = self.at(item, d, capital=False)
        if self.vi:
            return f"{d['member_name']} được xếp vào {slot}, khác với lịch trực quen thuộc."
        return f"{d['member_name']} is on {slot}, outside their usual pattern."

    def _consecutive_days(self, item: SoftViolation, d: Mapping[str, Any]) -> str:
        first, last = self.day(d["first"]), self.day(d["last"])
        if self.vi:
            return (
                f"{d['member_name']} trực {d['length']} ngày liên tiếp từ {first} đến {last} "
                f"(tối đa {d['limit']} ngày)."
            )
        return (
            f"{d['member_name']} works {d['length']} days in a row from {first} to {last} "
            f"(limit {d['limit']})."
        )

    def _unfair_load(self, item: SoftViolation, d: Mapping[str, Any]) -> str:
        share = f"{d['share']:g}"
        if self.vi:
            share = share.replace(".", ",")
            return (
                f"{d['member_name']} được xếp {d['count']} ca, trong khi phần chia đều là "
                f"khoảng {share} ca."
            )
        return f"{d['member_name']} has {d['count']} shifts against a fair share of about {share}."
