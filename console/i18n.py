"""Which language the console speaks (issue 15): English or Simplified Chinese.

In this order: the person's own choice (the top bar's switch; stored on the user by
`console.accounts.preferences` and put in the session at login and at each switch), else the
language cookie the switch also sets (so the login page keeps it after logout), else the
browser's Accept-Language, else English. The API chooses by X-TC-Language instead
(`console.api.views`).
"""

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from console.accounts.preferences import SESSION_LANGUAGE_KEY, language_supported, user_language_set


# Strings the admin shows that Django's and django-axes' own Chinese catalogues lack (Django 5.2's
# new admin table captions; axes has no zh_Hans catalogue). Listed here so `makemessages` puts them
# in ours, which is looked up before theirs.
THIRD_PARTY_STRINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
)


class ConsoleLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (cookie, then Accept-Language, then LANGUAGE_CODE), with the
    signed-in person's choice, kept in the session, first."""

    def process_request(self, request: HttpRequest) -> None:
        session = getattr(request, "session", None)
        chosen = language_supported(session.get(SESSION_LANGUAGE_KEY)) if session is not None else None
        if chosen is None:
            super().process_request(request)
            return
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The top bar's switch: Django's `set_language` (the cookie and the redirect back), and for
    a signed-in person the choice remembered on their user and in this session."""
    response = set_language(request)
    language = language_supported(request.POST.get("language"))
    if language is not None and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
        request.session[SESSION_LANGUAGE_KEY] = language
    return response


def messages_compile_if_stale() -> list[str]:
    """Compile each catalogue under LOCALE_PATHS whose .mo is missing or older than its .po
    (`manage.py compilemessages` for just those); returns the .po files compiled. The test
    session calls it, so a fresh clone's `uv run pytest` needs no extra step."""
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    stale = [
        po
        for folder in settings.LOCALE_PATHS
        for po in Path(folder).glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command(
            "compilemessages", locale=sorted({po.parent.parent.name for po in stale}), ignore_patterns=[".venv", "var"], verbosity=0
        )
    return [str(po) for po in stale]
