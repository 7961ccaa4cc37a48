"""Verifying a certificate's signature (issue 14): goal under 5 ms.

    .venv/bin/python bench/bench_certificates.py [--runs 2000]

Builds a credential of the shape DigiWard issues (Open Badges 3.0, six competences),
signs it with a fresh Ed25519 key (eddsa-jcs-2022) and times `signing.verify` — JCS
canonicalisation of the credential and of the proof, two SHA-256, one Ed25519 check —
as the verification page and any offline verifier do. No database: the frameworks are
built in memory. Prints the median, p95 and max in milliseconds, and the time to sign.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DIGIWARD_VAR_DIR", str(ROOT / "var" / "bench-certificates"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    import django

    django.setup()
    from digiward.learning import signing
    from digiward.learning.credentials import credential_build, instant
    from digiward.learning.models import Competence, Framework

    framework = Framework(code="DW-ESSENTIALS", version="1.0", name_vi="Kỹ năng số thiết yếu")
    competences = [
        Competence(code=f"DV.{n}", name_vi=f"Năng lực số thứ {n} của người dân", position=n)
        for n in range(1, 7)
    ]
    now = datetime.now(UTC)
    private = signing.private_from_text(signing.private_to_text(signing.new_private_key()))
    document = credential_build(
        code="4HZCV4DZT3GF",
        base_url="https://digiward.example.vn",
        issuer_did=signing.did_key(signing.public_multibase(private)),
        issuer_name="UBND Phường Ninh Kiều",
        holder_name="Nguyễn Thị Bảy",
        framework=framework,
        competences=competences,
        track_label="Người dân",
        issued_at=now,
    )
    sign_times, verify_times = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        secured = signing.sign(document, private, created=instant(now))
        sign_times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        ok = signing.verify(secured)
        verify_times.append((time.perf_counter() - start) * 1000)
        assert ok
    verify_times.sort()
    print(
        f"machine: {os.cpu_count()} cores; runs: {args.runs}; credential {len(str(secured))} chars"
    )
    print(
        f"verify: median {statistics.median(verify_times):.3f} ms, "
        f"p95 {verify_times[int(0.95 * len(verify_times))]:.3f} ms, max {verify_times[-1]:.3f} ms"
    )
    print(f"sign:   median {statistics.median(sign_times):.3f} ms")
    print("goal: verify under 5 ms →", "met" if statistics.median(verify_times) < 5 else "NOT met")


if __name__ == "__main__":
    main()
