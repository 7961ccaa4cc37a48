"""Mixed workload under load, on SQLite and PostgreSQL (issue 17, "Load").

    .venv/bin/python bench/bench_load.py [--database sqlite|postgres|both] [--duration 10]
        [--workers 4] [--connections 16] [--import-rows 20000]
        [--steps 8,16,32,64,128,256,512,1024]

Defaults: both databases, about 6 minutes in all on 2 cores (setup is ~40 s of each).

For each database: a fresh demo commune (migrate, load_units, load_procedures,
seed_demo --commune 31135) in a fresh var dir or scratch PostgreSQL database, served by
gunicorn with sync workers as scripts/serve-demo.sh runs it (DEBUG off, WhiteNoise, the
full middleware), loaded by wrk on loopback. Server and wrk share this machine's cores.

Phases, all against the same server process in the same run:

1. Floor and public pages, one at a time: /healthz (a trivial view, one SELECT 1) is the
   framework's floor; each public page's throughput is reported as a fraction of it.
2. Mixed workload: one wrk process per endpoint, all at once, so every endpoint has its
   own p50/p99 while the others load the server. Citizens read the home page, search
   (20 questions, rotating), read guides, open the help-at-home form, open the status
   page and check a real request's status (POST, right code and phone digits). An
   officer ("canbo", signed in through the real sign-in and two-step pages with the
   demo TOTP key) opens the help-session log, the sessions list and the household list,
   and logs help sessions (POST; every 302 is checked against the rows written).
3. The same mix while `import_residents` writes a 20,000-row ward list in a separate
   process, started just before the wrk window; its start and end are printed against
   the window so the overlap is visible, not assumed.
4. Breaking point: the public read mix with 8, 16, 32 ... 1024 connections (doubling),
   stopping at the first step where p99 > 200 ms or any request fails.

A request counts as an error when wrk reports a socket error or timeout (wrk's default
2 s), or when the answer is not the one expected: each endpoint's Lua script checks the
status code (200, or 302 for the help-session POST — a 200 there means the form was
refused) and, for the status check, that the page says the request was found.

Goals reported: every public page >= 0.5 x the floor's throughput; with an import
running, zero errors and p99 < 200 ms on the public pages.

Reading the figures: in phases 2 and 3 every wrk connection waits for its answer before
sending the next request, so latency there is set by the mix's connection count over
the server's throughput (18 connections, 4 workers); the import's own cost is the change
from phase 2 to phase 3, which is printed. Search can beat the floor: its 20 questions
are served from each worker's cache with no query, while /healthz runs SELECT 1. The
officer's list pages write an audit row per view, so they also measure writes queued
behind the import (SQLite has one writer at a time).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))  # bench/ is not a package

from bench_public import QUERIES  # noqa: E402 - the same 20 questions as the search benchmark
from pg_database import ensure_database  # noqa: E402
from ward_lists import ward_rows, write_xlsx  # noqa: E402

PYTHON = sys.executable
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
VAR = ROOT / "var" / "bench-load"
PORT = 8766  # not bench_public's 8765 nor the demo's 8000, so both can stay up
BASE = f"http://127.0.0.1:{PORT}"
PG_URL = "postgres://postgres@127.0.0.1:5432/digiward_bench_load"
COMMUNE = "31135"
OFFICER = ("canbo", "digiward-demo")  # the demo's officer; password printed by `make demo`
P99_GOAL_MS = 200.0
FLOOR_RATIO_GOAL = 0.5


# ---- environment and setup ------------------------------------------------------------


def env(database: str) -> dict[str, str]:
    """Like bench_public.env(), with this benchmark's own var dir and database."""
    var = VAR / database
    url = PG_URL if database == "postgres" else f"sqlite:///{var / 'load.sqlite3'}"
    return {
        **os.environ,
        "DIGIWARD_VAR_DIR": str(var),
        "DIGIWARD_ENV": "development",  # production refuses seed_demo (published passwords)
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
    }


