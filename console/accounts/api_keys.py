"""API keys: each person's SecretId/SecretKey pairs for Tencent Cloud API 3.0.

A signature check needs the SecretKey itself (TC3-HMAC-SHA256 is symmetric), so it cannot be
hashed like a password; it is stored encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from
`cryptography`) under a key derived with HKDF-SHA256 from `settings.API_KEY_ENCRYPTION_KEY`, or
from `SECRET_KEY` when that is empty. Values in `API_KEY_ENCRYPTION_KEY_FALLBACKS` still decrypt,
so the key can be rotated. The SecretKey is shown once, when the key is created.
"""

from __future__ import annotations

import base64
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connections, router, transaction
from django.utils.translation import gettext_lazy

from console.accounts.models import Account, ApiKey, Member
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import Conflict, NotFound
from console.core.sql import column_converters, row_converted, written_once

SECRET_ID_PREFIX = "AKID"
# As Tencent Cloud's CAM allows: at most two key pairs per person, enabled or disabled (a second
# key is for rotating the first without downtime).
MAX_KEYS_PER_MEMBER = 2
# A key's last use is shown to the minute: a polling loop's reads write nothing in between.
LAST_USED_PRECISION = timedelta(minutes=1)
SECRET_ID_LENGTH = 36  # as Tencent's: AKID and 32 letters and digits
SECRET_KEY_LENGTH = 32
_ALPHABET = string.ascii_letters + string.digits
_HKDF_INFO = b"css-console api-key secrets v1"


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    default_message = gettext_lazy("No such API key of yours.")


class ApiKeyLimitReached(Conflict):
    code = "api_key_limit_reached"
    default_message = gettext_lazy(
        "You already have two API keys, the most one person may have. Disable and delete one before creating another."
    )


class ApiKeyStillEnabled(Conflict):
    code = "api_key_enabled"
    default_message = gettext_lazy("Disable the key before deleting it, so scripts that still use it fail visibly first.")


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKey
    secret_key: str  # in clear: show it once, store it nowhere


@dataclass(frozen=True)
class ActiveKey:
    """An enabled key found by its SecretId, with its SecretKey decrypted for the signature check."""

    key: ApiKey
    member: Member
    secret_key: str


# --- encryption --------------------------------------------------------------------------------


def _fernet_for(material: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(material.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def _cipher() -> MultiFernet:
    primary = settings.API_KEY_ENCRYPTION_KEY or settings.SECRET_KEY
    fallbacks = list(getattr(settings, "API_KEY_ENCRYPTION_KEY_FALLBACKS", []))
    return MultiFernet([_fernet_for(material) for material in [primary, *fallbacks]])


def secret_encrypt(secret_key: str) -> str:
    return _cipher().encrypt(secret_key.encode("utf-8")).decode("ascii")


def secret_decrypt(token: str) -> str | None:
    """The SecretKey, or None when no configured key decrypts it (the key was rotated away)."""
    try:
        return _cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return None


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


# --- services ----------------------------------------------------------------------------------


def api_key_create(*, member: Member) -> NewApiKey:
    """A new enabled key for `member`; the clear SecretKey is in the answer and nowhere else.
    Raises ApiKeyLimitReached when `member` already has MAX_KEYS_PER_MEMBER keys."""
    secret_key = _random(SECRET_KEY_LENGTH)
    with transaction.atomic():
        # The person's row is locked while the keys are counted, so two requests at once cannot
        # both see one key and make a third. Nothing else locks members (not in the money lock order).
        Member.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True).get()
        if ApiKey.objects.filter(member_id=member.pk).count() >= MAX_KEYS_PER_MEMBER:
            raise ApiKeyLimitReached()
        key = ApiKey.objects.create(
            member=member,
            secret_id=SECRET_ID_PREFIX + _random(SECRET_ID_LENGTH - len(SECRET_ID_PREFIX)),
            secret_key_encrypted=secret_encrypt(secret_key),
            created_at=clock.now(),
        )
        audit_record(
            actor=member.user, action=AuditAction.API_KEY_CREATED, obj=key, account=member.account,
            after={"secret_id": key.secret_id},
        )
    return NewApiKey(key=key, secret_key=secret_key)


def api_key_set_enabled(*, member: Member, key_id: int, enabled: bool) -> ApiKey:
    with transaction.atomic():
        key = _own_key(member, key_id)
        # Conditional, so two clicks at once record one change.
        if ApiKey.objects.filter(pk=key.pk, enabled=not enabled).update(enabled=enabled):
            key.enabled = enabled
            audit_record(
                actor=member.user,
                action=AuditAction.API_KEY_ENABLED if enabled else AuditAction.API_KEY_DISABLED,
                obj=key, account=member.account,
                before={"enabled": not enabled}, after={"enabled": enabled},
            )
    return key


def api_key_delete(*, member: Member, key_id: int) -> None:
    with transaction.atomic():
        key = _own_key(member, key_id)
        # Conditional, so a key enabled again meanwhile is not deleted.
        deleted, _ = ApiKey.objects.filter(pk=key.pk, enabled=False).delete()
        if not deleted:
            raise ApiKeyStillEnabled()
        audit_record(
            actor=member.user, action=AuditAction.API_KEY_DELETED, obj=key, account=member.account,
            before={"secret_id": key.secret_id},
        )


def api_key_mark_used(key: ApiKey) -> None:
    """Record that `key` was used now, at most once a minute (`LAST_USED_PRECISION`)."""
    now = clock.now()
    if key.last_used_at is not None and abs(now - key.last_used_at) < LAST_USED_PRECISION:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)


