"""Which language the console speaks: English or Simplified Chinese.

In this order: the person's own choice (the top bar's switch; stored on the user by
`console.accounts.preferences` and put in the session at login and at each switch), else the
language cookie the switch also sets (so the login page keeps it after logout), else the
browser's Accept-Language, else English. The API chooses by X-TC-Language instead
(`console.api.views`).
"""

from pathlib import Path

from django.conf import settings
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


def catalogues() -> list[Path]:
    """Every catalogue's source (.po) under LOCALE_PATHS; its compiled .mo lies beside it."""
    return sorted(po for folder in settings.LOCALE_PATHS for po in Path(folder).glob("*/LC_MESSAGES/*.po"))


def catalogue_compile(po: Path) -> Path:
    """Compile `po` into the .mo beside it, in Python (polib, a development dependency), so
    nobody needs GNU gettext's msgfmt. The .mo is committed: a fresh clone, the demo, the API and
    production read it as it is, with nothing to build first."""
    import polib

    mo = po.with_suffix(".mo")
    polib.pofile(str(po)).save_as_mofile(str(mo))
    return mo


def catalogue_differences(po: Path) -> list[str]:
    """What the committed .mo says differently from its .po (or is missing), message by message;
    empty when the .mo is the .po compiled (by polib or by msgfmt alike)."""
    import polib

    mo = po.with_suffix(".mo")
    if not mo.exists():
        return [f"{mo} is missing"]
    source = {_message_key(entry): _message_text(entry) for entry in polib.pofile(str(po)).translated_entries()}
    compiled = {_message_key(entry): _message_text(entry) for entry in polib.mofile(str(mo)) if entry.msgid}
    return [
        f"{key!r}: the .po says {source.get(key)!r}, the .mo {compiled.get(key)!r}"
        for key in sorted(source.keys() | compiled.keys(), key=repr)
        if source.get(key) != compiled.get(key)
    ]


def _message_key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _message_text(entry) -> tuple:
    if entry.msgid_plural:
        return tuple(text for _, text in sorted(entry.msgstr_plural.items()))
    return (entry.msgstr,)
