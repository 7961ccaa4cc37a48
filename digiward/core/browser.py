"""Helpers for the Playwright tests: Debian's chromium, never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def require_browser() -> None:
    """Skip on a laptop without chromium; fail in CI (DIGIWARD_REQUIRE_BROWSER=1)."""
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("DIGIWARD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    pytest.skip("Debian's chromium is not installed")


@contextmanager
def phone_page(width: int = 360, height: int = 780, locale: str = "vi-VN") -> Iterator[Any]:
    """A Playwright page in headless chromium at phone size. CSP is bypassed only so
    that axe-core can be injected; the pages themselves are tested with their CSP."""
    require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread, which trips Django's
    # guard against ORM calls from async code; the test itself stays synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, bypass_csp=True
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def axe_violations(page: Any, *, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core (from npm) in the page; returns the violations (WCAG 2.x A and AA, or
    only the named `rules`, e.g. the AAA "color-contrast-enhanced": 7:1 for text)."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    only = (
        {"type": "rule", "values": rules}
        if rules
        else {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
    )
    result = page.evaluate("(only) => axe.run(document, {runOnly: only})", only)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def pass_second_step(page: Any, user: Any) -> None:
    """After the password page, do what the person does for two-step sign-in: enrol by
    reading the key shown on the page into an "app" (computed here), keep the recovery
    codes, or type the current code. Does nothing for someone who needs no second step."""
    import base64
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_load_state()
    if "/accounts/two-step/setup/" in page.url:
        secret = page.locator(".mfa-secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("#id_code", f"{TOTP(key).token():06d}")
        page.locator("form:has(#id_code) button[type=submit]").click()
        page.locator(".mfa-codes").wait_for()
        page.locator(".auth-card a.button").click()
        page.wait_for_load_state()
    elif "/accounts/two-step/" in page.url:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time() + device.step  # a code not used yet (replays are refused)
        page.fill("#id_code", f"{totp.token():06d}")
        page.locator("form:has(#id_code) button[type=submit]").click()
        page.wait_for_load_state()
