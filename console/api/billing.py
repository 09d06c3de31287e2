"""billing 2018-07-09: DescribeAccountBalance and RefundInstance.

DescribeAccountBalance answers every amount as an integer number of cents (fen in Tencent's
documentation; the console's balances are USD, so US cents here): `CashAccountBalance` the cash
balance, `IncomeIntoAccountBalance` the commission credits, `PresentAccountBalance` the free
credits, `OweAmount` the ledger's owed bucket (what daily bills left unpaid and no
top-up or refund has settled yet), `FreezeAmount` 0 (the console freezes no money),
`Balance` = `RealBalance` = cash + commission + free - freeze - owed. The console bills usage into
arrears when cash runs out (`IsAllowArrears` true) and grants no credit (`IsCreditLimited` false,
`CreditAmount` and `TempCredit` 0, `CreditBalance` = cash + commission + free - owed,
`RealCreditBalance` = CreditBalance - freeze).

RefundInstance refunds one CSS package (`ProductCode` p_live, `InstanceId` its package ID, e.g.
lvpkg-dm000001) through `refunds.services.package_refund`, the console's own refund with the
same policy, locks and ledger; the refund's channel is recorded as API, with the request's
SubProductCode and RegionCode. `ClientToken` makes it idempotent per account: the refund's key
is derived from the account and the token, so the same token answers the first refund's
`OrderIdList` again, and two accounts' tokens never meet.
"""

from __future__ import annotations

import hashlib
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext

from console.api.caller import Caller
from console.api.errors import ApiError, ErrorCode
from console.core.errors import IdempotencyKeyReused
from console.packages.selectors import PackageNotFound, package_of_account
from refunds import policy
from refunds.services import RefundRefused, RefundRequest, package_refund

PRODUCT_CODE = "p_live"
CLIENT_TOKEN_MAX = 64
RECORDED_MAX = 64
_CLIENT_TOKEN = re.compile(r"[\x20-\x7e]{1,%d}" % CLIENT_TOKEN_MAX)


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def describe_account_balance(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    # The row as this request's key lookup read it (`active_key`, one statement with the key and
    # member): the four balances of one moment, so the figures below agree, and no second read.
    account = caller.account
    cash, commission, free, owed = (
        cents(account.cash_balance), cents(account.commission_balance), cents(account.free_balance),
        cents(account.owed_balance),
    )
    freeze = 0
    real = cash + commission + free - freeze - owed
    credit_balance = cash + commission + free - owed
    return {
        "Balance": real,
        "Uin": account.uin,
        "RealBalance": real,
        "CashAccountBalance": cash,
        "IncomeIntoAccountBalance": commission,
        "PresentAccountBalance": free,
        "FreezeAmount": freeze,
        "OweAmount": owed,
        "IsAllowArrears": True,
        "IsCreditLimited": False,
        "CreditAmount": 0,
        "CreditBalance": credit_balance,
        "RealCreditBalance": credit_balance - freeze,
        "TempCredit": 0,
        "TempAmountInfoList": [],
    }


# Refusals of the refund policy, as Tencent-style sub-codes of FailedOperation (the message is
# the policy's own); a sub-user without the permission is UnauthorizedOperation.
def refusal_code(reason: policy.Reason) -> str:
    if reason == policy.Reason.NO_PERMISSION:
        return ErrorCode.UNAUTHORIZED_OPERATION
    return f"{ErrorCode.FAILED_OPERATION}.{''.join(part.capitalize() for part in str(reason).split('_'))}"


def client_token_key(account_id: int, client_token: str) -> str:
    """The refund's idempotency key for an account's ClientToken (64 characters, as the column)."""
    return "api-" + hashlib.sha256(f"{account_id}:{client_token}".encode()).hexdigest()[:60]


def refund_instance(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    client_token = params["ClientToken"]
    if not _CLIENT_TOKEN.fullmatch(client_token):
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `ClientToken` must be 1 to %(max)s printable ASCII characters.") % {"max": CLIENT_TOKEN_MAX},
        )
    if params["ProductCode"] != PRODUCT_CODE:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `ProductCode` must be `%(code)s`: only CSS packages are refunded here.") % {"code": PRODUCT_CODE},
        )
    recorded = {}
    for name in ("SubProductCode", "RegionCode"):
        value = params[name].strip()
        if not value or len(value) > RECORDED_MAX:
            raise ApiError(
                ErrorCode.INVALID_PARAMETER_VALUE,
                gettext("The parameter `%(name)s` must be 1 to %(max)s characters.") % {"name": name, "max": RECORDED_MAX},
            )
        recorded[name] = value
    instance_id = params["InstanceId"].strip()
    member = caller.member
    try:
        package = package_of_account(account=caller.account, code=instance_id)
        result = package_refund(RefundRequest(
            package_id=package.pk,
            owner=caller.account,
            actor=member.user,
            idempotency_key=client_token_key(caller.account.pk, client_token),
            member=member,
            channel=policy.Channel.API,
            sub_product_code=recorded["SubProductCode"],
            region_code=recorded["RegionCode"],
        ))
    except PackageNotFound:
        raise ApiError(
            ErrorCode.RESOURCE_NOT_FOUND,
            gettext("The instance `%(id)s` does not exist in this account.") % {"id": instance_id},
        ) from None
    except RefundRefused as refused:
        raise ApiError(refusal_code(refused.verdict.reasons[0]), refused.message) from None
    except IdempotencyKeyReused:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The `ClientToken` was already used to refund another instance; use a new ClientToken."),
        ) from None
    return {"OrderIdList": [result.refund.order_id]}
