from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from digiward.core.access import access_for
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.learning.models import Competence, CompetenceMatch, Framework
from digiward.learning.selectors import competence_matches
from digiward.learning.services import framework_copy

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Framework.objects.count(), Competence.objects.count(), CompetenceMatch.objects.count()


def test_load_frameworks_is_idempotent():
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    first = counts()
    assert first[0] == 4 and first[2] > 50
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert counts() == first
    assert "0 mới" in out.getvalue() and "4 không đổi" in out.getvalue()


def test_the_crosswalk_reads_both_ways(frameworks):
    digcomp = Competence.objects.get(framework__code="DIGCOMP-2.2", code="1.1")
    tt02 = Competence.objects.get(framework__code="TT02-2025", code="1.1")
    assert ("exact", tt02) in competence_matches(digcomp)
    assert ("exact", digcomp) in competence_matches(tt02)
    narrower = (
        CompetenceMatch.objects.filter(relation="narrower")
        .select_related("source", "target")
        .first()
    )
    assert ("broader", narrower.source) in competence_matches(narrower.target)


def test_export_then_import_gives_the_same_framework_and_changes_nothing(frameworks, tmp_path):
    path = tmp_path / "tt02.json"
    call_command("export_framework", "TT02-2025", "-o", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["competences"]) == 24
    before = counts()
    out = StringIO()
    call_command("import_framework", str(path), stdout=out)
    assert "không có gì thay đổi" in out.getvalue()
    assert counts() == before


def test_a_province_shares_a_framework_with_another_commune(
    frameworks, tmp_path, commune, other_commune
):
    path = tmp_path / "ess.json"
    call_command("export_framework", "DW-ESSENTIALS", "-o", str(path))
    call_command("import_framework", str(path), "--commune", other_commune.code)
    copy = Framework.objects.get(commune=other_commune, code="DW-ESSENTIALS")
    assert (
        copy.competences.count()
        == Competence.objects.filter(
            framework__code="DW-ESSENTIALS", framework__commune=None
        ).count()
    )
    # its crosswalk came with it, pointing at the shared frameworks
    assert CompetenceMatch.objects.filter(source__framework=copy).exists()


def test_an_import_with_a_cycle_writes_nothing(frameworks, tmp_path):
    path = tmp_path / "bad.json"
    call_command("export_framework", "DIGCOMP-2.2", "-o", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["version"] = "9.9"
    document["competences"][0]["requires"] = [document["competences"][1]["code"]]
    document["competences"][1]["requires"] = [document["competences"][0]["code"]]
    path.write_text(json.dumps(document), encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError, match="vòng lặp"):
        call_command("import_framework", str(path))
    assert counts() == before


def test_a_changed_file_updates_in_place_and_keeps_links_to_it(frameworks, tmp_path):
    path = tmp_path / "tt02.json"
    call_command("export_framework", "TT02-2025", "-o", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["competences"][0]["name"]["vi"] = "Tìm kiếm thông tin (đã sửa)"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    links_in = CompetenceMatch.objects.filter(target__framework__code="TT02-2025").count()
    out = StringIO()
    call_command("import_framework", str(path), stdout=out)
    assert "Đã cập nhật" in out.getvalue()
    assert Competence.objects.get(
        framework__code="TT02-2025", code=document["competences"][0]["code"]
    ).name_vi.endswith("(đã sửa)")
    assert CompetenceMatch.objects.filter(target__framework__code="TT02-2025").count() == links_in


def test_export_of_an_unknown_code_is_a_clear_error(frameworks, tmp_path):
    with pytest.raises(CommandError, match="Không có khung năng lực nào"):
        call_command("export_framework", "NOPE", "-o", str(tmp_path / "x.json"))


def test_the_admin_copies_a_framework_and_edits_the_copy(frameworks, commune, admin):
    shared = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    client = client_in(admin, commune)
    response = client.post(reverse("learning:framework_copy", args=[shared.pk]))
    copy = Framework.objects.get(code="DW-ESSENTIALS", commune=commune)
    assert response.status_code == 302 and response["Location"].endswith(f"/{copy.pk}/")
    competence = copy.competences.first()
    url = reverse("learning:competence_edit", args=[competence.pk])
    bad = client.post(url, {"name_vi": "", "tracks": ["citizen"]})
    assert bad.status_code == 422 and "Trường này là bắt buộc" in bad.content.decode()
    response = client.post(
        url,
        {
            "name_vi": "Dùng điện thoại thông minh",
            "name_en": "Smartphone",
            "tracks": ["citizen", "official"],
            "milestone": "has_smartphone",
        },
    )
    assert response.status_code == 302
    competence.refresh_from_db()
    assert competence.name_vi == "Dùng điện thoại thông minh" and competence.tracks == [
        "citizen",
        "official",
    ]
    event = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="learning.competence"
    ).get()
    assert event.changes["name_vi"][1] == "Dùng điện thoại thông minh"
    # the shared original is untouched, and cannot be edited
    assert shared.competences.get(code=competence.code).name_vi != competence.name_vi
    original = shared.competences.get(code=competence.code)
    assert client.get(reverse("learning:competence_edit", args=[original.pk])).status_code == 404
    # a second copy of the same version is refused with a message
    again = client.post(reverse("learning:framework_copy", args=[shared.pk]), follow=True)
    assert "đã có bản riêng" in again.content.decode()


def test_framework_pages_access(frameworks, commune, other_commune, admin):
    shared = Framework.objects.get(code="TT02-2025")
    assert_view_access(
        url=reverse("learning:frameworks"),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER],
        scoped=False,
    )
    assert_view_access(
        url=reverse("learning:framework", args=[shared.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER],
        scoped=False,  # shared: every commune sees it
    )
    copy = framework_copy(access=access_for(admin, commune), framework=shared)
    assert_view_access(
        url=reverse("learning:framework", args=[copy.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER],
    )
    assert_view_access(
        url=reverse("learning:competence_edit", args=[copy.competences.first().pk]),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN],
    )
    assert_view_access(
        url=reverse("learning:framework_copy", args=[shared.pk]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN],
        ok_status=302,
        scoped=False,
    )


def test_the_framework_page_shows_levels_and_matches(frameworks, commune, volunteer):
    framework = Framework.objects.get(code="DIGCOMP-2.2")
    page = (
        client_in(volunteer, commune)
        .get(reverse("learning:framework", args=[framework.pk]))
        .content.decode()
    )
    assert "TT02-2025:1.1" in page and framework.levels.first().name_vi in page


def test_the_framework_page_reads_the_crosswalk_in_a_few_queries(
    frameworks, commune, officer, django_assert_max_num_queries
):
    from django.urls import reverse

    from digiward.core.testing import client_in

    digcomp = Framework.objects.get(code="DIGCOMP-2.2", commune=None)
    client = client_in(officer, commune)
    url = reverse("learning:framework", args=[digcomp.pk])
    client.get(url)  # warm the session and the caches
    # 21 competences, each with matches: a query per competence would be over 40.
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200 and "TT02-2025" in page.content.decode()
