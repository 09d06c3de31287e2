from django.conf import settings
from django.core.exceptions import PermissionDenied

from console import clock, selectors


def console(request):
    member = None
    if request.user.is_authenticated:
        try:
            member = selectors.member_for(request.user)
        except PermissionDenied:
            member = None  # staff without a cloud account still see the layout
    return {
        "member": member,
        "current_account": member.account if member else None,
        "demo_mode": settings.DEMO_MODE,
        "clock_now": clock.now(),
        "billing_zone_name": settings.BILLING_TIME_ZONE,
    }
