from console.core.listing import DateRangeForm


class LedgerFilterForm(DateRangeForm):
    """The ledger's From and To (every list's date range: console.core.listing)."""

    error_prefix = "ledger"
