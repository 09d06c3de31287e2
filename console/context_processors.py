from django.conf import settings

from console import clock


def console(request):
    member = getattr(request.user, "member", None) if request.user.is_authenticated else None
    return {
        "member": member,
        "current_account": member.account if member else None,
        "demo_mode": settings.DEMO_MODE,
        "clock_now": clock.now(),
        "billing_zone_name": settings.BILLING_TIME_ZONE,
    }
