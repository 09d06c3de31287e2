"""Factories for every model the tests build. One place, so a model change is fixed once."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db.models import F

from console.accounts.models import Account, AccountStatus, Member, MemberRole, PolicyAttachment, PresetPolicy
from console.core import clock
from console.packages.models import Deduction, Package, PackageSource, PackageSpec


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    uin = factory.Sequence(lambda n: 100012345678 + n)
    name = factory.Sequence(lambda n: f"Streaming Studio {n}")
    cash_balance = Decimal("0.00")

    class Params:
        suspended_for_violation = factory.Trait(status=AccountStatus.SUSPENDED_VIOLATION)
        suspended_for_overdue = factory.Trait(status=AccountStatus.SUSPENDED_OVERDUE)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse")


class MemberFactory(factory.django.DjangoModelFactory):
    """An account owner; `sub_user=True` a sub-user without any policy; `sub_user_with_refund=True`
    a sub-user with the preset QCloudFinanceFullAccess (refund, buy, auto-renew);
    `policies=[...]` attaches presets (PresetPolicy values) or custom Policy rows."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory)
    role = MemberRole.OWNER

    class Params:
        sub_user = factory.Trait(role=MemberRole.SUB_USER)
        sub_user_with_refund = factory.Trait(
            role=MemberRole.SUB_USER,
            finance_policy=factory.RelatedFactory(
                "tests.factories.PolicyAttachmentFactory", factory_related_name="member",
                preset=PresetPolicy.FINANCE_FULL_ACCESS,
            ),
        )

    @factory.post_generation
    def policies(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for policy in extracted:
            if isinstance(policy, str):
                PolicyAttachment.objects.create(member=obj, preset=PresetPolicy(policy), attached_at=clock.now())
            else:
                PolicyAttachment.objects.create(member=obj, policy=policy, attached_at=clock.now())


class PolicyAttachmentFactory(factory.django.DjangoModelFactory):
    """A preset policy attached to a sub-user (QCloudFinanceFullAccess unless told)."""

    class Meta:
        model = PolicyAttachment

    member = factory.SubFactory(MemberFactory, sub_user=True)
    preset = PresetPolicy.FINANCE_FULL_ACCESS
    attached_at = factory.LazyFunction(lambda: clock.now())


class PolicyFactory(factory.django.DjangoModelFactory):
    """A custom policy of an account: by default it allows live:Describe*."""

    class Meta:
        model = "console.Policy"

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"custom-policy-{n}")
    document = factory.LazyFunction(
        lambda: {"version": "2.0", "statement": [{"effect": "allow", "action": ["live:Describe*"], "resource": "*"}]}
    )
    created_at = factory.LazyFunction(lambda: clock.now())


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """An enabled API key; its SecretKey in clear is on the object as `secret_key` (not stored)."""

    class Meta:
        model = "console.ApiKey"
        skip_postgeneration_save = True

    class Params:
        secret_key = factory.Sequence(lambda n: f"testsecret{n:022d}")

    member = factory.SubFactory(MemberFactory)
    secret_id = factory.Sequence(lambda n: f"AKIDtest{n:028d}")
    secret_key_encrypted = factory.LazyAttribute(lambda k: _encrypt(k.secret_key))
    created_at = factory.LazyFunction(lambda: clock.now())

    @factory.post_generation
    def keep_secret(obj, create, extracted, **kwargs):
        from console.accounts.api_keys import secret_decrypt

        obj.secret_key = secret_decrypt(obj.secret_key_encrypted)


def _encrypt(secret_key: str) -> str:
    from console.accounts.api_keys import secret_encrypt

    return secret_encrypt(secret_key)


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


def spec(kind: str = "traffic", name: str | None = None) -> PackageSpec:
    specs = PackageSpec.objects.filter(kind=kind)
    return specs.get(name=name) if name else specs.order_by("size").first()


class PackageFactory(factory.django.DjangoModelFactory):
    """A paid, unused package bought an hour ago, paid in cash at list price."""

    class Meta:
        model = Package

    class Params:
        spec_name = None
        giveaway = factory.Trait(
            source=PackageSource.GIVEAWAY, list_price=Decimal("0"), paid_cash=Decimal("0")
        )

    code = factory.Sequence(lambda n: f"lvpkg-{n:08d}")
    owner = factory.SubFactory(AccountFactory)
    payer = factory.SelfAttribute("owner")
    kind = "traffic"
    spec = factory.LazyAttribute(lambda p: spec(p.kind, p.spec_name))
    total = factory.LazyAttribute(lambda p: p.spec.size)
    purchased_at = factory.LazyFunction(lambda: clock.now() - timedelta(hours=1))
    expires_at = factory.LazyAttribute(lambda p: p.purchased_at + timedelta(days=365))
    list_price = factory.LazyAttribute(lambda p: p.spec.list_price)
    discount = Decimal("0.00")
    voucher = Decimal("0.00")
    paid_commission = Decimal("0.00")
    paid_free = Decimal("0.00")
    paid_cash = factory.LazyAttribute(lambda p: p.list_price - p.discount - p.voucher - p.paid_commission - p.paid_free)


