"""Two key creations at once for a person with one key: one is created, the other refused, so
nobody ever holds three (the person's row is locked while the keys are counted)."""


import pytest

from console.accounts.api_keys import ApiKeyLimitReached, api_key_create
from console.accounts.models import ApiKey
from tests.factories import ApiKeyFactory, MemberFactory
from tests.threads import run_together

# Real commits: each thread runs on its own connection; row locks need PostgreSQL.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]



def test_two_creations_at_once_leave_the_person_with_two_keys_not_three():
    member = MemberFactory()
    ApiKeyFactory(member=member)

    outcomes = run_together(*[lambda: api_key_create(member=member)] * 2)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ApiKeyLimitReached", "NewApiKey"]
    assert ApiKey.objects.filter(member=member).count() == 2


def test_many_creations_at_once_never_go_past_two():
    member = MemberFactory()

    outcomes = run_together(*[lambda: api_key_create(member=member)] * 6)

    assert sum(isinstance(outcome, ApiKeyLimitReached) for outcome in outcomes) == 4
    assert ApiKey.objects.filter(member=member).count() == 2
