from datetime import date

from django import forms

from console.billing.purchase import specs_on_sale


class BuyForm(forms.Form):
    spec = forms.ModelChoiceField(queryset=specs_on_sale(), label="Package", empty_label=None)
    voucher = forms.CharField(required=False, max_length=40, label="Voucher")
    # What the dialog showed: a confirm for another spec or price is a stale dialog, not a buy.
    shown_spec = forms.IntegerField(required=False, widget=forms.HiddenInput)
    shown_price = forms.DecimalField(required=False, max_digits=14, decimal_places=2, widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class LedgerFilterForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return cleaned

    def dates(self) -> tuple[date | None, date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data["start"], self.cleaned_data["end"]
