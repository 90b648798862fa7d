"""静默认证 (``data_comparison``): a record from another system that shows the person alive
counts as a certification (社会保险经办条例 第二十六条), and each hit is told to the person.

Recognised sources: ``hospital`` (住院), ``rail`` (铁路出行), ``air`` (民航出行), ``bank``
(银行卡使用), ``medical_insurance`` (医保结算).
"""

from __future__ import annotations

import datetime as dt

from sscert.campaigns.model import Campaign
from sscert.events import CST, Certified
from sscert.plugins.channels.common import refuse
from sscert.plugins.hookspecs import certifies, hookimpl, provides
from sscert.plugins.model import (
    AliveRecord,
    AttemptResult,
    CertificationRequest,
    ChannelSpec,
    DataMatch,
    Message,
)
from sscert.plugins.services import ChannelServices
from sscert.sms import FRAUD_WARNING, chinese_date, fit, hotline, signature

CODE = "data_comparison"

SOURCES = {
    "hospital": ("住院", "a hospital stay"),
    "rail": ("铁路出行", "a rail journey"),
    "air": ("民航出行", "a flight"),
    "bank": ("银行卡使用", "a bank card payment"),
    "medical_insurance": ("医保结算", "a medical-insurance settlement"),
}


SPEC = ChannelSpec(
    CODE,
    "静默认证(数据比对)",
    "Data matching",
    needs_registration=False,
    needs_template_photo=False,
    in_person=False,
    description="住院、出行、银行卡、医保结算等记录比对, 短信告知本人 (第二十六条)",
)
sscert_channels = provides(SPEC)


@certifies(CODE)
def sscert_certify(request: CertificationRequest, services: ChannelServices) -> AttemptResult:
    return refuse(
        request,
        "not_an_attempt",
        "数据比对认证由系统自动完成，无需本人操作。",
        "Data matching needs no action from the person: it happens when records match.",
    )


def notice(campaign: Campaign, record: AliveRecord) -> Message:
    """The SMS that tells the person a record certified them: one message (at most 70
    characters), signed with the office, the date as ``2023年3月1日``, the enquiry line of
    the person's own scheme (``record.schemes``) and the warning that certification is free.
    """
    source_zh, source_en = SOURCES[record.source]
    signed = signature(campaign)
    day = chinese_date(record.on)
    line = hotline(campaign, record.schemes)
    zh = fit(
        [
            f"{signed}您好！经{source_zh}记录比对（{day}），您已完成本次待遇领取资格认证，"
            f"无需另行认证。咨询{line}。{FRAUD_WARNING}",
            f"{signed}经{source_zh}记录比对（{day}），您已完成待遇资格认证，无需另行认证。"
            f"咨询{line}。{FRAUD_WARNING}",
            f"{signed}经{source_zh}记录比对（{day}），您已完成待遇资格认证。咨询{line}。"
            f"{FRAUD_WARNING}",
            f"{signed}经记录比对（{day}），您已完成待遇资格认证。咨询{line}。{FRAUD_WARNING}",
            f"{signed}您已完成待遇资格认证。咨询{line}。{FRAUD_WARNING}",
        ]
    )
    return Message(
        zh,
        f"{signed} A record of {source_en} on {record.on} shows you alive: your "
        f"certification for this cycle is complete; nothing more to do. Questions: call "
        f"{line}. Certification is free: beware of fraud.",
    )


@hookimpl
def sscert_match_record(
    record: AliveRecord, campaign: Campaign, services: ChannelServices
) -> DataMatch | None:
    if record.source not in SOURCES:
        return None
    at = dt.datetime.combine(record.on, dt.time(0, 0), CST)
    attestation = None
    if CODE in services.signers:
        attestation = services.signer_for(CODE).sign(
            record.id_number, campaign.id, at, f"{record.source}:{record.reference}"
        )
    event = Certified(at, CODE, reference=f"{record.source}:{record.reference}")
    return DataMatch(event, notice(campaign, record), attestation)
