"""The API's actions: which (service, action) exist, in which version, what CAM action each one
needs, which parameters it takes, and the function that answers it.

Parameters are checked here against each action's list before the action runs: a parameter the
action does not take is `UnknownParameter`, a required one absent (or null) `MissingParameter`, one
of the wrong JSON type `InvalidParameter`; each action then checks values itself
(`InvalidParameterValue`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from console.api import billing, live
from console.api.caller import Caller
from console.api.errors import ApiError, ErrorCode

# The one version each product speaks.
VERSIONS = {"live": "2018-08-01", "billing": "2018-07-09"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: type  # int, str or bool (JSON number without fraction, string, true/false)
    required: bool = False


@dataclass(frozen=True)
class Action:
    service: str
    name: str
    cam_action: str
    params: tuple[Param, ...]
    handler: Callable[[Caller, dict[str, Any]], dict[str, Any]]

    @property
    def version(self) -> str:
        return VERSIONS[self.service]


ACTIONS: dict[tuple[str, str], Action] = {
    (action.service, action.name): action
    for action in (
        Action(
            service="live",
            name="DescribeLivePackageInfo",
            cam_action="live:DescribeLivePackageInfo",
            params=(
                Param("PackageType", int, required=True),
                Param("OrderBy", str),
                Param("PageNum", int),
                Param("PageSize", int),
            ),
            handler=live.describe_live_package_info,
        ),
        Action(
            service="billing",
            name="DescribeAccountBalance",
            cam_action="finance:DescribeAccountBalance",
            params=(Param("TempCredit", bool),),
            handler=billing.describe_account_balance,
        ),
        Action(
            service="billing",
            name="RefundInstance",
            cam_action="finance:RefundInstance",
            params=(
                Param("ClientToken", str, required=True),
                Param("ProductCode", str, required=True),
                Param("SubProductCode", str, required=True),
                Param("InstanceId", str, required=True),
                Param("RegionCode", str, required=True),
            ),
            handler=billing.refund_instance,
        ),
    )
}


def action_lookup(*, service: str, action: str, version: str) -> Action:
    """The action the signed service names; `InvalidAction` or `NoSuchVersion` otherwise."""
    found = ACTIONS.get((service, action))
    if found is None:
        raise ApiError(
            ErrorCode.INVALID_ACTION,
            gettext("The action `%(action)s` does not exist for the service `%(service)s`.")
            % {"action": action, "service": service},
        )
    if version != found.version:
        raise ApiError(
            ErrorCode.NO_SUCH_VERSION,
            gettext("The version `%(version)s` of the service `%(service)s` does not exist; use %(current)s.")
            % {"version": version, "service": service, "current": found.version},
        )
    return found


def params_check(action: Action, params: dict[str, Any]) -> dict[str, Any]:
    """The request's parameters, checked against the action's list (null counts as absent)."""
    known = {param.name: param for param in action.params}
    for name in params:
        if name not in known:
            raise ApiError(
                ErrorCode.UNKNOWN_PARAMETER,
                gettext("The parameter `%(name)s` is not recognized by %(action)s.") % {"name": name, "action": action.name},
            )
    checked: dict[str, Any] = {}
    for param in action.params:
        value = params.get(param.name)
        if value is None:
            if param.required:
                raise ApiError(
                    ErrorCode.MISSING_PARAMETER,
                    gettext("The request is missing a required parameter `%(parameter)s`.") % {"parameter": param.name},
                )
            continue
        if not _is_kind(value, param.kind):
            raise ApiError(
                ErrorCode.INVALID_PARAMETER,
                gettext("The parameter `%(name)s` must be %(kind)s.") % {"name": param.name, "kind": _KIND_NAMES[param.kind]},
            )
        checked[param.name] = value
    return checked


_KIND_NAMES = {int: gettext_lazy("an integer"), str: gettext_lazy("a string"), bool: gettext_lazy("a boolean")}


def _is_kind(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)
