from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tui.i18n import _


@dataclass(kw_only=True)
class Record:
    """What every stored record carries: the basis for sync, audit and conflict warnings.

    ``id`` is stable for the life of the record; ``version`` grows by one with each
    change, so a screen can tell that a record changed under it since it was read.
    """

    id: str = ""
    version: int = 0
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""


class LabelledEnum(StrEnum):
    """An enum whose members have a translatable label (the English text is the msgid)."""

    @property
    def label(self) -> str:
        return _(self._labels()[self])

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        raise NotImplementedError
