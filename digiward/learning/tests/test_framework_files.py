"""Framework files are checked whole before anything is written (no database here)."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digiward.learning.framework_files import FrameworkFileError, crosswalk_parse, framework_parse
from digiward.learning.seed import CROSSWALK_FILE, FRAMEWORKS_DIR


def shipped(name: str) -> dict:
    return json.loads((FRAMEWORKS_DIR / name).read_text(encoding="utf-8"))


def problems_of(document) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        framework_parse(document)
    return caught.value.problems


def test_the_shipped_frameworks_have_the_structure_their_sources_give():
    tt02 = framework_parse(shipped("tt02-2025.json"))
    assert (len(tt02.areas), len(tt02.competences), len(tt02.levels)) == (6, 24, 8)
    digcomp = framework_parse(shipped("digcomp-2.2.json"))
    assert (len(digcomp.areas), len(digcomp.competences), len(digcomp.levels)) == (5, 21, 8)
    qd757 = framework_parse(shipped("qd757-2025.json"))
    assert qd757.areas[0].code == "0"  # the group "0. Sử dụng thiết bị và phần mềm" leads
    essentials = framework_parse(shipped("digiward-essentials.json"))
    assert {"vneid_level1", "vneid_level2"} <= {c.milestone for c in essentials.competences}


def test_every_crosswalk_end_names_a_shipped_competence():
    codes = set()
    for path in FRAMEWORKS_DIR.glob("*.json"):
        if path != CROSSWALK_FILE:
            data = framework_parse(path.read_bytes())
            codes |= {f"{data.code}:{c.code}" for c in data.competences}
    matches = crosswalk_parse(CROSSWALK_FILE.read_bytes())
    assert len(matches) > 50
    assert {m.source for m in matches} | {m.target for m in matches} <= codes


def test_a_cycle_of_prerequisites_is_refused_and_named():
    document = shipped("digcomp-2.2.json")
    document["competences"][0]["requires"] = [document["competences"][1]["code"]]
    document["competences"][1]["requires"] = [document["competences"][0]["code"]]
    problems = problems_of(document)
    assert any("vòng lặp" in p and "→" in p for p in problems)


def test_a_cycle_of_parent_areas_is_refused():
    document = shipped("digcomp-2.2.json")
    document["areas"][0]["parent"] = document["areas"][1]["code"]
    document["areas"][1]["parent"] = document["areas"][0]["code"]
    assert any("vòng lặp" in p for p in problems_of(document))


def test_a_missing_level_duplicate_code_and_unknown_area_are_all_reported_at_once():
    document = shipped("tt02-2025.json")
    document["levels"] = [level for level in document["levels"] if level["number"] != 3]
    document["competences"][1]["code"] = document["competences"][0]["code"]
    document["competences"][2]["area"] = "99"
    problems = problems_of(document)
    assert len(problems) == 3
    assert any("thiếu cấp độ 3" in p for p in problems)
    assert any("bị dùng hai lần" in p for p in problems)
    assert any("“99” không tồn tại" in p for p in problems)


def test_errors_are_in_vietnamese_for_a_vietnamese_user(vietnamese):
    document = shipped("tt02-2025.json")
    document["levels"] = []
    problems = problems_of(document)
    assert any("cấp độ" in p.lower() for p in problems), problems


def test_a_file_that_is_not_a_framework_is_refused():
    with pytest.raises(FrameworkFileError):
        framework_parse(b"{not json")
    with pytest.raises(FrameworkFileError):
        framework_parse({"format": "something-else"})
    with pytest.raises(FrameworkFileError):
        crosswalk_parse(
            {
                "format": "digiward-crosswalk/1",
                "matches": [{"from": "A:1", "to": "A:1", "relation": "same"}],
            }
        )


def test_a_milestone_that_is_not_a_journey_step_is_refused():
    document = shipped("digiward-essentials.json")
    document["competences"][0]["milestone"] = "smartphone"
    assert any("không phải là một bước của hành trình số" in p for p in problems_of(document))


@given(st.permutations(list(range(1, 9))))
def test_the_content_hash_does_not_depend_on_the_order_levels_are_listed_in(order):
    document = shipped("digcomp-2.2.json")
    shuffled = copy.deepcopy(document)
    by_number = {level["number"]: level for level in document["levels"]}
    shuffled["levels"] = [by_number[n] for n in order]
    assert framework_parse(shuffled).content_hash == framework_parse(document).content_hash