def manage(database: str, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "config.manage", *args],
        cwd=ROOT,
        env=env(database),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def shell_json(database: str, code: str) -> object:
    """Run Python in `manage.py shell` and read the JSON it prints on its last line."""
    return json.loads(manage(database, "shell", "-c", code).strip().splitlines()[-1])


def fresh_postgres() -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(PG_URL)
    name = parts.path.lstrip("/")
    maintenance = urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    ensure_database(PG_URL)


def build(database: str) -> None:
    shutil.rmtree(VAR / database, ignore_errors=True)
    (VAR / database).mkdir(parents=True)
    if database == "postgres":
        fresh_postgres()
    manage(database, "migrate", "-v0")
    manage(database, "load_units")
    manage(database, "load_procedures")
    manage(database, "seed_demo", "--commune", COMMUNE)
    manage(database, "collectstatic", "--noinput", "-v0")


FIXTURES = """
import json
from digiward.core.models import Commune
from digiward.homecare.models import HomeSupportRequest
from digiward.procedures.models import Guide, Procedure
commune = Commune.objects.get(code='{commune}')
slugs = list(Guide.objects.visible_in(commune).filter(current__isnull=False,
    procedure__is_published=True).order_by('slug').values_list('slug', flat=True)[:20])
procedures = list(Procedure.objects.published().visible_in(commune).order_by('pk')
    .values_list('pk', flat=True)[:8])
lookups = []
for r in HomeSupportRequest.objects.filter(commune=commune).order_by('pk'):
    phone = r.requester_phone or r.person_phone
    if phone:
        lookups.append([r.tracking_code, phone[-4:]])
print(json.dumps({{'slugs': slugs, 'procedures': procedures, 'lookups': lookups[:10]}}))
"""

HELP_SESSIONS = """
import json
from digiward.guidance.models import HelpSession
print(json.dumps(HelpSession.objects.filter(helper__username='{user}').count()))
"""


