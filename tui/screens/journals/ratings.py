"""Learning-goal ratings: each participant rates the course's goals (1 to 5) before and
after, and the course sees how much each goal moved."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Label, Static

from tui.domain.courses import Course
from tui.domain.journaling import rating_changes
from tui.domain.journals import GoalRating
from tui.domain.parse import RATING_MAX, RATING_MIN, Parsed, parse_rating
from tui.domain.programmes import LearningGoal, audience_label
from tui.i18n import N_, _, language
from tui.screens import live
from tui.screens.base import dialog_flow
from tui.screens.journals.common import CellTable, CourseJournalScreen
from tui.screens.journals.reading import EVERYTHING, Parts, names
from tui.store.errors import StaleRecord
from tui.store.store import Store
from tui.views.course import participants
from tui.widgets.footer import KeyFooter
from tui.widgets.form import Editing, Field, FormScreen
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

WHEN = ("before", "after")
PEOPLE_COLUMNS = (
    Column(N_("Participant"), clip="middle"),
    Column(N_("Before"), 7),
    Column(N_("After"), 7),
)
CHANGE_COLUMNS = (
    Column(N_("Learning goal")),
    Column(N_("Before"), 6),
    Column(N_("After"), 6),
    Column(N_("Change"), 7),
    Column(N_("Rated"), 5),
)


def number(value: float | None, *, sign: bool = False) -> str:
    """One decimal, with the decimal comma in Danish; a dash when there is no value."""
    if value is None:
        return "–"
    text = f"{value:+.1f}" if sign else f"{value:.1f}"
    return text.replace(".", ",") if language() == "da" else text


def _optional_rating(text: str) -> Parsed[int]:
    return parse_rating(text, required=False)


@dataclass(frozen=True, slots=True)
class RatingsData:
    course_id: str
    course: Course | None = None
    goals: list[LearningGoal] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)
    ratings: list[GoalRating] = field(default_factory=list)

    def read(self, store: Store, parts: Parts) -> RatingsData:
        cid, fresh = self.course_id, self
        if parts.main:
            course = store.courses.get(cid)
            programme = store.programmes.find(course.programme_id)
            fresh = dataclasses.replace(fresh, course=course, goals=[
                g for g in (programme.learning_goals if programme else [])
                if g.audience == course.audience])
        if parts.course_file:
            fresh = dataclasses.replace(fresh, ratings=store.ratings(cid).all())
        if parts.course_file or parts.people:
            fresh = dataclasses.replace(fresh, people=participants(store, cid,
                                                                      names(store, cid)))
        return fresh

    def of(self, person_id: str) -> dict[str, GoalRating]:
        return {r.goal_key: r for r in self.ratings if r.person_id == person_id}


@dataclass(frozen=True, slots=True)
class RatingSheet:
    """One participant's ratings of the course's goals, edited as one record: their
    version and who saved them last are those of the newest rating."""

    person_id: str
    ratings: Mapping[str, GoalRating]

    @property
    def _newest(self) -> GoalRating | None:
        return max(self.ratings.values(), key=lambda r: r.updated_at or "", default=None)

    @property
    def version(self) -> int:
        return sum(r.version for r in self.ratings.values())

    @property
    def updated_by(self) -> str:
        newest = self._newest
        return newest.updated_by if newest else ""

    @property
    def updated_at(self) -> str:
        newest = self._newest
        return newest.updated_at if newest else ""


def read_sheet(store: Store, course_id: str, person_id: str) -> RatingSheet:
    found = store.ratings(course_id).where(person_id=person_id)
    return RatingSheet(person_id, {r.goal_key: r for r in found})


def save_sheet(store: Store, course_id: str, when: str, values: Mapping[str, int | None],
               base: RatingSheet) -> RatingSheet:
    """The ratings ``when`` (before or after) changed from ``base``, in one commit; none of
    them if any was saved by someone else since ``base`` was read (StaleRecord)."""
    repo = store.ratings(course_id)
    with store.transaction():
        stored = read_sheet(store, course_id, base.person_id).ratings
        for key, value in values.items():
            rating = base.ratings.get(key)
            if rating is None:
                if key in stored:  # a first rating someone else gave meanwhile
                    theirs = stored[key]
                    raise StaleRecord("ratings", theirs.id, theirs.updated_by or "?",
                                      theirs.updated_at or "")
                if value is not None:
                    repo.add(GoalRating(course_id=course_id, person_id=base.person_id,
                                        goal_key=key, **{when: value}))
            elif getattr(rating, when) != value:
                repo.save(dataclasses.replace(rating, **{when: value}),
                          expected_version=rating.version)
        return read_sheet(store, course_id, base.person_id)


class GoalRatingForm(FormScreen):
    """The shared form; its own type so its long labels (whole goals) can wrap."""


class RatingTable(CellTable):
    """Enter rates the stage under the cursor, as the table's own key: it then runs
    after the moves typed before it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.rate", N_("Rate"), id="ratings.rate"),
    ]


