from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console.accounts.selectors import member_for
from console.core.errors import ServiceError
from console.packages import selectors
from console.packages.services import package_auto_renew_set

@login_required
@require_POST
def package_auto_renew(request, code):
    member = member_for(request.user)
    package = selectors.package_of_account(account=member.account, code=code)
    enabled = request.POST.get("auto_renew") == "on"
    # One package per type renews: say so when turning it on here takes it off another.
    holder = selectors.auto_renew_holder(package) if enabled else None
    try:
        package_auto_renew_set(package_id=package.pk, member=member, enabled=enabled)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        done = (_("Auto-renewal on for %(code)s.") if enabled else _("Auto-renewal off for %(code)s.")) % {"code": package.code}
        if holder:
            done += " " + _("It is now off for %(code)s: one package of each type renews.") % {"code": holder.code}
        messages.success(request, done)
    return redirect("package_detail", code=code)
