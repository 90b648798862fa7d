"""An app back-end's view: register and log in to 易人社, find there is no template photo,
have staff make one at home, certify by face, and verify the signed attestation on the
agency side — all through the plugin manager, with the named fakes standing in for the
face-matching service.

Run: python examples/certify_with_plugins.py
"""

from __future__ import annotations

import datetime as dt

import sscert
from sscert.events import CST
from sscert.plugins import (
    ChannelServices,
    PersonInfo,
    Place,
    StaffVisit,
    certify,
    make_plugin_manager,
)
from sscert.plugins.channels import yirenshe
from sscert.testing import face_of, request, verifier_for

ID = "130630194803150028"


def main() -> None:
    pm = make_plugin_manager()
    services = ChannelServices.for_testing(["yirenshe", "assisted", "hebei_renshe"])
    person = PersonInfo(name="张秀英", township="王安镇")

    form = yirenshe.Registration("张秀英", ID, "laiyuan2023", "13812345678", "13812345678", True)
    print("register:", yirenshe.register(form, services).message.zh)
    session = yirenshe.login(ID, "laiyuan2023", services).session
    assert session is not None
    page = yirenshe.identity_page(session, services)
    assert page is not None
    print("本人认证:", page.message.zh)

    first = certify(
        pm, request("yirenshe", session=session, capture=face_of("张秀英"), person=person), services
    )
    print("app attempt:", first.message.zh)

    at_home = certify(
        pm,
        request(
            "assisted",
            staff=StaffVisit("staff-017", Place.HOME, "王安镇", make_template=True),
            capture=face_of("张秀英"),
            person=person,
            at=dt.datetime(2023, 2, 20, 10, 0, tzinfo=CST),
        ),
        services,
    )
    print("home visit:", at_home.message.zh)

    second = certify(
        pm,
        request(
            "yirenshe",
            session=session,
            capture=face_of("张秀英"),
            at=dt.datetime(2024, 2, 20, 10, 0, tzinfo=CST),
            campaign="laiyuan-2023",
        ),
        services,
    )
    print("app attempt after 建模:", second.message.zh)
    assert second.attestation is not None
    event = verifier_for(services).verify(
        second.attestation,
        id_number=sscert.IdNumber.parse(ID),
        campaign=sscert.load_campaign("laiyuan-2023"),
    )
    print("verified: certified on", event.on, "through", event.channel)


if __name__ == "__main__":
    main()
