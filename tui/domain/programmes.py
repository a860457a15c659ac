from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tui.domain.records import LabelledEnum, Record
from tui.i18n import N_, _


class Depth(LabelledEnum):
    OVERVIEW = "overview"
    IN_DEPTH = "in_depth"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.OVERVIEW: N_("Overview"), cls.IN_DEPTH: N_("In depth")}


@dataclass(kw_only=True)
class Topic:
    """A module of the programme's catalogue (the suitcase's four, or a programme's themes)."""

    key: str
    name: str
    # Early detection runs through all four suitcase topics rather than being one of them.
    cross_cutting: bool = False


@dataclass(kw_only=True)
class CourseForm:
    """Kursusform: who a course is for and how deep it goes."""

    key: str
    name: str
    audience: str
    depth: Depth


@dataclass(kw_only=True)
class LearningGoal:
    key: str
    audience: str
    text: str


@dataclass(kw_only=True)
class Programme(Record):
    name: str
    owner: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    funding_pool: str = ""
    target_participants: int | None = None
    # With target_participants, a range ("60-70 participants"); None: one number.
    target_max: int | None = None
    # Substitute cover is paid per hour from the pool; reports turn hours into cost.
    substitute_hourly_rate: float | None = None
    topics: list[Topic] = field(default_factory=list)
    forms: list[CourseForm] = field(default_factory=list)
    learning_goals: list[LearningGoal] = field(default_factory=list)


class WishStatus(LabelledEnum):
    OPEN = "open"
    COURSE_CREATED = "course_created"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.OPEN: N_("Open"), cls.COURSE_CREATED: N_("Course created")}


@dataclass(kw_only=True)
class TopicWish(Record):
    """What an institution's administration wants taught, and when (agreed with leaders)."""

    programme_id: str
    institution_id: str
    topic_keys: list[str] = field(default_factory=list)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    note: str = ""
    form_key: str = ""  # the course form wished for (a key of the programme's forms)
    status: WishStatus = WishStatus.OPEN
    # The courses made from the wish, so that making one again is asked about first.
    course_ids: list[str] = field(default_factory=list)


def target_text(programme: Programme) -> str:
    low, high = programme.target_participants, programme.target_max
    if low is None:
        return ""
    return f"{low}–{high}" if high is not None and high != low else str(low)


def target_share(trained: int, programme: Programme) -> int | None:
    """Per cent of the target reached, counted against its low end (the promise made)."""
    low = programme.target_participants
    return round(100 * trained / low) if low else None


# The audiences courses and learning goals are written for. They are keys in the data;
# people see these words, never the key.
AUDIENCE_LABELS: dict[str, str] = {
    "leaders": N_("Leaders and deputies"),
    "staff": N_("Staff"),
    "childminding": N_("Childminders"),
    "nursery": N_("Nursery staff"),
    "kindergarten": N_("Kindergarten staff"),
}


def audience_label(key: str, programme: Programme | None = None) -> str:
    """A known audience in words; another one by the course form made for it."""
    if key in AUDIENCE_LABELS:
        return _(AUDIENCE_LABELS[key])
    form = next((f for f in (programme.forms if programme else ()) if f.audience == key), None)
    return form.name if form else key


def audience_choices(programme: Programme) -> list[tuple[str, str]]:
    """The programme's audiences (its forms' and its goals'), then the known ones."""
    keys = [f.audience for f in programme.forms] + [g.audience for g in programme.learning_goals]
    keys += list(AUDIENCE_LABELS)
    return [(audience_label(k, programme), k) for k in dict.fromkeys(k for k in keys if k)]
