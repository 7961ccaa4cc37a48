"""Every page each person can reach, on a 360-px phone, in headless Debian chromium.

No list of pages is kept by hand: for each persona (commune admin, officer, volunteer,
province viewer, sponsor, and an anonymous citizen) the test starts at their home page
and follows every same-origin link it finds (in the page and in the opened menu), GET
only, breadth first. On every page it fails on

1. **overflow**: the document is wider than the viewport (`scrollWidth > innerWidth`);
   the report names the innermost elements sticking out (those that are not inside a
   horizontally scrolling box);
2. **a menu or dialog off screen**: every closed `<details>` is opened (as a tap on its
   summary would) and every `<dialog>` shown; what they reveal must lie inside the
   viewport horizontally, and a floating one (absolute/fixed, like the "Menu" panel)
   also vertically;
3. **small touch targets** (the rule, precisely, after WCAG 2.2 SC 2.5.5 "Target Size
   (Enhanced)" for the 44-px figure and SC 2.5.8's exceptions): every visible link,
   button, summary, select, textarea and input is at least 44 px tall and 24 px wide,
   measured on each of its boxes (`getClientRects`, a link broken over two lines has
   two). Exceptions:
   - *inline*: a link whose computed display is `inline` and whose nearest block
     ancestor has text of its own outside any link or control (a link inside a
     sentence; its size is set by the line height of the text around it, SC 2.5.8);
   - a checkbox or radio counts with its `<label>`s (tapping the label ticks it): the
     union of the box and its labels must be 44 px tall; a visible box itself must
     still be at least 24 × 24 px (so a box squeezed by flexbox to 13 px fails);
   - what is not rendered, transparent or entirely off screen (a skip link waiting for
     focus, the inputs hidden under CSS "chips", whose labels are measured instead);
4. **a target hidden under another element** when it is scrolled into view as focus
   would scroll it (`scrollIntoView({block: "nearest"})`), e.g. under a sticky bar
   (WCAG 2.2 SC 2.4.11 "Focus Not Obscured");
5. **a horizontal scroller without a hint**: a box that scrolls sideways
   (`overflow-x: auto|scroll` and wider content) must say so on each side that has more
   (digiward.js marks it `data-scroll="start end"`, and the CSS fades that edge).

Skipped links: sign-out, files (PDF, Excel, CSV, pictures, ...: anything whose response is
not HTML), the language switch, the Django admin. Pages are capped per persona (each URL
name at most twice, e.g. two months of a calendar, and MAX_PAGES in all) so the run stays
well under a minute. A second test looks at the header at desktop widths: the top
navigation must stay on one line and never run into the menu button.
"""

from __future__ import annotations

import re
import time
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from digiward.core.browser import phone_page
from digiward.core.testing import signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 360
MAX_PAGES = 80  # per persona
PER_URL_NAME = 2
MIN_TALL = 44
MIN_WIDE = 24
MIN_BOX = 24  # a visible checkbox or radio itself
SKIP = re.compile(
    r"(/logout|/admin/|/i18n/|/set-language/|/language/|\.(pdf|xlsx|csv|png|jpe?g|svg|webp)$"
    r"|/download|/export|/file/|/card/?$|/pdf/?$|/print/?$|/photo|/picture)",
    re.IGNORECASE,
)

