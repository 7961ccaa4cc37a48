"""The API's access table: for every operation, who may call it (from the same policy
table as the pages), that no token is a 401, a role without the permission a 403, and
another commune's object a 404. A new operation missing here fails the last test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from digiward.api.api import api
from digiward.api.models import TokenScope
from digiward.core.models import Role
from digiward.core.permissions import ROLE_PERMISSIONS, Perm
from digiward.core.testing import user_with_role
from digiward.public import views as public_views
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory
from tests.worlds import procedures_world

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {household}, {resident} for the commune's objects
    perm: Perm | None  # None: public, no token
    body: dict[str, object] | None = None

    @property
    def has_object(self) -> bool:
        return "{" in self.path

    def allowed(self) -> set[Role]:
        if self.perm is None:
            return set(Role)
        return {role for role, perms in ROLE_PERMISSIONS.items() if self.perm in perms}


def _today() -> str:
    return timezone.localdate().isoformat()


OPERATIONS = [
    Operation("get", "/me", Perm.VIEW_HOME),
    Operation("get", "/households", Perm.VIEW_REGISTRY),
    Operation("get", "/households/{household}", Perm.VIEW_REGISTRY),
    Operation("get", "/residents", Perm.VIEW_REGISTRY),
    Operation("get", "/residents/{resident}", Perm.VIEW_REGISTRY),
    Operation("get", "/residents/{resident}/citizen-id", Perm.VIEW_FULL_CITIZEN_ID),
    Operation("get", "/milestones", Perm.VIEW_REGISTRY),
    Operation(
        "post",
        "/residents/{resident}/milestones",
        Perm.RECORD_MILESTONE,
        {"kind": "has_smartphone", "achieved_on": "today"},
    ),
    Operation("get", "/help-sessions", Perm.LOG_HELP_SESSION),
    Operation(
        "post",
        "/help-sessions",
        Perm.LOG_HELP_SESSION,
        {"outcome": "done", "minutes": 10, "helped_on": "today", "topic": "VNeID"},
    ),
    Operation("get", "/home-support-requests", Perm.VIEW_HOME_SUPPORT),
    Operation("get", "/campaigns", Perm.VIEW_CAMPAIGNS),
    Operation("get", "/kpis", Perm.VIEW_STATISTICS),
    Operation("get", "/procedures", None),
    Operation("get", "/procedures/{procedure}", None),
    Operation("get", "/guides/{guide}", None),
]


@pytest.fixture
def objects(commune, admin, settings):
    settings.DIGIWARD_PUBLIC_COMMUNE = commune.code
    # read once per process: another test's commune (another id on PostgreSQL) must go
    public_views._public_commune.cache_clear()
    household = HouseholdFactory(commune=commune)
    world = procedures_world(commune, admin)
    return {
        "household": household.pk,
        "resident": ResidentFactory(commune=commune, household=household).pk,
        "procedure": "xac-nhan-rieng",
        "guide": world["guide"],
    }


def _call(client: Client, op: Operation, objects: dict[str, object]):  # type: ignore[no-untyped-def]
    path = "/api/v1" + op.path.format(**objects)
    if op.method == "get":
        return client.get(path)
    body = {k: _today() if v == "today" else v for k, v in (op.body or {}).items()}
    return client.post(path, body, content_type="application/json")


def _client(api_for, role: Role, commune) -> Client:  # type: ignore[no-untyped-def]
    return api_for(user_with_role(role, commune), commune, TokenScope.WRITE).client


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_every_operation_keeps_the_pages_rules(op, objects, commune, other_commune, api_for):
    if op.perm is None:
        response = _call(Client(), op, objects)
        assert response.status_code == 200, response.content
        return
    anonymous = _call(Client(), op, objects)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "token_missing"
    for role in set(Role) - op.allowed():
        response = _call(_client(api_for, role, commune), op, objects)
        assert response.status_code == 403, f"{role}: {response.status_code}"
        assert response.json()["code"] == "permission_denied"
    for role in op.allowed():
        response = _call(_client(api_for, role, commune), op, objects)
        assert response.status_code in (200, 201), f"{role}: {response.content!r}"
        if op.has_object and role != Role.PROVINCE_VIEWER:
            elsewhere = _call(_client(api_for, role, other_commune), op, objects)
            assert elsewhere.status_code == 404, f"{role} of another commune"


def test_every_operation_of_the_schema_is_in_the_table():
    schema = api.get_openapi_schema(path_prefix="")
    documented = {(method, path) for path, methods in schema["paths"].items() for method in methods}
    table = {
        (
            op.method,
            op.path.replace("{household}", "{household_id}")
            .replace("{resident}", "{resident_id}")
            .replace("{procedure}", "{slug}")
            .replace("{guide}", "{slug}"),
        )
        for op in OPERATIONS
    }
    assert documented == table
