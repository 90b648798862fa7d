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
import re
import secrets
from collections.abc import Mapping, MutableSet
from typing import Any, Final

from attrs import field, frozen
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from sscert.campaigns.model import Campaign
from sscert.events import Certified, cst_date
from sscert.i18n import _
from sscert.rules.knowledge import counting_from
from sscert.values.identity import IdNumber, mask_id_text
from sscert.values.limits import check_text, parse_moment, preview

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
    FUTURE = "future"
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
        """An attestation from its JSON form; :class:`AttestationRefused` (``malformed``) for
        a missing, unknown or non-text field, a field past the input limits, or a time
        without an offset. The signature is checked later, by a verifier."""
        fields = ("channel", "id_number", "campaign", "at", "nonce", "key_id", "signature")
        if not isinstance(data, Mapping):
            raise AttestationRefused(Refusal.MALFORMED, _("an attestation is an object"))
        extra = sorted(str(k) for k in data if k not in fields)
        if extra:
            raise AttestationRefused(
                Refusal.MALFORMED, _("unknown field {preview}").format(preview=preview(extra[0]))
            )
        try:
            values = {k: check_text(data[k], k) for k in fields}
            at = parse_moment(values.pop("at"), "at")
        except KeyError as error:
            raise AttestationRefused(
                Refusal.MALFORMED, _("{value}: missing").format(value=error.args[0])
            ) from None
        except (TypeError, ValueError) as error:
            raise AttestationRefused(Refusal.MALFORMED, str(error)) from None
        if not isinstance(at, dt.datetime) or at.tzinfo is None:
            raise AttestationRefused(Refusal.MALFORMED, _("the attestation time has no offset"))
        if not all(values.values()):
            raise AttestationRefused(Refusal.MALFORMED, _("attestation fields must not be empty"))
        return cls(at=at, **values)

    def __repr__(self) -> str:
        return (
            f"Attestation(channel={self.channel!r}, id_number={mask_id_text(self.id_number)!r}, "
            f"campaign={self.campaign!r}, at={self.at.isoformat()!r}, key_id={self.key_id!r})"
        )


_B64URL: Final = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)
SIGNATURE_BYTES: Final = 64


def b64encode(data: bytes) -> str:
    """URL-safe base64 without padding: the one text form of signatures."""
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64decode_strict(text: object, length: int = SIGNATURE_BYTES) -> bytes:
    """Decode :func:`b64encode`'s form, strictly: only the URL-safe alphabet, no padding, no
    white space, exactly ``length`` bytes, and the one canonical text of those bytes (no
    second spelling of the same signature). ``ValueError`` otherwise."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text):
        raise ValueError(_("not URL-safe base64 without padding"))
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(data) != length or b64encode(data) != text:
        raise ValueError(_("not the canonical base64 of {length} bytes").format(length=length))
    return data


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
            raise ValueError(_("the private key is not an Ed25519 key"))
        return cls(channel, key_id, key)

    def trusted_key(self) -> TrustedKey:
        """What the verifying side needs: the public key, for this channel only."""
        return TrustedKey(self.key_id, self.channel, self.private_key.public_key())

    def sign(
        self, id_number: IdNumber, campaign: str, at: dt.datetime, nonce: str | None = None
    ) -> Attestation:
        if at.tzinfo is None:
            raise ValueError(_("an attestation time needs an offset (use +08:00 for CST)"))
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
            b64encode(signature),
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
            raise ValueError(_("the public key is not an Ed25519 key"))
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
            raise AttestationRefused(
                Refusal.UNKNOWN_KEY,
                _("no trusted key {key_id!r}").format(key_id=attestation.key_id),
            )
        if key.channel != attestation.channel:
            raise AttestationRefused(
                Refusal.WRONG_KEY,
                _("key {key_id!r} signs for {channel}, not {channel2}").format(
                    key_id=key.key_id, channel=key.channel, channel2=attestation.channel
                ),
            )
        try:
            key.public_key.verify(b64decode_strict(attestation.signature), attestation.payload())
        except (InvalidSignature, ValueError):
            raise AttestationRefused(
                Refusal.TAMPERED, _("the signature does not match the attestation")
            ) from None

    def check(
        self,
        attestation: Attestation,
        *,
        id_number: IdNumber,
        campaign: Campaign,
        as_of: dt.date | None = None,
        not_after: dt.datetime | None = None,
    ) -> None:
        """Raise :class:`AttestationRefused` unless the attestation verifies; does not use
        up its nonce (see :meth:`verify`).

        ``not_after`` bounds the attested time (a store passes the import's wall-clock time
        plus a few minutes of clock skew): an attestation from the future is refused."""
        self.check_signature(attestation)
        if attestation.id_number != id_number.value:
            raise AttestationRefused(
                Refusal.WRONG_PERSON,
                _("signed for {mask_id_text}, not {masked}").format(
                    mask_id_text=mask_id_text(attestation.id_number), masked=id_number.masked
                ),
            )
        if attestation.campaign != campaign.id:
            raise AttestationRefused(
                Refusal.WRONG_CAMPAIGN,
                _("signed for {campaign}, not {id}").format(
                    campaign=attestation.campaign, id=campaign.id
                ),
            )
        day = cst_date(attestation.at)
        opens = counting_from(campaign)
        if opens is not None and day < opens:
            raise AttestationRefused(
                Refusal.OUTSIDE_CAMPAIGN,
                _("dated {day}, before {id} opened on {opens}").format(
                    day=day, id=campaign.id, opens=opens
                ),
            )
        if as_of is not None and day > as_of:
            raise AttestationRefused(
                Refusal.OUTSIDE_CAMPAIGN,
                _("dated {day}, after the as-of date {as_of}").format(day=day, as_of=as_of),
            )
        if not_after is not None and attestation.at > not_after:
            raise AttestationRefused(
                Refusal.FUTURE,
                _(
                    "dated {isoformat}, after {isoformat2}: a certification cannot be attested "
                    "before it happens"
                ).format(isoformat=attestation.at.isoformat(), isoformat2=not_after.isoformat()),
            )
        if attestation.channel not in campaign.channels:
            raise AttestationRefused(
                Refusal.OUTSIDE_CAMPAIGN,
                _("{id} does not accept {channel}").format(
                    id=campaign.id, channel=attestation.channel
                ),
            )
        if attestation.nonce in self.used_nonces:
            raise AttestationRefused(Refusal.REPLAY, _("this attestation was already used"))

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
