"""The reusable permission test every view runs.

    def test_household_detail_access(commune, other_commune):
        household = HouseholdFactory(commune=commune)
        assert_view_access(
            url=reverse("registry:household_detail", args=[household.pk]),
            commune=commune, other_commune=other_commune,
            allowed={Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER},
        )

It proves, for one URL: anonymous → sign-in page; every role not allowed → 403;
an allowed role in another commune → 404 (the object does not exist for them);
every allowed role → success.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from typing import Any

from django.test import Client

from digiward.core.access import SESSION_KEY
from digiward.core.models import Commune, Membership, Province, Role, User

_counter = itertools.count()


def user_with_role(role: Role, commune: Commune) -> User:
    """A fresh user holding `role` in `commune` (through its province for a province viewer)."""
    user = User.objects.create_user(
        username=f"perm-{role.value}-{next(_counter)}", full_name="Người Thử Quyền"
    )
    if role == Role.PROVINCE_VIEWER:
        Membership.objects.create(user=user, role=role, province=commune.province)
    else:
        Membership.objects.create(user=user, role=role, commune=commune)
    return user


def client_in(user: User, commune: Commune) -> Client:
    """A client signed in as `user`, working in `commune` (second factor done)."""
    client = signed_in_client(user)
    session = client.session
    session[SESSION_KEY] = commune.pk
    session.save()
    return client


def signed_in_client(user: User, *, second_factor: bool = True) -> Client:
    """A client signed in as `user`. With `second_factor`, the session counts as having
    passed two-step sign-in (as after typing a code), so pages answer as they do for
    someone fully signed in; tests of two-step sign-in itself pass False."""
    client = Client()
    client.force_login(user)
    if second_factor:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _created = StaticDevice.objects.get_or_create(user=user, name="test-session")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _other_province_commune(commune: Commune) -> Commune:
    province, _ = Province.objects.get_or_create(
        code="99", defaults={"name": "Tỉnh Thử", "kind": "province", "codename": "thu"}
    )
    other, _ = Commune.objects.get_or_create(
        code="99999",
        defaults={"name": "Xã Thử", "kind": "commune", "province": province, "codename": "xa_thu"},
    )
    return other


def assert_view_access(
    *,
    url: str,
    commune: Commune,
    other_commune: Commune,
    allowed: Collection[Role],
    method: str = "get",
    data: Mapping[str, Any] | None = None,
    ok_status: int | Collection[int] = 200,
    scoped: bool = True,
    hidden_from: Collection[Role] = (),
) -> None:
    """`hidden_from`: roles that hold the permission but not this object (e.g. someone
    else's job): they get 404 rather than 403."""

    def send(client: Client) -> Any:
        return getattr(client, method)(url, data or {})

    ok = {ok_status} if isinstance(ok_status, int) else set(ok_status)
    what = f"{method.upper()} {url}"

    response = send(Client())
    assert response.status_code == 302, f"anonymous {what}: got {response.status_code}"
    assert "/accounts/login/" in response["Location"], f"anonymous {what}: not sent to sign in"

    for role in set(Role) - set(allowed):
        expected = 404 if role in hidden_from else 403
        response = send(client_in(user_with_role(role, commune), commune))
        assert response.status_code == expected, (
            f"{role.value} {what}: expected {expected}, got {response.status_code}"
        )

    if scoped:
        for role in allowed:
            # The same role, held only somewhere else: the object must not exist for them.
            elsewhere = (
                _other_province_commune(commune) if role == Role.PROVINCE_VIEWER else other_commune
            )
            response = send(client_in(user_with_role(role, elsewhere), elsewhere))
            assert response.status_code == 404, (
                f"{role.value} of another commune {what}: expected 404, got {response.status_code}"
            )

    roles = list(allowed) if method == "get" else list(allowed)[:1]
    for role in roles:
        response = send(client_in(user_with_role(role, commune), commune))
        assert response.status_code in ok, (
            f"{role.value} {method.upper()} {url}: expected {ok}, got {response.status_code}"
        )


def migrate_to(targets: list[tuple[str, str]]) -> Any:
    """Migrate the test database to `targets` (app, migration name) and return the
    historical apps registry there, for data-migration tests (transaction=True ones)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Every app back at its newest migration, as the rest of the suite expects."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
