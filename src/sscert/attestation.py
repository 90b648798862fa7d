"""Signed attestations (认证凭证): proof that a channel certified a person, that the verifying
side can check but cannot mint.

Every successful certification yields an attestation signed with the channel's Ed25519
private key: channel, ID number, campaign, time and a nonce. The verifier holds only public
keys. It refuses, each with its reason: a tampered attestation, an unknown key, a key that
belongs to another channel, a different person or campaign, a time the campaign does not
accept, and a replayed nonce. Only a verified attestation becomes a ``certified`` event.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import json
import secrets
from collections.abc import Mapping, MutableSet
from typing import Any

from attrs import field, frozen
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from sscert.campaigns.model import Campaign
from sscert.events import Certified, cst_date
from sscert.rules.knowledge import counting_from
from sscert.values.identity import IdNumber, mask_id_text

__all__ = [
    "Attestation",
    "AttestationRefused",
    "AttestationSigner",
    "AttestationVerifier",
    "Refusal",
    "TrustedKey",
]

VERSION = 1


class Refusal(enum.StrEnum):
    """Why an attestation is refused."""

    MALFORMED = "malformed"
    TAMPERED = "tampered"
    UNKNOWN_KEY = "unknown_key"
    WRONG_KEY = "wrong_key"
    WRONG_PERSON = "wrong_person"
    WRONG_CAMPAIGN = "wrong_campaign"
    OUTSIDE_CAMPAIGN = "outside_campaign"
    REPLAY = "replay"


class AttestationRefused(ValueError):
    """An attestation that does not verify; ``reason`` says why."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason


@frozen(repr=False)
class Attestation:
    """A channel's signed statement that a person certified for a campaign at a time."""

    channel: str
    id_number: str
    campaign: str
    at: dt.datetime
    nonce: str
    key_id: str
    signature: str = ""

    def _fields(self) -> dict[str, str]:
        return {
            "channel": self.channel,
            "id_number": self.id_number,
            "campaign": self.campaign,
            "at": self.at.isoformat(),
            "nonce": self.nonce,
            "key_id": self.key_id,
        }

    def payload(self) -> bytes:
        """The canonical bytes that are signed: sorted-key compact JSON, UTF-8."""
        body = {"v": VERSION, **self._fields()}
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def to_dict(self) -> dict[str, str]:
        return {**self._fields(), "signature": self.signature}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attestation:
        try:
            at = dt.datetime.fromisoformat(str(data["at"]))
            values = {k: data[k] for k in ("channel", "id_number", "campaign", "nonce", "key_id")}
            signature = data["signature"]
        except (KeyError, ValueError, TypeError) as error:
            raise AttestationRefused(Refusal.MALFORMED, f"not an attestation: {error}") from None
        if not all(isinstance(v, str) for v in (*values.values(), signature)):
            raise AttestationRefused(Refusal.MALFORMED, "attestation fields must be text")
        if at.tzinfo is None:
            raise AttestationRefused(Refusal.MALFORMED, "the attestation time has no offset")
        return cls(at=at, signature=signature, **values)

    def __repr__(self) -> str:
        return (
            f"Attestation(channel={self.channel!r}, id_number={mask_id_text(self.id_number)!r}, "
            f"campaign={self.campaign!r}, at={self.at.isoformat()!r}, key_id={self.key_id!r})"
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@frozen
class AttestationSigner:
    """The channel side: holds the private key and signs attestations."""

    channel: str
    key_id: str
    private_key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls, channel: str, key_id: str | None = None) -> AttestationSigner:
        """A new signer with a fresh key (for tests, examples and key ceremonies)."""
        return cls(
            channel, key_id or f"{channel}-{secrets.token_hex(4)}", Ed25519PrivateKey.generate()
        )

    @classmethod
    def from_pem(cls, channel: str, key_id: str, pem: bytes) -> AttestationSigner:
        key = load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the private key is not an Ed25519 key")
        return cls(channel, key_id, key)

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())

    def trusted_key(self) -> TrustedKey:
        """What the verifying side needs: the public key, for this channel only."""
        return TrustedKey(self.key_id, self.channel, self.private_key.public_key())

    def sign(
        self, id_number: IdNumber, campaign: str, at: dt.datetime, nonce: str | None = None
    ) -> Attestation:
        if at.tzinfo is None:
            raise ValueError("an attestation time needs an offset (use +08:00 for CST)")
        unsigned = Attestation(
            self.channel, id_number.value, campaign, at, nonce or secrets.token_hex(16), self.key_id
        )
        signature = self.private_key.sign(unsigned.payload())
        return Attestation(
            unsigned.channel,
            unsigned.id_number,
            unsigned.campaign,
            unsigned.at,
            unsigned.nonce,
            unsigned.key_id,
            _b64(signature),
        )


