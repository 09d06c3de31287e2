"""The message center: the bell's count, the list, mark as read; the owner's reminder settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from console.accounts.permissions import member_may_manage_access
from console.accounts.selectors import member_for
from console.core.errors import PermissionRefused
from console.notifications import selectors, services
from console.notifications.forms import ReminderRecipientsForm
from console.notifications.models import REMINDER_WHEN, ReminderKind

PER_PAGE = 20
# Fired after something was read; the bell listens and fetches its count again.
NOTIFICATIONS_CHANGED = "notificationsChanged"


def _filters(request) -> dict:
    kind = request.GET.get("kind", "")
    return {"unread_only": request.GET.get("show") == "unread", "kind": kind if kind in ReminderKind.values else ""}


def _inbox_context(request, member) -> dict:
    filters = _filters(request)
    page = Paginator(
        selectors.inbox_for(user=request.user, account_id=member.account_id, **filters), PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "filters": filters,
        "kinds": ReminderKind.choices,
        "query": query.urlencode(),
        "unread": selectors.unread_count(user=request.user, account_id=member.account_id),
        "may_choose": member_may_manage_access(member),
    }


@login_required
def message_center(request):
    member = member_for(request.user)
    template = "console/notifications/list.html"
    return render(request, f"{template}#inbox" if request.htmx else template, _inbox_context(request, member))


@login_required
def bell(request):
    member = member_for(request.user)
    return render(request, "console/notifications/_bell.html", {
        "unread": selectors.unread_count(user=request.user, account_id=member.account_id), "polled": True,
    })


@login_required
@require_POST
def mark_read(request, delivery_id: int):
    member = member_for(request.user)
    delivery = services.notification_mark_read(user=request.user, account_id=member.account_id, delivery_id=delivery_id)
    if not request.htmx:
        return redirect("notifications:list")
    response = render(request, "console/notifications/list.html#row", {"delivery": delivery})
    trigger_client_event(response, NOTIFICATIONS_CHANGED)
    return response


@login_required
@require_POST
def mark_all_read(request):
    member = member_for(request.user)
    count = services.notifications_mark_all_read(user=request.user, account_id=member.account_id)
    message = ngettext("%(count)d message marked as read.", "%(count)d messages marked as read.", count) % {"count": count}
    if not request.htmx:
        messages.success(request, message)
        return redirect("notifications:list")
    response = render(request, "console/notifications/list.html#inbox", _inbox_context(request, member))
    trigger_client_event(response, NOTIFICATIONS_CHANGED)
    trigger_client_event(response, "toast", {"message": message})
    return response


@login_required
def reminder_settings(request):
    member = member_for(request.user)
    if not member_may_manage_access(member):
        raise PermissionRefused(gettext("Only the account owner chooses who receives reminders."))
    form = ReminderRecipientsForm(
        request.POST or None, choices=selectors.reminder_choices(account_id=member.account_id)
    )
    if request.method == "POST" and form.is_valid():
        services.reminder_recipients_set(member=member, choices=form.choices())
        messages.success(request, gettext("Reminder settings saved."))
        return redirect("notifications:settings")
    return render(request, "console/notifications/settings.html", {"form": form, "kinds": dict(ReminderKind.choices), "sent_when": REMINDER_WHEN})