class RatingsScreen(CourseJournalScreen):
    AUTO_FOCUS = "#ratings-people"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="ratings.close"),
    ]

    def __init__(self, course_id: str) -> None:
        super().__init__(course_id, classes="ratings-screen")
        translate_bindings(self)
        self.data = RatingsData(course_id)

    @property
    def goals(self) -> list[LearningGoal]:
        return self.data.goals

    @property
    def people(self) -> list[tuple[str, str]]:
        return self.data.people

    @property
    def ratings(self) -> list[GoalRating]:
        return self.data.ratings

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Each participant rates every learning goal from {low} to {high} "
                       "({high} is best). Move to Before or After and press enter.").format(
            low=RATING_MIN, high=RATING_MAX), id="ratings-hint")
        yield RatingTable(PEOPLE_COLUMNS, id="ratings-people")
        yield Label(_("Change per learning goal (only those who rated both)"),
                    classes="section-title")
        yield RecordTable(CHANGE_COLUMNS, id="ratings-changes")
        yield Static("", id="ratings-empty", classes="message")
        yield KeyFooter(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        table = self.query_one("#ratings-people", RecordTable)
        self.typeahead.focus(table)
        store, data = self.store, self.data
        fresh = await self.first_read(lambda: data.read(store, EVERYTHING))
        if fresh is not None:
            self._shown(fresh)

    # -- reading ----------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        self.read_again(self.parts(changes), self.data, self._shown)

    def _shown(self, data: RatingsData) -> None:
        self.data = data
        course = data.course
        if course is None:
            return
        self.show_course(course.name, _("Learning goals: {course}"))
        has_goals = bool(self.goals)
        for widget in self.query("RecordTable, .section-title"):
            widget.display = has_goals
        empty = self.query_one("#ratings-empty", Static)
        empty.display = not has_goals
        empty.update(_("The programme has no learning goals for this course's audience "
                       "({audience}), so there is nothing to rate.").format(
            audience=audience_label(course.audience) if course.audience else "–"))
        self._fill()

    def _fill(self) -> None:
        keys = [g.key for g in self.goals]
        rows = []
        for pid, name in self.people:
            mine = self.data.of(pid)
            rows.append((pid, (escape(name), *(self._count(mine, keys, when) for when in WHEN))))
        table = self.query_one("#ratings-people", RecordTable)
        table.show_rows(rows)
        changes = rating_changes(r for r in self.ratings if r.goal_key in keys)
        self.query_one("#ratings-changes", RecordTable).show_rows(
            (goal.key, (escape(f"{n}. {goal.text}"),
                        *((number(c.mean_before), number(c.mean_after),
                           number(c.delta, sign=True), c.n) if (c := changes.get(goal.key))
                          else ("–", "–", "–", 0))))
            for n, goal in enumerate(self.goals, start=1))

    @staticmethod
    def _count(mine: Mapping[str, GoalRating], keys: list[str], when: str) -> str:
        rated = sum(1 for k in keys if k in mine and getattr(mine[k], when) is not None)
        if rated == len(keys):
            return "✓"
        return f"{rated}/{len(keys)}" if rated else "–"

    # -- rating -----------------------------------------------------------------------------

    @on(DataTable.CellSelected, "#ratings-people")
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()  # a click; enter is the table's own key
        self.action_rate()

    def action_rate(self) -> None:
        table = self.query_one("#ratings-people", RecordTable)
        if not self.goals or not table.row_count:
            return
        pid = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if pid is None:
            return
        column = table.cursor_coordinate.column
        if column == 0:
            # On the name: before until all is rated, then after.
            keys = [g.key for g in self.goals]
            when = ("after" if self._count(self.data.of(pid), keys, "before") == "✓"
                    else "before")
        else:
            when = WHEN[min(column, 2) - 1]
        self._rate(pid, when)

    @dialog_flow
    async def _rate(self, person_id: str, when: str) -> None:
        name = dict(self.people).get(person_id, person_id)
        title = (_("Before the course: {name} rates each goal ({low} to {high})")
                 if when == "before" else
                 _("After the course: {name} rates each goal ({low} to {high})")).format(
            name=escape(name), low=RATING_MIN, high=RATING_MAX)
        store, cid = self.store, self.course_id
        sheet = RatingSheet(person_id, self.data.of(person_id))

        def values(record: RatingSheet) -> dict[str, Any]:
            shown = {}
            for goal in self.goals:
                rating = record.ratings.get(goal.key)
                value = getattr(rating, when) if rating is not None else None
                shown[goal.key] = "" if value is None else str(value)
            return shown

        start = values(sheet)
        await self.app.push_screen_wait(GoalRatingForm(title, [
            Field(goal.key, escape(f"{n}. {goal.text}"), _optional_rating,
                  value=start[goal.key], placeholder=f"{RATING_MIN}-{RATING_MAX}")
            for n, goal in enumerate(self.goals, start=1)], editing=Editing(
                _("The ratings"), sheet, values=values,
                save=lambda typed, base: save_sheet(store, cid, when, typed, base),
                reread=lambda: read_sheet(store, cid, person_id))))

    def action_close(self) -> None:
        self.dismiss()
