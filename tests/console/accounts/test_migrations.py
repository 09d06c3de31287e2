"""Existing data migrates: the refund flag becomes a policy attachment; old refunds get order IDs."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_POLICIES = ("console", "0005_cam_policies_and_api_keys")
AFTER_POLICIES = ("console", "0006_can_refund_to_policies")
BEFORE_ORDER_IDS = ("refunds", "0001_initial")
AFTER_ORDER_IDS = ("refunds", "0002_refund_order_ids")


def migrate(*targets, with_latest_console=False):
    """Migrate to `targets` (and the console's latest migrations too, when asked: the refunds'
    migrations leave the console's tables as they are) and answer the historical models there."""
    nodes = list(targets)
    if with_latest_console:
        latest_console = [node for node in MigrationExecutor(connection).loader.graph.leaf_nodes() if node[0] == "console"]
        # Forwards first, then back: Django runs a plan in one direction only.
        MigrationExecutor(connection).migrate(latest_console)
        nodes += latest_console
    MigrationExecutor(connection).migrate(nodes)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_sub_users_with_the_refund_flag_get_the_finance_policy_and_the_flag_goes(migration_history):
    apps = migrate(BEFORE_POLICIES)
    Account, Member, User = (apps.get_model("console", "Account"), apps.get_model("console", "Member"),
                             apps.get_model("auth", "User"))
    account = Account.objects.create(uin=100099990001, name="Migrated")
    granted = Member.objects.create(
        user=User.objects.create(username="granted"), account=account, role="sub_user", can_refund=True
    )
    Member.objects.create(user=User.objects.create(username="plain"), account=account, role="sub_user", can_refund=False)
    Member.objects.create(user=User.objects.create(username="boss"), account=account, role="owner", can_refund=True)

    apps = migrate(AFTER_POLICIES)

    attachments = apps.get_model("console", "PolicyAttachment").objects.all()
    assert [(a.member.user.username, a.preset) for a in attachments] == [("granted", "QCloudFinanceFullAccess")]
    assert attachments[0].member_id == granted.pk
    assert "can_refund" not in {f.name for f in apps.get_model("console", "Member")._meta.get_fields()}


@pytest.mark.django_db(transaction=True)
def test_migrating_back_sets_the_flag_again_from_the_policy(migration_history):
    apps = migrate(AFTER_POLICIES)
    Account, Member, User = (apps.get_model("console", "Account"), apps.get_model("console", "Member"),
                             apps.get_model("auth", "User"))
    account = Account.objects.create(uin=100099990002, name="Back")
    member = Member.objects.create(user=User.objects.create(username="granted2"), account=account, role="sub_user")
    apps.get_model("console", "PolicyAttachment").objects.create(
        member=member, preset="QCloudFinanceFullAccess", attached_at=timezone.now()
    )

    apps = migrate(BEFORE_POLICIES)

    assert apps.get_model("console", "Member").objects.get(pk=member.pk).can_refund is True


@pytest.mark.django_db(transaction=True)
def test_existing_refunds_get_distinct_order_ids_from_their_day_and_key(migration_history):
    apps = migrate(BEFORE_ORDER_IDS, with_latest_console=True)
    rows = _refund_rows(apps, 2)

    apps = migrate(AFTER_ORDER_IDS)

    Refund = apps.get_model("refunds", "Refund")
    order_ids = [Refund.objects.get(pk=pk).order_id for pk in rows]
    assert order_ids[0] != order_ids[1]
    assert all(len(order_id) == 20 and order_id.isdigit() for order_id in order_ids)
    assert order_ids[0].endswith(f"{rows[0]:012d}")


def _refund_rows(apps, count: int) -> list[int]:
    from decimal import Decimal

    Account = apps.get_model("console", "Account")
    Package = apps.get_model("console", "Package")
    Spec = apps.get_model("console", "PackageSpec")
    User = apps.get_model("auth", "User")
    Refund = apps.get_model("refunds", "Refund")
    account = Account.objects.create(uin=100099990003, name="Refunded before order IDs")
    user = User.objects.create(username="refunder")
    spec = Spec.objects.filter(kind="traffic").order_by("size").first()
    now = timezone.now()
    pks = []
    for n in range(count):
        package = Package.objects.create(
            code=f"lvpkg-mig{n:05d}", owner=account, payer=account, spec=spec, kind="traffic", total=spec.size,
            purchased_at=now, expires_at=now + timezone.timedelta(days=365), list_price=spec.list_price,
            paid_cash=spec.list_price, refunded_at=now, refunded_cash=spec.list_price,
        )
        refund = Refund.objects.create(
            package=package, owner=account, payer=account, idempotency_key=f"old-{n}", channel="self_service",
            requested_by=user, cash=spec.list_price, commission=Decimal("0"), free=Decimal("0"), created_at=now,
        )
        pks.append(refund.pk)
    return pks
