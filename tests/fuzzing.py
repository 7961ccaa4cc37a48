"""Shared pieces of the fuzz tests: hostile values, what pages offer to send, and a
fingerprint of what is stored.

Hostile values: any Unicode text (no lone surrogates, which no browser can send), control
characters with NUL, bidirectional overrides and zero-width marks, very long strings
(100 KB), numbers at the edges of every type ("9" * 400, "-1e309", "NaN"), and dates at
and past the edges of the calendar ("0001-01-01", "9999-12-31", "10000-01-01").
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urljoin, urlsplit

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.forms import BaseForm
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from tests.worlds import jpeg

# --- Hypothesis settings -----------------------------------------------------------------
# deadline=None: a page is a database round trip, slower on a busy machine; the examples
# are few because every example is a whole request (or a whole tour of requests). The
# world is a function-scoped fixture built once for all the examples of a test, on purpose:
# each request runs in a savepoint that is rolled back, so every example sees the same
# world (see `rolled_back`).
# No shrinking in the tours (an example there is a request to every page; shrinking one
# took minutes): the failure message names the page and shows the data instead.
# large_base_example: one example fills every form (or visits every page), so even the
# smallest one grows with the product; that size is the point, not a strategy to trim.
FUZZ = settings(
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# --- Hostile values ----------------------------------------------------------------------
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85)]
MARKS = ["\u202e", "\u202d", "\u2066", "\u200e", "\u200f", "\u200b", "\ufeff", "\u2028"]
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "'",
    '"',
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}",
    "%(name)s",
    "%s%s%s",
    "../../etc/passwd",
    "=1+1",
    "@SUM(A1)",
    "Ạ" * 300,
    "e\u0301\u0301\u0301",
    "🙂" * 50,
    "\U0010ffff",
    "İı",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "0",
    "-0",
    "00",
]
NUMBERS = [
    "9" * 400,
    "-" + "9" * 400,
    "-1e309",
    "1e309",
    "1e-400",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "0x10",
    "1_000",
    "1,5",
    "1.5.5",
    "\u2212" + "1",  # a Unicode minus
    "\u0661\u0662\u0663",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "²",  # a digit to str.isdigit(), not to int()
    "①",
    "9" * 5000,  # past Python's 4300-digit limit of int()
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "-9223372036854775809",
    "65536",
    "-1",
    "0",
    "1",
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "2026-02-29",
    "2028-02-30",
    "2026-13-01",
    "31/12/2026",
    "32/01/2026",
    "1/1/1",
    "2026-W53",
    "2026-01",
    "-2026-01-01",
    "1970-01-01T00:00:00Z",
    "24:00",
    "23:59:60",
    "25:61",
    "-01:00",
    "99:99",
    "T",
]
HUGE = ["x" * 100_000, "Đ" * 50_000, "1" * 100_000, "\x00" * 10_000]

_characters = st.characters(exclude_categories=["Cs"])
text = st.text(_characters, max_size=40)
mixed = st.lists(
    st.one_of(text, st.sampled_from(CONTROLS), st.sampled_from(MARKS)), max_size=6
).map("".join)
values = st.one_of(
    text,
    mixed,
    st.sampled_from(NASTY),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(HUGE),
)
# Keys of a query string or a form: mostly known ones, sometimes anything.
odd_keys = st.one_of(st.sampled_from(NASTY + CONTROLS[:3]), text)


# Holes found by the fuzz and reported, not yet fixed: (view name, key, database vendor
# or None for both). The fuzz leaves these keys as the page sent them, so the suite stays
# green; each has its plain reproducing test, marked xfail, in test_fuzz_findings.py.
# Remove an entry when its test starts passing (strict xfail fails then).
KNOWN_HOLES: set[tuple[str, str, str | None]] = set()


def known_holes(view: str) -> set[str]:
    return {
        key
        for name, key, vendor in KNOWN_HOLES
        if name == view and vendor in (None, connection.vendor)
    }


def mutations(
    baseline: Mapping[str, list[str]], keys: Iterable[str], *, keep: Iterable[str] = ()
) -> st.SearchStrategy:
    """Dicts of lists: the baseline with some keys given hostile values, some dropped, and
    maybe an extra key; sometimes only hostile values. `keep`: keys left as they are."""
    kept = set(keep)
    names = sorted((set(baseline) | set(keys)) - kept)
    if not names:
        return st.just({k: list(v) for k, v in baseline.items()})

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, list[str]]:
        data = {k: list(v) for k, v in baseline.items()}
        if draw(st.integers(0, 4)) == 0:
            data = {k: v for k, v in data.items() if k in kept}
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True)):
            data[name] = draw(st.lists(values, min_size=0, max_size=2))
        if draw(st.integers(0, 5)) == 0:
            extra = draw(odd_keys)
            if extra not in kept:
                data[extra] = [draw(values)]
        return data

    return build()


# --- What is stored ----------------------------------------------------------------------
# Tables left out of "nothing written on a rejection", and why:
# - core.AuditEvent: the audit log records views and refused attempts by design;
# - core.RateCounter: counts attempts, refused ones included, to slow down guessing;
# - sessions, axes (sign-in attempts), django-otp devices: not our apps, and signing in
#   writes them whatever the page does.
NOT_CHECKED = {"core.auditevent", "core.ratecounter"}


def checked_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("digiward.")
        and model._meta.label_lower not in NOT_CHECKED
        and not model._meta.proxy
        and model._meta.managed
    ]


def row_counts() -> dict[str, int]:
    """The number of rows of every checked table, in one query."""
    tables = [m._meta.db_table for m in checked_models()]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608 - table names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def changed(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


# --- Reading what a page offers ------------------------------------------------------------
@dataclass
class HtmlForm:
    action: str  # an absolute path, maybe with a query string
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → values sent as is
    names: set[str] = field(default_factory=set)  # every field name, sent or not
    files: set[str] = field(default_factory=set)
    submits: dict[str, str] = field(default_factory=dict)  # named buttons


class _FormParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[HtmlForm] = []
        self.links: list[str] = []
        self.hx: list[tuple[str, str]] = []  # (method, url) of htmx requests
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for method in ("get", "post"):
            if f"hx-{method}" in a:
                self.hx.append((method, urljoin(self.base, a[f"hx-{method}"])))
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        if tag == "form":
            self._form = HtmlForm(
                action=urljoin(self.base, a.get("action") or self.base),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
            return
        form = self._form
        name = a.get("name")
        if form is not None and tag == "option" and self._select:
            # An option has no name of its own: it belongs to the select it is in.
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form.fields.setdefault(self._select, []).append(value)
                self._select_chosen = True
            return
        if form is None or not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            form.names.add(name)
            if kind == "file":
                form.files.add(name)
            elif kind in ("submit", "image", "button"):
                form.submits[name] = a.get("value", "")
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.setdefault(name, []).append(a.get("value", "on"))
            else:
                form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit":
            form.names.add(name)
            form.submits[name] = a.get("value", "")
        elif tag == "select":
            form.names.add(name)
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "textarea":
            form.names.add(name)
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._form is not None and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields.setdefault(self._select, []).append(self._select_first)
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea is not None:
            self._form.fields.setdefault(self._textarea, []).append("".join(self._text))
            self._textarea = None


@dataclass
class Page:
    forms: list[HtmlForm]
    links: list[str]
    hx: list[tuple[str, str]]


def read_page(url: str, response: HttpResponse) -> Page:
    if not response.get("Content-Type", "").startswith("text/html"):
        return Page([], [], [])
    parser = _FormParser(url)
    parser.feed(response.content.decode("utf-8", "replace"))
    return Page(parser.forms, parser.links, parser.hx)


def local_path(url: str) -> str | None:
    """The path (and query) of a link to this site, None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def query_keys(url: str) -> set[str]:
    return {k for k, _v in parse_qsl(urlsplit(url).query, keep_blank_values=True)}


