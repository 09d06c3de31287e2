from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console.accounts.models import Account
from console.core.admin import ReadOnlyAdmin
from console.packages.catalogue import usage_label
from console.packages.models import Deduction, Package, PackageSpec
from console.packages.services import giveaway_grant


@admin.register(PackageSpec)
class PackageSpecAdmin(admin.ModelAdmin):
    list_display = ["kind", "spec_name", "size", "list_price", "on_sale"]
    list_filter = ["kind", "on_sale"]

    @admin.display(description=gettext_lazy("name"), ordering="name")
    def spec_name(self, spec):
        return spec.label  # the price list's name in the reader's language


class DeductionInline(admin.TabularInline):
    model = Deduction
    extra = 0
    can_delete = False
    fields = ["usage_date", "deducted_at", "usage_type", "usage", "ratio", "amount"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("usage kind"))
    def usage_type(self, deduction):
        return usage_label(deduction.usage_kind)  # the stored label in the reader's language

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Package)
class PackageAdmin(ReadOnlyAdmin):
    list_display = ["code", "owner", "kind", "spec", "source", "total", "used", "purchased_at", "refunded_at"]
    list_filter = ["kind", "source"]
    search_fields = ["code", "owner__uin", "owner__name"]
    list_select_related = ["owner", "spec"]
    inlines = [DeductionInline]
    change_list_template = "console/packages/admin_package_changelist.html"

    def get_urls(self):
        grant = path("grant/", self.admin_site.admin_view(self.grant_view), name="console_package_grant")
        return [grant, *super().get_urls()]

    def grant_view(self, request):
        """Staff give a package away (source giveaway, nothing paid), through the audited service."""
        if not request.user.has_perm("console.add_package"):
            raise PermissionDenied
        form = GiveawayGrantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            package = giveaway_grant(
                account=form.cleaned_data["account"], spec=form.cleaned_data["spec"], actor=request.user,
                note=form.cleaned_data["note"],
            )
            self.message_user(
                request,
                _("Granted %(spec)s to %(account)s as %(code)s.")
                % {"spec": package.spec, "account": package.owner, "code": package.code},
            )
            return redirect(reverse("admin:console_package_change", args=[package.pk]))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": _("Grant a giveaway package"), "changelist": "admin:console_package_changelist",
            "intro": _(
                "A giveaway package costs the account nothing and cannot be refunded. The grant is audited with your name and the reason."
            ),
        }
        return TemplateResponse(request, "console/admin_form.html", context)


class GiveawayGrantForm(forms.Form):
    uin = forms.IntegerField(label=gettext_lazy("Account UIN"))
    spec = forms.ModelChoiceField(queryset=PackageSpec.objects.filter(on_sale=True), label=gettext_lazy("Package"))
    note = forms.CharField(label=gettext_lazy("Why"), widget=forms.Textarea(attrs={"rows": 3}), help_text=gettext_lazy("Kept in the audit trail."))

    def clean(self):
        cleaned = super().clean()
        if "uin" in cleaned:
            cleaned["account"] = Account.objects.filter(uin=cleaned["uin"]).first()
            if cleaned["account"] is None:
                self.add_error("uin", _("No account has this UIN."))
        return cleaned
