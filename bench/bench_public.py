"""Public search page under load: gunicorn on this machine, wrk from a second process.

    .venv/bin/python bench/bench_public.py [--duration 15] [--connections 32]

Builds a catalog of 2,000 procedures (the 29 real ones plus generated variants) in a
fresh SQLite file, serves the site with gunicorn (production-like: DEBUG off, WhiteNoise,
the same middleware), and loads it with wrk on loopback. In the same run it measures the
framework's floor — a trivial Django view (/healthz: one SELECT 1) — on the same server
settings, and prints the ratio. wrk comes from Debian (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench-public"
PYTHON = sys.executable
QUERIES = [
    "dang ky khai sinh",
    "lam giay khai sinh cho con",
    "kich hoat vneid",
    "chung thuc ban sao",
    "thong bao luu tru",
    "tro cap nguoi gia",
    "quen mat khau vneid",
    "doi so dien thoai vneid",
    "dang ky tam tru",
    "khai tu",
    "chung thuc chu ky",
    "lua dao otp",
    "vi dien tu",
    "the bhyt",
    "ly lich tu phap",
    "dang ky ket hon",
    "sao y ban chinh",
    "dinh danh muc 2",
    "cap lai can cuoc",
    "tra cuu ho so",
]
# Words people type, for the cache-miss run: three random words make a question no worker
# has seen, so every request runs the search and renders the page.
WORDS = sorted(
    {word for query in QUERIES for word in query.split()}
    | {
        "giay",
        "xac",
        "nhan",
        "cu",
        "tru",
        "ho",
        "ngheo",
        "con",
        "me",
        "cha",
        "dien",
        "thoai",
        "mat",
        "khau",
        "thay",
        "doi",
        "nop",
        "phi",
        "online",
        "dich",
        "vu",
        "cong",
        "bao",
        "hiem",
    }
)


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DIGIWARD_VAR_DIR": str(VAR),
        "DIGIWARD_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{VAR / 'public.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str) -> None:
    subprocess.run(
        [PYTHON, "-m", "config.manage", *args],
        cwd=ROOT,
        env=env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def build_catalog(total: int) -> None:
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    manage("migrate", "-v0")
    manage("load_units")
    manage("load_procedures")
    code = f"""
import random
from digiward.procedures.models import Guide, GuideVersion, Procedure
rng = random.Random(11)
real = list(Procedure.objects.all())
versions = {{g.procedure_id: g.current for g in Guide.objects.select_related('current')}}
subjects = ['cho người cao tuổi', 'cho trẻ em', 'có yếu tố nước ngoài', 'lưu động', 'trực tuyến', 'lại', 'cho người khuyết tật', 'bổ sung', 'điều chỉnh', 'cho hộ nghèo']
n = Procedure.objects.count()
while n < {total}:
    base = rng.choice(real)
    extra = rng.choice(subjects)
    n += 1
    p = Procedure.objects.create(slug=f'{{base.slug}}-{{n}}', name=f'{{base.name}} {{extra}}', name_en=base.name_en,
        field=base.field, online_level=base.online_level, summary=base.summary, keywords=base.keywords[:6] + [extra],
        places=base.places, documents=base.documents, facts=base.facts[:2])
    g = Guide.objects.create(procedure=p, slug=p.slug)
    v = versions[base.pk]
    g.current = GuideVersion.objects.create(guide=g, number=1, title=p.name, steps=v.steps, what_to_bring=v.what_to_bring)
    g.save()
print(Procedure.objects.count())
"""
    subprocess.run(
        [PYTHON, "-m", "config.manage", "shell", "-c", code], cwd=ROOT, env=env(), check=True
    )
    manage("collectstatic", "--noinput", "-v0")


def serve(workers: int, worker_class: str, threads: int) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "-b",
        "127.0.0.1:8765",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env())
    for _ in range(100):
        try:
            urllib.request.urlopen("http://127.0.0.1:8765/healthz", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def wrk(path_or_script: str, duration: int, connections: int) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if path_or_script.endswith(".lua"):
        args += ["-s", path_or_script, "http://127.0.0.1:8765"]
    else:
        args.append("http://127.0.0.1:8765" + path_or_script)
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = {}
    for label in ("50%", "90%", "99%"):
        value, unit = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
        latency[label] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50": latency["50%"],
        "p90": latency["90%"],
        "p99": latency["99%"],
        "non2xx": float(errors.group(1)) if errors else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    if not args.skip_build:
        build_catalog(args.procedures)
    script = VAR / "queries.lua"
    rng = random.Random(5)
    paths = [f"/huong-dan/?q={q.replace(' ', '+')}" for q in QUERIES]
    rng.shuffle(paths)
    script.write_text(
        "local paths = {" + ", ".join(f'"{p}"' for p in paths) + "}\n"
        "local i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    uncached = VAR / "unique.lua"
    uncached.write_text(
        "local words = {" + ", ".join(f'"{w}"' for w in WORDS) + "}\n"
        "local counter = 0\n"
        "function setup(thread)\n  thread:set('id', counter)\n  counter = counter + 1\nend\n"
        "function init(args)\n  math.randomseed(os.time() * 16 + id)\nend\n"
        "request = function()\n"
        "  local q = words[math.random(#words)] .. '+' .. words[math.random(#words)] .. '+' .. words[math.random(#words)]\n"
        "  return wrk.format('GET', '/huong-dan/?q=' .. q)\nend\n"
    )
    print(
        f"catalog: {args.procedures} procedures; wrk -t2 -c{args.connections} -d{args.duration}s on loopback; {os.cpu_count()} cores shared by server and load generator"
    )
    # Sync workers, as scripts/serve-demo.sh runs them. gunicorn's threaded worker is
    # left out: under wrk's keep-alive load it drops to a third of its throughput after
    # a few seconds, on the trivial view as much as on search (docs/benchmarks.md).
    for workers, worker_class, threads in [(4, "sync", 1)]:
        server = serve(workers, worker_class, threads)
        try:
            for path in paths[:3]:  # warm every worker's index and template cache
                for _ in range(workers * 3):
                    urllib.request.urlopen("http://127.0.0.1:8765" + path, timeout=5).read()
            floor = wrk("/healthz", args.duration, args.connections)
            search = wrk(str(script), args.duration, args.connections)
            fresh = wrk(str(uncached), args.duration, args.connections)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        print(f"\ngunicorn {worker_class} workers={workers} threads={threads}")
        print("| page | req/s | p50 ms | p90 ms | p99 ms | non-2xx |")
        print("|---|---|---|---|---|---|")
        print(
            f"| trivial view (/healthz) | {floor['rps']:.0f} | {floor['p50']:.1f} | {floor['p90']:.1f} | {floor['p99']:.1f} | {floor['non2xx']:.0f} |"
        )
        print(
            f"| public search (20 queries, rotating) | {search['rps']:.0f} | {search['p50']:.1f} | {search['p90']:.1f} | {search['p99']:.1f} | {search['non2xx']:.0f} |"
        )
        print(
            f"| public search, every question new (cache misses) | {fresh['rps']:.0f} | {fresh['p50']:.1f} | {fresh['p90']:.1f} | {fresh['p99']:.1f} | {fresh['non2xx']:.0f} |"
        )
        print(f"search / floor throughput: {search['rps'] / floor['rps']:.2f}")
        print(f"uncached search / floor throughput: {fresh['rps'] / floor['rps']:.2f}")


if __name__ == "__main__":
    main()
