"""The key lookup every API request makes (`console.accounts.api_keys.active_key`): one statement
written once per connection instead of compiled by the ORM each time. It must answer exactly what
the queryset it replaces answers, read fresh on every call (no copy kept between requests)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from console.accounts.api_keys import active_key, api_key_delete, api_key_set_enabled
from console.accounts.models import Account, ApiKey
from tests.api.signed import error_code, signed_post
from tests.factories import ApiKeyFactory, MemberFactory

pytestmark = pytest.mark.django_db


def orm_answer(secret_id: str) -> ApiKey | None:
    return (
        ApiKey.objects.select_related("member__account", "member__user")
        .filter(secret_id=secret_id, enabled=True, member__user__is_active=True)
        .first()
    )


def fields_of(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_key_read_answers_the_key_member_account_and_login_as_the_orm_does():
    key = ApiKeyFactory()
    Account.objects.filter(pk=key.member.account_id).update(cash_balance=Decimal("12.345"), owed_balance=Decimal("0.5"))

    read, expected = active_key(key.secret_id).key, orm_answer(key.secret_id)

    assert fields_of(read) == fields_of(expected)
    assert fields_of(read.member) == fields_of(expected.member)
    assert fields_of(read.member.account) == fields_of(expected.member.account)
    assert fields_of(read.member.user) == fields_of(expected.member.user)
    assert read.member.user.member is read.member


def test_the_key_read_is_one_statement_and_its_relations_need_no_other():
    key = ApiKeyFactory()

    with CaptureQueriesContext(connection) as queries:
        found = active_key(key.secret_id)
        found.member.account.cash_balance, found.member.user.is_active  # noqa: B018

    assert len(queries) == 1


def test_a_key_disabled_after_a_call_is_refused_by_the_next_call():
    key = ApiKeyFactory()
    member = key.member
    first = active_key(key.secret_id)

    api_key_set_enabled(member=member, key_id=key.pk, enabled=False)

    assert first is not None
    assert active_key(key.secret_id) is None


def test_a_key_deleted_after_a_call_is_refused_by_the_next_request(client):
    key = ApiKeyFactory()
    answered = signed_post(client, key, "DescribeAccountBalance", service="billing")[1]

    api_key_set_enabled(member=key.member, key_id=key.pk, enabled=False)
    api_key_delete(member=key.member, key_id=key.pk)
    refused = signed_post(client, key, "DescribeAccountBalance", service="billing")[1]

    assert error_code(answered) is None
    assert error_code(refused) == "AuthFailure.SecretIdNotFound"


def test_a_login_deactivated_after_a_call_is_refused_by_the_next_request(client):
    key = ApiKeyFactory()
    answered = signed_post(client, key, "DescribeAccountBalance", service="billing")[1]

    type(key.member.user).objects.filter(pk=key.member.user_id).update(is_active=False)
    refused = signed_post(client, key, "DescribeAccountBalance", service="billing")[1]

    assert error_code(answered) is None
    assert error_code(refused) == "AuthFailure.SecretIdNotFound"


def test_a_balance_changed_between_two_calls_is_answered_as_it_is_now(client):
    key = ApiKeyFactory()
    signed_post(client, key, "DescribeAccountBalance", service="billing")

    Account.objects.filter(pk=key.member.account_id).update(cash_balance=Decimal("7.00"))
    answer = signed_post(client, key, "DescribeAccountBalance", service="billing")[1]

    assert answer["Response"]["CashAccountBalance"] == 700


def test_two_accounts_keys_read_in_turn_each_answer_their_own_account(client):
    mine, theirs = ApiKeyFactory(), ApiKeyFactory(member=MemberFactory())
    Account.objects.filter(pk=mine.member.account_id).update(cash_balance=Decimal("1.00"))
    Account.objects.filter(pk=theirs.member.account_id).update(cash_balance=Decimal("2.00"))

    answers = [signed_post(client, key, "DescribeAccountBalance", service="billing")[1] for key in (mine, theirs, mine)]

    assert [answer["Response"]["CashAccountBalance"] for answer in answers] == [100, 200, 100]
    assert answers[0]["Response"]["Uin"] != answers[1]["Response"]["Uin"]


def test_another_keys_secret_does_not_sign_for_this_key(client):
    mine, theirs = ApiKeyFactory(), ApiKeyFactory(member=MemberFactory())
    signed_post(client, theirs, "DescribeAccountBalance", service="billing")

    answer = signed_post(client, mine, "DescribeAccountBalance", service="billing", secret_key=theirs.secret_key)[1]

    assert error_code(answer) == "AuthFailure.SignatureFailure"
