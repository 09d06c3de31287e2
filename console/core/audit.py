"""The audit trail's one writer and its vocabulary of actions."""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model

from console.core import clock
from console.core.models import AuditEntry


class AuditAction(StrEnum):
    """Every action the trail records. The values are stored, so they never change."""

    ACCOUNT_STANDING_CHANGED = "account.standing_changed"
    ACCOUNT_REPOSSESSION_WARNED = "account.repossession_warned"
    ACCOUNT_TOPPED_UP = "account.topped_up"
    BALANCE_ALERT_SET = "account.balance_alert_set"
    API_KEY_CREATED = "api_key.created"
    API_KEY_DELETED = "api_key.deleted"
    API_KEY_DISABLED = "api_key.disabled"
    API_KEY_ENABLED = "api_key.enabled"
    BILLING_WINDOW_OPENED = "billing.window_opened"
    BILLING_WINDOW_CLOSED = "billing.window_closed"
    BILLING_MARK_CLEARED = "billing.mark_cleared"
    DEMO_BILLING_RUN = "demo.billing_run"
    DEMO_BILLING_WINDOW_OPEN = "demo.billing_window_open"
    DEMO_BILLING_WINDOW_CLOSE = "demo.billing_window_close"
    DEMO_CLOCK_ADVANCE = "demo.clock_advance"
    DEMO_CLOCK_RESET = "demo.clock_reset"
    DEMO_CLOCK_TO_DEADLINE = "demo.clock_to_deadline"
    DEMO_PERSONA_SWITCH = "demo.persona_switch"
    DEMO_RESET = "demo.reset"
    DEMO_USAGE_SIMULATE = "demo.usage_simulate"
    NOTIFICATION_RECIPIENTS_SET = "notifications.recipients_set"
    PACKAGE_AUTO_RENEW_SET = "package.auto_renew_set"
    PACKAGE_AUTO_RENEWED = "package.auto_renewed"
    PACKAGE_PURCHASED = "package.purchased"
    PACKAGE_GIVEAWAY_GRANTED = "package.giveaway_granted"
    # One entry per repossession, on the account, listing the packages it reclaimed.
    PACKAGES_RECLAIMED = "package.reclaimed"
    POLICY_ATTACHED = "policy.attached"
    POLICY_CREATED = "policy.created"
    POLICY_DELETED = "policy.deleted"
    POLICY_DETACHED = "policy.detached"
    REFUND_COMPLETED = "refund.completed"
    REFUND_NOT_FOUND = "refund.not_found"
    REFUND_REFUSED = "refund.refused"
    TICKET_SUBMITTED = "ticket.submitted"
    TICKET_ASSIGNED = "ticket.assigned"
    TICKET_REPLIED = "ticket.replied"
    TICKET_STATUS_CHANGED = "ticket.status_changed"
    TICKET_REJECTED = "ticket.rejected"
    TICKET_REFUND_APPROVED = "ticket.refund_approved"
    TICKET_REFUND_REFUSED = "ticket.refund_refused"
    # A billing-mode request accepted (a change, or the cancellation of a pending one).
    BILLING_MODE_CHANGE_REQUESTED = "account.billing_mode_change_requested"
    TICKET_PRIORITY_CHANGED = "ticket.priority_changed"
    TICKET_DUE_TIMES_RECOMPUTED = "ticket.due_times_recomputed"
    TICKET_RATED = "ticket.rated"


def actor_label(actor: AbstractBaseUser | None) -> str:
    if actor is None:
        return "system"
    return actor.get_username() + (" (staff)" if getattr(actor, "is_staff", False) else "")


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: AuditAction,
    obj: Model,
    account: Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    verdict: dict | None = None,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label(actor),
        action=AuditAction(action),
        account=account,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
        verdict=verdict,
        note=note,
    )
