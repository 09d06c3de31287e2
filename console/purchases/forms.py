from django import forms

from console.purchases.selectors import specs_on_sale


class BuyForm(forms.Form):
    spec = forms.ModelChoiceField(queryset=specs_on_sale(), label="Package", empty_label=None)
    voucher = forms.CharField(required=False, max_length=40, label="Voucher")
    # What the dialog showed: a confirm for another spec or price is a stale dialog, not a buy.
    shown_spec = forms.IntegerField(required=False, widget=forms.HiddenInput)
    shown_price = forms.DecimalField(required=False, max_digits=14, decimal_places=2, widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
