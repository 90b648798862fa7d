"""Channel codes (认证方式) that the domain knows of (涞源县社会保险待遇领取资格认证通知 (2023)
三、认证方式 and 五、认证流程).

This module names the codes; how a certification happens on each channel is a plugin
(:mod:`sscert.plugins`). Plugins may add codes that are not listed here.
"""

from __future__ import annotations

import re
from typing import Final

from attrs import frozen

__all__ = ["CHANNEL_CODE", "KNOWN_CHANNELS", "ChannelInfo", "is_channel_code"]

CHANNEL_CODE: Final = re.compile(r"^[a-z][a-z0-9_]{0,63}\Z")


@frozen
class ChannelInfo:
    code: str
    name_zh: str
    name_en: str
    reference: str


KNOWN_CHANNELS: Final[dict[str, ChannelInfo]] = {
    info.code: info
    for info in (
        ChannelInfo(
            "hebei_renshe",
            "河北人社",
            "Hebei Renshe app",
            "涞源县社会保险待遇领取资格认证通知 (2023) 三、认证方式; 五、认证流程 第二步",
        ),
        ChannelInfo(
            "yirenshe",
            "易人社",
            "Yirenshe app",
            "涞源县社会保险待遇领取资格认证通知 (2023) 三、认证方式; 五、认证流程 第三步",
        ),
        ChannelInfo(
            "assisted",
            "线下辅助认证",
            "Assisted in person",
            "涞源县社会保险待遇领取资格认证通知 (2023) 三、认证方式 2; 社会保险经办条例 第三十条",
        ),
        ChannelInfo(
            "data_comparison", "静默认证(数据比对)", "Data matching", "社会保险经办条例 第二十六条"
        ),
        ChannelInfo("consular", "中国领事", "China Consular app (abroad)", "DOMAIN §4"),
    )
}


def is_channel_code(text: object) -> bool:
    """Whether ``text`` has the form of a channel code (lowercase, digits, ``_``)."""
    return isinstance(text, str) and bool(CHANNEL_CODE.match(text))
