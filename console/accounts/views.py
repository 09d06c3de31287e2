"""The API keys page (each person their own keys) and the Users and permissions page (the owner
grants and revokes policies for sub-users; a sub-user sees their own)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from console.accounts import api_keys as keys
from console.accounts import selectors, services
from console.accounts.forms import POLICY_EXAMPLE, PolicyAttachForm, PolicyCreateForm
from console.accounts.models import PresetPolicy
from console.accounts.permissions import PRESET_DOCUMENTS, member_may_manage_access, member_require_manage_access
from console.accounts.selectors import member_for
from console.core.confirm import Confirmation, confirmation_page, confirmed
from console.core.errors import ServiceError

API_KEYS = "console/accounts/api_keys.html"
USERS = "console/accounts/users.html"


# --- API keys ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request):
    """GET lists the person's keys; POST creates one and shows its SecretKey on this answer only
    (it is not put in the session or a message, so it is nowhere once the page is left)."""
    member = member_for(request.user)
    created, refused, status = None, None, 200
    if request.method == "POST":
        try:
            created, status = keys.api_key_create(member=member), 201
        except ServiceError as refusal:  # the two keys a person may have
            refused, status = refusal, refusal.http_status
    own_keys = keys.api_keys_of(member)
    context = {"keys": own_keys, "created": created, "refused": refused, "may_create": keys.api_key_may_create(own_keys)}
    return render(request, API_KEYS, context, status=status)


def _key_action(request, key_id: int, action, done: str):
    member = member_for(request.user)
    try:
        action(member=member, key_id=key_id)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect("api_keys")


@login_required
@require_POST
def api_key_enable(request, key_id: int):
    return _key_action(
        request, key_id, lambda **kw: keys.api_key_set_enabled(enabled=True, **kw), _("The key is enabled.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_key_disable(request, key_id: int):
    """GET (or a POST without confirmation) asks first; the confirmed POST disables."""
    if not confirmed(request):
        key = keys.api_key_of(member=member_for(request.user), key_id=key_id)
        return confirmation_page(request, Confirmation(
            title=_("Disable API key %(secret_id)s?") % {"secret_id": key.secret_id},
            what_happens=_(
                "Every request signed with this key is refused from now on: scripts and SDKs that use it stop working at once."
            ),
            cannot_undo=_(
                "Requests refused while it is disabled are not carried out later. You can enable the key again, "
                "but a disabled key is the only kind that can be deleted, and deleting cannot be undone."
            ),
            confirm_label=_("Disable"),
            back_url=reverse("api_keys"),
        ))
    return _key_action(
        request, key_id, lambda **kw: keys.api_key_set_enabled(enabled=False, **kw),
        _("The key is disabled: requests signed with it are refused."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_key_remove(request, key_id: int):
    """GET (or a POST without confirmation) asks first; the confirmed POST deletes."""
    if not confirmed(request):
        key = keys.api_key_of(member=member_for(request.user), key_id=key_id)
        return confirmation_page(request, Confirmation(
            title=_("Delete API key %(secret_id)s?") % {"secret_id": key.secret_id},
            what_happens=_("The key pair is deleted: its SecretId and SecretKey will never sign a request again."),
            cannot_undo=_(
                "This cannot be undone. A deleted key cannot be restored; scripts that still use it must be given a new key."
            ),
            confirm_label=_("Delete"),
            back_url=reverse("api_keys"),
        ))
    return _key_action(request, key_id, keys.api_key_delete, _("The key is deleted."))


# --- Users and permissions -------------------------------------------------------------------------


def _users_page(request, member, *, create_form=None, status=200):
    if not member_may_manage_access(member):
        context = {"manage": False, "own_attachments": selectors.attachments_of(member), "presets": _presets()}
        return render(request, USERS, context, status=status)
    custom = selectors.custom_policies_of(member.account)
    sub_users = selectors.sub_users_of(member.account)
    context = {
        "manage": True,
        "rows": [
            (sub_user, PolicyAttachForm(
                custom_policies=custom, attachments=sub_user.policy_attachments.all(), prefix=f"u{sub_user.pk}",
            ))
            for sub_user in sub_users
        ],
        "custom_policies": custom,
        "create_form": create_form or PolicyCreateForm(),
        "presets": _presets(),
        "example": POLICY_EXAMPLE,
    }
    return render(request, USERS, context, status=status)


def _presets():
    return [(preset, PRESET_DOCUMENTS[preset]["statement"]) for preset in PresetPolicy]


@login_required
def users_and_permissions(request):
    return _users_page(request, member_for(request.user))


def _policy_change(request, change, done) -> HttpResponse:
    """One of the page's buttons: `change(owner)` for the signed-in owner, then back to the page
    with what happened (`done(result)`) or why nothing did."""
    member = member_for(request.user)
    member_require_manage_access(member)  # 403 for sub-users, as the page offers them no form
    try:
        result = change(member)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done(result))
    return redirect("users_permissions")


@login_required
@require_POST
def policy_attach_view(request, sub_user_id: int):
    choice = request.POST.get(f"u{sub_user_id}-policy", "")
    return _policy_change(
        request,
        lambda owner: services.policy_attach(owner=owner, sub_user_id=sub_user_id, choice=choice),
        lambda attachment: _("Attached %(policy)s to %(user)s.")
        % {"policy": attachment.policy_name, "user": attachment.member.user.get_username()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_detach_view(request, attachment_id: int):
    """GET (or a POST without confirmation) asks first; the confirmed POST detaches."""
    if not confirmed(request):
        owner = member_for(request.user)
        member_require_manage_access(owner)
        attachment = selectors.attachment_of(account=owner.account, attachment_id=attachment_id)
        names = {"policy": attachment.policy_name, "user": attachment.member.user.get_username()}
        return confirmation_page(request, Confirmation(
            title=_("Detach %(policy)s from %(user)s?") % names,
            what_happens=_(
                "%(user)s loses at once what %(policy)s allows, in the console and through the API."
            ) % names,
            cannot_undo=_(
                "Anything %(user)s is doing with it is refused from now on. You can attach the policy again later, "
                "but refused requests are not carried out then."
            ) % names,
            confirm_label=_("Detach"),
            back_url=reverse("users_permissions"),
        ))
    return _policy_change(
        request,
        lambda owner: services.policy_detach(owner=owner, attachment_id=attachment_id),
        lambda _detached: _("The policy is detached."),
    )


@login_required
@require_POST
def policy_create_view(request):
    member = member_for(request.user)
    member_require_manage_access(member)  # 403 for sub-users, as the page offers them no form
    form = PolicyCreateForm(request.POST)
    if form.is_valid():
        try:
            policy = services.policy_create(owner=member, **form.cleaned_data)
        except ServiceError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("Created the policy %(policy)s.") % {"policy": policy.name})
            return redirect("users_permissions")
    return _users_page(request, member, create_form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def policy_delete_view(request, policy_id: int):
    """GET (or a POST without confirmation) asks first; the confirmed POST deletes."""
    if not confirmed(request):
        owner = member_for(request.user)
        member_require_manage_access(owner)
        policy = selectors.custom_policy_of(account=owner.account, policy_id=policy_id)
        return confirmation_page(request, Confirmation(
            title=_("Delete policy %(policy)s?") % {"policy": policy.name},
            what_happens=_("The custom policy and its document are deleted from this account."),
            cannot_undo=_(
                "This cannot be undone: to grant the same again, the policy must be written again from scratch."
            ),
            confirm_label=_("Delete"),
            back_url=reverse("users_permissions"),
        ))
    return _policy_change(
        request,
        lambda owner: services.policy_delete(owner=owner, policy_id=policy_id),
        lambda _deleted: _("The policy is deleted."),
    )
