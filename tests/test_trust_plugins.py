"""A plugin holds only its own key: an installed plugin that tries every way it is given to
sign as 河北人社 never yields an attestation that verifies."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import types
from collections.abc import Iterator
from typing import Any

import pytest

import sscert
from sscert.attestation import (
    Attestation,
    AttestationRefused,
    AttestationSigner,
    AttestationVerifier,
    b64encode,
)
from sscert.events import CST
from sscert.plugins import (
    AliveRecord,
    AttemptResult,
    CertificationRequest,
    ChannelServices,
    ChannelSpec,
    DataMatch,
    Message,
    certify,
    hookimpl,
    make_plugin_manager,
    match_record,
)
from sscert.testing import face_of, request, template_of

PERSON = "130630194803150028"
TARGET = "hebei_renshe"


def _reachable(*roots: object, limit: int = 20_000) -> Iterator[object]:
    """Everything reachable from ``roots`` through attributes, containers, closures and
    bound methods — what a plugin can get at from what it is handed (module globals and
    classes are not walked: they hold no per-call key)."""
    seen: set[int] = set()
    stack = list(roots)
    while stack and len(seen) < limit:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type | types.ModuleType):
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, types.FunctionType):
            stack.extend(c.cell_contents for c in item.__closure__ or ())
            stack.extend(item.__defaults__ or ())
            continue
        if isinstance(item, types.MethodType):
            stack.extend((item.__self__, item.__func__))
            continue
        for name in getattr(type(item), "__slots__", ()):
            if hasattr(item, name):
                stack.append(getattr(item, name))
        stack.extend(gc.get_referents(item))


class Thief:
    """Provides its own channel ``evil``, and tries to sign as ``hebei_renshe``."""

    def __init__(self) -> None:
        self.minted: list[Attestation] = []
        self.keys_seen: list[Any] = []
        self.asked: list[str] = []

    def _steal(self, services: ChannelServices, *roots: object) -> None:
        at = dt.datetime(2023, 3, 1, 10, 0, tzinfo=CST)
        person = sscert.IdNumber.parse(PERSON)
        # 1. ask for the other channel's signer by name
        for ask in (lambda: services.signers[TARGET], lambda: services.signer_for(TARGET)):
            with contextlib.suppress(KeyError, LookupError):
                self.minted.append(ask().sign(person, "laiyuan-2023", at))
        # 2. any private key or signer reachable from what it was handed
        for thing in _reachable(services, *roots):
            if hasattr(thing, "private_pem"):
                self.keys_seen.append(thing)
            key = getattr(thing, "private_key", thing)
            if hasattr(key, "private_bytes") and hasattr(key, "sign"):
                self.keys_seen.append(key)
                forged = Attestation(TARGET, PERSON, "laiyuan-2023", at, "n-1", "hebei_renshe-test")
                self.minted.append(
                    Attestation(
                        forged.channel,
                        forged.id_number,
                        forged.campaign,
                        forged.at,
                        forged.nonce,
                        forged.key_id,
                        b64encode(key.sign(forged.payload())),
                    )
                )
        # 3. its own lent signer, for its own channel: fine, but only for ``evil``
        own = services.signers.get("evil")
        if own is not None:
            self.minted.append(own.sign(person, "laiyuan-2023", at))

    @hookimpl
    def sscert_channels(self) -> list[ChannelSpec]:
        return [ChannelSpec("evil", "恶意插件")]

    @hookimpl
    def sscert_certify(
        self, request: CertificationRequest, services: ChannelServices
    ) -> AttemptResult | None:
        self.asked.append(request.channel)
        self._steal(services, request)
        forged = next((a for a in self.minted if a.channel == TARGET), None)
        return AttemptResult(True, request.channel, Message("成功", "ok"), attestation=forged)

    @hookimpl
    def sscert_match_record(
        self, record: AliveRecord, campaign: object, services: ChannelServices
    ) -> DataMatch | None:
        self._steal(services, record, campaign)
        return None


@pytest.fixture
def setup() -> tuple[Thief, Any, ChannelServices, AttestationVerifier]:
    thief = Thief()
    pm = make_plugin_manager(load_entrypoints=False, plugins=[("thief", thief)])
    services = ChannelServices.for_testing(["hebei_renshe", "yirenshe", "data_comparison", "evil"])
    verifier = AttestationVerifier(services.trusted_keys())
    return thief, pm, services, verifier


def _claims_target(thief: Thief) -> list[Attestation]:
    return [a for a in thief.minted if a.channel == TARGET]


def test_the_plugin_is_not_called_for_another_channel(setup: Any) -> None:
    thief, pm, services, _ = setup
    attempt = request(TARGET, capture=face_of("王"))
    services.templates.put(attempt.id_number, template_of("王"))
    result = certify(pm, attempt, services)
    assert thief.asked == []
    assert result.success
    assert result.attestation is not None
    assert result.attestation.key_id == "hebei_renshe-test"


def test_nothing_it_can_reach_signs_as_another_channel(setup: Any) -> None:
    thief, pm, services, verifier = setup
    result = certify(pm, request("evil"), services)
    assert thief.asked == ["evil"]
    # its forged 河北人社 success is refused, not passed on
    assert not result.success
    assert result.reason == "attestation_refused"
    # every key it found is its own
    own = services.signers["evil"].trusted_key().public_pem()
    assert thief.keys_seen, "the walk found the plugin's own key"
    for key in thief.keys_seen:
        private = getattr(key, "private_key", key)
        public = sscert.attestation.TrustedKey("k", "evil", private.public_key())
        assert public.public_pem() == own
    assert not any(hasattr(k, "private_pem") for k in thief.keys_seen)
    # and nothing it minted for 河北人社 verifies
    campaign = sscert.load_campaign("laiyuan-2023")
    assert _claims_target(thief)
    for attestation in _claims_target(thief):
        with pytest.raises(AttestationRefused):
            verifier.check(attestation, id_number=sscert.IdNumber.parse(PERSON), campaign=campaign)


def test_data_matching_lends_no_other_key(setup: Any) -> None:
    thief, pm, services, verifier = setup
    record = AliveRecord(sscert.IdNumber.parse(PERSON), "hospital", dt.date(2023, 3, 1), "H-1")
    match = match_record(pm, record, sscert.load_campaign("laiyuan-2023"), services)
    assert match is not None  # the built-in data_comparison plugin answered
    assert match.event.channel == "data_comparison"
    for attestation in _claims_target(thief):
        with pytest.raises(AttestationRefused):
            verifier.check_signature(attestation)


def test_a_match_for_a_channel_the_plugin_does_not_provide_is_refused() -> None:
    class Impostor:
        @hookimpl
        def sscert_match_record(
            self, record: AliveRecord, campaign: object, services: ChannelServices
        ) -> DataMatch:
            signer = AttestationSigner.generate(TARGET, "hebei_renshe-test")
            at = dt.datetime(2023, 3, 1, tzinfo=CST)
            event = sscert.events.Certified(at, TARGET)
            return DataMatch(event, Message("", ""), signer.sign(record.id_number, "x", at))

    pm = make_plugin_manager(load_entrypoints=False, plugins=[("impostor", Impostor())])
    services = ChannelServices.for_testing([TARGET])
    record = AliveRecord(sscert.IdNumber.parse(PERSON), "hospital", dt.date(2023, 3, 1), "H-1")
    with pytest.raises(ValueError, match="untrusted match"):
        match_record(pm, record, sscert.load_campaign("laiyuan-2023"), services)


def test_a_lent_signer_shows_no_key() -> None:
    services = ChannelServices.for_testing([TARGET, "yirenshe"])
    lent = services.lend([TARGET])
    assert set(lent.signers) == {TARGET}
    signer = lent.signer_for(TARGET)
    assert not hasattr(signer, "private_key")
    assert not hasattr(signer, "private_pem")
    assert not hasattr(signer, "__dict__")
    with pytest.raises(LookupError):
        lent.signer_for("yirenshe")
    assert "private" not in repr(lent)
