"""Each person's API keys: created with the SecretKey shown once, kept encrypted, disabled,
deleted; the command and the demo seed print key pairs."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from console.accounts.api_keys import (
    ApiKeyLimitReached,
    active_key,
    api_key_create,
    api_key_mark_used,
    secret_decrypt,
    secret_encrypt,
)
from console.accounts.models import ApiKey
from console.core import clock
from console.core.models import AuditEntry
from tests.factories import ApiKeyFactory, MemberFactory

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}  # the confirmation step's answer (console.core.confirm)


@pytest.fixture
def member(client):
    member = MemberFactory(sub_user=True)
    client.force_login(member.user)
    return member


def test_creating_a_key_shows_its_secret_key_once(client, member):
    created = client.post(reverse("api_keys"))
    listed = client.get(reverse("api_keys"))

    key = ApiKey.objects.get(member=member)
    secret_key = secret_decrypt(key.secret_key_encrypted)
    assert created.status_code == 201
    assert key.secret_id.startswith("AKID") and len(key.secret_id) == 36
    assert secret_key in created.content.decode()
    assert key.secret_id in listed.content.decode()
    assert secret_key not in listed.content.decode()


def test_the_secret_key_is_not_stored_in_plain_text(member):
    call_command("api_key_create", member.user.username, stdout=StringIO())

    key = ApiKey.objects.get(member=member)
    assert secret_decrypt(key.secret_key_encrypted) not in key.secret_key_encrypted


def test_secrets_are_encrypted_under_the_configured_key_and_its_fallbacks(settings):
    settings.API_KEY_ENCRYPTION_KEY = "old-key"
    token = secret_encrypt("s3cret")

    settings.API_KEY_ENCRYPTION_KEY = "new-key"
    unreadable = secret_decrypt(token)
    settings.API_KEY_ENCRYPTION_KEY_FALLBACKS = ["old-key"]

    assert unreadable is None
    assert secret_decrypt(token) == "s3cret"


def test_a_disabled_key_can_no_longer_sign_and_can_be_enabled_again(client, member):
    key = ApiKeyFactory(member=member)

    client.post(reverse("api_key_disable", args=[key.pk]), CONFIRMED)
    disabled = active_key(key.secret_id)
    client.post(reverse("api_key_enable", args=[key.pk]))

    assert disabled is None
    assert active_key(key.secret_id).secret_key == key.secret_key
    assert list(AuditEntry.objects.filter(object_type="console.apikey").order_by("id").values_list("action", flat=True)) == [
        "api_key.disabled", "api_key.enabled",
    ]


def test_an_enabled_key_must_be_disabled_before_it_is_deleted(client, member):
    key = ApiKeyFactory(member=member)

    refused = client.post(reverse("api_key_delete", args=[key.pk]), CONFIRMED, follow=True)
    client.post(reverse("api_key_disable", args=[key.pk]), CONFIRMED)
    client.post(reverse("api_key_delete", args=[key.pk]), CONFIRMED)

    assert "Disable the key before deleting it" in refused.content.decode()
    assert not ApiKey.objects.filter(pk=key.pk).exists()


def test_nobody_disables_or_deletes_someone_elses_key(client, member):
    theirs = ApiKeyFactory(member=MemberFactory(account=member.account), enabled=False)

    client.post(reverse("api_key_enable", args=[theirs.pk]))
    client.post(reverse("api_key_delete", args=[theirs.pk]), CONFIRMED)

    theirs.refresh_from_db()
    assert theirs.enabled is False


def test_the_page_lists_only_the_persons_own_keys(client, member):
    mine = ApiKeyFactory(member=member)
    owners = ApiKeyFactory(member=MemberFactory(account=member.account))

    page = client.get(reverse("api_keys")).content.decode()

    assert mine.secret_id in page and owners.secret_id not in page


def test_api_key_create_prints_the_pair_on_two_lines():
    member = MemberFactory()
    out = StringIO()

    call_command("api_key_create", member.user.username, stdout=out)

    secret_id_line, secret_key_line = out.getvalue().splitlines()
    secret_id, secret_key = secret_id_line.removeprefix("SecretId="), secret_key_line.removeprefix("SecretKey=")
    assert re.fullmatch(r"AKID[A-Za-z0-9]{32}", secret_id)
    assert active_key(secret_id).secret_key == secret_key


def test_api_key_create_refuses_an_unknown_user():
    with pytest.raises(CommandError):
        call_command("api_key_create", "nobody-here", stdout=StringIO())


@pytest.mark.django_db(transaction=True)  # the demo seed empties and refills the database
def test_seed_demo_prints_a_working_key_pair_for_demo_and_viewer_and_the_same_one_again():
    first, again = StringIO(), StringIO()

    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=again)

    pairs = re.findall(r"SecretId=(\S+)\n\s+SecretKey=(\S+)", first.getvalue())
    assert len(pairs) == 2
    for secret_id, secret_key in pairs:
        assert active_key(secret_id).secret_key == secret_key
    assert {active_key(secret_id).member.user.username for secret_id, _ in pairs} == {"demo", "viewer"}
    assert re.findall(r"SecretId=(\S+)\n\s+SecretKey=(\S+)", again.getvalue()) == pairs


def test_a_keys_last_use_is_written_at_most_once_a_minute(monkeypatch):
    key = ApiKeyFactory()
    start = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    moments = iter([start, start + timedelta(seconds=59), start + timedelta(seconds=61)])
    monkeypatch.setattr(clock, "now", lambda: next(moments))
    written = []

    for _ in range(3):
        api_key_mark_used(ApiKey.objects.get(pk=key.pk))
        written.append(ApiKey.objects.get(pk=key.pk).last_used_at)

    assert written == [start, start, start + timedelta(seconds=61)]


# -- at most two key pairs per person, as Tencent Cloud allows ----------------------------------


def test_a_third_key_is_refused_on_the_page_with_the_reason(client, member):
    ApiKeyFactory(member=member)
    ApiKeyFactory(member=member, enabled=False)

    refused = client.post(reverse("api_keys"))

    assert refused.status_code == 409
    assert 'data-code="api_key_limit_reached"' in refused.content.decode()
    assert "You already have two API keys" in refused.content.decode()
    assert ApiKey.objects.filter(member=member).count() == 2


def test_the_page_disables_create_key_when_the_person_has_two_keys(client, member):
    ApiKeyFactory(member=member)
    ApiKeyFactory(member=member)

    page = client.get(reverse("api_keys")).content.decode()

    assert re.search(r'<button[^>]*disabled[^>]*data-testid="create-key"', page)
    assert 'data-testid="key-limit"' in page


def test_a_deleted_key_makes_room_for_a_new_one(client, member):
    ApiKeyFactory(member=member)
    old = ApiKeyFactory(member=member, enabled=False)
    client.post(reverse("api_key_delete", args=[old.pk]), CONFIRMED)

    created = client.post(reverse("api_keys"))

    assert created.status_code == 201
    assert ApiKey.objects.filter(member=member).count() == 2


def test_the_limit_is_per_person_not_per_account(client, member):
    ApiKeyFactory(member=member)
    ApiKeyFactory(member=member)
    colleague = MemberFactory(account=member.account, sub_user=True)

    created = api_key_create(member=colleague)

    assert created.key.member == colleague


def test_api_key_create_refuses_a_third_key_and_creates_nothing():
    member = MemberFactory()
    call_command("api_key_create", member.user.username, stdout=StringIO())
    call_command("api_key_create", member.user.username, stdout=StringIO())

    with pytest.raises(CommandError, match="two API keys"):
        call_command("api_key_create", member.user.username, stdout=StringIO())
    assert ApiKey.objects.filter(member=member).count() == 2


def test_the_service_refuses_a_third_key_with_a_stable_code():
    member = MemberFactory()
    api_key_create(member=member)
    api_key_create(member=member)

    with pytest.raises(ApiKeyLimitReached) as refused:
        api_key_create(member=member)
    assert refused.value.code == "api_key_limit_reached"


@pytest.mark.django_db(transaction=True)  # the demo seed empties and refills the database
def test_seed_demo_keeps_to_the_limit_when_the_person_has_two_disabled_keys():
    call_command("seed_demo", stdout=StringIO())
    demo = ApiKey.objects.get(member__user__username="demo").member
    ApiKey.objects.filter(member=demo).update(enabled=False)
    ApiKeyFactory(member=demo, enabled=False)
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert ApiKey.objects.filter(member=demo).count() == 2
    assert "You already have two API keys" in out.getvalue()
