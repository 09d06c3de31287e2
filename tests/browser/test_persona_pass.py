"""The tester's pass, automated: every demo persona x every console page it can open x two sizes
(1280x800, 390x844) x two languages (English, 简体中文), with the defects a machine can see.

Opt-in (`uv run pytest tests/browser/test_persona_pass.py -m benchmark -s`): it visits a few
hundred pages and saves a full-page screenshot of each, so the default run leaves it out. It
prints, and writes to PASS_DIR (default: a temporary folder, never the work tree) with the
screenshots, a table of every persona-page and its defects:

- http: a page the persona was offered (a link or an htmx address on a page it had already seen)
  answered 400 or more; a page it was not offered and that refuses it is "not openable", not a defect;
- scroll: the document scrolls sideways (scrollWidth > clientWidth);
- inner-scroll: at 1280, a box inside the page scrolls sideways, hiding part of a list;
- wide: a visible element reaches past the viewport's right edge outside any box that scrolls or clips;
- overlap: the text of two different elements overlaps (fixed and sticky bars left out);
- console: a console error or an uncaught exception;
- csp: a securitypolicyviolation event;
- english: a text of the Chinese page identical to the English page's and still English words
  (tests/i18n/textnodes.py, the catalogue test's own rule).

The test fails when any page has a defect, so a run says at once whether the pass is clean.
"""

import json
import os
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from console.accounts.models import Member
from console.demo.personas import PERSONA_LIST
from console.packages.models import Package
from tests.browser.htmx import htmx_settled
from tests.i18n.textnodes import english_leftovers
from tickets import services as ticket_services
from tickets.catalogue import PRODUCT_BY_CODE
from tickets.models import Ticket

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]