# Runs in the page; returns {"overflow": [...], "floating": [...], "small": [...],
# "covered": [...], "nohint": [...], "links": [...]}.
CHECK_JS = r"""
({minTall, minWide, minBox}) => {
  const W = window.innerWidth, H = window.innerHeight;
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) { s += "#" + e.id; parts.unshift(s); break; }
      const cls = [...e.classList].slice(0, 2).join(".");
      if (cls) s += "." + cls;
      parts.unshift(s);
    }
    return parts.join(" > ");
  };
  const label = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
    .trim().replace(/\s+/g, " ").slice(0, 40);
  const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const out = {overflow: [], floating: [], small: [], covered: [], nohint: [], links: []};

  // 1. Overflow: innermost offenders outside any sideways-scrolling box.
  const clips = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if (o !== "visible") return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > W) {
    const sticking = [...document.body.querySelectorAll("*")].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && (r.right > W + 0.5 || r.left < -0.5) && shown(el) && !clips(el)
        && !(el.classList.contains("skip-link") || el.classList.contains("skip"));
    });
    const inner = sticking.filter((el) => !sticking.some((o) => o !== el && el.contains(o)));
    out.overflow = (inner.length ? inner : [document.documentElement]).slice(0, 5).map((el) => {
      const r = el.getBoundingClientRect();
      return `${path(el)} [${Math.round(r.left)}..${Math.round(r.right)}] "${label(el)}"`;
    });
    if (!out.overflow.length) out.overflow = [`document ${document.documentElement.scrollWidth}px`];
  }

  // 5. Sideways scrollers must carry the hint (before anything here scrolls them).
  for (const el of document.body.querySelectorAll("*")) {
    const o = getComputedStyle(el).overflowX;
    if ((o === "auto" || o === "scroll") && el.scrollWidth > el.clientWidth + 1 && shown(el)) {
      // The hint names each side that has more: "start" when scrolled, "end" until the end.
      const marks = (el.dataset.scroll || "").split(" ");
      const max = el.scrollWidth - el.clientWidth;
      if ((el.scrollLeft > 1 && !marks.includes("start")) || (el.scrollLeft < max - 1 && !marks.includes("end"))) {
        out.nohint.push(`${path(el)} (scrolled ${Math.round(el.scrollLeft)} of ${Math.round(max)}, marked "${marks.join(" ")}")`);
      }
    }
  }

  // 3 + 4. Touch targets and what covers them.
  const TARGETS = "a[href], button, summary, select, textarea, input:not([type=hidden]), [role=button]";
  const blockOf = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      if (!getComputedStyle(e).display.startsWith("inline")) return e;
    }
    return document.body;
  };
  const ownText = (block) => {
    // Text of the block outside links and controls.
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let text = "";
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.closest(TARGETS) && n.parentElement.checkVisibility()) text += n.data;
    }
    return text.replace(/[\s·|,.:;()\-–—→←]+/g, "");
  };
  const isInline = (el) => el.tagName === "A" && getComputedStyle(el).display === "inline"
    && ownText(blockOf(el)).length > 0;
  const union = (rects) => {
    const rs = rects.filter((r) => r.width > 0 && r.height > 0);
    if (!rs.length) return null;
    return {top: Math.min(...rs.map((r) => r.top)), bottom: Math.max(...rs.map((r) => r.bottom)),
            left: Math.min(...rs.map((r) => r.left)), right: Math.max(...rs.map((r) => r.right))};
  };
  const checkTargets = (root, tag) => {
    for (const el of root.querySelectorAll(TARGETS)) {
      if (el.disabled && el.type === "hidden") continue;
      const tick = el.type === "checkbox" || el.type === "radio";
      const visible = shown(el);
      let rects;
      if (tick) {
        const own = visible ? [el.getBoundingClientRect()] : [];
        if (visible) {
          const r = own[0];
          if (r.width + 0.5 < minBox || r.height + 0.5 < minBox) {
            out.small.push(`${tag}${path(el)} box ${Math.round(r.width)}×${Math.round(r.height)} "${label(el.labels?.[0] || el)}"`);
          }
        }
        const all = union([...own, ...[...(el.labels || [])].filter(shown).map((l) => l.getBoundingClientRect())]);
        if (!all) continue;
        rects = [{width: all.right - all.left, height: all.bottom - all.top, left: all.left, right: all.right}];
      } else {
        if (!visible) continue;
        if (isInline(el)) continue;
        rects = [...el.getClientRects()];
      }
      for (const r of rects) {
        if (r.width < 2 || r.height < 2 || r.right <= 0 || r.left >= W) continue;
        if (r.height + 0.5 < minTall || r.width + 0.5 < minWide) {
          out.small.push(`${tag}${path(el)} ${Math.round(r.width)}×${Math.round(r.height)} "${label(el)}"`);
          break;
        }
      }
      if (!visible || tag) continue;
      const before = el.getBoundingClientRect();
      if (before.right <= 0 || before.left >= W) continue;  // off screen until focused
      // Scrolled into view as focus would: nothing may sit on top of it.
      el.scrollIntoView({block: "nearest", inline: "nearest"});
      const r = el.getClientRects()[0] || el.getBoundingClientRect();  // a wrapped link: its first line
      const x = Math.min(Math.max(r.left + r.width / 2, 1), W - 1);
      const y = Math.min(Math.max(r.top + r.height / 2, 1), H - 1);
      const top = document.elementFromPoint(x, y);
      const host = tick && el.labels && el.labels.length ? [...el.labels] : [];
      if (top && !el.contains(top) && !top.contains(el) && !host.some((l) => l.contains(top))) {
        out.covered.push(`${path(el)} "${label(el)}" under ${path(top)}`);
      }
    }
  };
  checkTargets(document, "");
  window.scrollTo(0, 0);

  // 2. Menus and dialogs, opened one at a time.
  const offScreen = (el, floating) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return null;
    if (r.left < -0.5 || r.right > W + 0.5) return r;
    if (floating && (r.top < -0.5 || r.bottom > H + 0.5)) return r;
    return null;
  };
  for (const d of document.querySelectorAll("details:not([open])")) {
    const summary = d.querySelector(":scope > summary");
    if (!summary || !shown(summary)) continue;
    d.scrollIntoView({block: "start"});
    d.open = true;
    for (const child of d.children) {
      if (child === summary || !shown(child)) continue;
      const pos = getComputedStyle(child).position;
      const bad = offScreen(child, pos === "absolute" || pos === "fixed");
      if (bad) out.floating.push(`${path(child)} of "${label(summary)}" at [${Math.round(bad.left)}..${Math.round(bad.right)}]×[${Math.round(bad.top)}..${Math.round(bad.bottom)}]`);
    }
    checkTargets(d, "(opened) ");
    d.open = false;
  }
  for (const dialog of document.querySelectorAll("dialog:not([open])")) {
    dialog.showModal();
    const bad = offScreen(dialog, true);
    if (bad) out.floating.push(`${path(dialog)} at [${Math.round(bad.left)}..${Math.round(bad.right)}]`);
    checkTargets(dialog, "(dialog) ");
    dialog.close();
  }
  window.scrollTo(0, 0);

  out.links = [...document.querySelectorAll("a[href]")].map((a) => a.href);
  return out;
}
"""


