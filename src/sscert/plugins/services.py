"""What the embedding system lends to channel plugins: face matching, template photos,
app accounts and the channels' signing keys.

``ChannelServices.for_testing()`` wires the named fakes together for tests and examples.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from typing import Protocol

from attrs import define, field, frozen

from sscert.attestation import AttestationSigner, TrustedKey
from sscert.plugins.face import (
    FaceMatcher,
    FakeFaceMatcher,
    InMemoryTemplatePhotos,
    TemplatePhotoStore,
)
from sscert.values.identity import IdNumber
from sscert.values.phone import PhoneNumber

__all__ = ["Account", "AccountStore", "ChannelServices", "InMemoryAccounts", "hash_password"]


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash, ``salt$hash`` in hex. Passwords are never stored as given."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"{salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    salt_hex, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt_hex)), stored)


@frozen
class Account:
    """An app account (易人社 用户注册)."""

    id_number: IdNumber
    name: str = field(repr=False)
    mobile: PhoneNumber
    password_hash: str = field(repr=False)
    accepted_terms: bool


class AccountStore(Protocol):
    """App accounts and login sessions."""

    def get(self, id_number: IdNumber) -> Account | None: ...

    def add(self, account: Account) -> None: ...

    def open_session(self, id_number: IdNumber) -> str: ...

    def session_owner(self, session: str) -> IdNumber | None: ...


class InMemoryAccounts:
    """A dict-backed account store with random session tokens."""

    def __init__(self) -> None:
        self._accounts: dict[IdNumber, Account] = {}
        self._sessions: dict[str, IdNumber] = {}

    def get(self, id_number: IdNumber) -> Account | None:
        return self._accounts.get(id_number)

    def add(self, account: Account) -> None:
        self._accounts[account.id_number] = account

    def open_session(self, id_number: IdNumber) -> str:
        token = secrets.token_urlsafe(24)
        self._sessions[token] = id_number
        return token

    def session_owner(self, session: str) -> IdNumber | None:
        return self._sessions.get(session)


@define
class ChannelServices:
    """The embedding system's services, passed to every channel hook."""

    face_matcher: FaceMatcher
    templates: TemplatePhotoStore
    accounts: AccountStore
    signers: Mapping[str, AttestationSigner] = field(factory=dict)

    def signer_for(self, channel: str) -> AttestationSigner:
        try:
            return self.signers[channel]
        except KeyError:
            raise LookupError(f"no signing key for channel {channel!r}") from None

    def trusted_keys(self) -> list[TrustedKey]:
        """The public side of every signer, for an :class:`AttestationVerifier`."""
        return [signer.trusted_key() for signer in self.signers.values()]

    @classmethod
    def for_testing(cls, channels: Iterable[str] = ()) -> ChannelServices:
        """The fakes: :class:`FakeFaceMatcher`, in-memory stores and fresh keys for
        ``channels``. Not for production: the fake matcher recognises nothing."""
        return cls(
            FakeFaceMatcher(),
            InMemoryTemplatePhotos(),
            InMemoryAccounts(),
            {code: AttestationSigner.generate(code, f"{code}-test") for code in channels},
        )
