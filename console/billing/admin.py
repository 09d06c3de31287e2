import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from console.billing.models import TopUp, TopUpChannel
from console.billing.topup import account_top_up
from console.core.errors import ServiceError


class RecordPaymentForm(forms.ModelForm):
    """Staff record a payment received elsewhere (a bank transfer): the same service as the console's Top up."""

    idempotency_key = forms.CharField(
        label=_("idempotency key"), max_length=64, initial=lambda: str(uuid.uuid4()),
        help_text=_("E.g. the bank's transfer ID: the same key records the payment once."),
    )

    class Meta:
        model = TopUp
        fields = ["account", "amount", "idempotency_key", "note"]


@admin.register(TopUp)
class TopUpAdmin(admin.ModelAdmin):
    list_display = ["created_at", "account", "amount", "to_owed", "to_cash", "channel", "status_before", "status_after"]
    list_filter = ["channel"]
    search_fields = ["account__uin", "account__name", "idempotency_key", "provider_reference"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    readonly_fields = [f.name for f in TopUp._meta.fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = RecordPaymentForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["account", "amount", "idempotency_key", "note"] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Record the payment through `account_top_up` (locks, ledger, lifecycle, audit), never a row save."""
        try:
            result = account_top_up(
                account_id=form.cleaned_data["account"].pk, amount=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["idempotency_key"], channel=TopUpChannel.ADMIN,
                actor=request.user, note=form.cleaned_data.get("note", ""),
            )
        except ServiceError as refused:
            raise ValidationError(refused.message) from None
        obj.pk = result.top_up.pk
        obj.__dict__.update({f.attname: getattr(result.top_up, f.attname) for f in TopUp._meta.concrete_fields})
        if result.lifted:
            self.message_user(request, gettext("The suspension for overdue payment is lifted."), messages.SUCCESS)
