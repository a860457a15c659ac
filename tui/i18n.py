"""One translation mechanism for every layer: GNU gettext catalogues.

Source strings are English; Danish is the default UI language. The catalogue lives in
data/locale/<lang>/LC_MESSAGES/kuffert.po and its compiled .mo beside it.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from typing import Any

from tui.resources import data_dir

DOMAIN = "kuffert"
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(lang: str) -> None:
    global _translation, _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language = lang
    if lang == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, localedir=str(data_dir() / "locale"), languages=[lang], fallback=True
        )


def language() -> str:
    return _language


def _(msgid: str) -> str:
    return _translation.gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(msgid: str) -> str:
    """Mark a string for the catalogue without translating it yet (module-level tables)."""
    return msgid


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence to show a person, translated only when it is shown.

    The domain returns these instead of strings so that a reason found in one language
    reads right after the user switches to another.
    """

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        text = _(self.msgid)
        return text.format(**self.params) if self.params else text


def msg(msgid: str, **params: Any) -> Message:
    return Message(msgid, params)


