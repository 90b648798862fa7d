"""Signed attestations: what verifies, and each refusal with its reason."""

from __future__ import annotations

import datetime as dt

import pytest
from attrs import evolve

from sscert import IdNumber, load_campaign
from sscert.attestation import (
    Attestation,
    AttestationRefused,
    AttestationSigner,
    AttestationVerifier,
    Refusal,
    TrustedKey,
)
from sscert.events import CST
from sscert.keys import private_key_pem

PERSON = IdNumber.parse("130630194803150028")
OTHER = IdNumber.parse("11010519491231002X")
LAIYUAN = load_campaign("laiyuan-2023")
AT = dt.datetime(2023, 2, 14, 9, 30, tzinfo=CST)


@pytest.fixture
def signer() -> AttestationSigner:
    return AttestationSigner.generate("yirenshe", "yirenshe-2023")


@pytest.fixture
def verifier(signer: AttestationSigner) -> AttestationVerifier:
    return AttestationVerifier([signer.trusted_key()])


def refused(verifier: AttestationVerifier, attestation: Attestation, **kw: object) -> Refusal:
    args: dict[str, object] = {"id_number": PERSON, "campaign": LAIYUAN, **kw}
    with pytest.raises(AttestationRefused) as caught:
        verifier.verify(attestation, **args)  # type: ignore[arg-type]
    return caught.value.reason


def test_a_good_attestation_becomes_a_certified_event(
    signer: AttestationSigner, verifier: AttestationVerifier
) -> None:
    attestation = signer.sign(PERSON, "laiyuan-2023", AT)
    event = verifier.verify(attestation, id_number=PERSON, campaign=LAIYUAN)
    assert event.channel == "yirenshe"
    assert event.on == dt.date(2023, 2, 14)
    assert event.reference == attestation.nonce
    assert "130630194803150028" not in repr(attestation)


def test_round_trip_through_json(signer: AttestationSigner, verifier: AttestationVerifier) -> None:
    attestation = signer.sign(PERSON, "laiyuan-2023", AT)
    again = Attestation.from_dict(attestation.to_dict())
    assert verifier.verify(again, id_number=PERSON, campaign=LAIYUAN).channel == "yirenshe"


@pytest.mark.parametrize(
    "change",
    [
        {"id_number": OTHER.value},
        {"at": AT + dt.timedelta(days=1)},
        {"campaign": "laiyuan-2024"},
        {"channel": "hebei_renshe"},
        {"nonce": "0" * 32},
    ],
    ids=["person", "time", "campaign", "channel", "nonce"],
)
def test_a_tampered_attestation_is_refused(
    signer: AttestationSigner, verifier: AttestationVerifier, change: dict[str, object]
) -> None:
    attestation = evolve(signer.sign(PERSON, "laiyuan-2023", AT), **change)
    expected = Refusal.WRONG_KEY if "channel" in change else Refusal.TAMPERED
    assert refused(verifier, attestation) == expected


def test_a_broken_signature_is_refused(
    signer: AttestationSigner, verifier: AttestationVerifier
) -> None:
    attestation = signer.sign(PERSON, "laiyuan-2023", AT)
    assert refused(verifier, evolve(attestation, signature="AAAA")) == Refusal.TAMPERED


def test_an_unknown_key_is_refused(verifier: AttestationVerifier) -> None:
    stranger = AttestationSigner.generate("yirenshe", "forged")
    assert refused(verifier, stranger.sign(PERSON, "laiyuan-2023", AT)) == Refusal.UNKNOWN_KEY


def test_a_key_id_reused_by_another_key_is_tampering(verifier: AttestationVerifier) -> None:
    impostor = AttestationSigner.generate("yirenshe", "yirenshe-2023")
    assert refused(verifier, impostor.sign(PERSON, "laiyuan-2023", AT)) == Refusal.TAMPERED


def test_a_key_for_another_channel_is_refused(signer: AttestationSigner) -> None:
    other = AttestationSigner.generate("hebei_renshe", "hebei-2023")
    verifier = AttestationVerifier([signer.trusted_key(), other.trusted_key()])
    forged = Attestation("yirenshe", PERSON.value, "laiyuan-2023", AT, "n1", "hebei-2023")
    forged = evolve(forged, signature=other.sign(PERSON, "laiyuan-2023", AT, "n1").signature)
    assert refused(verifier, forged) == Refusal.WRONG_KEY


def test_a_different_person_is_refused(
    signer: AttestationSigner, verifier: AttestationVerifier
) -> None:
    attestation = signer.sign(OTHER, "laiyuan-2023", AT)
    assert refused(verifier, attestation) == Refusal.WRONG_PERSON


def test_a_different_campaign_is_refused(
    signer: AttestationSigner, verifier: AttestationVerifier
) -> None:
    attestation = signer.sign(PERSON, "laiyuan-2024", AT)
    assert refused(verifier, attestation) == Refusal.WRONG_CAMPAIGN


def test_a_time_outside_the_campaign_is_refused(
    signer: AttestationSigner, verifier: AttestationVerifier
) -> None:
    before = signer.sign(PERSON, "laiyuan-2023", dt.datetime(2023, 2, 9, 12, tzinfo=CST))
    assert refused(verifier, before) == Refusal.OUTSIDE_CAMPAIGN
    later = signer.sign(PERSON, "laiyuan-2023", AT)
    assert refused(verifier, later, as_of=dt.date(2023, 2, 13)) == Refusal.OUTSIDE_CAMPAIGN


def test_a_channel_the_campaign_does_not_accept_is_refused() -> None:
    signer = AttestationSigner.generate("data_comparison", "dc")
    verifier = AttestationVerifier([signer.trusted_key()])
    assert refused(verifier, signer.sign(PERSON, "laiyuan-2023", AT)) == Refusal.OUTSIDE_CAMPAIGN


def test_a_replay_is_refused(signer: AttestationSigner, verifier: AttestationVerifier) -> None:
    attestation = signer.sign(PERSON, "laiyuan-2023", AT)
    verifier.verify(attestation, id_number=PERSON, campaign=LAIYUAN)
    assert refused(verifier, attestation) == Refusal.REPLAY


def test_check_does_not_use_up_the_nonce(
    signer: AttestationSigner, verifier: AttestationVerifier
) -> None:
    attestation = signer.sign(PERSON, "laiyuan-2023", AT)
    verifier.check(attestation, id_number=PERSON, campaign=LAIYUAN)
    verifier.verify(attestation, id_number=PERSON, campaign=LAIYUAN)


def test_the_verifier_holds_public_keys_only(signer: AttestationSigner) -> None:
    trusted = TrustedKey.from_pem("k", "yirenshe", signer.trusted_key().public_pem())
    assert not hasattr(trusted.public_key, "sign")
    assert b"PRIVATE" not in trusted.public_pem()
    again = AttestationSigner.from_pem("yirenshe", "k", private_key_pem(signer))
    verifier = AttestationVerifier([trusted])
    assert verifier.verify(
        again.sign(PERSON, "laiyuan-2023", AT), id_number=PERSON, campaign=LAIYUAN
    )


def test_malformed_input_is_refused() -> None:
    with pytest.raises(AttestationRefused) as caught:
        Attestation.from_dict({"channel": "yirenshe"})
    assert caught.value.reason == Refusal.MALFORMED
