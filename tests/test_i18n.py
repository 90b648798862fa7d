"""Chinese for county staff: every message of the command line has a translation, and the
language follows --lang or LANG."""

from __future__ import annotations

import csv
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from click.testing import CliRunner

from sscert.cli.app import cli
from sscert.i18n import _, language, language_from_env
from sscert.locale.zh_CN import ZH

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "sscert"
MO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "sscert.mo"


def _messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), keywords={"_": None, "N_": None}
    ):
        if message:
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_no_message_lacks_a_translation() -> None:
    messages = _messages()
    assert len(messages) > 250
    missing = sorted(messages - set(ZH))
    assert missing == [], f"untranslated: {missing[:10]}"
    stale = sorted(set(ZH) - messages)
    assert stale == [], f"translations of messages no longer in the code: {stale[:10]}"


def test_translations_keep_their_placeholders() -> None:
    for message, translation in ZH.items():
        wanted = sorted(re.findall(r"\{[^{}]*\}", message))
        assert sorted(re.findall(r"\{[^{}]*\}", translation)) == wanted, message
        assert translation.strip(), message


def test_the_compiled_catalogue_is_the_source() -> None:
    """``python -m sscert.locale.zh_CN`` was run after the last change to the translations."""
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for message, translation in ZH.items():
        assert catalogue.gettext(message) == translation, message


def test_the_language_comes_from_the_environment() -> None:
    assert language_from_env({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language_from_env({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert language_from_env({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"
    assert language_from_env({}) == "en"
    with language("zh"):
        assert _("rejected rows written to") == "rejected rows written to"  # no such message
        assert _("missing") == "缺失"
    assert _("missing") == "missing"


HEADER = ["姓名", "身份证号", "险种", "月待遇", "待遇开始年月", "乡镇"]
BAD = ["坏号", "130630194803150027", "城乡居民", "158", "2012-07", "涞源镇"]


@pytest.fixture
def roster(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "s.db"
    CliRunner().invoke(cli, ["store", "init", str(db)])
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, BAD])
    return db, path


def test_lang_zh_speaks_chinese(roster: tuple[Path, Path]) -> None:
    db, path = roster
    result = CliRunner().invoke(cli, ["roster", "import", str(db), str(path), "--lang", "zh"])
    assert result.exit_code == 1
    assert "第 2 行：身份证号：未导入：身份证号 130630********0027：校验码不符" in result.stderr
    assert "共 1 行：新导入 0 行" in result.stdout
    rejects = (path.parent / "r.csv.rejects.csv").read_text(encoding="utf-8-sig")
    assert rejects.startswith("行号,列,原因")


def test_lang_from_the_locale(roster: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    db, path = roster
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    chinese = CliRunner().invoke(cli, ["roster", "import", str(db), str(path)])
    assert "校验码不符" in chinese.stderr
    english = CliRunner().invoke(cli, ["--lang", "en", "roster", "import", str(db), str(path)])
    assert "the check character does not match" in english.stderr
    shown = CliRunner().invoke(cli, ["campaign", "show", "laiyuan-2023"])
    assert "认证时间：2023-02-10 至 2023-03-25" in shown.stdout
    assert "企业职工基本养老保险 (enterprise_pension" in shown.stdout


def test_an_unknown_language_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["--lang", "fr", "campaign", "list"])
    assert result.exit_code == 2
