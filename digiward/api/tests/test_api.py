"""The API keeps the pages' rules: the token's commune only (another's object is a 404),
the role's permissions, the audit log, the same services for writes, and one problem
body for every error."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from digiward.api.models import TokenScope
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.models.audit import AuditSource
from digiward.core.testing import user_with_role
from digiward.guidance.models import HelpSession
from digiward.learning.models import Evidence, EvidenceKind, Framework
from digiward.learning.seed import frameworks_load
from digiward.public import views as public_views
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Milestone
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory
from tests.worlds import procedures_world

pytestmark = pytest.mark.django_db

CITIZEN_ID = "092180001234"


@pytest.fixture
def people(commune, other_commune):
    household = HouseholdFactory(commune=commune, code="HK-001")
    resident = ResidentFactory(
        commune=commune, household=household, full_name="Trần Thị Mai", citizen_id=CITIZEN_ID
    )
    elsewhere = ResidentFactory(commune=other_commune, full_name="Lê Văn Xa")
    return {"household": household, "resident": resident, "elsewhere": elsewhere}


def test_lists_hold_only_the_tokens_commune_and_mask_the_citizen_id(
    commune, officer, people, api_for
):
    api = api_for(officer, commune)
    response = api.get("/residents")
    assert response.status_code == 200
    body = response.json()
    assert [r["full_name"] for r in body["items"]] == ["Trần Thị Mai"]
    assert body["count"] == 1
    assert body["items"][0]["citizen_id_masked"].endswith("234")
    assert CITIZEN_ID not in response.content.decode()
    households = api.get("/households").json()
    assert [h["code"] for h in households["items"]] == ["HK-001"]
    assert households["items"][0]["members"] == 1


def test_another_communes_object_is_a_404_problem(commune, officer, people, api_for):
    api = api_for(officer, commune, TokenScope.WRITE)
    other_id = people["elsewhere"].pk
    for path in (f"/residents/{other_id}", f"/residents/{other_id}/citizen-id"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    response = api.post(
        f"/residents/{other_id}/milestones",
        {"kind": "has_smartphone", "achieved_on": date.today().isoformat()},
    )
    assert response.status_code == 404
    assert not Milestone.objects.exists()


def test_the_role_decides_as_on_the_pages(commune, people, api_for):
    sponsor = api_for(user_with_role(Role.SPONSOR_VIEWER, commune), commune)
    response = sponsor.get("/residents")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    volunteer = api_for(user_with_role(Role.VOLUNTEER, commune), commune)
    assert volunteer.get("/residents").status_code == 200
    refused = volunteer.get(f"/residents/{people['resident'].pk}/citizen-id")
    assert refused.status_code == 403


def test_the_full_citizen_id_is_for_roles_that_may_see_it_and_audited(
    commune, officer, people, api_for
):
    api = api_for(officer, commune)
    response = api.get(f"/residents/{people['resident'].pk}/citizen-id")
    assert response.status_code == 200 and response.json()["citizen_id"] == CITIZEN_ID
    event = AuditEvent.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert event.source == AuditSource.API and event.actor == officer
    assert event.object_id == str(people["resident"].pk)


def test_reads_of_personal_data_are_audited_as_api_calls(commune, officer, people, api_for):
    api = api_for(officer, commune)
    api.get(f"/residents/{people['resident'].pk}")
    api.get("/households", q="HK")
    detail = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="registry.resident")
    assert detail.source == AuditSource.API and detail.actor == officer
    listing = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="registry.household")
    assert "q=HK" in listing.object_repr and listing.path.startswith("/api/v1/households")


def test_a_read_only_token_cannot_write(commune, officer, people, api_for):
    api = api_for(officer, commune, TokenScope.READ)
    response = api.post(
        f"/residents/{people['resident'].pk}/milestones",
        {"kind": "has_smartphone", "achieved_on": date.today().isoformat()},
    )
    assert response.status_code == 403 and response.json()["code"] == "token_read_only"
    assert not Milestone.objects.exists()


def test_a_milestone_goes_through_the_registrys_one_service(commune, officer, people, api_for):
    api = api_for(officer, commune, TokenScope.WRITE)
    resident = people["resident"]
    path = f"/residents/{resident.pk}/milestones"
    today = timezone.localdate()
    first = api.post(path, {"kind": "vneid_level1", "achieved_on": today.isoformat()})
    assert first.status_code == 201, first.content
    assert first.json()["created"] is True
    resident.refresh_from_db()
    assert resident.journey_rung == 4  # the journey position follows, as from the pages
    again = api.post(path, {"kind": "vneid_level1", "achieved_on": today.isoformat()})
    assert again.status_code == 200 and again.json()["created"] is False
    assert Milestone.objects.filter(resident=resident).count() == 1
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="registry.milestone")
    assert event.source == AuditSource.API and event.actor == officer
    future = api.post(
        path, {"kind": "has_sim", "achieved_on": (today + timedelta(days=1)).isoformat()}
    )
    assert future.status_code == 422
    body = future.json()
    assert body["code"] == "refused" and body["errors"][0]["field"] == "achieved_on"


def test_a_help_session_is_logged_by_the_desks_service(commune, admin, people, api_for):
    api = api_for(admin, commune, TokenScope.WRITE)
    today = timezone.localdate().isoformat()
    response = api.post(
        "/help-sessions",
        {
            "outcome": "done",
            "minutes": 15,
            "helped_on": today,
            "resident_id": people["resident"].pk,
            "topic": "Cài VNeID",
            "milestones": ["has_smartphone", "vneid_level1"],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["milestones_reached"] == 2
    session = HelpSession.objects.get()
    assert session.helper == admin and session.commune == commune
    elsewhere = api.post(
        "/help-sessions",
        {
            "outcome": "done",
            "minutes": 5,
            "helped_on": today,
            "topic": "x",
            "resident_id": people["elsewhere"].pk,
        },
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"][0]["field"] == "resident"
    too_long = api.post(
        "/help-sessions", {"outcome": "done", "minutes": 601, "helped_on": today, "topic": "x"}
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "invalid_request"
    assert too_long.json()["errors"][0]["field"] == "minutes"
    assert HelpSession.objects.count() == 1


def test_the_session_log_pages_by_cursor_without_gaps_or_repeats(commune, admin, api_for):
    for n in range(7):
        HelpSession.objects.create(
            commune=commune,
            helped_on=date(2026, 11, 1 + n),
            helper=admin,
            outcome="done",
            minutes=5,
            topic=f"việc {n}",
        )
    api = api_for(admin, commune)
    seen: list[int] = []
    response = api.get("/help-sessions", page_size=3)
    while True:
        body = response.json()
        assert response.status_code == 200 and len(body["results"]) <= 3
        seen += [s["id"] for s in body["results"]]
        if not body["next"]:
            break
        response = api.client.get(body["next"])
    assert seen == sorted(HelpSession.objects.values_list("pk", flat=True), reverse=True)


def test_a_bad_cursor_or_filter_is_a_422_problem(commune, admin, api_for):
    api = api_for(admin, commune)
    for params in ({"cursor": "%%%"}, {"outcome": "maybe"}, {"since": "yesterday"}):
        response = api.get("/help-sessions", **params)
        assert response.status_code == 422, params
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_request"


def test_the_rate_limit_is_per_token(commune, officer, admin, api_for, settings):
    settings.DIGIWARD_API_RATE_PER_MINUTE = 3
    first, second = api_for(officer, commune), api_for(admin, commune)
    assert [first.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/me")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert limited["Retry-After"] == "60"
    assert second.get("/me").status_code == 200  # another token has its own allowance


def test_a_request_too_large_is_refused_before_it_is_read(commune, officer, api_for, settings):
    api = api_for(officer, commune, TokenScope.WRITE)
    big = json.dumps(
        {"outcome": "done", "notes": "x" * (settings.DIGIWARD_MAX_PUBLIC_REQUEST_BYTES)}
    )
    response = api.client.post("/api/v1/help-sessions", big, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not HelpSession.objects.exists()


def test_titles_are_vietnamese_unless_english_is_asked_for(client):
    vi = client.get("/api/v1/me")
    assert vi.json()["title"] == "Hãy dùng mã truy cập API"
    en = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["title"] == "Sign in with an API token"


def test_procedures_and_guides_are_public(commune, admin, settings):
    settings.DIGIWARD_PUBLIC_COMMUNE = commune.code
    # read once per process: another test's commune (another id on PostgreSQL) must go
    public_views._public_commune.cache_clear()
    world = procedures_world(commune, admin)
    client = Client()
    listing = client.get("/api/v1/procedures")
    assert listing.status_code == 200
    slugs = [p["slug"] for p in listing.json()["items"]]
    assert "xac-nhan-rieng" in slugs
    detail = client.get("/api/v1/procedures/xac-nhan-rieng").json()
    assert detail["guides"] == [{"slug": world["guide"], "title": "Xin giấy xác nhận"}]
    guide = client.get(f"/api/v1/guides/{world['guide']}").json()
    assert [s["text"] for s in guide["steps"]] == ["Mở **VNeID**.", "Chạm **Thủ tục**.", "Gửi."]
    missing = client.get("/api/v1/guides/khong-co")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_kpis_are_the_communes_own_figures(commune, other_commune, admin, api_for):
    ResidentFactory(commune=commune, birth_year=1960, journey_rung=5)
    ResidentFactory(commune=commune, birth_year=1990, journey_rung=0)
    ResidentFactory(commune=other_commune, birth_year=1960, journey_rung=8)
    body = api_for(admin, commune).get("/kpis").json()
    assert (body["adults"], body["on_journey"], body["vneid_level2"], body["independent"]) == (
        2,
        1,
        1,
        0,
    )


def test_the_schema_is_published(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/residents" in schema["paths"] and "/api/v1/procedures" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    write = schema["paths"]["/api/v1/help-sessions"]["post"]
    assert "422" in write["responses"] and "401" in write["responses"]


def test_milestone_kinds_in_the_schema_are_the_ladders(client):
    schema = client.get("/api/openapi.json").json()
    kinds = schema["components"]["schemas"]["MilestoneKind"]["enum"]
    assert kinds == [k.value for k in MilestoneKind]


# Found by schemathesis (scripts/api-fuzz.sh): a path with a control character was the
# HTML 404 page, and a multipart body without its boundary a 500 on every URL.
def test_an_address_that_names_nothing_is_a_problem_too(client):
    for path in ("/api/v1/guides/%02x", "/api/v1/residents/%C2%97/milestones", "/api/v1/nothing"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"


def test_a_body_that_cannot_be_parsed_is_a_400_not_a_500(commune, officer, api_for, client):
    api = api_for(officer, commune, TokenScope.WRITE)
    response = api.client.post(
        "/api/v1/help-sessions", data="{}", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    page = client.post("/", data="x", content_type="multipart/form-data")
    assert page.status_code == 400


def test_a_page_or_id_beyond_the_databases_integers_is_a_422(commune, officer, api_for):
    api = api_for(officer, commune)
    for path, params in (
        ("/households", {"page": "377797746106431084982960128"}),
        ("/residents/377797746106431084982960128", {}),
        ("/residents", {"household": "99999999999999999999"}),
    ):
        response = api.get(path, **params)
        assert response.status_code == 422, path
        assert response.json()["code"] == "invalid_request"


def test_a_lists_total_is_counted_once_in_a_while_and_its_items_live(
    commune, officer, people, api_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(officer, commune)
    assert api.get("/residents").json()["count"] == 1
    ResidentFactory(commune=commune, household=people["household"], full_name="An Văn Mới")
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/residents").json()
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    # The page itself is read live; the total may be up to COUNT_SECONDS old.
    assert [r["full_name"] for r in body["items"]] == ["An Văn Mới", "Trần Thị Mai"]
    assert body["count"] == 1
    # Another filter is another count.
    assert api.get("/residents", q="moi").json()["count"] == 1


def test_a_help_session_records_the_skills_done_alone_all_or_nothing(
    commune, admin, people, api_for
):
    frameworks_load()
    essentials = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    vneid = essentials.competences.get(code="ID.1")
    api = api_for(admin, commune, TokenScope.WRITE)
    session = {
        "outcome": "done",
        "minutes": 15,
        "helped_on": timezone.localdate().isoformat(),
        "resident_id": people["resident"].pk,
        "topic": "Đăng nhập VNeID",
    }
    unknown = api.post("/help-sessions", {**session, "skills": [vneid.pk, 2_000_000]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "skills"
    assert not HelpSession.objects.exists() and not Evidence.objects.exists()

    logged = api.post("/help-sessions", {**session, "skills": [vneid.pk]})
    assert logged.status_code == 201, logged.content
    assert logged.json()["session"]["skills"] == [vneid.pk]
    evidence = Evidence.objects.get()
    assert (evidence.resident, evidence.competence, evidence.kind) == (
        people["resident"],
        vneid,
        EvidenceKind.DESK,
    )