SIZES = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}
LANGUAGES = ("en", "zh-hans")

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI || ''} ${e.sourceFile || ''}:${e.lineNumber || ''}`));
"""

LAYOUT = """
() => {
  const W = document.documentElement.clientWidth;
  const shown = el => {
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity) > 0.05;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o !== 'visible') return true;
    }
    return false;
  };
  const away = el => el.closest('[hidden], dialog:not([open]), details:not([open]) > :not(summary), [aria-hidden="true"], .sr-only, .visually-hidden, .skip-link');
  const overlay = el => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const p = getComputedStyle(a).position;
      if (p === 'fixed' || p === 'sticky') return true;
    }
    return false;
  };
  // The part of a text's box a person can see: boxes that clip (overflow, `clip`, as the hidden
  // header of a phone's card table) cut it, or hide it whole.
  const seen = (el, rect) => {
    let r = {left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom};
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ((s.clip && s.clip !== 'auto') || (s.clipPath && s.clipPath !== 'none')) return null;
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const b = a.getBoundingClientRect();
        r = {left: Math.max(r.left, b.left), right: Math.min(r.right, b.right),
             top: Math.max(r.top, b.top), bottom: Math.min(r.bottom, b.bottom)};
        if (r.right - r.left <= 1 || r.bottom - r.top <= 1) return null;
      }
    }
    return r;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || r.right <= W + 1 || r.left < 0) continue;
    if (away(el) || !shown(el) || clipped(el)) continue;
    wide.push(`${name(el)} right=${Math.round(r.right)}`);
  }
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.data.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript') || away(el) || !shown(el) || overlay(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const client of range.getClientRects()) {
      const rect = client.width > 1 && client.height > 1 && client.right > 0 ? seen(el, client) : null;
      if (rect) boxes.push({el, rect, text: node.data.trim().slice(0, 24)});
    }
  }
  boxes.sort((a, b) => a.rect.top - b.rect.top);
  const overlap = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j].rect.top < boxes[i].rect.bottom; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.el === b.el) continue;
      const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (w > 2 && h > 3) overlap.push(`"${a.text}" / "${b.text}"`);
    }
  }
  // A laptop shows a list whole: a box that scrolls sideways there hides columns (a phone may scroll one).
  const inner = W < 800 ? [] : [...document.querySelectorAll('main *, #main *')].filter(el => {
    const o = getComputedStyle(el).overflowX;
    return (o === 'auto' || o === 'scroll') && el.scrollWidth > el.clientWidth + 1 && shown(el) && !away(el);
  }).map(el => `${name(el)} ${el.scrollWidth} > ${el.clientWidth}`);
  return {
    inner: [...new Set(inner)].slice(0, 3),
    scroll: document.documentElement.scrollWidth > document.documentElement.clientWidth
      ? [`scrollWidth ${document.documentElement.scrollWidth} > ${document.documentElement.clientWidth}`] : [],
    wide: wide.slice(0, 5),
    overlap: [...new Set(overlap)].slice(0, 5),
    lang: document.documentElement.lang,
    links: [...document.querySelectorAll('[href], [hx-get], [action]')]
      .map(el => el.getAttribute('href') || el.getAttribute('hx-get') || el.getAttribute('action')),
  };
}
"""


def _pass_dir(tmp_path_factory) -> Path:
    chosen = os.environ.get("PASS_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("persona-pass")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _scenery():
    """A ticket for every account owner, so "a ticket" is a page each of them can open."""
    tickets = {}
    for member in Member.objects.select_related("user", "account").filter(user__username__in=[p.username for p in PERSONA_LIST]):
        package = Package.objects.filter(owner=member.account).order_by("pk").first()
        try:
            ticket = ticket_services.ticket_submit(
                member=member, product="css", issue_type="other", title="巡检工单", description="看看工单页面。",
                package=package, contact_email="ops@example.com", contact_phone="+86 13800000000",
                contact_time=next(iter(dict(Ticket._meta.get_field("contact_time").choices))),
                attachments=[], submission_key=uuid.uuid4(),
            )
        except Exception:  # a persona that may not submit (the sub-user) sees its owner's instead
            continue
        tickets.setdefault(member.account_id, ticket)
    return tickets


def _pages(username, tickets):
    """(page name, URL) in the order a person finds them: the lists before what they link to."""
    member = Member.objects.select_related("account").filter(user__username=username).first()
    pages = [("home", "/")]
    if member is None:  # staff
        ticket = next(iter(tickets.values()))
        return pages + [
            ("admin home", reverse("admin:index")),
            ("review desk", reverse("admin:tickets_ticket_changelist")),
            ("a ticket at the desk", reverse("admin:tickets_ticket_change", args=[ticket.pk])),
            ("presenter panel", reverse("demo:home")),
        ]
    packages = reverse("packages")
    package = Package.objects.filter(owner=member.account).order_by("pk").first()
    ticket = tickets.get(member.account_id)
    pages += [
        ("packages: traffic", f"{packages}?tab=traffic"),
        ("packages: transcoding", f"{packages}?tab=transcoding"),
        ("packages: plugins", f"{packages}?tab=other"),
        ("package detail", reverse("package_detail", args=[package.code]) if package else None),
        ("buy", reverse("package_buy")),
        ("refund records", reverse("refund_records")),
        ("balance and bills", reverse("billing")),
        ("top-up", reverse("billing_top_up")),
        ("my tickets", reverse("tickets:mine")),
        ("a ticket", reverse("tickets:detail", args=[ticket.pk]) if ticket else None),
        ("submit a ticket", reverse("tickets:submit")),
        ("message center", reverse("notifications:list")),
        ("reminder settings", reverse("notifications:settings")),
        ("API keys", reverse("api_keys")),
        ("users and permissions", reverse("users_permissions")),
        ("presenter panel", reverse("demo:home")),
    ]
    return [(name, url) for name, url in pages if url]


def _login(context, base, username, language):
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(username)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state("networkidle")
    page.close()


def test_every_persona_page_at_both_sizes_in_both_languages(browser, live_server, demo_mode, tmp_path_factory):
    call_command("seed_demo", verbosity=0)
    tickets = _scenery()
    folder = _pass_dir(tmp_path_factory)
    product_names = tuple(str(product.name) for product in PRODUCT_BY_CODE.values())
    base = live_server.url
    rows = []
    english_html = {}
    not_openable = []
    for persona in PERSONA_LIST:
        username = persona.username
        pages = _pages(username, tickets)
        for language in LANGUAGES:
            context = browser.new_context(viewport=SIZES["1280"], locale="zh-CN" if language == "zh-hans" else "en-US")
            context.add_init_script(WATCH)
            _login(context, base, username, language)
            offered = {"/"}
            for size_name, size in SIZES.items():
                page = context.new_page()
                page.set_viewport_size(size)
                for name, url in pages:
                    errors = []
                    page.on("console", lambda message, errors=errors: message.type == "error" and errors.append(message.text))
                    page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                    answer = page.goto(f"{base}{url}")
                    page.wait_for_load_state("networkidle")
                    if page.evaluate("() => !!window.htmx"):  # the admin has no htmx
                        htmx_settled(page)
                    status = answer.status if answer else 0
                    path = urlsplit(url).path
                    was_offered = path in offered
                    layout = page.evaluate(LAYOUT)
                    for link in layout["links"]:
                        if link and link.startswith("/"):
                            offered.add(urlsplit(link).path)
                    if status >= 400 and not was_offered:
                        not_openable.append(f"{username}: {name} ({status})")
                        continue
                    defects = {
                        "http": [f"{status}"] if status >= 400 else [],
                        "scroll": layout["scroll"],
                        "wide": layout["wide"],
                        "inner-scroll": layout["inner"],
                        "overlap": layout["overlap"],
                        "console": [e for e in errors if "securitypolicyviolation" not in e][:5],
                        "csp": page.evaluate("window.__csp || []")[:5],
                        "english": [],
                    }
                    html = page.content()
                    key = (username, name, size_name)
                    if language == "en":
                        english_html[key] = html
                    elif key in english_html:
                        defects["english"] = english_leftovers(html, english_html[key], names=product_names)[:8]
                    if language == "zh-hans" and layout["lang"] != "zh-hans":
                        defects["english"].append(f"<html lang={layout['lang']}>")
                    shot = f"{username}-{name.replace(' ', '_').replace(':', '')}-{size_name}-{language}.png"
                    page.screenshot(path=folder / shot, full_page=True)
                    rows.append({"persona": username, "page": name, "size": size_name, "language": language,
                                 "status": status, "defects": {k: v for k, v in defects.items() if v}, "shot": shot})
                page.close()
            context.close()

    with_defect = [row for row in rows if row["defects"]]
    kinds = Counter(kind for row in rows for kind in row["defects"])
    persona_pages = {(row["persona"], row["page"]) for row in rows}
    lines = [
        f"persona-pages: {len(persona_pages)} x {len(SIZES)} sizes x {len(LANGUAGES)} languages = {len(rows)} visits",
        f"with a defect: {len(with_defect)}",
        "by kind: " + (", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "none"),
        f"not openable (refused, not offered): {sorted(set(not_openable))}",
        "",
    ]
    by_page = defaultdict(list)
    for row in with_defect:
        by_page[(row["persona"], row["page"])].append(row)
    for (persona, name), found in sorted(by_page.items()):
        for row in found:
            lines.append(f"{persona:9} | {name:22} | {row['size']:4} | {row['language']:7} | "
                         + "; ".join(f"{k}: {v}" for k, v in row["defects"].items()))
    summary = "\n".join(lines)
    (folder / "summary.txt").write_text(summary)
    (folder / "rows.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print(f"\nPersona pass ({folder}):\n{summary}")
    assert not with_defect, summary
