from django import forms
from django.utils.translation import gettext_lazy

from console.packages.status import PackageStatus
from refunds.models import RefundReason
from refunds.selectors import PAGE_SIZE_CHOICES, PackageQuery, Sort, Tab


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


class PackageQueryForm(forms.Form):
    """Reads the package table's query string. A bad value is dropped, not an error: links
    and bookmarks outlive the options they were made with, and the page should still open."""

    tab = forms.ChoiceField(choices=Tab.choices, required=False)
    status = forms.ChoiceField(choices=PackageStatus.choices, required=False)
    q = forms.CharField(max_length=32, required=False, strip=True)
    sort = forms.ChoiceField(choices=Sort.choices, required=False)
    page = forms.IntegerField(min_value=1, required=False)
    size = forms.TypedChoiceField(choices=PAGE_SIZE_CHOICES, coerce=int, required=False)

    def query(self) -> PackageQuery:
        self.is_valid()
        given = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return PackageQuery(**given)
