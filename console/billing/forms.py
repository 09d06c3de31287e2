from datetime import date
from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

# The ledger's dates are billing-zone days; a day outside these bounds is a typo, and near the
# ends of the calendar (0001-01-01, 9999-12-31) the day's start in UTC does not exist.
EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)
OUT_OF_RANGE = format_lazy(
    gettext_lazy("Enter a date between {earliest} and {latest}."), earliest=f"{EARLIEST:%Y-%m-%d}", latest=f"{LATEST:%Y-%m-%d}"
)


class LedgerFilterForm(forms.Form):
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
        for name in self.fields:
            self.fields[name].widget.attrs.update({"min": f"{EARLIEST:%Y-%m-%d}", "max": f"{LATEST:%Y-%m-%d}"})
        if self.is_bound:
            # Each field says what is wrong with it, next to it (aria-describedby its error list).
            for name in self.errors:
                if name in self.fields:
                    self.fields[name].widget.attrs.update(
                        {"aria-invalid": "true", "aria-describedby": f"ledger-{name}-errors"}
                    )

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
        if not self.is_valid():
            return None, None
        return self.cleaned_data["start"], self.cleaned_data["end"]


class TopUpForm(forms.Form):
    """The Top up dialog: an amount, then a confirmation of what it will settle and credit."""

    amount = forms.DecimalField(
        label=gettext_lazy("Amount (USD)"), min_value=Decimal("0.01"), max_value=Decimal("1000000.00"), decimal_places=2, max_digits=10,
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class BalanceAlertForm(forms.Form):
    threshold = forms.DecimalField(
        label=gettext_lazy("Alert when the available balance falls below (USD)"), required=False,
        min_value=Decimal("0"), max_value=Decimal("1000000.00"), decimal_places=2, max_digits=10,
        help_text=gettext_lazy("Leave empty to turn the alert off."),
    )
