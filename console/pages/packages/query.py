"""What the package table shows: the tab, the status filter, the search, the purchase dates, the
sort and the page."""

from dataclasses import asdict, dataclass, fields
from datetime import date

from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from console.packages.models import PackageFamily

# The tabs are the package families, which the database keeps beside each package.
Tab = PackageFamily


class Sort(models.TextChoices):
    PURCHASED_DESC = "-purchased", gettext_lazy("Purchase time, newest first")
    PURCHASED_ASC = "purchased", gettext_lazy("Purchase time, oldest first")
    EXPIRES_ASC = "expires", gettext_lazy("Expiry time, soonest first")
    EXPIRES_DESC = "-expires", gettext_lazy("Expiry time, latest first")


# The id breaks ties so paging is stable when packages were bought in the same second. Each order
# is one of the package page's indexes read forwards or backwards (console.packages.models).
ORDERING = {
    Sort.PURCHASED_DESC: ("-purchased_at", "-id"),
    Sort.PURCHASED_ASC: ("purchased_at", "id"),
    Sort.EXPIRES_ASC: ("expires_at", "id"),
    Sort.EXPIRES_DESC: ("-expires_at", "-id"),
}

PAGE_SIZES = (10, 20, 50, 100)
# As a drop-down's (value, label) pairs, for the query form and the page's filter.
PAGE_SIZE_CHOICES = [(size, size) for size in PAGE_SIZES]

# A search by part of a package ID counts its matches up to here: "lvpkg" matches every package,
# and counting 10,000 matches would cost more than the rest of the page. Its pages stop here too.
SEARCH_COUNT_LIMIT = 1000


@dataclass(frozen=True)
class PackageQuery:
    """What the package table shows; every field has a default, so any URL draws a page."""

    tab: str = Tab.TRAFFIC
    status: str = ""
    q: str = ""
    # Purchased from `start` to `end`, billing-zone days, both inclusive.
    start: date | None = None
    end: date | None = None
    sort: str = Sort.PURCHASED_DESC
    page: int = 1
    size: int = PAGE_SIZES[0]

    def as_querydict(self) -> QueryDict:
        """The non-default values, for links and the address bar (the tab is always spelt out)."""
        params = QueryDict(mutable=True)
        for name, value in asdict(self).items():
            if name == "tab" or value != _DEFAULTS[name]:
                params[name] = value.isoformat() if isinstance(value, date) else str(value)
        return params

    def export_querydict(self) -> QueryDict:
        """What the export link carries: the rows the table selects, in its order, all pages."""
        params = self.as_querydict()
        for name in ("page", "size"):
            params.pop(name, None)
        return params


_DEFAULTS = {f.name: f.default for f in fields(PackageQuery)}
