"""Lists with filters, the one mechanism every filtered list shares (Balance and bills, Refund
records, Package/Plugin Management, My tickets): a GET form inside the list's region, swapped with
it by htmx (the address pushed, so Back, reload and a bookmark draw the same list); an export link
and page links that carry exactly the filter the list shows (`applied_query`); a bad value answered
with a message beside its field, never a 500 (`DateRangeForm`).

Drawn by `templates/core/_list_filters.html` (the form and the export link) and
`templates/core/_list_pager.html` (the page links).
"""

import csv
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from itertools import chain
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from console.core import clock

# Filter dates are billing-zone days; a day outside these bounds is a typo, and near the ends of
# the calendar (0001-01-01, 9999-12-31) the day's start in UTC does not exist.
EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)
OUT_OF_RANGE = format_lazy(
    gettext_lazy("Enter a date between {earliest} and {latest}."), earliest=f"{EARLIEST:%Y-%m-%d}", latest=f"{LATEST:%Y-%m-%d}"
)


class ListFilterForm(forms.Form):
    """A list's filter. Each field with an error says so beside itself: its widget points at the
    error list `<error_prefix>-<field>-errors` that `_list_filters.html` draws."""

    error_prefix = "list"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    self.fields[name].widget.attrs.update(
                        {"aria-invalid": "true", "aria-describedby": f"{self.error_prefix}-{name}-errors"}
                    )

    def applied(self) -> dict:
        """The filter the list applies: every non-empty value of a valid form; nothing while any
        value is wrong (the list shows every row meanwhile, and says so)."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class DateRangeForm(ListFilterForm):
    """From and To, billing-zone days, both optional, inclusive."""

    start = forms.DateField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the start date as YYYY-MM-DD.")},
    )
    end = forms.DateField(
        required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the end date as YYYY-MM-DD.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update({"min": f"{EARLIEST:%Y-%m-%d}", "max": f"{LATEST:%Y-%m-%d}"})

    def _clean_bounded(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(str(OUT_OF_RANGE), code="out_of_range")
        return day

    def clean_start(self):
        return self._clean_bounded("start")

    def clean_end(self):
        return self._clean_bounded("end")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error(
                "end", gettext("The end date is before the start date (%(start)s).") % {"start": f"{start:%Y-%m-%d}"}
            )
        return cleaned

    def dates(self) -> tuple[date | None, date | None]:
        applied = self.applied()
        return applied.get("start"), applied.get("end")


def applied_query(filters: ListFilterForm) -> str:
    """The filter the list shows, as a query string, for its export link and its page links: so the
    export holds exactly the rows the list shows (every row while a value is being fixed)."""
    return urlencode({
        name: value.isoformat() if isinstance(value, date) else str(value) for name, value in filters.applied().items()
    })


def page_of(rows, number, *, per_page: int) -> Page:
    """One page of `rows`; a page number that is not one (or past the end) gives the nearest page."""
    return Paginator(rows, per_page).get_page(number)


def within_days(field: str, start: date | None, end: date | None) -> Q:
    """`field` (a moment) on a billing-zone day from `start` to `end`, both inclusive, either open."""
    zone, within = clock.billing_zone(), Q()
    if start:
        within &= Q(**{f"{field}__gte": datetime.combine(start, time.min, tzinfo=zone)})
    if end:
        within &= Q(**{f"{field}__lt": datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)})
    return within


class _Echo:
    """A file that hands back what it is given: csv.writer formats a line, the response streams it."""

    def write(self, value):
        return value


def csv_download(*, filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A list's export: `header` then `rows`, streamed (an account's whole history never sits in
    memory), as the attachment `filename`."""
    writer = csv.writer(_Echo())
    lines = chain([writer.writerow(header)], (writer.writerow(row) for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
