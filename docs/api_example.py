"""List the demo account's traffic packages, refund one, and replay the refund: with the official
Tencent Cloud SDK only, against the console's own address.

    uv run manage.py demo                      # prints the demo's SecretId and SecretKey
    export TENCENTCLOUD_SECRET_ID=AKID...      # the `demo` pair it printed
    export TENCENTCLOUD_SECRET_KEY=...
    uv run python docs/api_example.py          # CSS_CONSOLE=HOST:PORT if not 127.0.0.1:8000

Nothing here is specific to this console but the endpoint: the same code calls Tencent Cloud
when `HttpProfile` is left at its default.
"""

import os
import sys
import uuid

from tencentcloud.billing.v20180709 import billing_client
from tencentcloud.billing.v20180709 import models as billing_models
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client
from tencentcloud.live.v20180801 import models as live_models

STATUS = {0: "unused", 1: "in use", 2: "expired", 3: "frozen", 4: "used up", 5: "refunded"}


def main() -> int:
    cred = credential.Credential(os.environ["TENCENTCLOUD_SECRET_ID"], os.environ["TENCENTCLOUD_SECRET_KEY"])
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=os.environ.get("CSS_CONSOLE", "127.0.0.1:8000")))
    live = live_client.LiveClient(cred, "", profile)
    billing = billing_client.BillingClient(cred, "", profile)

    # 1. The account's traffic packages (PackageType 0), newest first; Total/Used/Left in bytes.
    request = live_models.DescribeLivePackageInfoRequest()
    request.PackageType = 0
    request.OrderBy = "BuyTimeDesc"
    packages = live.DescribeLivePackageInfo(request)
    print(f"{packages.TotalNum} traffic packages (billing mode {packages.PackageBillMode}):")
    for info in packages.LivePackageInfoList:
        print(f"  {info.Id}  bought {info.BuyTime}  {info.Total / 1000**4:g} TB, "
              f"{info.Left / 1000**3:g} GB left  {STATUS[info.Status]}")

    balance = billing.DescribeAccountBalance(billing_models.DescribeAccountBalanceRequest())
    print(f"Cash balance: {balance.CashAccountBalance / 100:.2f} (in cents: {balance.CashAccountBalance})")

    # 2. Refund the newest unused package the refund policy allows; a refusal says why.
    client_token = str(uuid.uuid4())
    for info in packages.LivePackageInfoList:
        if info.Status != 0:
            continue
        refund = billing_models.RefundInstanceRequest()
        refund.ClientToken = client_token
        refund.ProductCode = "p_live"
        refund.SubProductCode = "sp_live_package"
        refund.RegionCode = "ap-guangzhou"
        refund.InstanceId = info.Id
        try:
            first = billing.RefundInstance(refund)
        except TencentCloudSDKException as refused:
            print(f"Refund of {info.Id} refused: {refused.code}: {refused.message}")
            continue
        print(f"Refunded {info.Id}: order {first.OrderIdList}")

        # 3. The same ClientToken again (a retry after a lost answer, even within the same
        # second): the same order, no second refund.
        again = billing.RefundInstance(refund)
        print(f"Replayed with the same ClientToken: order {again.OrderIdList} "
              f"({'the same' if again.OrderIdList == first.OrderIdList else 'DIFFERENT'})")
        return 0 if again.OrderIdList == first.OrderIdList else 1
    print("No traffic package can be refunded now.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