class DeductionFactory(factory.django.DjangoModelFactory):
    """A deduction, also added to the package's `used` as the billing run does."""

    class Meta:
        model = Deduction
        skip_postgeneration_save = True

    package = factory.SubFactory(PackageFactory)
    usage_date = factory.LazyFunction(lambda: clock.today() - timedelta(days=1))
    deducted_at = factory.LazyFunction(lambda: clock.now())
    usage_kind = "LVB Chinese mainland"
    usage = Decimal("1.000")
    ratio = Decimal("1")
    amount = factory.LazyAttribute(lambda d: d.usage * d.ratio)

    @factory.post_generation
    def add_to_package(obj, create, extracted, **kwargs):
        if create:
            Package.objects.filter(pk=obj.package_id).update(used=F("used") + obj.amount)
            obj.package.refresh_from_db()


# --- billing -------------------------------------------------------------------------


def _fund(account: Account, funds: dict[str, Decimal]) -> None:
    from django.db import transaction

    from console.ledger.models import Bucket, LedgerKind
    from console.ledger.services import ledger_post

    with transaction.atomic():
        for bucket, amount in funds.items():
            if amount:
                ledger_post(account=account, bucket=Bucket(bucket), amount=Decimal(amount), kind=LedgerKind.TOP_UP)


class FundedAccountFactory(AccountFactory):
    """An account topped up through the ledger, so check_ledger finds it consistent.

    `funds` maps a bucket to an amount: FundedAccountFactory(funds={"cash": "10", "free": "2"}).
    """

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def funds(obj, create, extracted, **kwargs):
        if create:
            _fund(obj, extracted if extracted is not None else {"cash": Decimal("100.00")})


class UsageRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "console.UsageRecord"

    account = factory.SubFactory(AccountFactory)
    day = factory.LazyFunction(lambda: clock.today() - timedelta(days=1))
    package_kind = "traffic"
    item = "lvb:mainland"
    quantity = Decimal("10.000")


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "console.Voucher"

    account = factory.SubFactory(AccountFactory)
    code = factory.Sequence(lambda n: f"CSSV-{n:06d}")
    amount = Decimal("5.00")
    valid_until = factory.LazyFunction(lambda: clock.now() + timedelta(days=30))


# --- tickets -------------------------------------------------------------------------


class TicketFactory(factory.django.DjangoModelFactory):
    """An open CSS "Other problem" ticket raised by the account owner, about no package."""

    class Meta:
        model = "tickets.Ticket"

    class Params:
        member = factory.SubFactory(MemberFactory)

    account = factory.SelfAttribute("member.account")
    raised_by = factory.SelfAttribute("member.user")
    product = "css"
    issue_type = "other"
    title = factory.Sequence(lambda n: f"Please refund my package ({n})")
    description = "I bought the wrong package."
    contact_email = factory.LazyAttribute(lambda t: t.raised_by.email or "customer@example.com")
    contact_phone = "+86 13800000000"
    created_at = factory.LazyFunction(lambda: clock.now())
    updated_at = factory.SelfAttribute("created_at")
    status = "open"
    closed_at = factory.LazyAttribute(lambda t: t.updated_at if t.status == "closed" else None)


def _grant(user, codenames: list[str]) -> None:
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="tickets", codename__in=codenames))


class ReviewerFactory(StaffFactory):
    """Staff who may review tickets (reply, assign, reject) but not approve refunds."""

    permissions = factory.PostGeneration(
        lambda user, create, extracted, **kwargs: _grant(user, extracted or ["review_ticket"]) if create else None
    )


class ApproverFactory(StaffFactory):
    """Staff who may review tickets and approve refunds from them."""

    permissions = factory.PostGeneration(
        lambda user, create, extracted, **kwargs: _grant(user, extracted or ["review_ticket", "approve_refund"])
        if create else None
    )


class DailyPeakFactory(factory.django.DjangoModelFactory):
    """A day's peak bandwidth (what a day billed by daily peak bandwidth is charged from)."""

    class Meta:
        model = "console.DailyPeak"

    account = factory.SubFactory(AccountFactory)
    day = factory.LazyFunction(lambda: clock.today() - timedelta(days=1))
    mbps = Decimal("100.000")
