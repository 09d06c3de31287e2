"""Who is calling the API, as the actions see it."""

from __future__ import annotations

from dataclasses import dataclass

from console.accounts.models import Account, ApiKey, Member


@dataclass(frozen=True)
class Caller:
    """The person behind the SecretId, their account, and the request's facts."""

    member: Member
    key: ApiKey
    request_id: str
    language: str

    @property
    def account(self) -> Account:
        return self.member.account
