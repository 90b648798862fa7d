"""河北人社 app (``hebei_renshe``): no registration; face recognition against the template
photo. Home → 更多服务 → 社会保险 → 养老保险服务 → 待遇资格认证
(涞源县社会保险待遇领取资格认证通知 (2023) 五、认证流程 第二步)."""

from __future__ import annotations

from sscert.plugins.channels.common import face_attempt
from sscert.plugins.hookspecs import certifies, provides
from sscert.plugins.model import AttemptResult, CertificationRequest, ChannelSpec
from sscert.plugins.services import ChannelServices

CODE = "hebei_renshe"


SPEC = ChannelSpec(
    CODE,
    "河北人社",
    "Hebei Renshe app",
    needs_registration=False,
    needs_template_photo=True,
    in_person=False,
    description="首页→更多服务→社会保险→养老保险服务→待遇资格认证→刷脸 (无需注册)",
)
sscert_channels = provides(SPEC)


@certifies(CODE)
def sscert_certify(request: CertificationRequest, services: ChannelServices) -> AttemptResult:
    return face_attempt(
        request,
        services,
        "认证成功，本次认证周期资格认证已完成。",
        "Certified: this cycle is complete.",
    )