# --- What views read ---------------------------------------------------------------------
def request_keys(view: Any, source: str) -> set[str]:
    """Keys a view's module reads from request.GET or request.POST (`source`), found in
    its source: `.get("k")`, `["k"]`, `"k" in request.POST`, `.getlist("k")`."""
    view = getattr(view, "view_class", view)  # a class-based view: its own module
    module = inspect.getmodule(inspect.unwrap(view))
    if module is None or module.__file__ is None:
        return set()
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    found: set[str] = set()

    def is_source(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == source

    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "getlist")
            and is_source(node.func.value)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and is_source(node.value)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            found.add(node.slice.value)
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            and len(node.comparators) == 1
            and is_source(node.comparators[0])
        ):
            found.add(node.left.value)
    return found


# --- Was a POST refused? -------------------------------------------------------------------
REFUSED_STATUSES = {400, 403, 404, 405, 413, 429}


def bound_forms_with_errors(response: HttpResponse) -> list[BaseForm]:
    contexts = getattr(response, "context", None)
    if contexts is None:
        return []
    found: list[BaseForm] = []
    seen: set[int] = set()
    for context in contexts if isinstance(contexts, list) else [contexts]:
        for layer in getattr(context, "dicts", [context]):
            if not isinstance(layer, dict):
                continue
            for value in layer.values():
                if isinstance(value, BaseForm) and value.is_bound and id(value) not in seen:
                    seen.add(id(value))
                    if value.errors:
                        found.append(value)
    return found


