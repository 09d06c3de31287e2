"""The products a ticket can be about, and each product's issue types.

Kept as data here, not in a table: the list changes with releases, not at run time, and the
submit form, the admin filters and the validation all read this one constant.
"""

from dataclasses import dataclass


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
        # Word prefixes, not substrings: "live" must not find "Content De-live-ry Network".
        words = (self.code, *self.name.lower().split(), *self.keywords)
        return all(any(word.startswith(term) for word in words) for term in query.lower().split())


OTHER = IssueType("other", "Other problem")
BILLING = IssueType("billing", "Billing and refund")
ACCOUNT = IssueType("account", "Account and permissions")

PRODUCTS: tuple[Product, ...] = (
    Product("css", "Cloud Streaming Services", ("css", "streaming", "live", "lvb", "leb", "broadcast"), (
        OTHER, BILLING,
        IssueType("push_playback", "Push and playback"),
        IssueType("domain", "Domain configuration"),
        IssueType("recording", "Recording and screenshots"),
        IssueType("transcoding", "Transcoding"),
    )),
    Product("vod", "Video on Demand", ("vod", "video", "media"), (
        OTHER, BILLING, IssueType("upload", "Upload and storage"), IssueType("playback", "Playback"),
    )),
    Product("trtc", "Tencent Real-Time Communication", ("trtc", "rtc", "real-time", "call"), (
        OTHER, BILLING, IssueType("call_quality", "Call quality"),
    )),
    Product("cvm", "Cloud Virtual Machine", ("cvm", "server", "instance", "vm"), (
        OTHER, BILLING, IssueType("login", "Cannot log in to an instance"), IssueType("performance", "Performance"),
    )),
    Product("cos", "Cloud Object Storage", ("cos", "storage", "bucket", "object"), (
        OTHER, BILLING, IssueType("access", "Access and permissions"),
    )),
    Product("cdn", "Content Delivery Network", ("cdn", "acceleration", "cache"), (
        OTHER, BILLING, IssueType("cache", "Caching and purging"), IssueType("domain", "Domain configuration"),
    )),
    Product("clb", "Cloud Load Balancer", ("clb", "load", "balancer"), (
        OTHER, BILLING, IssueType("health_check", "Health checks"),
    )),
    Product("mysql", "TencentDB for MySQL", ("mysql", "database", "db", "tencentdb"), (
        OTHER, BILLING, IssueType("backup", "Backup and restore"),
    )),
    Product("ssl", "SSL Certificates", ("ssl", "certificate", "https", "tls"), (
        OTHER, BILLING, IssueType("issuance", "Certificate issuance"),
    )),
    Product("account", "Account Center", ("account", "cam", "login", "invoice"), (
        OTHER, BILLING, ACCOUNT,
    )),
)

PRODUCT_BY_CODE = {product.code: product for product in PRODUCTS}
PRODUCT_CHOICES = [(product.code, product.name) for product in PRODUCTS]
ISSUE_TYPE_CHOICES = sorted({(issue.code, issue.label) for product in PRODUCTS for issue in product.issue_types})


def product_search(query: str) -> list[Product]:
    query = query.strip()
    if not query:
        return list(PRODUCTS)
    return [product for product in PRODUCTS if product.matches(query)]