# --- selectors ---------------------------------------------------------------------------------


def api_key_may_create(keys: list[ApiKey]) -> bool:
    """Whether a person with these keys (`api_keys_of`) may create another: the page's button."""
    return len(keys) < MAX_KEYS_PER_MEMBER


def api_keys_of(member: Member) -> list[ApiKey]:
    return list(ApiKey.objects.filter(member=member).order_by("created_at", "id"))


def active_key(secret_id: str) -> ActiveKey | None:
    """The enabled key with this SecretId, of an active login; None for an unknown, disabled or
    deleted key (all answered alike: AuthFailure.SecretIdNotFound). Read fresh on every call, in
    one statement with its member, account and login (`_KeyRead`): a key disabled or deleted a
    moment ago is refused by the next request, in every worker."""
    db = router.db_for_read(ApiKey)
    connection = connections[db]
    key = written_once(_KeyRead, connection).fetch(connection, secret_id, db=db)
    if key is None:
        return None
    secret_key = secret_decrypt(key.secret_key_encrypted)
    if secret_key is None:
        return None
    return ActiveKey(key=key, member=key.member, secret_key=secret_key)


class _KeyRead:
    """`ApiKey.objects.select_related("member__account", "member__user").filter(secret_id=..,
    enabled=True, member__user__is_active=True).first()`, with its SQL written once per database
    connection instead of compiled by the ORM on every API request (compiling that four-table
    query took about half of a DescribeAccountBalance call; `console.core.sql`). The row is
    turned into models as the ORM does (`Model.from_db`, each field's database converters);
    tests/api/test_key_read.py holds it to the queryset's answer."""

    def __init__(self, connection):
        quote = connection.ops.quote_name
        user_model = Member._meta.get_field("user").related_model
        self.models = (ApiKey, Member, Account, user_model)
        aliases = ("k", "m", "a", "u")
        self.fields = [tuple(model._meta.concrete_fields) for model in self.models]
        self.names = [tuple(field.attname for field in fields) for fields in self.fields]
        self.converters = column_converters(
            connection, [(alias, field) for alias, fields in zip(aliases, self.fields, strict=True) for field in fields]
        )
        columns = ", ".join(
            f"{alias}.{quote(field.column)}" for alias, fields in zip(aliases, self.fields, strict=True) for field in fields
        )

        def table(model) -> str:
            return quote(model._meta.db_table)

        def column(model, name: str) -> str:
            return quote(model._meta.get_field(name).column)

        self.sql = (
            f"SELECT {columns} FROM {table(ApiKey)} k"
            f" INNER JOIN {table(Member)} m ON m.{column(Member, 'id')} = k.{column(ApiKey, 'member')}"
            f" INNER JOIN {table(Account)} a ON a.{column(Account, 'id')} = m.{column(Member, 'account')}"
            f" INNER JOIN {table(user_model)} u ON u.{column(user_model, 'id')} = m.{column(Member, 'user')}"
            f" WHERE k.{column(ApiKey, 'secret_id')} = %s AND k.{column(ApiKey, 'enabled')} = %s"
            f" AND u.{column(user_model, 'is_active')} = %s"
        )

    def fetch(self, connection, secret_id: str, *, db: str) -> ApiKey | None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [secret_id, True, True])
            row = cursor.fetchone()
        if row is None:
            return None
        values = row_converted(row, self.converters, connection)
        instances, start = [], 0
        for model, names in zip(self.models, self.names, strict=True):
            instances.append(model.from_db(db, names, values[start : start + len(names)]))
            start += len(names)
        key, member, account, user = instances
        member.account = account
        member.user = user
        Member._meta.get_field("user").remote_field.set_cached_value(user, member)
        key.member = member
        return key


def api_key_of(*, member: Member, key_id: int) -> ApiKey:
    """One of `member`'s own keys; ApiKeyNotFound (404) for anyone else's."""
    return _own_key(member, key_id)


def _own_key(member: Member, key_id: int) -> ApiKey:
    key = ApiKey.objects.filter(member=member, pk=key_id).first()
    if key is None:
        raise ApiKeyNotFound()
    return key