def refused(response: HttpResponse) -> bool:
    """A refusal: an error status, or the page again with its form's errors, or a redirect
    carrying only an error message."""
    if response.status_code in REFUSED_STATUSES:
        return True
    if response.status_code == 200:
        return bool(bound_forms_with_errors(response))
    if response.status_code == 302:
        storage = getattr(response.wsgi_request, "_messages", None)
        queued = list(getattr(storage, "_queued_messages", []))
        levels = {m.level_tag for m in queued}
        return "error" in levels and "success" not in levels
    return False


def example_of(data: Mapping[str, list[str]], limit: int = 120) -> str:
    shown = {
        k[:40]: [v[:limit] + ("…" if len(v) > limit else "") for v in vs] for k, vs in data.items()
    }
    return repr(shown)


# --- The tour ------------------------------------------------------------------------------
LINKS_PER_PAGE = 3


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Target:
    path: str
    name: str
    keys: set[str] = field(default_factory=set)  # query or form keys worth fuzzing
    baselines: list[dict[str, list[str]]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)


@dataclass
class Tour:
    gets: dict[str, Target]
    posts: dict[str, Target]
    counts: dict[str, int]


def query_of(path: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(path).query, keep_blank_values=True)


def bare(path: str) -> str:
    return urlsplit(path).path


def build_tour(client, urls: dict[str, str], names: set[str]) -> Tour:
    """Read every page once (in a savepoint): its forms, links and htmx requests."""
    gets: dict[str, Target] = {}
    posts: dict[str, Target] = {}

    def add_get(path: str, name: str, *, linked: bool = False) -> None:
        known = sum(t.name == name for t in gets.values())
        if linked and bare(path) not in gets and known >= LINKS_PER_PAGE:
            return  # enough pages of this kind (guides, households...) already
        target = gets.setdefault(bare(path), Target(bare(path), name))
        query = query_of(path)
        target.keys |= set(query)
        if query and query not in target.baselines:
            target.baselines.append(query)

    def add_post(path: str, name: str, form: HtmlForm | None) -> None:
        target = posts.setdefault(path, Target(path, name))
        if form is None:
            return
        target.keys |= form.names
        target.files |= form.files
        submits = form.submits or {"": ""}
        for submit, value in submits.items():
            baseline = {k: list(v) for k, v in form.fields.items()}
            if submit:
                baseline[submit] = [value]
            if baseline not in target.baselines:
                target.baselines.append(baseline)

    for label, url in urls.items():
        name = view_name(bare(url)) or label
        with rolled_back():
            response = client.get(url)
            probe = client.post(bare(url))
        view = resolve(bare(url)).func
        if response.status_code != 405:
            add_get(url, name)
            gets[bare(url)].keys |= request_keys(view, "GET")
        if probe.status_code != 405:
            add_post(bare(url), name, None)
            posts[bare(url)].keys |= request_keys(view, "POST")
        page = read_page(url, response)
        for form in page.forms:
            action = local_path(form.action)
            target = view_name(action) if action else None
            if target not in names:
                continue
            if form.method == "post":
                add_post(action, target, form)
            else:
                add_get(action, target)
                gets[bare(action)].keys |= form.names
        for method, hx_url in page.hx:
            path = local_path(hx_url)
            target = view_name(path) if path else None
            if target in names and method == "get":
                add_get(path, target)
            elif target in names:
                add_post(path, target, None)
        for link in page.links:
            path = local_path(link)
            target = view_name(path) if path else None
            if target in names and target.split(":")[0] == name.split(":")[0]:
                add_get(path, target, linked=True)
    for target in posts.values():
        if not target.baselines:
            target.baselines.append({})
    for target in gets.values():
        if not target.baselines:
            target.baselines.append({})
    return Tour(gets=gets, posts=posts, counts=row_counts())


def upload_files(draw, names: set[str]) -> dict[str, SimpleUploadedFile]:
    files = {}
    for name in sorted(names):
        kind = draw(st.sampled_from(["none", "junk", "jpeg", "empty"]))
        if kind == "none":
            continue
        content = {
            "junk": draw(st.binary(max_size=2000)),
            "jpeg": jpeg().read(),
            "empty": b"",
        }[kind]
        filename = draw(st.sampled_from(["a.jpg", "ds.xlsx", "x.csv", "..\\..\\a.jpg", "a"]))
        files[name] = SimpleUploadedFile(filename, content)
    return files


def flat(data: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: v for k, v in data.items() if v}
