from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

from tui.domain.records import LabelledEnum, Record
from tui.i18n import N_, _


class Phase(IntEnum):
    """The nine phases of the didactic action-learning model, in order."""

    WONDER = 1
    KNOWLEDGE = 2
    GOALS = 3
    PLANNING = 4
    ACTION = 5
    OBSERVATION = 6
    CONVERSATION = 7
    EVALUATION = 8
    IMPLEMENTATION = 9

    @property
    def label(self) -> str:
        return _(_PHASE_LABELS[self])

    @property
    def question(self) -> str:
        return _(_PHASE_QUESTIONS[self])


_PHASE_LABELS = {
    Phase.WONDER: N_("Wonder"),
    Phase.KNOWLEDGE: N_("Knowledge"),
    Phase.GOALS: N_("Goals"),
    Phase.PLANNING: N_("Planning"),
    Phase.ACTION: N_("Action"),
    Phase.OBSERVATION: N_("Observation"),
    Phase.CONVERSATION: N_("Conversation"),
    Phase.EVALUATION: N_("Evaluation"),
    Phase.IMPLEMENTATION: N_("Implementation"),
}

_PHASE_QUESTIONS = {
    Phase.WONDER: N_("What in everyday practice puzzles you, and what would you like to change?"),
    Phase.KNOWLEDGE: N_("What is already known about this, by you and by research?"),
    Phase.GOALS: N_("Which concrete goals follow from the wonder and the knowledge?"),
    Phase.PLANNING: N_("Which actions, how, and with which documentation method?"),
    Phase.ACTION: N_("Carry out the planned actions. What did you do?"),
    Phase.OBSERVATION: N_("What did the documentation show while you acted?"),
    Phase.CONVERSATION: N_("What did you learn when you talked the observations over?"),
    Phase.EVALUATION: N_("Was each goal reached? Sum it up."),
    Phase.IMPLEMENTATION: N_("What changes in practice now, and what will you keep working on?"),
}


class DocMethod(LabelledEnum):
    OBSERVATION_NOTES = "observation_notes"
    PHOTO = "photo"
    VIDEO = "video"
    CHILD_DRAWING = "child_drawing"
    LOG = "log"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.OBSERVATION_NOTES: N_("Observation notes"),
            cls.PHOTO: N_("Photo"),
            cls.VIDEO: N_("Video"),
            cls.CHILD_DRAWING: N_("Child's drawing"),
            cls.LOG: N_("Log"),
            cls.OTHER: N_("Other"),
        }


@dataclass(kw_only=True)
class Journal(Record):
    """Kept by one participant or by a professional learning community (PLF group)."""

    course_id: str
    title: str = ""
    person_id: str | None = None
    group_name: str = ""
    member_ids: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class JournalEntry(Record):
    course_id: str
    journal_id: str
    phase: Phase
    cycle: int = 1
    date: dt.date | None = None
    session_id: str | None = None
    # True when the entry belongs to the practice period after the session, not the day.
    in_practice_period: bool = False
    method: DocMethod | None = None
    author: str = ""
    text: str = ""


class GoalOutcome(LabelledEnum):
    REACHED = "reached"
    PARTLY = "partly"
    NOT_REACHED = "not_reached"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.REACHED: N_("Reached"),
            cls.PARTLY: N_("Partly reached"),
            cls.NOT_REACHED: N_("Not reached"),
        }


@dataclass(kw_only=True)
class JournalGoal(Record):
    """A goal set in phase 3 and evaluated in phase 8."""

    course_id: str
    journal_id: str
    cycle: int = 1
    text: str
    outcome: GoalOutcome | None = None
    comment: str = ""


class TransferStage(LabelledEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.BEFORE: N_("Before"), cls.DURING: N_("During"), cls.AFTER: N_("After")}


# The questions of each stage, by the key their answer is stored under.
TRANSFER_QUESTIONS: dict[TransferStage, tuple[tuple[str, str], ...]] = {
    TransferStage.BEFORE: (
        ("own_practice", N_("Your own practice: what do you do today, and what works?")),
        ("challenges", N_("Challenges: what do you find hard in your practice?")),
        ("expectations", N_("Expectations: what do you want to learn, and how will your "
                            "workplace use it?")),
        ("leader_agreement", N_("Agreed with your leader before the start")),
    ),
    TransferStage.DURING: (
        ("tried_in_practice", N_("Practice tasks between the days: what did you try?")),
        ("observations", N_("What came of it? What did you notice?")),
        ("support_needed", N_("Sparring or support you need")),
    ),
    TransferStage.AFTER: (
        ("anchoring", N_("Anchoring: what do you keep doing in your practice?")),
        ("shared_with_colleagues", N_("Shared with colleagues: what, how and with whom?")),
        ("leader_follow_up", N_("The leader's follow-up: what was agreed?")),
    ),
}

@dataclass(kw_only=True)
class TransferNote(Record):
    """Transferskema: one participant's notes for one stage of the 20-30-50 structure."""

    course_id: str
    person_id: str
    stage: TransferStage
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True)
class GoalRating(Record):
    """A participant's own rating (1 to 5) of a learning goal, before and after the course."""

    course_id: str
    person_id: str
    goal_key: str
    before: int | None = None
    after: int | None = None