@frozen
class TrustedKey:
    """A public key the verifier trusts, and the one channel it may sign for."""

    key_id: str
    channel: str
    public_key: Ed25519PublicKey = field(repr=False)

    @classmethod
    def from_pem(cls, key_id: str, channel: str, pem: bytes) -> TrustedKey:
        key = load_pem_public_key(pem)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the public key is not an Ed25519 key")
        return cls(key_id, channel, key)

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


class AttestationVerifier:
    """The verifying side: public keys only, and the set of nonces already used.

    ``used_nonces`` may be any mutable set (a database-backed one in a service); by default
    an in-memory set.
    """

    def __init__(self, keys: list[TrustedKey], used_nonces: MutableSet[str] | None = None) -> None:
        self.keys = {key.key_id: key for key in keys}
        self.used_nonces: MutableSet[str] = used_nonces if used_nonces is not None else set()

    def check_signature(self, attestation: Attestation) -> None:
        """Raise :class:`AttestationRefused` unless a trusted key of the attestation's
        channel signed exactly this content."""
        key = self.keys.get(attestation.key_id)
        if key is None:
            raise AttestationRefused(Refusal.UNKNOWN_KEY, f"no trusted key {attestation.key_id!r}")
        if key.channel != attestation.channel:
            raise AttestationRefused(
                Refusal.WRONG_KEY,
                f"key {key.key_id!r} signs for {key.channel}, not {attestation.channel}",
            )
        try:
            key.public_key.verify(_unb64(attestation.signature), attestation.payload())
        except (InvalidSignature, ValueError):
            raise AttestationRefused(
                Refusal.TAMPERED, "the signature does not match the attestation"
            ) from None

    def check(
        self,
        attestation: Attestation,
        *,
        id_number: IdNumber,
        campaign: Campaign,
        as_of: dt.date | None = None,
    ) -> None:
        """Raise :class:`AttestationRefused` unless the attestation verifies; does not use
        up its nonce (see :meth:`verify`)."""
        self.check_signature(attestation)
        if attestation.id_number != id_number.value:
            raise AttestationRefused(
                Refusal.WRONG_PERSON,
                f"signed for {mask_id_text(attestation.id_number)}, not {id_number.masked}",
            )
        if attestation.campaign != campaign.id:
            raise AttestationRefused(
                Refusal.WRONG_CAMPAIGN, f"signed for {attestation.campaign}, not {campaign.id}"
            )
        day = cst_date(attestation.at)
        opens = counting_from(campaign)
        if opens is not None and day < opens:
            raise AttestationRefused(
                Refusal.OUTSIDE_CAMPAIGN, f"dated {day}, before {campaign.id} opened on {opens}"
            )
        if as_of is not None and day > as_of:
            raise AttestationRefused(
                Refusal.OUTSIDE_CAMPAIGN, f"dated {day}, after the as-of date {as_of}"
            )
        if attestation.channel not in campaign.channels:
            raise AttestationRefused(
                Refusal.OUTSIDE_CAMPAIGN, f"{campaign.id} does not accept {attestation.channel}"
            )
        if attestation.nonce in self.used_nonces:
            raise AttestationRefused(Refusal.REPLAY, "this attestation was already used")

    def verify(
        self,
        attestation: Attestation,
        *,
        id_number: IdNumber,
        campaign: Campaign,
        as_of: dt.date | None = None,
    ) -> Certified:
        """Check the attestation, use up its nonce, and return the ``certified`` event."""
        self.check(attestation, id_number=id_number, campaign=campaign, as_of=as_of)
        self.used_nonces.add(attestation.nonce)
        return Certified(attestation.at, attestation.channel, reference=attestation.nonce)
