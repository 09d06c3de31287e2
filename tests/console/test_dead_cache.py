"""A dead cache decides no money: with the cache that counts rate limits unreachable (Redis down),
refunds and purchases still go through, and the skipped count is logged."""

import logging
import uuid
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.urls import reverse

from console.packages.models import Package
from refunds.models import Refund
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, spec

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Nothing listens on port 1: every cache call fails to connect at once.
DEAD_REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.fixture(autouse=True)
def dead_cache(settings):
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {**settings.CACHES, "default": DEAD_REDIS}
    yield
    caches["default"].close()


@pytest.fixture
def member(client):
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "50.00"}))
    client.force_login(member.user)
    return member


def test_a_refund_goes_through_while_the_cache_is_down(client, member):
    package = PackageFactory(owner=member.account)

    response = client.post(
        reverse("refund_confirm", args=[package.pk]),
        {"confirm": "on", "reason": "", "idempotency_key": str(uuid.uuid4())},
        **HTMX,
    )

    member.account.refresh_from_db()
    assert response.status_code == 204
    assert Refund.objects.filter(package=package).exists()
    assert member.account.cash_balance == Decimal("50.00") + package.paid_cash


def test_a_purchase_goes_through_while_the_cache_is_down(client, member):
    one = spec("traffic", "100 GB")

    response = client.post(
        reverse("package_buy"),
        {"spec": one.pk, "shown_spec": one.pk, "shown_price": one.list_price,
         "idempotency_key": str(uuid.uuid4()), "voucher": "", "action": "buy"},
        **HTMX,
    )

    member.account.refresh_from_db()
    assert response.status_code == 204
    assert Package.objects.filter(owner=member.account).exists()
    assert member.account.cash_balance == Decimal("50.00") - one.list_price


def test_a_rate_limit_the_dead_cache_could_not_count_is_logged(client, member, caplog):
    package = PackageFactory(owner=member.account)

    with caplog.at_level(logging.WARNING, logger="console.rate_limits"):
        client.post(
            reverse("refund_confirm", args=[package.pk]),
            {"confirm": "on", "reason": "", "idempotency_key": str(uuid.uuid4())},
            **HTMX,
        )

    assert any(record.name == "console.rate_limits" and record.levelno == logging.WARNING for record in caplog.records)
