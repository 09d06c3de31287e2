"""Gzip for the console's pages, and only where compression cannot leak a secret (BREACH).

BREACH guesses a secret in a compressed response from its length, by making the victim's browser
send many requests whose response reflects the attacker's guess beside the secret. What is
compressed here gives it nothing to guess:

- only HTML answering GET or HEAD: the one page that shows a secret, a new API key's SecretKey,
  answers the POST that created it, and a POST cannot be forged from another site (CSRF);
- the CSRF token in a page is masked afresh in every response (Django's `get_token`), so no two
  responses carry the same bytes for it;
- the session cookie is SameSite=Lax: the cross-site image and script requests an attacker sends
  by the thousand carry no session, so they get the login page, which holds nothing but that token;
- Django's GZipMiddleware adds Heal-the-BREACH's random padding to every compressed response.

Static files never reach it: WhiteNoise answers them (with their gzip copies) further up.
"""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSED_METHODS = frozenset({"GET", "HEAD"})


class PageGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.method not in COMPRESSED_METHODS:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
