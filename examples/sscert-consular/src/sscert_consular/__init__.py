"""The 中国领事 app as an sscert channel (``consular``), for recipients abroad.

Registration happens in the consular app itself (real-name, with a passport), which keeps the
reference photo; sscert receives the face scan and asks the embedding system's face matcher.
"""

from __future__ import annotations

from sscert.plugins import (
    AttemptResult,
    CertificationRequest,
    ChannelServices,
    ChannelSpec,
    Message,
    hookimpl,
)

CODE = "consular"


@hookimpl
def sscert_channels() -> list[ChannelSpec]:
    return [
        ChannelSpec(
            CODE,
            "中国领事",
            "China Consular app (abroad)",
            needs_registration=True,
            needs_template_photo=True,
            in_person=False,
            description="海外待遇领取人员通过“中国领事”APP远程视频或刷脸认证",
        )
    ]


@hookimpl
def sscert_certify(
    request: CertificationRequest, services: ChannelServices
) -> AttemptResult | None:
    if request.channel != CODE:
        return None
    template = services.templates.get(request.id_number)
    if template is None:
        return AttemptResult(
            False,
            CODE,
            Message(
                "请先在“中国领事”APP完成实名注册并采集照片。",
                "Register with your real name in the China Consular app first.",
            ),
            "no_template_photo",
        )
    if request.capture is None:
        return AttemptResult(False, CODE, Message("请完成刷脸。", "Scan your face."), "no_capture")
    match = services.face_matcher.match(template, request.capture)
    if not (match.live and match.same_person):
        return AttemptResult(
            False,
            CODE,
            Message(
                "人脸核验未通过，请在光线充足处正对镜头重试，或联系驻外使领馆。",
                "The face check failed: try again in good light facing the camera, or "
                "contact the embassy or consulate.",
            ),
            "face_mismatch" if match.live else "not_live",
        )
    attestation = services.signer_for(CODE).sign(
        request.id_number, request.campaign.id, request.at, request.nonce
    )
    return AttemptResult(
        True,
        CODE,
        Message("领事认证成功，本次认证已完成。", "Certified through the consular app."),
        attestation=attestation,
    )