def serve(database: str, workers: int) -> subprocess.Popen[bytes]:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            sys.exit(f"something already listens on 127.0.0.1:{PORT}; stop it first")
    command = [
        str(GUNICORN),
        "config.wsgi",
        "-b",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",  # as scripts/serve-demo.sh (the threaded worker loses under keep-alive load)
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env(database))
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# ---- HTTP sessions: a citizen's CSRF cookie, an officer's signed-in session --------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """urllib with a cookie jar: enough to go through the real sign-in pages."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(BASE + path, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[str, str]:
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(BASE + path, data=body, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def cookie(self, name: str) -> str:
        return next(c.value or "" for c in self.jar if c.name == name)


def token_in(page: str) -> str:
    match = TOKEN.search(page)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def demo_code(database: str) -> str:
    """The demo accounts' current TOTP code, as `digiward demo_code` prints it."""
    while True:
        out = manage(database, "demo_code")
        code, seconds = re.search(r"(\d{6}).*?(\d+)", out).groups()  # type: ignore[union-attr]
        if int(seconds) >= 4:  # not about to roll over while we post it
            return code
        time.sleep(int(seconds) + 1)


def sign_in_officer(database: str) -> tuple[str, str]:
    """Sign in as the demo officer through /accounts/login/ and the two-step page.

    Returns the cookie header and a CSRF form token for POSTs."""
    browser = Browser()
    _, page = browser.get("/accounts/login/?next=/app/guidance/log/")
    url, page = browser.post(
        "/accounts/login/?next=/app/guidance/log/",
        {"username": OFFICER[0], "password": OFFICER[1], "csrfmiddlewaretoken": token_in(page)},
    )
    if "/accounts/two-step/" in url:
        path = urllib.parse.urlsplit(url)
        url, page = browser.post(
            f"{path.path}?{path.query}",
            {"code": demo_code(database), "csrfmiddlewaretoken": token_in(page)},
        )
    if not url.endswith("/app/guidance/log/"):
        raise RuntimeError(f"officer sign-in ended on {url}")
    session, csrf = browser.cookie("sessionid"), browser.cookie("csrftoken")
    return f"sessionid={session}; csrftoken={csrf}", token_in(page)


def citizen_csrf() -> tuple[str, str]:
    """A citizen's CSRF cookie and form token, as a browser has them after opening /tra-cuu/."""
    browser = Browser()
    _, page = browser.get("/tra-cuu/")
    return f"csrftoken={browser.cookie('csrftoken')}", token_in(page)


# ---- wrk ---------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    requests: list[tuple[str, str, str]]  # (method, path, body), sent in rotation
    public: bool = True
    expect_status: int = 200
    expect_body: str = ""  # the page must contain this (empty: status only)
    headers: dict[str, str] = field(default_factory=dict)
    connections: int = 1  # in the mixed phases


def lua_string(text: str) -> str:
    # A JSON string literal is a valid Lua one as long as it has no \\u escapes, which
    # LuaJIT does not read: every path, body and cookie here is ASCII (URL-encoded).
    if not text.isascii():
        raise ValueError(f"not ASCII, cannot go into a wrk script: {text!r}")
    return json.dumps(text)


def lua_script(endpoint: Endpoint) -> str:
    """A wrk script that rotates through the endpoint's requests, counts answers that are
    not the expected one (wrk itself only counts statuses >= 400), and prints one JSON
    line with its own figures, so no text output needs parsing."""
    headers = dict(endpoint.headers)
    if any(method == "POST" for method, _, _ in endpoint.requests):
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    header_lua = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    requests = ", ".join(
        f"{{{lua_string(m)}, {lua_string(p)}, {lua_string(b) if b else 'nil'}}}"
        for m, p, b in endpoint.requests
    )
    body_check = lua_string(endpoint.expect_body) if endpoint.expect_body else "nil"
    return f"""
local specs = {{{requests}}}
local headers = {{{header_lua}}}
local expect_status = {endpoint.expect_status}
local expect_body = {body_check}
local threads = {{}}
local counter = 0
unexpected = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local formatted = {{}}
local i = 0
function init(args)
  for k, spec in ipairs(specs) do
    formatted[k] = wrk.format(spec[1], spec[2], headers, spec[3])
  end
  i = id % #formatted  -- threads start at different places in the rotation
end

function request()
  i = i % #formatted + 1
  return formatted[i]
end

function response(status, hdrs, body)
  if status ~= expect_status or (expect_body and not string.find(body, expect_body, 1, true)) then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    '{{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "unexpected": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, bad,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass
class Result:
    name: str
    public: bool
    rps: float
    p50: float  # ms
    p99: float  # ms
    max: float  # ms
    requests: int
    wrong: int  # answered, but not with the expected answer (incl. non-2xx/3xx)
    timeouts: int
    socket: int  # connect, read and write errors

    @property
    def errors(self) -> int:
        return self.wrong + self.timeouts + self.socket


def script_path(workdir: Path, endpoint: Endpoint) -> Path:
    path = workdir / (re.sub(r"[^a-z0-9]+", "-", endpoint.name.lower()).strip("-") + ".lua")
    path.write_text(lua_script(endpoint))
    return path


def wrk_command(script: Path, duration: int, connections: int, threads: int) -> list[str]:
    threads = max(1, min(threads, connections))
    return ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", str(script), BASE]


def parse(endpoint: Endpoint, output: str) -> Result:
    figures = json.loads(output.strip().splitlines()[-1])
    seconds = figures["duration_us"] / 1e6
    return Result(
        name=endpoint.name,
        public=endpoint.public,
        rps=figures["requests"] / seconds if seconds else 0.0,
        p50=figures["p50_us"] / 1000,
        p99=figures["p99_us"] / 1000,
        max=figures["max_us"] / 1000,
        requests=figures["requests"],
        wrong=figures["unexpected"],
        timeouts=figures["timeout"],
        socket=figures["connect"] + figures["read"] + figures["write"],
    )


def run_one(
    workdir: Path, endpoint: Endpoint, duration: int, connections: int, threads: int = 2
) -> Result:
    command = wrk_command(script_path(workdir, endpoint), duration, connections, threads)
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 60
    )
    return parse(endpoint, done.stdout)


def run_mix(workdir: Path, endpoints: list[Endpoint], duration: int) -> tuple[list[Result], float]:
    """Every endpoint its own wrk process, all at once: per-endpoint figures under the mix.
    Returns the results and the monotonic time the window started."""
    commands = [wrk_command(script_path(workdir, e), duration, e.connections, 1) for e in endpoints]
    started = time.monotonic()
    processes = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    results = []
    for endpoint, process in zip(endpoints, processes, strict=True):
        out, err = process.communicate(timeout=duration + 60)
        if process.returncode != 0:
            raise RuntimeError(f"wrk failed for {endpoint.name}: {err}")
        results.append(parse(endpoint, out))
    return results, started


def preflight(endpoints: list[Endpoint], workers: int) -> None:
    """Each request once per worker and more, the way wrk sends it: the expected answer
    before any load (so a signed-out officer or a wrong code cannot pass as throughput),
    and every worker's caches warm."""
    opener = urllib.request.build_opener(NoRedirect())
    for endpoint in endpoints:
        for method, path, body in endpoint.requests:
            for _ in range(workers * 2 if method == "GET" else 1):
                request = urllib.request.Request(
                    BASE + path, data=body.encode() if body else None, method=method
                )
                for key, value in endpoint.headers.items():
                    request.add_header(key, value)
                if body:
                    request.add_header("Content-Type", "application/x-www-form-urlencoded")
                try:
                    with opener.open(request, timeout=30) as response:
                        status, page = response.status, response.read().decode()
                except urllib.error.HTTPError as error:
                    status, page = error.code, ""
                if status != endpoint.expect_status or endpoint.expect_body not in page:
                    raise RuntimeError(f"{endpoint.name}: {method} {path} answered {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 302 is an answer to check, not a page to follow


# ---- the workload ---------------------------------------------------------------------------


def endpoints_for(database: str) -> tuple[Endpoint, list[Endpoint], list[Endpoint]]:
    """The floor, the public pages measured one by one, and the mixed workload."""
    fixtures = shell_json(database, FIXTURES.format(commune=COMMUNE))
    assert isinstance(fixtures, dict)
    slugs, procedures, lookups = fixtures["slugs"], fixtures["procedures"], fixtures["lookups"]
    if not (slugs and procedures and lookups):
        raise RuntimeError(f"the demo lacks guides, procedures or requests: {fixtures}")
    searches = [("GET", "/huong-dan/?q=" + q.replace(" ", "+"), "") for q in QUERIES]
    floor = Endpoint("floor: /healthz (trivial view)", [("GET", "/healthz", "")], public=False)
    home = Endpoint("home /", [("GET", "/", "")], connections=3)
    search = Endpoint("search /huong-dan/?q=", searches, connections=3)
    guide = Endpoint(
        "guide /huong-dan/<slug>/", [("GET", f"/huong-dan/{s}/", "") for s in slugs], connections=3
    )
    help_form = Endpoint("help form /nho-ho-tro/", [("GET", "/nho-ho-tro/", "")], connections=2)
    status_page = Endpoint("status page /tra-cuu/", [("GET", "/tra-cuu/", "")], connections=1)
    cookie, token = citizen_csrf()
    status_check = Endpoint(
        "status check POST /tra-cuu/",
        [
            (
                "POST",
                "/tra-cuu/",
                urllib.parse.urlencode(
                    {"csrfmiddlewaretoken": token, "code": code, "phone_last4": last4}
                ),
            )
            for code, last4 in lookups
        ],
        expect_body="box--ok",  # the "request found" box, not the not-found warning
        headers={"Cookie": cookie},
        connections=2,
    )
    officer_cookie, officer_token = sign_in_officer(database)
    signed_in = {"Cookie": officer_cookie}
    ages, sexes = ["18-39", "40-59", "60-74", "75+"], ["male", "female"]
    sessions = [
        (
            "POST",
            "/app/guidance/log/",
            urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": officer_token,
                    "age_band": ages[n % len(ages)],
                    "sex": sexes[n % len(sexes)],
                    "procedure": str(procedures[n % len(procedures)]),
                    "outcome": "done",
                    "minutes": "10",
                    "channel": "desk",
                }
            ),
        )
        for n in range(8)
    ]
    officers = [
        Endpoint(
            "officer: session log form",
            [("GET", "/app/guidance/log/", "")],
            False,
            headers=signed_in,
        ),
        Endpoint(
            "officer: sessions list",
            [("GET", "/app/guidance/sessions/?scope=all", "")],
            False,
            headers=signed_in,
        ),
        Endpoint(
            "officer: household list",
            [("GET", f"/app/registry/households/?page={n}", "") for n in range(1, 6)],
            False,
            headers=signed_in,
        ),
        Endpoint(
            "officer: log help session POST", sessions, False, expect_status=302, headers=signed_in
        ),
    ]
    pages = [home, search, guide, help_form, status_page]
    return floor, pages, [*pages, status_check, *officers]


