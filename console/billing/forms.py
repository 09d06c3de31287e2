from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from console.core.listing import DateRangeForm


class LedgerFilterForm(DateRangeForm):
    """The ledger's From and To (every list's date range: console.core.listing)."""

    error_prefix = "ledger"


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
