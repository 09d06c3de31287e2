"""The products a ticket can be about, and each product's issue types.

Kept as data here, not in a table: the list changes with releases, not at run time, and the
submit form, the admin filters and the validation all read this one constant. Names and labels are
translated (lazily: they read in the language of whoever is looking), codes are not.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class IssueType:
    code: str
    label: str


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    # Extra words a customer might type for it ("live" for CSS); matched with the name and code.
    keywords: tuple[str, ...]
    issue_types: tuple[IssueType, ...]

    def issue_type(self, code: str) -> IssueType | None:
        return next((issue for issue in self.issue_types if issue.code == code), None)

    def matches(self, query: str) -> bool:
        """Whether every term of `query` is part of the product's name, in any of the console's
        languages whatever the page's (云直播 on the English page, "live" on the Chinese one), or
        of its code or keywords. A term in Latin letters matches from the start of a word ("strea",
        but "live" must not find "Content De-live-ry Network"); Chinese is written without spaces,
        so a term in Chinese matches anywhere in a name (直播 finds 云直播)."""
        names, words = _search_text(self.code)
        return all(
            any(word.startswith(term) for word in words) or (not term.isascii() and any(term in name for name in names))
            for term in query.lower().split()
        )


OTHER = IssueType("other", _("Other problem"))
BILLING = IssueType("billing", _("Billing and refund"))
ACCOUNT = IssueType("account", _("Account and permissions"))

PRODUCTS: tuple[Product, ...] = (
    Product("css", _("Cloud Streaming Services"), ("css", "streaming", "live", "lvb", "leb", "broadcast"), (
        OTHER, BILLING,
        IssueType("push_playback", _("Push and playback")),
        IssueType("domain", _("Domain configuration")),
        IssueType("recording", _("Recording and screenshots")),
        IssueType("transcoding", _("Transcoding")),
    )),
    Product("vod", _("Video on Demand"), ("vod", "video", "media"), (
        OTHER, BILLING, IssueType("upload", _("Upload and storage")), IssueType("playback", _("Playback")),
    )),
    Product("trtc", _("Tencent Real-Time Communication"), ("trtc", "rtc", "real-time", "call"), (
        OTHER, BILLING, IssueType("call_quality", _("Call quality")),
    )),
    Product("cvm", _("Cloud Virtual Machine"), ("cvm", "server", "instance", "vm"), (
        OTHER, BILLING, IssueType("login", _("Cannot log in to an instance")), IssueType("performance", _("Performance")),
    )),
    Product("cos", _("Cloud Object Storage"), ("cos", "storage", "bucket", "object"), (
        OTHER, BILLING, IssueType("access", _("Access and permissions")),
    )),
    Product("cdn", _("Content Delivery Network"), ("cdn", "acceleration", "cache"), (
        OTHER, BILLING, IssueType("cache", _("Caching and purging")), IssueType("domain", _("Domain configuration")),
    )),
    Product("clb", _("Cloud Load Balancer"), ("clb", "load", "balancer"), (
        OTHER, BILLING, IssueType("health_check", _("Health checks")),
    )),
    Product("mysql", _("TencentDB for MySQL"), ("mysql", "database", "db", "tencentdb"), (
        OTHER, BILLING, IssueType("backup", _("Backup and restore")),
    )),
    Product("ssl", _("SSL Certificates"), ("ssl", "certificate", "https", "tls"), (
        OTHER, BILLING, IssueType("issuance", _("Certificate issuance")),
    )),
    Product("account", _("Account Center"), ("account", "cam", "login", "invoice"), (
        OTHER, BILLING, ACCOUNT,
    )),
)

@cache
def _search_text(code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The product's names in every language (lowercase), and the words a search term may start:
    worked out once per product (catalogues do not change while the console runs)."""
    product = PRODUCT_BY_CODE[code]
    names = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.append(str(product.name).lower())
    words = (product.code, *(word for name in names for word in name.split()), *product.keywords)
    return tuple(names), words


PRODUCT_BY_CODE = {product.code: product for product in PRODUCTS}
PRODUCT_CHOICES = [(product.code, product.name) for product in PRODUCTS]
# By code (the labels are lazy: nothing may read them while the apps load).
ISSUE_TYPE_CHOICES = sorted({issue.code: issue.label for product in PRODUCTS for issue in product.issue_types}.items())


def product_search(query: str) -> list[Product]:
    query = query.strip()
    if not query:
        return list(PRODUCTS)
    return [product for product in PRODUCTS if product.matches(query)]
