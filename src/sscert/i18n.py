"""Messages for people in their language (gettext).

Every message, summary and rejection reason the command line shows is written in English in
the code and translated through the ``sscert`` gettext catalogue
(``sscert/locale/zh_CN/LC_MESSAGES/sscert.po``, compiled to ``.mo``; Babel extracts and
compiles them, see ``docs/i18n.md``). The command chooses the language from ``--lang zh|en``,
else from ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` (``zh_*`` → Chinese); the library speaks
English unless told otherwise (:func:`set_language`).

Reason *codes* (``attestation_required``, ``before_window``) are never translated: programs
read them; the words after them are for people.

>>> from sscert.i18n import _, set_language
>>> set_language("zh") and _("rejected")
'已拒收'
>>> set_language("en") and _("rejected")
'rejected'
"""

from __future__ import annotations

import contextlib
import gettext
import os
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Final

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "current_language",
    "language",
    "language_from_env",
    "set_language",
]

DOMAIN: Final = "sscert"
LANGUAGES: Final = ("en", "zh")
_CATALOGUES: Final = {"zh": "zh_CN"}

_state: dict[str, gettext.NullTranslations | str] = {
    "translations": gettext.NullTranslations(),
    "language": "en",
}


def _load(lang: str) -> gettext.NullTranslations:
    folder = _CATALOGUES.get(lang)
    if folder is None:
        return gettext.NullTranslations()
    path = resources.files("sscert") / "locale" / folder / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with resources.as_file(path) as real, real.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError:
        return gettext.NullTranslations()


def set_language(lang: str | None) -> str:
    """Speak ``lang`` (``"zh"`` or ``"en"``; ``None`` or anything else: English) from now
    on; returns the language chosen."""
    chosen = lang if lang in LANGUAGES else "en"
    _state["translations"] = _load(chosen)
    _state["language"] = chosen
    return chosen


def current_language() -> str:
    return str(_state["language"])


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``zh`` when the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set names a
    Chinese locale (``zh_CN.UTF-8``, ``zh_TW``…), else ``en``."""
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Speak ``lang`` inside the block, then the language spoken before."""
    before = current_language()
    try:
        yield set_language(lang)
    finally:
        set_language(before)


def _(message: str) -> str:
    """``message`` in the current language (the English text when it has no translation)."""
    translations = _state["translations"]
    assert isinstance(translations, gettext.NullTranslations)
    return translations.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is defined; translate it where it is shown."""
    return message
