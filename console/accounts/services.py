"""Access management: the owner attaches and detaches policies for sub-users, and writes custom
policies. Every change asks `console.accounts.permissions` first and leaves an audit row."""

from __future__ import annotations

import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console.accounts.models import Member, MemberRole, Policy, PolicyAttachment, PresetPolicy
from console.accounts.permissions import (
    InvalidPolicy,
    member_permissions_forget,
    member_require_manage_access,
    policy_document_parse,
)
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import Conflict, InvalidRequest, NotFound

PRESET_PREFIX = "preset:"
CUSTOM_PREFIX = "policy:"


class SubUserNotFound(NotFound):
    code = "sub_user_not_found"
    default_message = gettext_lazy("No such sub-user in this account.")


class PolicyNotFound(NotFound):
    code = "policy_not_found"
    default_message = gettext_lazy("No such policy in this account.")


class PolicyAlreadyAttached(Conflict):
    code = "policy_already_attached"
    default_message = gettext_lazy("This policy is already attached to the sub-user.")


class PolicyInUse(Conflict):
    code = "policy_in_use"
    default_message = gettext_lazy("Detach the policy from every sub-user before deleting it.")


def policy_choice_value(*, preset: str = "", policy: Policy | None = None) -> str:
    """How a form names a policy: `preset:QcloudLIVEFullAccess` or `policy:<id>`."""
    return f"{PRESET_PREFIX}{preset}" if preset else f"{CUSTOM_PREFIX}{policy.pk}"


def policy_attach(*, owner: Member, sub_user_id: int, choice: str) -> PolicyAttachment:
    """Attach a preset or one of the account's custom policies (`policy_choice_value`) to a sub-user."""
    member_require_manage_access(owner)
    with transaction.atomic():
        sub_user = _sub_user(owner, sub_user_id)
        preset, policy = _resolve_choice(owner, choice)
        try:
            with transaction.atomic():
                attachment = PolicyAttachment.objects.create(
                    member=sub_user, preset=preset, policy=policy, attached_at=clock.now(), attached_by=owner.user
                )
        except IntegrityError:
            raise PolicyAlreadyAttached() from None
        audit_record(
            actor=owner.user, action=AuditAction.POLICY_ATTACHED, obj=sub_user, account=owner.account,
            after={"policy": attachment.policy_name, "user": sub_user.user.get_username()},
        )
    member_permissions_forget(sub_user)
    return attachment


def policy_detach(*, owner: Member, attachment_id: int) -> None:
    member_require_manage_access(owner)
    with transaction.atomic():
        attachment = (
            PolicyAttachment.objects.select_related("member__user", "policy")
            .filter(pk=attachment_id, member__account_id=owner.account_id)
            .first()
        )
        if attachment is None:
            raise PolicyNotFound(_("No such policy attachment in this account."))
        attachment.delete()
        audit_record(
            actor=owner.user, action=AuditAction.POLICY_DETACHED, obj=attachment.member, account=owner.account,
            before={"policy": attachment.policy_name, "user": attachment.member.user.get_username()},
        )


def policy_create(*, owner: Member, name: str, description: str = "", document: str | dict[str, Any]) -> Policy:
    """A custom policy of the owner's account; `document` is JSON text or its parsed value."""
    member_require_manage_access(owner)
    name = name.strip()
    if not name:
        raise InvalidRequest(_("Give the policy a name."), field="name")
    if name.lower() in {preset.value.lower() for preset in PresetPolicy}:
        raise InvalidRequest(_("That is the name of a preset policy; choose another."), field="name")
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            raise InvalidPolicy(_("The policy document is not valid JSON."), field="document") from None
    try:
        policy_document_parse(document)
    except InvalidPolicy as invalid:
        raise InvalidPolicy(invalid.message, field="document") from None
    document = _canonical(document)
    with transaction.atomic():
        try:
            with transaction.atomic():
                policy = Policy.objects.create(
                    account=owner.account, name=name, description=description.strip(), document=document,
                    created_at=clock.now(),
                )
        except IntegrityError:
            raise InvalidRequest(_("The account already has a policy of that name."), field="name") from None
        audit_record(
            actor=owner.user, action=AuditAction.POLICY_CREATED, obj=policy, account=owner.account,
            after={"name": name, "document": document},
        )
    return policy


def policy_delete(*, owner: Member, policy_id: int) -> None:
    member_require_manage_access(owner)
    with transaction.atomic():
        policy = Policy.objects.filter(pk=policy_id, account_id=owner.account_id).first()
        if policy is None:
            raise PolicyNotFound()
        if policy.attachments.exists():
            raise PolicyInUse()
        audit_record(
            actor=owner.user, action=AuditAction.POLICY_DELETED, obj=policy, account=owner.account,
            before={"name": policy.name, "document": policy.document},
        )
        policy.delete()


def _canonical(document: dict[str, Any]) -> dict[str, Any]:
    """The document as written, with its shorthands spelt out: `statement` a list, each
    `action` a list, `resource` present."""
    statements = document["statement"]
    if isinstance(statements, dict):
        statements = [statements]
    return {
        "version": document["version"],
        "statement": [
            {
                "effect": statement["effect"].lower(),
                "action": [statement["action"]] if isinstance(statement["action"], str) else list(statement["action"]),
                "resource": statement.get("resource", "*"),
            }
            for statement in statements
        ],
    }


def _sub_user(owner: Member, sub_user_id: int) -> Member:
    sub_user = (
        Member.objects.select_related("user")
        .filter(pk=sub_user_id, account_id=owner.account_id, role=MemberRole.SUB_USER)
        .first()
    )
    if sub_user is None:
        raise SubUserNotFound()
    return sub_user


def _resolve_choice(owner: Member, choice: str) -> tuple[str, Policy | None]:
    if choice.startswith(PRESET_PREFIX):
        preset = choice[len(PRESET_PREFIX):]
        if preset not in PresetPolicy.values:
            raise PolicyNotFound()
        return preset, None
    if choice.startswith(CUSTOM_PREFIX) and choice[len(CUSTOM_PREFIX):].isdigit():
        policy = Policy.objects.filter(pk=int(choice[len(CUSTOM_PREFIX):]), account_id=owner.account_id).first()
        if policy is None:
            raise PolicyNotFound()
        return "", policy
    raise PolicyNotFound()
