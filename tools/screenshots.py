"""Take screenshots of DigiWard pages at phone and desktop widths (for looking, not testing).

    python tools/screenshots.py --base http://127.0.0.1:8000 --user canbo --out var/shots /app/ /app/audit/

Uses Debian's chromium through Playwright (no downloaded browser).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from digiward.core.browser import CHROMIUM, CHROMIUM_ARGS


def demo_code(ahead: int = 0) -> str:
    """The demo key's code, `ahead` steps of 30 s later (a code is accepted once only)."""
    import base64
    import os
    import time

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django_otp.oath import TOTP

    from digiward.demo.seeders.users import DEMO_TOTP_KEY

    totp = TOTP(base64.b32decode(DEMO_TOTP_KEY))
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user")
    parser.add_argument("--password", default="digiward-demo")
    parser.add_argument("--out", default="var/shots")
    parser.add_argument("--widths", default="360,1280")
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--full", action="store_true", help="full-page screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n, width in enumerate(int(w) for w in args.widths.split(",")):
            context = browser.new_context(
                viewport={"width": width, "height": 800}, locale=args.lang
            )
            page = context.new_page()
            if args.user:
                page.goto(f"{args.base}/accounts/login/")
                page.fill("#id_username", args.user)
                page.fill("#id_password", args.password)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                if "/accounts/two-step/" in page.url:
                    # The demo accounts share the published demo key (README).
                    page.fill("#id_code", demo_code(ahead=n))
                    page.locator("form:has(#id_code) button[type=submit]").click()
                    page.wait_for_load_state()
            for path in args.paths:
                page.goto(f"{args.base}{path}")
                name = path.strip("/").replace("/", "_").replace("?", "_") or "root"
                target = out / f"{args.user or 'anon'}_{name}_{width}.png"
                page.screenshot(path=str(target), full_page=args.full)
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
