from django import forms

from refunds.models import RefundReason


class RefundConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that the package stops working at once and the refund cannot be undone.",
        error_messages={"required": "Tick the box to confirm the refund."},
    )
    reason = forms.TypedChoiceField(
        label="Reason (optional)",
        choices=[("", "Choose a reason"), *RefundReason.choices],
        required=False,
    )
    # Made when the dialog is drawn, so a double click or a retried request refunds once.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    # The package table's query string, so the table redrawn after the refund shows the same page.
    page_query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