def help_sessions(database: str) -> int:
    count = shell_json(database, HELP_SESSIONS.format(user=OFFICER[0]))
    assert isinstance(count, int)
    return count


def posts_saved(database: str, before: int, results: list[Result]) -> str:
    """The help-session POSTs wrk counted as right (302), against the rows written."""
    posted = next(r for r in results if r.name.startswith("officer: log help session"))
    written = help_sessions(database) - before
    answered = posted.requests - posted.wrong
    # wrk stops the clock with requests in flight: the server may finish a few of them.
    verdict = "ok" if 0 <= written - answered <= posted.requests // 100 + 8 else "MISMATCH"
    return f"help sessions: {answered} POSTs answered 302, {written} rows written ({verdict})"


@dataclass
class Import:
    process: subprocess.Popen[str]
    started: float
    ended: float = 0.0
    output: str = ""

    def wait(self) -> None:
        self.output, _ = self.process.communicate()
        self.ended = time.monotonic()


def start_import(database: str, ward_list: Path) -> tuple[Import, threading.Thread]:
    command = [
        PYTHON,
        "-m",
        "config.manage",
        "import_residents",
        str(ward_list),
        "--commune",
        COMMUNE,
        # The generated list shares one citizen ID with the seeded demo: without this the
        # all-or-nothing import would write nothing and load nothing.
        "--skip-invalid",
        "--json",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env(database),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    running = Import(process, time.monotonic())
    waiter = threading.Thread(target=running.wait)  # records the end while wrk runs
    waiter.start()
    return running, waiter


# ---- reporting ------------------------------------------------------------------------------


def table(results: list[Result], floor: Result | None = None) -> None:
    ratio = " | x floor" if floor else ""
    print(
        f"| endpoint | req/s | p50 ms | p99 ms | max ms | errors | wrong answer | timeouts{ratio} |"
    )
    print("|---|---|---|---|---|---|---|---|" + ("---|" if floor else ""))
    for r in results:
        extra = f" | {r.rps / floor.rps:.2f}" if floor else ""
        print(
            f"| {r.name} | {r.rps:.0f} | {r.p50:.1f} | {r.p99:.1f} | {r.max:.0f} | {r.errors} "
            f"| {r.wrong} | {r.timeouts}{extra} |"
        )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def phase_alone(
    workdir: Path, floor_endpoint: Endpoint, pages: list[Endpoint], duration: int, connections: int
) -> tuple[Result, list[Result]]:
    """Phase 1: the floor, then each public page alone, on the same server."""
    floor = run_one(workdir, floor_endpoint, duration, connections)
    alone = [run_one(workdir, page, duration, connections) for page in pages]
    print(f"\n### 1. one page at a time, wrk -t2 -c{connections} -d{duration}s\n")
    table([floor, *alone], floor)
    return floor, alone


def phase_mix(database: str, workdir: Path, mix: list[Endpoint], duration: int) -> list[Result]:
    """Phase 2: the mixed workload, nothing else running."""
    before = help_sessions(database)
    results, _ = run_mix(workdir, mix, duration)
    total = sum(e.connections for e in mix)
    print(f"\n### 2. mixed workload, {len(mix)} wrk processes, {total} connections, {duration} s\n")
    table(results)
    print(f"\nthroughput, all endpoints: {sum(r.rps for r in results):.0f} req/s")
    print(posts_saved(database, before, results))
    return results


def phase_import(
    database: str,
    workdir: Path,
    mix: list[Endpoint],
    duration: int,
    ward_list: Path,
    quiet: list[Result],
) -> tuple[list[Result], float, bool]:
    """Phase 3: the same mix while a ward list is imported in another process.

    Returns the results, the share of the wrk window the import overlapped, and whether
    the import wrote its rows."""
    before = help_sessions(database)
    running, waiter = start_import(database, ward_list)
    try:
        busy, window_start = run_mix(workdir, mix, duration)
        waiter.join(timeout=600)
    finally:
        if running.process.poll() is None:
            running.process.kill()  # only on failure: a finished run waited for it above
    report = json.loads(running.output.strip().splitlines()[-1]) if running.output else {}
    window_end = window_start + duration
    overlap = max(0.0, min(running.ended, window_end) - max(running.started, window_start))
    print(f"\n### 3. the same mix with a ward-list import running ({duration} s)\n")
    table(busy)
    print(f"\nthroughput, all endpoints: {sum(r.rps for r in busy):.0f} req/s")
    print(posts_saved(database, before, busy))
    # Latency in the mix follows from its connection count (Little's law), so the
    # import's own cost is the change from phase 2, printed next to the absolute figures.
    public_quiet, public_busy = [r for r in quiet if r.public], [r for r in busy if r.public]
    print(
        f"the import's cost on the public pages: throughput "
        f"x{sum(r.rps for r in public_busy) / sum(r.rps for r in public_quiet):.2f}, "
        f"worst p99 {max(r.p99 for r in public_quiet):.0f} ms -> "
        f"{max(r.p99 for r in public_busy):.0f} ms"
    )
    print(
        f"import: exit {running.process.returncode}, written={report.get('written')}, "
        f"{report.get('residents_created')} residents and {report.get('households_created')} "
        f"households created, {report.get('rejected_rows')} row(s) rejected"
    )
    print(
        f"import ran from {running.started - window_start:+.1f} s to "
        f"{running.ended - window_start:+.1f} s of the wrk window (0 to {duration} s): "
        f"overlap {overlap:.1f} s = {100 * overlap / duration:.0f} % of the window"
    )
    wrote = running.process.returncode == 0 and bool(report.get("written"))
    return busy, overlap / duration, wrote


def phase_steps(workdir: Path, pages: list[Endpoint], duration: int, steps: list[int]) -> str:
    """Phase 4: more and more connections on the public read mix until it stops coping."""
    # Each page equally often, whatever the number of questions or guides it rotates.
    rounds = max(len(page.requests) for page in pages)
    reads = Endpoint(
        "public read mix",
        [page.requests[n % len(page.requests)] for n in range(rounds) for page in pages],
    )
    print("\n### 4. breaking point: public read mix (the five pages in turn)\n")
    print("| connections | req/s | p50 ms | p99 ms | errors | copes |")
    print("|---|---|---|---|---|---|")
    coping: tuple[int, Result] | None = None
    for step in steps:
        r = run_one(workdir, reads, duration, step)
        copes = r.errors == 0 and r.p99 <= P99_GOAL_MS
        answer = "yes" if copes else "no"
        print(f"| {step} | {r.rps:.0f} | {r.p50:.1f} | {r.p99:.1f} | {r.errors} | {answer} |")
        if not copes:
            limit = f"stops coping at {step} connections (p99 {r.p99:.0f} ms, {r.errors} errors)"
            if coping:
                good = coping[1]
                limit += f"; copes up to {coping[0]} ({good.rps:.0f} req/s, p99 {good.p99:.0f} ms)"
            break
        coping = (step, r)
    else:
        assert coping is not None
        limit = f"copes at every step up to {coping[0]} connections (p99 {coping[1].p99:.0f} ms)"
    print(f"\nbreaking point: {limit}")
    return limit


def run_database(
    database: str, ward_list: Path, duration: int, workers: int, connections: int, steps: list[int]
) -> list[str]:
    """All four phases on one database; returns the goal lines for the final summary."""
    began = time.monotonic()
    print(f"\n## {database}\n")
    build(database)
    setup = time.monotonic() - began
    print(f"setup (migrate, units, procedures, seed_demo, collectstatic): {setup:.0f} s")
    workdir = VAR / database / "wrk"
    workdir.mkdir(parents=True, exist_ok=True)
    server = serve(database, workers)
    try:
        floor_endpoint, pages, mix = endpoints_for(database)
        preflight([floor_endpoint, *mix], workers)
        floor, alone = phase_alone(workdir, floor_endpoint, pages, duration, connections)
        quiet = phase_mix(database, workdir, mix, duration)
        busy, overlap, wrote = phase_import(database, workdir, mix, duration, ward_list, quiet)
        limit = phase_steps(workdir, pages, duration, steps)
    finally:
        stop(server)

    slow = [r for r in alone if r.rps < FLOOR_RATIO_GOAL * floor.rps]
    below = ", ".join(f"{r.name} {r.rps / floor.rps:.2f}" for r in slow)
    public_busy = [r for r in busy if r.public]
    worst = max(public_busy, key=lambda r: r.p99)
    worst_quiet = max(r.p99 for r in quiet if r.public)
    failing = [r for r in [floor, *alone, *quiet, *busy] if r.errors]
    print(f"{database} done in {time.monotonic() - began:.0f} s")
    return [
        f"{database}: every public page >= {FLOOR_RATIO_GOAL} x floor throughput: "
        f"{verdict(not slow)}" + (f" (below: {below})" if slow else ""),
        f"{database}: import running, public pages zero errors: "
        f"{verdict(all(r.errors == 0 for r in public_busy))}",
        f"{database}: import running, public pages p99 < {P99_GOAL_MS:.0f} ms: "
        f"{verdict(worst.p99 < P99_GOAL_MS)} (worst {worst.name}, {worst.p99:.0f} ms; "
        f"the same mix without the import: {worst_quiet:.0f} ms)",
        f"{database}: the import overlapped the wrk window and wrote its rows: "
        f"{verdict(overlap > 0 and wrote)} ({100 * overlap:.0f} % of the window)",
        f"{database}: zero errors on every endpoint in phases 1-3: {verdict(not failing)}"
        + "".join(f"; {r.name}: {r.errors}" for r in failing),
        f"{database}: breaking point: {limit}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16, help="for phase 1")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument(
        "--steps", default="8,16,32,64,128,256,512,1024", help="phase 4 connection steps"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    began = time.monotonic()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    steps = [int(s) for s in args.steps.split(",")]
    VAR.mkdir(parents=True, exist_ok=True)
    ward_list = VAR / f"ward-{args.import_rows}.xlsx"
    write_xlsx(ward_list, ward_rows(args.import_rows))
    print(
        f"DigiWard under a mixed load: gunicorn sync workers={args.workers}, wrk on loopback, "
        f"{os.cpu_count()} cores shared by server, wrk and the import; {args.duration} s per run; "
        f"import: {args.import_rows} rows ({ward_list.stat().st_size / 1e6:.1f} MB .xlsx)"
    )
    goals: list[str] = []
    for database in databases:
        goals += run_database(
            database, ward_list, args.duration, args.workers, args.connections, steps
        )
    print("\n## goals\n")
    for line in goals:
        print(f"- {line}")
    print(f"\nelapsed: {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
