"""Every staff URL has an access-table test, so a new view cannot escape one.

Guard rail of the security issue "a view without `assert_view_access`". The test walks
Django's URL resolver, lists every named pattern (`namespace:name`) and fails for any that
no access-table test covers, except an explicit allow-list (below, each with its reason)
of URLs that are not staff pages guarded by a commune role; those get their own checks
here (public pages answer an anonymous visitor, the Django admin turns away everyone but
superusers, account pages ask for a sign-in).

How "covered" is found: a static scan of the test sources (`tests/access_scan.py`). A URL
name is covered when it can reach the `url=` argument of a call to
`digiward.core.testing.assert_view_access` in a test that runs: written out as
`reverse("ns:name")`, or through a variable, a loop over a literal table, a
`@pytest.mark.parametrize` table, a helper's call sites, or a module-level function
returning a dict of URLs. Mentions elsewhere do not count: a comment, a docstring, a string
in another call, a test marked skip/skipif/xfail, a helper no test calls.

Why static and not recorded at run time: the suite runs in two processes (pytest-xdist), and
a record kept by `assert_view_access` in one process does not know what the other ran, nor
would it be complete when one file is run alone. The scan reads every test file each time,
so the answer is the same however the suite is split. It does not prove the access test
passes; the access test itself does that, in the same run. A call the scan cannot follow
covers nothing and is named in the failure message, so its author can write the table in
one of the forms above.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from fnmatch import fnmatchcase

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from digiward.core.models import Membership, Role
from digiward.core.testing import client_in, signed_in_client, user_with_role
from digiward.core.tests.factories import UserFactory
from tests import access_scan
from tests.worlds import public_urls

# --- What is not a staff page guarded by a commune role ---------------------------------
# Each entry: a URL name (or a namespace pattern) and why assert_view_access does not
# apply. Everything here is checked by another test in this module.
ALLOWED_WITHOUT_ACCESS_TABLE: dict[str, str] = {
    # Citizens' pages: anonymous by design (no sign-in for the public). Checked by
    # test_public_pages_answer_an_anonymous_visitor.
    "public:*": "citizens' pages, anonymous by design",
    # Sign-in, sign-out, password and two-step pages: before (or instead of) a commune.
    "login": "the sign-in page itself",
    "logout": "signing out",
    "password_change": "own password, any signed-in account",
    "password_change_done": "own password, any signed-in account",
    "mfa_setup": "own second factor, any signed-in account",
    "mfa_verify": "own second factor, any signed-in account",
    "account_security": "own second factor, any signed-in account",
    "mfa_recovery_codes": "own recovery codes, any signed-in account",
    # Pages of the signed-in person, before any commune is chosen.
    "core:choose_commune": "choosing the commune to work in: no commune yet",
    "core:invitations": "one's own invitations from communes: no commune yet",
    # Scoped by the province a viewer holds, not by an active commune.
    "reports:province": "the province roll-up: province viewers only (test_the_province_roll_up_*)",
    # Public by design.
    "core:about": "licence and source (AGPL section 13): for everyone",
    "set_language": "Django's language switch (i18n)",
    "healthz": "health check for the proxy and monitoring",
    "ops:readyz": "readiness for monitoring: no session, no personal data (test_readyz_*)",
    # The Django admin: superusers only, checked by test_admin_is_for_superusers_only.
    "admin:*": "Django admin (operators of the installation), not a commune page",
    # The API: a token instead of a session. digiward/api/tests/test_api_access.py holds
    # its own access table (every operation of the schema, checked complete there).
    "api-v1:*": "the API: its own access table in test_api_access.py",
    "api:openapi": "the API's schema: public, no personal data",
    "api:token_revoke": "one's own token only: another's is a 404 (test_tokens.py)",
    # Certificate verification: public by design (the QR on the paper), rate-limited per
    # address, tested in digiward/learning/tests/test_certificates.py.
    "learning:verify_start": "typing a certificate's code: for everyone",
    "learning:verify": "a certificate's public page: valid, revoked or unknown",
    "learning:credential": "a certificate's signed credential: for any verifier",
    "learning:public_keys": "the communes' public signing keys: for any verifier",
    # The lessons' service worker: a static script, no data (test_lessons.py).
    "learning:service_worker": "the learning pages' service worker script: the same for everyone",
    # Called by the gateways, not by people: checked by test_gateway_webhooks_refuse_*.
    "messaging:zalo_webhook": "Zalo's delivery events: no session, checked by its signature",
    "messaging:sms_callback": "the SMS gateway's receipts: no session, a secret token in the URL",
}


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name", None for an unnamed pattern
    route: str
    view: str


def routes(resolver: URLResolver | None = None) -> list[Route]:
    """Every pattern of the URL map, with its full namespace and route."""
    found: list[Route] = []

    def walk(node: URLResolver, namespaces: tuple[str, ...], prefix: str) -> None:
        for pattern in node.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                walk(pattern, inner, route)
            elif isinstance(pattern, URLPattern):
                name = ":".join((*namespaces, pattern.name)) if pattern.name else None
                found.append(Route(name, route, pattern.lookup_str))

    walk(resolver or get_resolver(), (), "")
    return found


def allow_reason(name: str, allowed: dict[str, str] = ALLOWED_WITHOUT_ACCESS_TABLE) -> str | None:
    for pattern, reason in allowed.items():
        if fnmatchcase(name, pattern):
            return reason
    return None


def uncovered(
    all_routes: list[Route],
    covered: set[str],
    allowed: dict[str, str] = ALLOWED_WITHOUT_ACCESS_TABLE,
) -> list[Route]:
    """Routes that need an access-table test and have none (unnamed ones cannot have one)."""
    return [
        r
        for r in all_routes
        if (r.name is None and not r.route.startswith("admin/"))
        or (r.name is not None and allow_reason(r.name, allowed) is None and r.name not in covered)
    ]


def _explain(missing: list[Route], findings: list[access_scan.Finding]) -> str:
    lines = ["URLs without an access-table test (assert_view_access):"]
    lines += [f"  {r.name or '(unnamed)'}  /{r.route}  → {r.view}" for r in missing]
    lines.append(
        "Add a test calling assert_view_access(url=reverse(<name>, ...), ...) with the roles "
        "that hold the view's permission (digiward/core/permissions.py), or, if it is not a "
        "commune staff page, add it with its reason to ALLOWED_WITHOUT_ACCESS_TABLE."
    )
    unresolved = [f for f in findings if not f.resolved]
    if unresolved:
        lines.append("Calls whose URL the scan could not follow (they cover nothing):")
        lines += [f"  {f.path}:{f.line} in {f.test}" for f in unresolved]
    return "\n".join(lines)


# --- The guard rail ------------------------------------------------------------------------
def test_every_staff_url_has_an_access_table_test():
    sources, modules = access_scan.collect_test_sources()
    findings = access_scan.scan(sources, modules)
    missing = uncovered(routes(), access_scan.covered_names(findings))
    assert not missing, _explain(missing, findings)


def test_the_allow_list_names_only_urls_that_exist():
    names = {r.name for r in routes() if r.name}
    stale = [p for p in ALLOWED_WITHOUT_ACCESS_TABLE if not any(fnmatchcase(n, p) for n in names)]
    assert not stale, f"allow-list entries matching no URL (remove them): {stale}"


def test_covered_names_are_real_urls():
    """A name in an access test that is no URL means the test reverses something else."""
    sources, modules = access_scan.collect_test_sources()
    covered = access_scan.covered_names(access_scan.scan(sources, modules))
    names = {r.name for r in routes() if r.name}
    assert covered <= names, sorted(covered - names)


# --- Self-tests of the mechanism -----------------------------------------------------------
FAKE_ROUTES = [
    Route("shop:list", "shop/", "v.list"),
    Route("shop:detail", "shop/<int:pk>/", "v.detail"),
    Route("shop:edit", "shop/<int:pk>/edit/", "v.edit"),
    Route("shop:delete", "shop/<int:pk>/delete/", "v.delete"),
    Route("public:home", "", "v.home"),
]

FAKE_TEST = '''
import pytest
from django.urls import reverse
from digiward.core.testing import assert_view_access as check

TABLE = [("shop:list", []), ("shop:detail", ["pk"])]


@pytest.mark.parametrize(("name", "args"), TABLE)
def test_pages(name, args, world):
    # shop:delete is covered somewhere else, says this comment
    url = reverse(name, args=[world[a] for a in args])
    check(url=url, commune=None, other_commune=None, allowed=set())


def test_other_things():
    """Also shop:delete."""
    reverse("shop:delete")
    print("shop:delete")
'''


def _covered(source: str) -> set[str]:
    return access_scan.covered_names(access_scan.scan({"fake/test_fake.py": source}))


def test_the_scan_reads_tables_and_ignores_mere_mentions():
    assert _covered(FAKE_TEST) == {"shop:list", "shop:detail"}
    missing = uncovered(FAKE_ROUTES, _covered(FAKE_TEST), {"public:*": "public"})
    assert [r.name for r in missing] == ["shop:edit", "shop:delete"]


def test_a_new_url_without_an_access_test_fails_the_check():
    """The real URL map and the real test sources, plus one new view nobody tested."""
    sources, modules = access_scan.collect_test_sources()
    covered = access_scan.covered_names(access_scan.scan(sources, modules))
    new = Route("registry:brand_new", "app/registry/brand-new/", "v.brand_new")
    missing = uncovered([*routes(), new], covered)
    assert missing == [new]
    assert "registry:brand_new" in _explain(missing, [])


def test_an_unnamed_url_fails_the_check():
    assert uncovered([Route(None, "app/x/", "v.x")], set(), {}) == [Route(None, "app/x/", "v.x")]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Written out, with a query string added.
        (
            'def test_a():\n    assert_view_access(url=reverse("shop:edit", args=[1]) + "?x=1")',
            {"shop:edit"},
        ),
        # A loop over a literal list of (name, args).
        (
            "def test_a():\n"
            '    for name, args in [("shop:edit", [1]), ("shop:delete", [2])]:\n'
            "        assert_view_access(url=reverse(name, args=args))",
            {"shop:edit", "shop:delete"},
        ),
        # An f-string over a parametrised suffix; a skipped row does not count.
        (
            "@pytest.mark.parametrize('n', ['edit', pytest.param('delete', marks=pytest.mark.skip)])\n"
            "def test_a(n):\n"
            '    assert_view_access(url=reverse(f"shop:{n}", args=[1]))',
            {"shop:edit"},
        ),
        # A dict of URLs from a function, picked by a parametrised key.
        (
            "def urls(w):\n"
            '    return {"e": (reverse("shop:edit", args=[w]), 1), "d": (reverse("shop:delete"), 2)}\n'
            "@pytest.mark.parametrize('key', ['e'])\n"
            "def test_a(key, w):\n"
            "    url, _x = urls(w)[key]\n"
            "    assert_view_access(url=url)",
            {"shop:edit"},
        ),
        # A helper counts through the tests that call it, and only those.
        (
            "def check(name):\n"
            "    assert_view_access(url=reverse(name))\n"
            "def test_a():\n"
            '    check("shop:edit")\n'
            "def helper_nobody_calls():\n"
            '    check("shop:delete")',
            {"shop:edit"},
        ),
        # A skipped test covers nothing; neither does a test-less module function.
        (
            "@pytest.mark.skip(reason='later')\n"
            'def test_a():\n    assert_view_access(url=reverse("shop:edit"))\n'
            'def not_a_test():\n    assert_view_access(url=reverse("shop:delete"))',
            set(),
        ),
        # The last assignment before the call is the one that counts.
        (
            "def test_a():\n"
            '    url = reverse("shop:delete")\n'
            '    url = reverse("shop:edit")\n'
            "    assert_view_access(url=url)",
            {"shop:edit"},
        ),
        # A URL the scan cannot follow covers nothing (and is reported as unresolved).
        ("def test_a(url):\n    assert_view_access(url=url)", set()),
        # Some other function called assert_view_access is not ours.
        (
            "from elsewhere import assert_view_access\n"
            'def test_a():\n    assert_view_access(url=reverse("shop:edit"))',
            set(),
        ),
    ],
)
def test_the_scan_follows_these_forms(source, expected):
    header = (
        "import pytest\n"
        "from django.urls import reverse\n"
        "from digiward.core.testing import assert_view_access\n"
    )
    assert _covered(header + textwrap.dedent(source)) == expected


def test_an_unresolved_call_is_named_in_the_message():
    source = (
        "from digiward.core.testing import assert_view_access\n"
        "def test_a(url):\n    assert_view_access(url=url)\n"
    )
    findings = access_scan.scan({"fake/test_fake.py": source})
    message = _explain([Route("shop:edit", "shop/1/edit/", "v.edit")], findings)
    assert "fake/test_fake.py:3 in test_a" in message


# --- Checks of the allow-listed URLs ------------------------------------------------------
def _named(pattern: str) -> list[str]:
    return sorted(r.name for r in routes() if r.name and fnmatchcase(r.name, pattern))


@pytest.mark.django_db
def test_public_pages_answer_an_anonymous_visitor(public_site):
    urls = public_urls(public_site)
    assert sorted(urls) == _named("public:*"), "add the new public page to public_urls()"
    client = Client()
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code < 400, f"{name} {url}: {response.status_code}"


@pytest.mark.django_db
def test_public_pages_need_no_sign_in_and_show_no_staff_menu(public_site):
    for name, url in public_urls(public_site).items():
        response = Client().get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert "/app/" not in response.content.decode(), name


@pytest.mark.django_db
def test_pages_for_everyone_answer_an_anonymous_visitor():
    client = Client()
    assert client.get(reverse("core:about")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert switched.status_code == 302


@pytest.mark.django_db
def test_gateway_webhooks_refuse_an_unsigned_call(settings):
    """Anyone can reach them; only a call signed by Zalo, or carrying the SMS callback's
    secret, is heard (digiward/messaging/tests/test_flow.py checks the accepted ones)."""
    settings.DIGIWARD_ZNS_APP_ID = "4321"
    settings.DIGIWARD_ZNS_WEBHOOK_SECRET = "oa-secret"
    settings.DIGIWARD_SMS_CALLBACK_TOKEN = "cb-token"
    event = '{"app_id": "4321", "event_name": "user_received_message", "timestamp": "1"}'
    zalo = reverse("messaging:zalo_webhook")
    assert Client().post(zalo, event, content_type="application/json").status_code == 403
    assert Client().get(zalo).status_code == 405
    sms = reverse("messaging:sms_callback", args=["guessed"])
    assert Client().get(sms, {"SMSID": "1", "SendStatus": "5"}).status_code == 403
    settings.DIGIWARD_SMS_CALLBACK_TOKEN = ""  # not configured: nobody is heard
    sms = reverse("messaging:sms_callback", args=["x"])
    assert Client().get(sms, {"SMSID": "1", "SendStatus": "5"}).status_code == 403


# Account pages: (method, expected for a signed-in person without any role).
ACCOUNT_PAGES = {
    "password_change": ("get", {200}),
    "password_change_done": ("get", {200}),
    "mfa_setup": ("get", {200}),
    "mfa_verify": ("get", {200, 302}),
    "account_security": ("get", {200}),
    "mfa_recovery_codes": ("post", {200, 302}),
    "core:choose_commune": ("get", {200}),
    "core:invitations": ("get", {200}),
    "logout": ("post", {302}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ACCOUNT_PAGES))
def test_account_pages_ask_for_a_sign_in_and_no_commune_role(name):
    method, expected = ACCOUNT_PAGES[name]
    url = reverse(name)
    anonymous = getattr(Client(), method)(url)
    if name != "logout":
        assert anonymous.status_code == 302, f"anonymous {name}: {anonymous.status_code}"
        assert anonymous["Location"].startswith(reverse("login")), name
    nobody = UserFactory(username="khong-vai-tro")
    response = getattr(signed_in_client(nobody), method)(url)
    assert response.status_code in expected, f"{name}: {response.status_code}"


def test_every_allow_listed_signed_in_page_is_checked():
    named = {n for pattern in ALLOWED_WITHOUT_ACCESS_TABLE for n in _named(pattern)}
    elsewhere = set(_named("public:*")) | set(_named("admin:*"))
    elsewhere |= {"login", "core:about", "healthz", "ops:readyz", "set_language"}
    elsewhere |= {"messaging:zalo_webhook", "messaging:sms_callback"}
    elsewhere |= {"reports:province"}
    # The API's operations, its schema and the revoke button: digiward/api/tests.
    elsewhere |= set(_named("api-v1:*")) | {"api:openapi", "api:token_revoke"}
    elsewhere |= set(_named("learning:verify*")) | {"learning:credential", "learning:public_keys"}
    elsewhere |= {"learning:service_worker"}
    assert named - elsewhere == set(ACCOUNT_PAGES)


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[1]))
    urls += [reverse("admin:app_list", args=[label]) for label in ("core", "registry")]
    return urls


@pytest.mark.django_db
def test_admin_is_for_superusers_only(commune):
    login = reverse("admin:login")
    urls = _admin_urls()
    staff = user_with_role(Role.COMMUNE_ADMIN, commune)
    staff.is_staff = True
    staff.save()
    staff_client = client_in(staff, commune)
    for url in urls:
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(login), url
        refused = staff_client.get(url)
        assert refused.status_code == 302 and refused["Location"].startswith(login), url
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert signed_in_client(root).get(reverse("admin:index")).status_code == 200
    assert not Membership.objects.filter(user=root).exists()


@pytest.mark.django_db
def test_the_province_roll_up_is_for_province_viewers_only(commune, far_commune):
    """Anonymous → sign in; any commune role, or no role → 403; a viewer of the province →
    200; a viewer of another province asking for this one → 404 (it does not exist)."""
    url = reverse("reports:province")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    for role in set(Role) - {Role.PROVINCE_VIEWER}:
        refused = client_in(user_with_role(role, commune), commune).get(url)
        assert refused.status_code == 403, role
    assert signed_in_client(UserFactory(username="khong-vai-tro")).get(url).status_code == 403
    viewer = signed_in_client(user_with_role(Role.PROVINCE_VIEWER, commune))
    assert viewer.get(url).status_code == 200
    elsewhere = signed_in_client(user_with_role(Role.PROVINCE_VIEWER, far_commune))
    assert elsewhere.get(url, {"province": commune.province.code}).status_code == 404
