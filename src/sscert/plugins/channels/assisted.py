"""线下辅助认证 (``assisted``): staff certify a person who cannot use either app, at the
county service centre, a township office, or at home for the elderly and disabled
(上门认证, 社会保险经办条例 第三十条). Staff may make the template photo (建模) at the same
time, so that the person can use an app next cycle."""

from __future__ import annotations

from sscert.plugins.channels.common import refuse, succeed
from sscert.plugins.face import TemplatePhoto
from sscert.plugins.hookspecs import certifies, provides
from sscert.plugins.model import (
    AttemptResult,
    CertificationRequest,
    ChannelSpec,
    Place,
)
from sscert.plugins.services import ChannelServices

CODE = "assisted"

_WHERE = {
    Place.COUNTY_CENTRE: ("县社会保险事业服务中心", "the county service centre"),
    Place.TOWNSHIP_OFFICE: ("乡镇劳动保障事务所", "the township labour office"),
    Place.HOME: ("上门认证", "a home visit"),
}


SPEC = ChannelSpec(
    CODE,
    "线下辅助认证",
    "Assisted in person",
    needs_registration=False,
    needs_template_photo=False,
    in_person=True,
    description="县社保中心、乡镇劳动保障事务所或上门认证(经办条例 第三十条)",
)
sscert_channels = provides(SPEC)


@certifies(CODE)
def sscert_certify(request: CertificationRequest, services: ChannelServices) -> AttemptResult:
    staff = request.staff
    if staff is None or not staff.staff_id.strip():
        return refuse(
            request,
            "no_staff",
            "线下辅助认证须由工作人员办理，请联系县社保中心或乡镇劳动保障事务所。",
            "Assisted certification is done by staff: contact the county centre or your "
            "township office.",
            with_contact=True,
        )
    made = False
    if staff.make_template:
        if request.capture is None:
            return refuse(
                request,
                "no_capture",
                "建模需要现场采集照片。",
                "Making a template photo needs a photo taken on the spot.",
            )
        services.templates.put(
            request.id_number,
            TemplatePhoto(request.capture.image, request.person.name or "", staff.staff_id),
        )
        made = True
    where_zh, where_en = _WHERE[staff.place]
    place = f"（{staff.place_name}）" if staff.place_name else ""
    return succeed(
        request,
        services,
        f"工作人员已通过{where_zh}{place}为您完成认证，本次认证周期资格认证已完成。"
        + ("模板照片已采集，下次可使用手机APP认证。" if made else ""),
        f"Staff certified you at {where_en}: this cycle is complete."
        + (" Your template photo was made: next time you can use an app." if made else ""),
        template_made=made,
    )
