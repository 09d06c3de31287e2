"""Fuzzing: junk in every form field and query parameter of every page gets a clear answer,
never a 5xx, and never comes back unescaped.

The requests are found the way a person finds them, on the demo seed: from the console's home as
the `demo` owner (and the two login forms, signed out), and from the admin's index as the `admin`
superuser (its changelists: filters, search, sorting, paging and list actions), following every
link, htmx request and form. Each example sends one of those requests with one to three of its
parameters, or all of them, replaced by junk: empty, huge, negative, non-numeric, dates at the
calendar's edges, NUL, SQL and template syntax, arbitrary Unicode, and text carrying an HTML tag
(`<fz>`) that must never come back unescaped in an HTML answer; as a browser asks, or as htmx
asks for a part of the page.

Every request found gets its share: 6 junk requests each for the console's (about 30), 4 for the
admin's (about 30), about 300 in all. Deterministic: `derandomize=True` derives the examples from
the test rather than a random seed, and no example database is kept.
"""

import os
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.accounts.models import Member
from console.packages.models import Package
from tests.factories import TicketFactory
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

MARK = "<fz>"
# Never followed or sent: they end the session, or are not pages of the console.
SKIPPED_PATHS = ("/logout/", "/admin/logout/", "/static/", "/demo/")
MAX_PAGES = 120

JUNK = st.one_of(
    st.sampled_from([
        "", " ", "0", "-1", "1.5", "1e309", "NaN", "Infinity", "99999999999999999999999", "-99999999999999999999",
        "9999-12-31", "0001-01-01", "10000-01-01", "2024-02-30", "2024-13-01", "00:00", "\x00", "%00", "a\x00b",
        "../../etc/passwd", "' OR 1=1 --", '"; DROP TABLE x; --', "{{ 7*7 }}", "{% debug %}", "${7*7}",
        f'"">{MARK}', f"{MARK}alert(1)</fz>", "javascript:alert(1)", "é" * 300, "x" * 5000, "☁️🚀",
        "lvpkg-00000000", "css", "other", "traffic", "refunded", "-id", "id", "on", "true", "[]", "{}",
    ]),
    st.text(max_size=30),
    st.builds(lambda before, after: before + MARK + after, st.text(max_size=8), st.text(max_size=8)),
)


@dataclass(frozen=True)
class Target:
    """One request a page makes: method, path, and the parameters as the page fills them in."""

    client: str
    method: str
    path: str
    params: tuple[tuple[str, str], ...]
    files: tuple[str, ...] = ()

    def __str__(self):
        return f"{self.client}: {self.method.upper()} {self.path} {[n for n, _ in self.params] + list(self.files)}"


