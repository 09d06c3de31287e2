from functools import partial

from django.conf import settings

from console.accounts.permissions import account_standing, member_permissions, staff_navigation
from console.accounts.selectors import member_or_none
from console.core import clock
from console.demo.personas import PERSONA_LIST
from console.notifications.selectors import unread_count


def console(request):
    """What the layout needs on every page: who is signed in for which account, and what they may do."""
    member = member_or_none(request.user)
    return {
        "member": member,
        "current_account": member.account if member else None,
        "may": member_permissions(member) if member else None,
        # What the account's state means (suspended, and for what); the layout's banner reads it.
        "standing": account_standing(member.account) if member else None,
        # Staff without a cloud account get their own menu (the review desk, the admin).
        "staff_nav": staff_navigation(request.user) if member is None else None,
        # The bell's unread count, drawn in the page (a phone would wait a round trip for it after
        # load); called once, by the layout's include, so a page without the bell pays nothing.
        "notifications_unread": partial(unread_count, user=request.user, account_id=member.account_id) if member else 0,
        "demo_mode": settings.DEMO_MODE,
        "demo_personas": PERSONA_LIST if settings.DEMO_MODE else [],
        "clock_now": clock.now(),
        "billing_zone_name": settings.BILLING_TIME_ZONE,
    }
