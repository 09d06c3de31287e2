import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account, BillingMode
from console.billing.models import BillingModeChange, BillingModeChannel, TopUp, TopUpChannel
from console.billing.services import billing_mode_change
from console.billing.topup import MAX_TOP_UP, MIN_TOP_UP, account_top_up
from console.core.admin import ReadOnlyAdmin
from console.core.errors import ServiceError


ADMIN_FORM = "console/admin_form.html"


class AccountByUinForm(forms.Form):
    """A staff form about one account, named by its UIN (`self.account` once valid)."""

    uin = forms.IntegerField(label=_("Account UIN"))

    def clean_uin(self):
        account = Account.objects.filter(uin=self.cleaned_data["uin"]).first()
        if account is None:
            raise forms.ValidationError(_("No account has this UIN."))
        self.account = account
        return self.cleaned_data["uin"]


class RecordPaymentForm(AccountByUinForm):
    """Staff record a payment received elsewhere (a bank transfer): the same service as the console's Top up."""

    amount = forms.DecimalField(label=_("Amount (USD)"), min_value=MIN_TOP_UP, max_value=MAX_TOP_UP, decimal_places=2, max_digits=10)
    idempotency_key = forms.CharField(
        label=_("idempotency key"), max_length=64, initial=lambda: str(uuid.uuid4()),
        help_text=_("E.g. the bank's transfer ID: the same key records the payment once."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)


@admin.register(TopUp)
class TopUpAdmin(ReadOnlyAdmin):
    """Top-ups, read-only; "Record a payment" adds one through `account_top_up` (never a row save)."""

    list_display = ["created_at", "account", "amount", "to_owed", "to_cash", "channel", "status_before", "status_after"]
    list_filter = ["channel"]
    search_fields = ["account__uin", "account__name", "idempotency_key", "provider_reference"]
    list_select_related = ["account"]
    change_list_template = "console/billing/admin_topup_changelist.html"

    def get_urls(self):
        record = path("record/", self.admin_site.admin_view(self.record_view), name="console_topup_record")
        return [record, *super().get_urls()]

    def record_view(self, request):
        if not request.user.has_perm("console.add_topup"):
            raise PermissionDenied
        form = RecordPaymentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = account_top_up(
                    account_id=form.account.pk, amount=form.cleaned_data["amount"],
                    idempotency_key=form.cleaned_data["idempotency_key"], channel=TopUpChannel.ADMIN,
                    actor=request.user, note=form.cleaned_data["note"],
                )
            except ServiceError as refused:
                form.add_error(None, refused.message)
            else:
                top_up = result.top_up
                self.message_user(request, gettext("Recorded %(code)s: USD %(amount)s, USD %(owed)s to the amount owed, USD %(cash)s to cash.") % {
                    "code": top_up.receipt_code, "amount": top_up.amount, "owed": top_up.to_owed, "cash": top_up.to_cash,
                })
                if result.lifted:
                    self.message_user(request, gettext("The suspension for overdue payment is lifted."), messages.SUCCESS)
                return redirect(reverse("admin:console_topup_change", args=[top_up.pk]))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "title": _("Record a payment"),
            "changelist": "admin:console_topup_changelist",
            "intro": _(
                "A payment received outside the console (a bank transfer). It pays what the account owes first, then "
                "credits cash, and lifts a suspension for overdue payment once nothing is owed. Audited with your name."
            ),
        }
        return TemplateResponse(request, ADMIN_FORM, context)


class SetBillingModeForm(AccountByUinForm):
    """Staff set an account's billing mode (the contract customers' monthly 95th percentile, or a
    daily mode on a customer's behalf): the same service and rule as the console's panel."""

    mode = forms.ChoiceField(label=_("billing mode"), choices=BillingMode.choices)


@admin.register(BillingModeChange)
class BillingModeChangeAdmin(ReadOnlyAdmin):
    """The billing-mode history, read-only; "Set a billing mode" appends through
    `billing_mode_change` (never a row save, and `Account`'s own mode fields are read-only)."""

    list_display = ["asked_at", "account", "from_mode", "to_mode", "effective_on", "asked_by_label", "channel", "cancels_pending"]
    list_filter = ["channel", "to_mode"]
    search_fields = ["account__uin", "account__name", "asked_by_label"]
    list_select_related = ["account"]
    change_list_template = "console/billing/admin_billing_mode_changelist.html"

    def get_urls(self):
        set_mode = path("set/", self.admin_site.admin_view(self.set_mode_view), name="console_billingmodechange_set")
        return [set_mode, *super().get_urls()]

    def set_mode_view(self, request):
        form = SetBillingModeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                change = billing_mode_change(
                    account_id=form.account.pk, mode=form.cleaned_data["mode"], actor=request.user,
                    channel=BillingModeChannel.ADMIN,
                )
            except ServiceError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(request, gettext("%(account)s: %(mode)s from %(day)s.") % {
                    "account": form.account, "mode": change.get_to_mode_display(), "day": change.effective_on.isoformat(),
                })
                return redirect(reverse("admin:console_billingmodechange_changelist"))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "title": _("Set a billing mode"),
            "changelist": "admin:console_billingmodechange_changelist",
            "intro": _(
                "The change takes effect at the start of the next billing day, or the day after when the account already "
                "has usage today; one change a day. The monthly 95th percentile is for contract customers. Audited with your name."
            ),
        }
        return TemplateResponse(request, ADMIN_FORM, context)