class PageParser(HTMLParser):
    """The links, htmx requests and forms (with their fields as filled in) of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.htmx_targets: set[str] = set()
        self._form: dict | None = None
        self._select: list | None = None  # [name, first option's value, selected option's value]

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag != "link":
            self.links += [attrs[a] for a in ("href", "hx-get") if attrs.get(a)]
        if attrs.get("hx-target", "").startswith("#"):
            self.htmx_targets.add(attrs["hx-target"][1:])
        if attrs.get("hx-get") and attrs.get("id") and attrs.get("hx-target", "this") == "this":
            self.htmx_targets.add(attrs["id"])
        if tag == "form":
            method, action = attrs.get("method", "get").lower(), attrs.get("action", "")
            if attrs.get("hx-post"):
                method, action = "post", action or attrs["hx-post"]
            self._form = {"method": method, "action": action, "fields": [], "files": []}
            self.forms.append(self._form)
            return
        name = attrs.get("name")
        if tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select[1] = value if self._select[1] is None else self._select[1]
            if "selected" in attrs:
                self._select[2] = value
        if self._form is None or not name:
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind == "file":
            self._form["files"].append(name)
        elif tag == "input" and kind == "checkbox":
            # Any box may be ticked (the admin's `_selected_action` ones are the list actions' targets).
            self._form["fields"].append((name, attrs.get("value", "on")))
        elif tag == "input" and kind == "radio":
            if "checked" in attrs or all(n != name for n, _ in self._form["fields"]):
                self._form["fields"].append((name, attrs.get("value", "on")))
        elif tag in ("input", "textarea") or (tag == "button" and attrs.get("value")):
            self._form["fields"].append((name, attrs.get("value", "")))
        elif tag == "select":
            self._select = [name, None, None]

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, first, selected = self._select
            if self._form is not None:
                self._form["fields"].append((name, selected if selected is not None else first or ""))
            self._select = None
        if tag == "form":
            self._form = None


def page_kind(path: str) -> str:
    """Pages of one kind (every package's detail page, say) are crawled once."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.view_name


def crawl(client: Client, name: str, start: str, in_scope) -> tuple[list[Target], set[str]]:
    """Every request reachable from `start` through links, htmx requests and forms, `in_scope`:
    one target per method and kind of page, with every parameter seen for it; and the ids htmx
    asks those pages for (HX-Target)."""
    seen: set = set()
    queue = [start]
    found: dict[tuple, dict] = {}
    htmx_targets: set[str] = set()

    def add(method: str, path: str, params, files=()) -> None:
        target = found.setdefault((method, page_kind(path)), {"path": path, "params": [], "files": set()})
        names = {n for n, _ in target["params"]}
        target["params"] += [(n, v) for n, v in params if n not in names]
        target["files"].update(files)

    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        params = parse_qsl(parts.query, keep_blank_values=True)
        key = (page_kind(parts.path), tuple(sorted({n for n, _ in params})))
        if key in seen:
            continue
        seen.add(key)
        add("get", parts.path, params)
        response = client.get(url)
        if response.status_code in (301, 302) and in_scope(location := urljoin(url, response["Location"])):
            queue.append(location)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        htmx_targets |= parser.htmx_targets
        queue += [absolute for link in parser.links if in_scope(absolute := urljoin(url, link))]
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            if not in_scope(action):
                continue
            action_parts = urlsplit(action)
            fields = form["fields"] + parse_qsl(action_parts.query, keep_blank_values=True)
            add(form["method"], action_parts.path, fields, form["files"])
            if form["method"] == "get":
                queue.append(action)
    targets = [
        Target(name, method, t["path"], tuple(t["params"]), tuple(sorted(t["files"]))) for (method, _), t in found.items()
    ]
    return sorted(targets, key=str), htmx_targets


def _local(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIPPED_PATHS):
        return None
    return parts.path


def console_page(url: str) -> bool:
    path = _local(url)
    return path is not None and not path.startswith("/admin/")


def admin_changelist(url: str) -> bool:
    """The admin's index and changelists (/admin/<app>/<model>/), not change or delete pages."""
    path = _local(url)
    return path is not None and (path == "/admin/" or (path.startswith("/admin/") and path.count("/") == 4))


@pytest.fixture
def seeded(settings):
    settings.RATELIMIT_ENABLE = False  # the limits have tests of their own; here they would hide pages
    call_command("seed_demo", verbosity=0)
    # A ticket with an attachment, so its page, its forms and the admin's ticket actions are found.
    demo = Member.objects.get(user__username="demo")
    ticket = TicketFactory(member=demo, package=Package.objects.filter(owner=demo.account).first())
    Attachment.objects.create(
        ticket=ticket, file=SimpleUploadedFile("proof.png", b"not read"), original_name="proof.png",
        content_type="image/png", size=8, uploaded_at=ticket.created_at,
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def fuzz(data, clients: dict[str, Client], target: Target, htmx_targets: list[str]) -> None:
    """One request to `target` with one to three of its parameters (or all) replaced by junk."""
    names = sorted({n for n, _ in target.params} | set(target.files))
    junked = set(names) if data.draw(st.booleans(), label="all junk") else data.draw(
        st.sets(st.sampled_from(names), min_size=1, max_size=3), label="junked"
    ) if names else set()
    values: dict[str, list[str]] = {}
    for name, value in target.params:
        values.setdefault(name, []).append(data.draw(JUNK, label=name) if name in junked else value)
    files = {
        # A browser sends a file's name without its folders ("/" would name no file at all).
        name: SimpleUploadedFile(
            os.path.basename(data.draw(JUNK, label=f"{name} name")) or "file", data.draw(st.binary(max_size=64), label=name)
        )
        for name in target.files if name in junked
    }
    # As htmx asks (for a part of the page), or as a plain browser does.
    headers = data.draw(st.one_of(
        st.just({}),
        st.builds(lambda t: {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": t}, st.sampled_from(htmx_targets) | JUNK),
    ), label="headers")
    client = clients[target.client]
    send = client.post if target.method == "post" else client.get
    response = send(target.path, {**values, **files}, **headers)

    where = f"{target} with {values!r} {headers!r}"
    assert response.status_code < 500, f"{response.status_code} for {where}"
    if response["Content-Type"].startswith("text/html"):
        assert MARK not in response.content.decode(errors="replace"), f"{MARK} unescaped for {where}"


def fuzz_each(clients: dict[str, Client], targets: list[Target], htmx_targets: list[str], *, per_target: int) -> None:
    """`per_target` junk requests to every target, so each page gets its share."""
    for target in targets:

        @settings(FUZZ_SETTINGS, max_examples=per_target)
        @given(st.data())
        def junk_in(data):
            fuzz(data, clients, target, htmx_targets)

        junk_in()


FUZZ_SETTINGS = settings(
    derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_every_console_page_answers_junk_clearly(seeded):
    clients = {"demo": signed_in("demo"), "anonymous": Client()}
    targets, htmx_targets = crawl(clients["demo"], "demo", "/", console_page)
    # Signed out: the two login forms (where the lockout page, after a few tries, shows the name).
    for login in ("/login/", "/admin/login/"):
        found, _ = crawl(clients["anonymous"], "anonymous", login, lambda url, login=login: _local(url) == login)
        targets += found
    paths = {t.path for t in targets}
    assert paths >= {"/css/packages/", "/tickets/new/", "/css/billing/", "/login/", "/admin/login/"}, paths
    fuzz_each(clients, targets, sorted(htmx_targets), per_target=6)


def test_every_admin_changelist_answers_junk_clearly(seeded):
    clients = {"admin": signed_in("admin")}
    targets, htmx_targets = crawl(clients["admin"], "admin", "/admin/", admin_changelist)
    ticket_actions = [t for t in targets if t.path == "/admin/tickets/ticket/" and t.method == "post"]
    assert ticket_actions and {"action", "_selected_action"} <= {n for n, _ in ticket_actions[0].params}, targets
    fuzz_each(clients, targets, sorted(htmx_targets) or ["content"], per_target=4)
