"""A person's own preferences: for now, the language the console speaks to them.

The language comes from the person's choice (the switch in the top bar, stored here so it follows
them to any browser), else the browser's Accept-Language, else English. The choice is put in the
session when they log in and when they switch (`console.i18n` reads it there, so no page asks the
database), and e-mails to them are written in it (`user_language`).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import models
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The session key the console's locale middleware reads before the cookie and Accept-Language.
SESSION_LANGUAGE_KEY = "console_language"


class UserPreference(models.Model):
    """One row per person who chose something; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES, blank=True)

    class Meta:
        app_label = "console"
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return f"{self.user}: {self.language or '-'}"


def language_supported(code: str | None) -> str | None:
    """`code` as one of settings.LANGUAGES (zh-CN -> zh-hans, en-US -> en), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


def user_language_choice(user) -> str | None:
    """The language `user` chose, or None when they never chose one."""
    if user is None or not getattr(user, "pk", None):
        return None
    language = UserPreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return language_supported(language)


def user_language(user) -> str:
    """The language to write to `user` in when they are not in front of a page (e-mail): their
    choice, else the console's default (English)."""
    return user_language_choice(user) or settings.LANGUAGE_CODE


def session_user_language(session) -> str:
    """`user_language` of a request's signed-in person without a query: the choice their session
    carries (their stored choice, put there at login and at every switch), else the default."""
    return language_supported(session.get(SESSION_LANGUAGE_KEY)) or settings.LANGUAGE_CODE


def users_languages(user_ids) -> dict[int, str]:
    """The languages the users of `user_ids` chose (those who chose one), in one query."""
    ids = list(user_ids)
    if not ids:
        return {}
    chosen = UserPreference.objects.filter(user_id__in=ids).exclude(language="").values_list("user_id", "language")
    return {user_id: supported for user_id, language in chosen if (supported := language_supported(language))}


def user_language_set(*, user, language: str) -> str:
    """Remember `language` for `user` (one of settings.LANGUAGES); returns it."""
    supported = language_supported(language)
    if supported is None:
        raise ValueError(f"unsupported language {language!r}")
    UserPreference.objects.update_or_create(user=user, defaults={"language": supported})
    return supported


@receiver(user_logged_in, dispatch_uid="console.accounts.preferences.language_at_login")
def _language_at_login(sender, request, user, **kwargs):
    """At login the person's stored choice becomes the session's language (on this browser too)."""
    language = user_language_choice(user)
    if request is None or not hasattr(request, "session"):
        return
    if language:
        request.session[SESSION_LANGUAGE_KEY] = language
        translation.activate(language)
        request.LANGUAGE_CODE = language
    else:
        request.session.pop(SESSION_LANGUAGE_KEY, None)
