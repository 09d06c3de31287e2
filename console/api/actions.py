"""The API's actions: which (service, action) exist, in which version, what CAM action each one
needs, which parameters it takes, and the function that answers it.

Parameters are checked here against each action's list before the action runs: a parameter the
action does not take is `UnknownParameter`, a required one absent (or null) `MissingParameter`, one
of the wrong JSON type `InvalidParameter` (form-encoded values, from GET or v1, are converted to the
parameter's kind first: an integer in decimal, a boolean `true` or `false` in any case). Values no
action can take are `InvalidParameterValue` here: an integer outside Tencent's 64-bit Integer, a
string holding a NUL character (PostgreSQL stores none). Each action then checks its own values
(`InvalidParameterValue`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from console.api import billing, live
from console.api.caller import Caller
from console.api.errors import ApiError, ErrorCode, missing_parameter

# The one version each product speaks.
VERSIONS = {"live": "2018-08-01", "billing": "2018-07-09"}
INTEGER_MIN, INTEGER_MAX = -(2**63), 2**63 - 1
_FORM_INTEGER = re.compile(r"-?[0-9]{1,20}")
_FORM_BOOLEANS = {"true": True, "false": False}


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
    def reads_only(self) -> bool:
        """A Describe action changes nothing, and its request writes nothing (console.api.views)."""
        return self.name.startswith("Describe")

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


def action_lookup(*, service: str | None, action: str, version: str) -> Action:
    """The action the signed service names (TC3), or the one of that name in the version's
    service (v1, whose signature names no service); `InvalidAction` or `NoSuchVersion` otherwise."""
    if service is None:
        named = [found for found in ACTIONS.values() if found.name == action]
        service = next((found.service for found in named if found.version == version), None)
        if service is None and named:
            service = named[0].service
    found = ACTIONS.get((service, action)) if service is not None else None
    if found is None:
        raise ApiError(
            ErrorCode.INVALID_ACTION,
            gettext("The action `%(action)s` does not exist for the service `%(service)s`.")
            % {"action": action, "service": service or "-"},
        )
    if version != found.version:
        raise ApiError(
            ErrorCode.NO_SUCH_VERSION,
            gettext("The version `%(version)s` of the service `%(service)s` does not exist; use %(current)s.")
            % {"version": version, "service": service, "current": found.version},
        )
    return found


def params_check(action: Action, params: dict[str, Any], *, form_encoded: bool = False) -> dict[str, Any]:
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
                raise missing_parameter(param.name)
            continue
        if form_encoded:
            value = _from_form(value, param.kind)
        if not _is_kind(value, param.kind):
            raise ApiError(
                ErrorCode.INVALID_PARAMETER,
                gettext("The parameter `%(name)s` must be %(kind)s.") % {"name": param.name, "kind": _KIND_NAMES[param.kind]},
            )
        _check_storable(param.name, value)
        checked[param.name] = value
    return checked


_KIND_NAMES = {int: gettext_lazy("an integer"), str: gettext_lazy("a string"), bool: gettext_lazy("a boolean")}


def _from_form(value: str, kind: type) -> Any:
    """A form-encoded value as `kind`; left a string (refused as the wrong kind) when it is not one."""
    if kind is int and _FORM_INTEGER.fullmatch(value):
        return int(value)
    if kind is bool:
        return _FORM_BOOLEANS.get(value.lower(), value)
    return value


def _check_storable(name: str, value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and not INTEGER_MIN <= value <= INTEGER_MAX:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `%(name)s` is out of range: an Integer is 64 bits.") % {"name": name},
        )
    if isinstance(value, str) and "\x00" in value:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `%(name)s` must not contain a NUL character.") % {"name": name},
        )


def _is_kind(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)
