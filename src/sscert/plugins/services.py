"""What the embedding system lends to channel plugins: face matching, template photos,
app accounts and the channels' signing keys.

The embedding system builds one :class:`ChannelServices` holding a signer for every
channel. A plugin never sees it whole: :func:`~sscert.plugins.certify` and
:func:`~sscert.plugins.match_record` hand each plugin :meth:`ChannelServices.lend` — the
same face matcher, templates and accounts, and a :class:`LentSigner` for the channels that
plugin provides and no other. A lent signer signs; it has no method that returns a private
key. A real system may keep the key outside the process entirely (an HSM, a signing
service): anything with ``channel``, ``key_id``, ``sign(...)`` and ``trusted_key()`` is a
:class:`Signer`.

``ChannelServices.for_testing()`` wires the named fakes together for tests and examples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from typing import Protocol

from attrs import define, field, frozen

from sscert.attestation import Attestation, AttestationSigner, TrustedKey
from sscert.plugins.face import (
    FaceMatcher,
    FakeFaceMatcher,
    InMemoryTemplatePhotos,
    TemplatePhotoStore,
)
from sscert.values.identity import IdNumber
from sscert.values.phone import PhoneNumber

__all__ = [
    "Account",
    "AccountStore",
    "ChannelServices",
    "InMemoryAccounts",
    "LentSigner",
    "Signer",
    "hash_password",
]


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


class Signer(Protocol):
    """What signs a channel's attestations: the channel it signs for, its key id, and
    ``sign``. :class:`~sscert.attestation.AttestationSigner` holds the key in the process;
    a real system may sign in an HSM or a signing service instead."""

    @property
    def channel(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    def sign(
        self, id_number: IdNumber, campaign: str, at: dt.datetime, nonce: str | None = None
    ) -> Attestation: ...

    def trusted_key(self) -> TrustedKey: ...


class LentSigner:
    """A signer lent to one plugin: it signs for its one channel and exposes no key.

    The key stays inside the signer it wraps; the lent object has only ``channel``,
    ``key_id``, ``sign`` and ``trusted_key`` (the public side).
    """

    __slots__ = ("_public", "_sign", "channel", "key_id")

    def __init__(self, signer: Signer) -> None:
        self.channel = signer.channel
        self.key_id = signer.key_id
        self._sign = signer.sign
        self._public = signer.trusted_key()

    def sign(
        self, id_number: IdNumber, campaign: str, at: dt.datetime, nonce: str | None = None
    ) -> Attestation:
        return self._sign(id_number, campaign, at, nonce)

    def trusted_key(self) -> TrustedKey:
        return self._public

    def __repr__(self) -> str:
        return f"LentSigner(channel={self.channel!r}, key_id={self.key_id!r})"


@define
class ChannelServices:
    """The embedding system's services. Plugins receive :meth:`lend` of it, never itself."""

    face_matcher: FaceMatcher
    templates: TemplatePhotoStore
    accounts: AccountStore
    signers: Mapping[str, Signer] = field(factory=dict, repr=False)

    def signer_for(self, channel: str) -> Signer:
        try:
            return self.signers[channel]
        except KeyError:
            raise LookupError(f"no signing key for channel {channel!r}") from None

    def lend(self, channels: Iterable[str]) -> ChannelServices:
        """What one plugin gets: the same services, and a :class:`LentSigner` for each of
        ``channels`` (those the plugin provides) that has a signer — no other key."""
        wanted = set(channels)
        lent = {code: LentSigner(s) for code, s in self.signers.items() if code in wanted}
        return ChannelServices(self.face_matcher, self.templates, self.accounts, lent)

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
