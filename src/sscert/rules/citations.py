"""Where each rule comes from: the seed notice and the articles of law (DOMAIN §5).

A :class:`Citation` travels with every decision the rules make, so a result explains
itself to a clerk or an auditor: ``Citation("社会保险法", "第八十八条")``.
"""

from __future__ import annotations

from typing import Final

from attrs import frozen

__all__ = [
    "DEATH_REPORT",
    "DEATH_STOP",
    "FRAUD_LAW",
    "FRAUD_REGULATION",
    "OVERPAYMENT",
    "ROLLING_CYCLE",
    "SEED_BACKPAY",
    "SEED_CHANNELS",
    "SEED_SCOPE",
    "SEED_WINDOW",
    "Citation",
]


@frozen
class Citation:
    """A source: the instrument, the article or section, and the words that matter."""

    source: str
    article: str = ""
    text: str = ""

    def __str__(self) -> str:
        return f"{self.source} {self.article}".strip()

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "article": self.article, "text": self.text}


_SEED = "涞源县社会保险待遇领取资格认证通知 (2023)"

SEED_SCOPE: Final = Citation(_SEED, "一、认证范围", "按月领取待遇人员")
SEED_WINDOW: Final = Citation(
    _SEED, "二、认证时间", "自2023年2月10日起至3月25日。(逾期因故不能认证将停发待遇)"
)
SEED_CHANNELS: Final = Citation(
    _SEED, "三、认证方式", "“河北人社”或“易人社”手机APP(任选其一即可); 线下辅助认证"
)
SEED_BACKPAY: Final = Citation(
    _SEED,
    "四、注意事项",
    "对未按时完成认证人员将按照规定暂停养老金发放,直至通过资格认证再恢复发放其社会保险待遇"
    "并从停发之月起补发",
)
FRAUD_LAW: Final = Citation(
    "中华人民共和国社会保险法",
    "第八十八条",
    "以欺诈、伪造证明材料或者其他手段骗取社会保险待遇的,由社会保险行政部门责令退回骗取的"
    "社会保险金,处骗取金额二倍以上五倍以下的罚款",
)
FRAUD_REGULATION: Final = Citation(
    "社会保险经办条例 (国务院令第765号)",
    "第五十五条",
    "骗取社会保险待遇: 退回并处二倍以上五倍以下罚款",
)
OVERPAYMENT: Final = Citation(
    "社会保险经办条例 (国务院令第765号)",
    "第四十六条",
    "多享受社会保险待遇的,责令退回; 可分期退回或从以后的待遇中抵扣",
)
DEATH_REPORT: Final = Citation(
    "社会保险经办条例 (国务院令第765号)",
    "第二十五条",
    "待遇领取人员死亡的,用人单位、本人或近亲属应在20个工作日内告知经办机构",
)
DEATH_STOP: Final = Citation(
    "national practice", "次月停发", "payment stops from the month after the death month"
)
ROLLING_CYCLE: Final = Citation(
    "人社厅发〔2018〕54号",
    "",
    "取消集中认证; 认证周期自上次认证起计算,原则上每12个月至少认证一次",
)
DATA_COMPARISON: Final = Citation(
    "社会保险经办条例 (国务院令第765号)",
    "第二十六条",
    "通过信息比对、自助认证等方式核验待遇领取资格",
)
HOME_SERVICE: Final = Citation(
    "社会保险经办条例 (国务院令第765号)", "第三十条", "为老年人、残疾人等提供上门服务"
)
