from django import forms
from django.utils.translation import gettext_lazy

from refunds.models import RefundReason


class RefundConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the package stops working at once and the refund cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the refund.")},
    )
    reason = forms.TypedChoiceField(
        label=gettext_lazy("Reason (optional)"),
        choices=[("", gettext_lazy("Choose a reason")), *RefundReason.choices],
        required=False,
    )
    # Made when the dialog is drawn, so a double click or a retried request refunds once.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
