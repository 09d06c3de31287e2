"""Stylesheets written into the page itself, allowed by the Content-Security-Policy by their hash.

On a phone's slow link every request waits a round trip before its first byte (563 ms on
Lighthouse's mobile profile). A linked stylesheet holds the first paint until it has arrived, so
a page painted one round trip after its HTML, whatever the stylesheet's size. The console's
stylesheets are small (the package page's five are about 7 KB gzipped, in an HTML document that is
compressed anyway), so each page carries the ones it uses in `<style>` elements and paints as soon
as its HTML is in.

The policy is as strict as before: `style-src` names 'self' and the SHA-256 of exactly the files a
page carries, so no other inline style is applied, neither an injected `<style>` nor any `style=""`
attribute (hashes never allow attributes). Each response names only the hashes of its own page
(`page_style_hashes`, read by `console.core.middleware.ContentSecurityPolicyMiddleware`).
"""

import base64
import hashlib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest

REQUEST_ATTRIBUTE = "_inline_style_hashes"


@dataclass(frozen=True)
class InlineStylesheet:
    text: str
    # The CSP source expression that allows exactly this text: 'sha256-<base64>'.
    source: str


def inline_stylesheet(path: str) -> InlineStylesheet:
    """The stylesheet at static `path`, read once per process (on every use while DEBUG, so an
    edited file shows without a restart)."""
    if settings.DEBUG:
        return _read(path)
    return _read_once(path)


def _read(path: str) -> InlineStylesheet:
    found = finders.find(path)
    if found is None:
        raise FileNotFoundError(f"no static file {path!r}")
    with open(found, encoding="utf-8") as stylesheet:
        text = stylesheet.read()
    if "</style" in text.lower():
        # It would end the element early and the rest would be read as markup.
        raise ValueError(f"{path} cannot be written inside a <style> element")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return InlineStylesheet(text=text, source=f"'sha256-{digest}'")


_read_once = cache(_read)


def page_style_allow(request: HttpRequest, stylesheet: InlineStylesheet) -> bool:
    """Record that this request's page carries `stylesheet`, for its Content-Security-Policy.
    False when the page carries it already (a second copy would only add bytes)."""
    hashes = getattr(request, REQUEST_ATTRIBUTE, None)
    if hashes is None:
        hashes = []
        setattr(request, REQUEST_ATTRIBUTE, hashes)
    if stylesheet.source in hashes:
        return False
    hashes.append(stylesheet.source)
    return True


def page_style_hashes(request: HttpRequest) -> list[str]:
    return list(getattr(request, REQUEST_ATTRIBUTE, ()))
