from __future__ import annotations

from dataclasses import dataclass

from tui.domain.records import LabelledEnum, Record
from tui.i18n import N_


class Role(LabelledEnum):
    LEADER = "leader"
    DEPUTY = "deputy"
    EMPLOYEE = "employee"
    CHILDMINDER = "childminder"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.LEADER: N_("Leader"),
            cls.DEPUTY: N_("Deputy leader"),
            cls.EMPLOYEE: N_("Employee"),
            cls.CHILDMINDER: N_("Childminder"),
        }


class Qualification(LabelledEnum):
    UNSKILLED = "unskilled"
    PEDAGOGICAL_ASSISTANT = "pedagogical_assistant"
    PEDAGOGUE = "pedagogue"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.UNSKILLED: N_("Unskilled"),
            cls.PEDAGOGICAL_ASSISTANT: N_("Pedagogical assistant"),
            cls.PEDAGOGUE: N_("Pedagogue"),
            cls.OTHER: N_("Other"),
        }


@dataclass(kw_only=True)
class Person(Record):
    name: str
    role: Role
    qualification: Qualification
    institution_id: str | None = None
    place_id: str | None = None
    email: str = ""
    phone: str = ""