@pytest.fixture
def crawl_world(
    commune,
    admin,
    officer,
    volunteer,
    sponsor,
    province_viewer,
    core_objects,
    registry_objects,
    homecare_objects,
    guidance_objects,
    donation_objects,
    public_site,
):
    """One of each thing the staff pages show, and the public site with its guides.
    Donated items are given values that add up like a large campaign's (billions of
    dong), so the sponsor's amounts are as long as in life."""
    from digiward.donations.models import Item

    Item.objects.filter(commune=commune).update(value_vnd=999_999_999)
    return {"public": public_site}


def _wanted(url: str, origin: str) -> str | None:
    url, _fragment = urldefrag(url)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
        return None
    return url


def _key(url: str) -> str:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return urlsplit(url).path
    return match.view_name


def crawl(page: Any, origin: str, home: str) -> tuple[list[str], list[str]]:
    """Visit what can be reached from `home`; return (visited URLs, problems)."""
    queue: deque[str] = deque([origin + home])
    seen: set[str] = {origin + home}
    per_name: dict[str, int] = {}
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        name = _key(url)
        if per_name.get(name, 0) >= PER_URL_NAME:
            continue
        per_name[name] = per_name.get(name, 0) + 1
        try:
            response = page.goto(url, wait_until="load")
        except Exception as error:  # a download starting, for instance
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        here = page.url.replace(origin, "")
        if response.status >= 500:
            problems.append(f"{here}: HTTP {response.status}")
            continue
        if response.status >= 400:
            continue  # not for this persona (the access tests cover these)
        visited.append(here)
        found = page.evaluate(
            CHECK_JS, {"minTall": MIN_TALL, "minWide": MIN_WIDE, "minBox": MIN_BOX}
        )
        for kind, what in (
            ("wider than the screen", found["overflow"]),
            ("menu or dialog off screen", found["floating"]),
            ("touch target too small", found["small"]),
            ("covered when focused", found["covered"]),
            ("scrolls sideways without a hint", found["nohint"]),
        ):
            problems += [f"{here}: {kind}: {item}" for item in what]
        for link in found["links"]:
            wanted = _wanted(link, origin)
            if wanted and wanted not in seen:
                seen.add(wanted)
                queue.append(wanted)
    return visited, problems


