"""What a person reads on a page, and which of it is still English.

`visible_texts` collects the text nodes of an HTML page (and the attributes people read: title,
aria-label, placeholder, alt, data-label), leaving out scripts, styles, code samples and what
people wrote themselves (`user-text`, and the review desk's conversation, `field-body`). `english_leftovers` compares a page's Chinese rendering
with its English one: a text that is the same in both and still has English words once IDs,
numbers, units, codes, e-mail addresses and proper names are taken out was not translated.
"""

import re
from html.parser import HTMLParser

READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-label")
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "noscript"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# Names of the demo's accounts and people, products and protocols: the same in every language.
PROPER_NAMES = (
    "Aurora Live Media Co., Ltd.",
    "Aurora Group Holdings (payer)",
    "Aurora Live Media",
    "Nebula Esports",
    "Harbor Education Online",
    "Harbor Education",
    "Pinewood Radio & Podcasts",
    "Lumen Language School",
    "Cedar Sports Live",
    "Pinewood Radio",
    "Pinewood",
    "Cedar",
    "Tencent Cloud API 3.0",
    "TC3-HMAC-SHA256",
    "Django",
    "Axes",  # django-axes, the login throttling app, in the admin's menu
)
# Words that are units, currencies, product codes or protocol names in Chinese text too.
ALLOWED_WORDS = {
    "CSS", "UIN", "USD", "GB", "TB", "PB", "MB", "KB", "API", "SDK", "SDKs", "SecretId", "SecretKey", "CAM", "JSON",
    "CSV", "ID", "UTC", "PNG", "JPEG", "GIF", "WebP", "PDF", "License", "POST", "HTTP", "SSL", "MySQL", "UTF",
    "AP1", "H", "K", "p", "LVB", "LEB", "TSC", "VOD", "TRTC", "CVM", "COS", "CDN", "CLB", "SSL", "ACCOUNT", "MYSQL",
    "Asia", "Shanghai", "AKID", "d", "h", "m", "s", "Mbps",
}
# Usernames of the demo and of the tests' own people.
# "system" is the stored actor label of what the clock did (the overdue-payment lifecycle sweep).
USERNAMES = {"demo", "viewer", "suspended", "overdue", "arrears", "admin", "pinewood", "cedar", "owner", "sub", "staff", "reviewer", "system"}

_TOKENS = [
    re.compile(r"\b(?:purchase|refund|bill|renew|seed|ticket)[:-][\w:.-]+"),  # ledger references, request keys
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"lvpkg-[\w-]+|AKID\w*|tickets?-\w+"),  # package and key IDs
    re.compile(r"\b(?:live|finance|finace|cam)\s*:\s*[\w*]+", re.IGNORECASE),  # CAM actions
    re.compile(r"\bQ[Cc]loud\w+"),  # preset policy names
    re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+\b"),  # API names: RefundInstance, DescribeLivePackageInfo
    re.compile(r"\bAsia/\w+|\bUTC[+-]\d+(:\d\d)?"),  # time zones
    re.compile(r"\bH\.26[45]\b|\b\d+[pK]\b"),  # codecs and resolutions
    re.compile(r"`[^`]*`"),  # parameter names quoted in API messages
    re.compile(r"\b\d+(\.\d+)?\s*[KMGTP]?B\b"),  # sizes
    re.compile(r"^\s*[{\[].*[}\]]\s*$", re.S),  # a JSON example (a policy document)
    re.compile(r"^[a-z_]+\.[a-z_]+$"),  # audit action codes and object types (api_key.created, console.package)
    re.compile(r"^(?:True|False)$"),  # Django's boolean icons: their alt text is Django's own, untranslated
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipping)

    @property
    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        # What people wrote (a customer's title, a conversation's message) is theirs, in their language.
        skipping = self._skipping or tag in SKIPPED_ELEMENTS or bool({"user-text", "field-body"} & set(classes))
        if not skipping:
            for name in READ_ATTRIBUTES:
                value = attributes.get(name)
                if value and value.strip():
                    self.texts.append(" ".join(value.split()))
        if tag not in VOID_ELEMENTS:
            self._stack.append((tag, skipping))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                return

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.texts


def english_words(text: str, *, names: tuple[str, ...] = ()) -> list[str]:
    """The words of `text` that are English once allowed names, codes and units are removed."""
    for name in sorted((*PROPER_NAMES, *names), key=len, reverse=True):
        text = text.replace(name, " ")
    for token in _TOKENS:
        text = token.sub(" ", text)
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    return [word for word in words if word not in ALLOWED_WORDS and word not in USERNAMES]


def english_leftovers(chinese: str, english: str, *, names: tuple[str, ...] = ()) -> list[str]:
    """Texts of the Chinese page that are the same in the English page and still read as English."""
    in_english = set(visible_texts(english))
    leftovers = []
    for text in visible_texts(chinese):
        if text in in_english and english_words(text, names=names):
            leftovers.append(text)
    return sorted(set(leftovers))
