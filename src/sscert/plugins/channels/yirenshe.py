"""易人社 app (``yirenshe``), 涞源县社会保险待遇领取资格认证通知 (2023) 五、认证流程 第三步.

First use: register with name, ID number, password, mobile number entered twice (must
match) and acceptance of the user terms. Log in with ID number and password. 养老待遇资格认证
→ 本人认证 shows the template photo and name; with no template photo the person must first
go to the agency to have one made (建模). Face scan → "恭喜您认证成功".

The app back-end calls :func:`register`, :func:`login` and :func:`identity_page` directly,
and drives the face scan through the plugin manager (:func:`sscert.plugins.certify`).
"""

from __future__ import annotations

import re

from attrs import field, frozen

from sscert.plugins.channels.common import face_attempt, refuse
from sscert.plugins.hookspecs import certifies, provides
from sscert.plugins.model import AttemptResult, CertificationRequest, ChannelSpec, Message
from sscert.plugins.services import Account, ChannelServices, check_password, hash_password
from sscert.values.identity import IdNumber, InvalidIdNumber, mask_id_text
from sscert.values.phone import InvalidPhoneNumber, PhoneNumber, mask_phone_text

CODE = "yirenshe"
PASSWORD = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[\x21-\x7e]{8,20}\Z")

__all__ = [
    "IdentityPage",
    "Outcome",
    "Password",
    "Registration",
    "identity_page",
    "login",
    "register",
]


@frozen(repr=False)
class Password:
    """A password as typed on a form, kept only as its salted scrypt hash, and whether it
    met the app's rule (8 to 20 characters with letters and digits). The text itself is
    not kept: it appears in no ``repr``, message or log."""

    hash: str
    acceptable: bool

    @classmethod
    def of(cls, text: object) -> Password:
        if isinstance(text, Password):
            return text
        if not isinstance(text, str) or not PASSWORD.match(text):
            return cls("", False)
        return cls(hash_password(text), True)

    def __repr__(self) -> str:
        return "Password(***)"


def _password(text: object) -> Password:
    return Password.of(text)


@frozen(repr=False)
class Registration:
    """The 立即注册 form. The password is hashed on arrival (:class:`Password`); ``repr``
    masks the ID and mobile numbers."""

    name: str
    id_number: str
    password: Password = field(converter=_password)
    mobile: str
    mobile_again: str
    accepted_terms: bool

    def __repr__(self) -> str:
        return (
            f"Registration(id_number={mask_id_text(str(self.id_number))!r}, "
            f"mobile={mask_phone_text(str(self.mobile))!r}, password=***, "
            f"accepted_terms={self.accepted_terms!r})"
        )


@frozen
class Outcome:
    """How registration or login ended; ``session`` is set by a successful login."""

    ok: bool
    message: Message
    reason: str | None = None
    session: str | None = None


def _no(reason: str, zh: str, en: str) -> Outcome:
    return Outcome(False, Message(zh, en), reason)


def register(form: Registration, services: ChannelServices) -> Outcome:
    """Register an account; every refusal says what to correct."""
    if not form.name.strip():
        return _no("name_missing", "请填写姓名。", "Enter the name.")
    try:
        id_number = IdNumber.parse(form.id_number)
    except InvalidIdNumber:
        return _no(
            "invalid_id_number",
            "身份证号有误，请核对后重新输入（18位，最后一位可能是X）。",
            "The ID number is not valid: check it and type it again (18 characters, the last "
            "may be X).",
        )
    if not form.password.acceptable:
        return _no(
            "weak_password",
            "密码需为8至20位，并同时包含字母和数字。",
            "The password needs 8 to 20 characters with both letters and digits.",
        )
    if form.mobile.strip() != form.mobile_again.strip():
        return _no(
            "mobile_mismatch",
            "两次输入的手机号不一致，请重新输入。",
            "The two mobile numbers are not the same: type them again.",
        )
    try:
        mobile = PhoneNumber.parse(form.mobile)
    except InvalidPhoneNumber:
        return _no(
            "invalid_mobile",
            "手机号有误，请输入11位手机号码。",
            "The mobile number is not valid: enter an 11-digit mobile number.",
        )
    if not form.accepted_terms:
        return _no(
            "terms_not_accepted",
            "请阅读并勾选《易人社手机APP用户条款》。",
            "Read and tick the Yirenshe app user terms.",
        )
    if services.accounts.get(id_number) is not None:
        return _no(
            "already_registered",
            "该身份证号已注册，请直接登录。",
            "This ID number is already registered: log in instead.",
        )
    services.accounts.add(Account(id_number, form.name.strip(), mobile, form.password.hash, True))
    return Outcome(True, Message("注册成功，请登录。", "Registered: now log in."))


def login(id_number_text: str, password: str, services: ChannelServices) -> Outcome:
    """Log in with ID number and password; success opens a session."""
    try:
        id_number = IdNumber.parse(id_number_text)
    except InvalidIdNumber:
        return _no("invalid_id_number", "身份证号有误，请核对。", "The ID number is not valid.")
    account = services.accounts.get(id_number)
    if account is None:
        return _no(
            "not_registered",
            "该身份证号尚未注册，请先点击右下角“立即注册”。",
            "This ID number is not registered: tap 'Register now' first.",
        )
    if not check_password(password, account.password_hash):
        return _no("wrong_password", "密码错误，请重新输入。", "Wrong password: try again.")
    session = services.accounts.open_session(id_number)
    return Outcome(True, Message("登录成功。", "Logged in."), session=session)


@frozen
class IdentityPage:
    """本人认证: the template photo and the name, or the instruction to go and make one."""

    name: str = field(repr=False)
    has_template_photo: bool
    message: Message


def identity_page(session: str, services: ChannelServices) -> IdentityPage | None:
    """What 本人认证 shows for a logged-in person; ``None`` for an unknown session."""
    owner = services.accounts.session_owner(session)
    if owner is None:
        return None
    account = services.accounts.get(owner)
    template = services.templates.get(owner)
    name = template.name if template else (account.name if account else "")
    if template is None:
        return IdentityPage(
            name,
            False,
            Message(
                "未提示模板照片：请先前往经办机构建模后再进行认证。",
                "No template photo: go to the agency to have one made (建模), then certify.",
            ),
        )
    return IdentityPage(
        name,
        True,
        Message(
            "请核对模板照片及姓名，点击“开始认证”。",
            "Check the template photo and name, then tap 'Start'.",
        ),
    )


SPEC = ChannelSpec(
    CODE,
    "易人社",
    "Yirenshe app",
    needs_registration=True,
    needs_template_photo=True,
    in_person=False,
    description="注册→登录→养老待遇资格认证→本人认证→刷脸",
)
sscert_channels = provides(SPEC)


@certifies(CODE)
def sscert_certify(request: CertificationRequest, services: ChannelServices) -> AttemptResult:
    owner = services.accounts.session_owner(request.session) if request.session else None
    if owner is None:
        return refuse(
            request,
            "not_logged_in",
            "请先用身份证号和密码登录易人社。",
            "Log in to Yirenshe with your ID number and password first.",
        )
    if owner != request.id_number:
        return refuse(
            request,
            "other_person",
            "本人认证只能为登录账号本人办理；为他人认证请使用“他人认证”或联系工作人员。",
            "本人认证 certifies only the logged-in person; certify someone else through staff.",
        )
    return face_attempt(request, services)
