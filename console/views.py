from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from console import clock, selectors


def home(request):
    return redirect("packages")


@login_required
def package_list(request):
    member = selectors.member_for(request.user)
    packages = selectors.packages_for_account(member.account)
    return render(request, "console/package_list.html", {"packages": packages, "now": clock.now()})
