from django import forms
from django.utils.translation import gettext_lazy

from console.purchases.selectors import specs_on_sale


class BuyForm(forms.Form):
    spec = forms.ModelChoiceField(queryset=specs_on_sale(), label=gettext_lazy("Package"), empty_label=None)
    voucher = forms.CharField(required=False, max_length=40, label=gettext_lazy("Voucher"))
    # What the dialog showed: a confirm for another spec or price is a stale dialog, not a buy.
    shown_spec = forms.IntegerField(required=False, widget=forms.HiddenInput)
    shown_price = forms.DecimalField(required=False, max_digits=14, decimal_places=2, widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
