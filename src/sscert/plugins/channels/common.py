"""What the face-recognition channels share: finding who to call, matching a face against
the template photo, and signing the attestation of a success."""

from __future__ import annotations

from sscert.campaigns.model import Campaign, Contact, ContactKind
from sscert.plugins.model import AttemptResult, CertificationRequest, Message
from sscert.plugins.services import ChannelServices

__all__ = ["contact_for", "face_attempt", "refuse", "succeed"]


def contact_for(request: CertificationRequest) -> Contact | None:
    """Who the person should call: their township office, else the county line for their
    scheme, else the campaign's first county line."""
    campaign: Campaign = request.campaign
    person = request.person
    if person.township:
        office = campaign.township_office(person.township)
        if office is not None:
            return office
    for scheme in person.schemes:
        try:
            return campaign.hotline_for(scheme)
        except LookupError:
            continue
    return next((c for c in campaign.contacts if c.kind is ContactKind.COUNTY), None)


def _call(contact: Contact | None) -> tuple[str, str]:
    if contact is None:
        return "", ""
    return (
        f"咨询电话：{contact.office or contact.name} {contact.phone}。",
        f" Call {contact.office or contact.name} on {contact.phone}.",
    )


def refuse(
    request: CertificationRequest, reason: str, zh: str, en: str, *, with_contact: bool = False
) -> AttemptResult:
    contact = contact_for(request) if with_contact else None
    call_zh, call_en = _call(contact)
    return AttemptResult(
        False, request.channel, Message(zh + call_zh, en + call_en), reason, contact
    )


def succeed(
    request: CertificationRequest,
    services: ChannelServices,
    zh: str,
    en: str,
    *,
    template_made: bool = False,
) -> AttemptResult:
    attestation = services.signer_for(request.channel).sign(
        request.id_number, request.campaign.id, request.at, request.nonce
    )
    return AttemptResult(
        True,
        request.channel,
        Message(zh, en),
        attestation=attestation,
        template_made=template_made,
    )


SUCCESS_ZH = "恭喜您认证成功，本次认证周期资格认证已完成。"
SUCCESS_EN = "Congratulations, you are certified: this cycle's certification is complete."


def face_attempt(
    request: CertificationRequest,
    services: ChannelServices,
    success_zh: str = SUCCESS_ZH,
    success_en: str = SUCCESS_EN,
) -> AttemptResult:
    """Face recognition against the template photo (涞源县社会保险待遇领取资格认证通知 (2023)
    五、认证流程): refuse with what to do, or succeed with a signed attestation."""
    template = services.templates.get(request.id_number)
    if template is None:
        return refuse(
            request,
            "no_template_photo",
            "未查询到您的模板照片，请先前往社保经办机构或乡镇劳动保障事务所建模（采集模板照片）后再进行认证。",
            "There is no template photo for you yet: go to the social insurance office or your "
            "township labour office to have one made (建模), then certify.",
            with_contact=True,
        )
    if request.capture is None:
        return refuse(
            request,
            "no_capture",
            "请点击“开始认证”进行刷脸。",
            "Tap 'Start certification' to scan your face.",
        )
    match = services.face_matcher.match(template, request.capture)
    if not match.live:
        return refuse(
            request,
            "not_live",
            "未通过活体检测：请本人正脸对准取景框，确保光线充足，按提示完成动作后重试。",
            "The liveness check failed: the person must face the frame in good light and "
            "follow the prompts, then try again.",
        )
    if not match.same_person:
        return refuse(
            request,
            "face_mismatch",
            "人脸比对未通过：请确保由本人认证，光线充足、正脸对准取景框后重试；多次不成功可联系工作人员线下辅助认证。",
            "The face does not match the template photo: the person themself must certify, in "
            "good light, facing the frame. If it keeps failing, staff can certify them in person.",
            with_contact=True,
        )
    return succeed(request, services, success_zh, success_en)
