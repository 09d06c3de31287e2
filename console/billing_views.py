from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from console import selectors
from console.models import Package


@login_required
def package_detail(request, code):
    member = selectors.member_for(request.user)
    package = get_object_or_404(Package.objects.select_related("spec", "payer"), code=code, owner=member.account)
    return render(request, "console/package_detail.html", {"package": package})
