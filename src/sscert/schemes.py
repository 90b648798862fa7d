"""The five schemes (险种) a certification campaign covers
(涞源县社会保险待遇领取资格认证通知 (2023) 一、认证范围)."""

from __future__ import annotations

import enum

from attrs import frozen

from sscert.i18n import _

__all__ = ["SCHEME_INFO", "EnquiryLine", "Scheme", "SchemeInfo"]


class EnquiryLine(enum.StrEnum):
    """Which county service answers questions about a scheme (the enquiry lines of
    涞源县社会保险待遇领取资格认证通知 (2023) 五、认证流程).

    ``social_insurance``: 县社会保险事业服务中心 (机关、企事业、工伤);
    ``resident_insurance``: 县城乡居保服务中心 (城乡居民).
    """

    SOCIAL_INSURANCE = "social_insurance"
    RESIDENT_INSURANCE = "resident_insurance"


class Scheme(enum.StrEnum):
    """A kind of monthly benefit. The value is the code used in files and JSON."""

    URBAN_RURAL_RESIDENT_PENSION = "urban_rural_resident_pension"
    PUBLIC_SECTOR_PENSION = "public_sector_pension"
    ENTERPRISE_PENSION = "enterprise_pension"
    WORK_INJURY_PERIODIC = "work_injury_periodic"
    WORK_INJURY_SURVIVOR = "work_injury_survivor"

    @property
    def info(self) -> SchemeInfo:
        return SCHEME_INFO[self]

    @property
    def name_zh(self) -> str:
        return SCHEME_INFO[self].name_zh

    @property
    def name_en(self) -> str:
        return SCHEME_INFO[self].name_en

    @property
    def enquiry_line(self) -> EnquiryLine:
        return SCHEME_INFO[self].enquiry_line

    @classmethod
    def from_text(cls, text: str) -> Scheme:
        """A scheme from its code or its Chinese name (as agency exports write it)."""
        cleaned = text.strip()
        try:
            return cls(cleaned)
        except ValueError:
            pass
        for scheme, info in SCHEME_INFO.items():
            if cleaned in (info.name_zh, *info.aliases_zh):
                return scheme
        raise ValueError(
            _("unknown scheme {value!r}; known: {known}").format(
                value=text, known="、".join(f"{s.name_zh} ({s.value})" for s in cls)
            )
        )


@frozen
class SchemeInfo:
    name_zh: str
    name_en: str
    who: str
    enquiry_line: EnquiryLine
    aliases_zh: tuple[str, ...] = ()


SCHEME_INFO: dict[Scheme, SchemeInfo] = {
    Scheme.URBAN_RURAL_RESIDENT_PENSION: SchemeInfo(
        "城乡居民基本养老保险",
        "Urban and rural residents' basic pension",
        "monthly recipients",
        EnquiryLine.RESIDENT_INSURANCE,
        ("城乡居民社会养老保险", "城乡居民养老保险", "城乡居民"),
    ),
    Scheme.PUBLIC_SECTOR_PENSION: SchemeInfo(
        "机关事业单位养老保险",
        "Public-sector (government and institution) pension",
        "monthly recipients",
        EnquiryLine.SOCIAL_INSURANCE,
        ("机关事业养老保险", "机关事业"),
    ),
    Scheme.ENTERPRISE_PENSION: SchemeInfo(
        "企业职工基本养老保险",
        "Enterprise employees' basic pension",
        "monthly recipients",
        EnquiryLine.SOCIAL_INSURANCE,
        ("企业基本养老保险", "企业养老保险", "企业职工"),
    ),
    Scheme.WORK_INJURY_PERIODIC: SchemeInfo(
        "工伤保险定期待遇",
        "Work-injury periodic benefit (disability allowance, nursing allowance)",
        "monthly recipients",
        EnquiryLine.SOCIAL_INSURANCE,
        ("工伤保险定期待遇(伤残津贴、生活护理费)", "伤残津贴", "生活护理费", "工伤定期待遇"),
    ),
    Scheme.WORK_INJURY_SURVIVOR: SchemeInfo(
        "工伤保险供养亲属抚恤金",
        "Work-injury survivor benefit (dependants' pension)",
        "dependants of a worker who died of a work injury",
        EnquiryLine.SOCIAL_INSURANCE,
        ("供养亲属抚恤金", "遗属待遇", "工伤遗属待遇"),
    ),
}
