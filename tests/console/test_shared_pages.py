"""The layout and the rules every page shares: the login page's two
doors, session expiry under htmx, pages the browser must not cache, and the error pages."""

import pytest
from django.template import Context, engines
from django.template.loader import get_template
from django.test import override_settings
from django.urls import reverse

from tests.factories import MemberFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- staff at /login/ go to the admin -------------------------------------------------------


def test_staff_who_log_in_at_the_console_login_go_to_the_admin(client):
    StaffFactory(username="staff1", is_superuser=True)

    response = client.post(reverse("login"), {"username": "staff1", "password": "correct-horse"})

    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_staff_asked_for_a_console_page_go_to_the_admin_instead(client):
    StaffFactory(username="staff1", is_superuser=True)

    response = client.post(f"{reverse('login')}?next=/css/billing/", {"username": "staff1", "password": "correct-horse", "next": "/css/billing/"})

    assert response.url == reverse("admin:index")


def test_a_customer_logs_in_to_the_page_they_asked_for(client):
    MemberFactory(user=UserFactory(username="owner1"))

    response = client.post(reverse("login"), {"username": "owner1", "password": "correct-horse", "next": "/css/billing/"})

    assert response.url == "/css/billing/"


def test_staff_already_signed_in_who_open_the_login_page_go_to_the_admin(client):
    client.force_login(StaffFactory(is_superuser=True))

    assert client.get(reverse("login")).url == reverse("admin:index")


# --- session expiry under htmx ------------------------------------------------------------------


def test_an_htmx_request_without_a_session_is_sent_to_the_login_page_not_given_it(client):
    response = client.get(
        reverse("billing"), {"start": "2026-01-01"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/css/packages/?tab=transcoding"},
    )

    assert response.status_code == 401
    assert response.content == b""
    assert response["HX-Redirect"] == "/login/?expired=1&next=%2Fcss%2Fpackages%2F%3Ftab%3Dtranscoding"


def test_a_plain_request_without_a_session_is_redirected_as_usual(client):
    response = client.get(reverse("billing"))

    assert response.status_code == 302 and response.url.startswith("/login/?next=")


def test_the_htmx_redirect_ignores_a_page_on_another_site(client):
    response = client.get(
        reverse("billing"), headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/steal"}
    )

    assert response["HX-Redirect"] == "/login/?expired=1&next=%2Fcss%2Fbilling%2F"


def test_the_login_page_says_the_session_expired(client):
    html = client.get(reverse("login"), {"expired": "1", "next": "/css/billing/"}).content.decode()

    assert "Your session has expired." in html
    assert 'name="next" value="/css/billing/"' in html


# --- pages with money are never cached ------------------------------------------------------


@pytest.mark.parametrize("page", ["packages", "billing", "tickets:mine"])
def test_signed_in_pages_tell_the_browser_not_to_store_them(client, page):
    client.force_login(MemberFactory().user)

    cache_control = client.get(reverse(page))["Cache-Control"]

    assert "no-store" in cache_control and "private" in cache_control


def test_the_layout_loads_its_scripts_in_the_head_not_the_body_htmx_restores(client):
    client.force_login(MemberFactory().user)

    html = client.get(reverse("billing")).content.decode()

    head, body = html.split("</head>")
    assert "console/console.js" in head and "console/console.js" not in body


# --- the layout on a phone ---------------------------------------------------------------------


def test_the_layout_has_a_menu_button_that_controls_the_side_menu(client):
    client.force_login(MemberFactory().user)

    html = client.get(reverse("billing")).content.decode()

    assert 'aria-controls="sidemenu"' in html and 'id="sidemenu"' in html


def test_no_page_of_the_layout_has_inline_scripts_styles_or_handlers(client):
    client.force_login(MemberFactory().user)

    for page in ("packages", "billing", "tickets:mine", "tickets:submit"):
        html = client.get(reverse(page)).content.decode()
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html and " onchange=" not in html


# --- error pages in the console's layout, with a way back -----------------------------------


@override_settings(DEBUG=False)
def test_the_404_page_uses_the_console_layout_with_a_way_back(client):
    client.force_login(MemberFactory().user)

    response = client.get("/css/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="sidemenu"' in html and "Page not found" in html
    assert "Back to Package/Plugin Management" in html and "data-history-back" in html


@override_settings(DEBUG=False)
def test_a_staff_login_on_a_console_page_is_pointed_to_the_admin(client):
    client.force_login(StaffFactory(is_superuser=True))

    html = client.get(reverse("billing")).content.decode()

    assert "Go to the admin" in html


def test_the_403_template_offers_a_way_back_to_a_signed_out_visitor(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()

    html = get_template("403.html").render({"exception": "no"}, request)

    assert "Not allowed" in html and "Log in" in html


def test_the_500_template_renders_with_no_context_at_all():
    # Django renders 500.html with an empty Context: no request, no user, no context processors.
    template = engines["django"].engine.get_template("500.html")

    html = template.render(Context())

    assert "Something went wrong" in html and 'href="/"' in html and "console/console.css" in html


@pytest.mark.django_db
def test_the_admin_names_the_consoles_icon_so_browsers_do_not_ask_for_favicon_ico(client):
    client.force_login(StaffFactory(is_superuser=True))

    page = client.get(reverse("admin:index")).content.decode()

    assert '<link rel="icon" href="/static/console/favicon' in page