def _sign_in(page: Any, user: Any, origin: str) -> None:
    page.context.clear_cookies()
    if user is None:
        return
    client = signed_in_client(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": origin}]
    )


PERSONAS = ["admin", "officer", "volunteer", "province_viewer", "sponsor", None]


def test_every_reachable_page_fits_a_phone(live_server, crawl_world, request):
    """Each persona's pages at 360 px: nothing wider, menus on screen, 44-px targets."""
    started = time.monotonic()
    origin = live_server.url
    report: list[str] = []
    counts: dict[str, int] = {}
    with phone_page(width=PHONE) as page:
        for persona in PERSONAS:
            user = request.getfixturevalue(persona) if persona else None
            _sign_in(page, user, origin)
            home = reverse("reports:home") if user else reverse("public:home")
            visited, problems = crawl(page, origin, home)
            counts[persona or "public"] = len(visited)
            # The home page and what its menu leads to must have been reached.
            assert len(visited) > (1 if user is None else 3), (persona, visited)
            report += [f"[{persona or 'public'}] {p}" for p in problems]
    elapsed = time.monotonic() - started
    print(f"crawled {counts} in {elapsed:.1f} s")
    print("\n".join(report))
    assert not report, f"{len(report)} problems:\n" + "\n".join(report[:80])


def test_the_top_navigation_stays_on_one_line_on_a_desktop(live_server, commune, admin):
    """From tablets to desktops the bar of links never wraps, overflows or runs into the
    menu button (issue 12), for the persona with the most links."""
    origin = live_server.url
    with phone_page(width=1024, height=800) as page:
        _sign_in(page, admin, origin)
        for width in (768, 1024, 1199, 1200, 1280, 1440):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(origin + reverse("reports:home"))
            box = page.evaluate(
                """() => {
                  const rect = (e) => e.getBoundingClientRect().toJSON();
                  const items = [...document.querySelectorAll('.site-nav li')]
                    .filter((li) => li.checkVisibility()).map(rect);
                  const menu = document.querySelector('.menu > summary');
                  return {items, menu: menu && menu.checkVisibility() ? rect(menu) : null,
                          brand: rect(document.querySelector('.brand')),
                          header: rect(document.querySelector('.header-inner')),
                          wide: document.documentElement.scrollWidth};
                }"""
            )
            assert box["wide"] <= width, (width, box["wide"])
            menu, brand = box["menu"], box["brand"]
            assert menu is not None, width
            assert menu["right"] <= width and menu["top"] < brand["bottom"], (width, menu, brand)
            rows = {round(item["top"]) for item in box["items"]}
            assert len(rows) <= 1, (width, rows)
            for item in box["items"]:
                assert brand["right"] <= item["left"] and item["right"] <= menu["left"], (
                    width,
                    item,
                    menu,
                )
