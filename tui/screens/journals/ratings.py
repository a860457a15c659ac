"""Learning-goal ratings: each participant rates the course's goals (1 to 5) before and
after, and the course sees how much each goal moved."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from tui.domain.journaling import rating_changes
from tui.domain.journals import GoalRating
from tui.domain.parse import RATING_MAX, RATING_MIN, Parsed, parse_rating
from tui.domain.programmes import LearningGoal, audience_label
from tui.i18n import N_, _, language
from tui.screens.journals.listing import participants
from tui.store.errors import StaleRecord, StoreError
from tui.store.store import Store
from tui.widgets.form import Field, FormScreen
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


class GoalRatingForm(FormScreen):
    """The shared form; its own type so its long labels (whole goals) can wrap."""


class RatingsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="ratings.close"),
        # Priority, so that the footer shows it over the table's own (hidden) enter.
        Binding("enter", "rate", N_("Rate"), id="ratings.rate", priority=True),
    ]

    def __init__(self, store: Store, course_id: str) -> None:
        super().__init__(classes="ratings-screen")
        translate_bindings(self)
        self.store = store
        self.course_id = course_id
        self.goals: list[LearningGoal] = []
        self.people: list[tuple[str, str]] = []
        self.ratings: list[GoalRating] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Each participant rates every learning goal from {low} to {high} "
                       "({high} is best). Move to Before or After and press enter.").format(
            low=RATING_MIN, high=RATING_MAX), id="ratings-hint")
        yield RecordTable(PEOPLE_COLUMNS, id="ratings-people")
        yield Label(_("Change per learning goal (only those who rated both)"),
                    classes="section-title")
        yield RecordTable(CHANGE_COLUMNS, id="ratings-changes")
        yield Static("", id="ratings-empty", classes="message")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#ratings-people", RecordTable)
        table.cursor_type = "cell"
        self._reload()
        table.focus()
        # On the first stage, not the name, so enter opens a form straight away; after
        # the refresh, since the table lays out its columns once it knows its width.
        self.call_after_refresh(table.move_cursor, column=1, animate=False)

    def _reload(self) -> None:
        try:
            course = self.store.courses.get(self.course_id)
            programme = self.store.programmes.find(course.programme_id)
            self.people = participants(self.store, self.course_id)
            self.ratings = self.store.ratings(self.course_id).all()
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            return
        self.sub_title = _("Learning goals: {course}").format(course=course.name)
        self.goals = [g for g in (programme.learning_goals if programme else [])
                      if g.audience == course.audience]
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
            mine = {r.goal_key: r for r in self.ratings if r.person_id == pid}
            rows.append((pid, (escape(name), *(self._count(mine, keys, when) for when in WHEN))))
        table = self.query_one("#ratings-people", RecordTable)
        # Refilling puts the cursor in the first column; it stays in Before or After.
        column = table.cursor_coordinate.column
        table.show_rows(rows)
        table.move_cursor(column=column, animate=False)
        changes = rating_changes(r for r in self.ratings if r.goal_key in keys)
        self.query_one("#ratings-changes", RecordTable).show_rows(
            (goal.key, (escape(f"{n}. {goal.text}"),
                        *((number(c.mean_before), number(c.mean_after),
                           number(c.delta, sign=True), c.n) if (c := changes.get(goal.key))
                          else ("–", "–", "–", 0))))
            for n, goal in enumerate(self.goals, start=1))

    @staticmethod
    def _count(mine: dict[str, GoalRating], keys: list[str], when: str) -> str:
        rated = sum(1 for k in keys if k in mine and getattr(mine[k], when) is not None)
        if rated == len(keys):
            return "✓"
        return f"{rated}/{len(keys)}" if rated else "–"

    @on(DataTable.CellSelected, "#ratings-people")
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
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
            mine = {r.goal_key: r for r in self.ratings if r.person_id == pid}
            keys = [g.key for g in self.goals]
            when = "after" if self._count(mine, keys, "before") == "✓" else "before"
        else:
            when = WHEN[min(column, 2) - 1]
        self._rate(pid, when)

    @work(group="ratings-form")
    async def _rate(self, person_id: str, when: str) -> None:
        name = dict(self.people).get(person_id, person_id)
        title = (_("Before the course: {name} rates each goal ({low} to {high})")
                 if when == "before" else
                 _("After the course: {name} rates each goal ({low} to {high})")).format(
            name=escape(name), low=RATING_MIN, high=RATING_MAX)
        typed: dict[str, int | None] | None = None
        while True:
            mine = {r.goal_key: r for r in self.ratings if r.person_id == person_id}
            start = typed if typed is not None else {
                k: getattr(r, when) for k, r in mine.items()}
            values = await self.app.push_screen_wait(GoalRatingForm(title, [
                Field(goal.key, escape(f"{n}. {goal.text}"), _optional_rating,
                      value="" if start.get(goal.key) is None else str(start[goal.key]),
                      placeholder=f"{RATING_MIN}-{RATING_MAX}")
                for n, goal in enumerate(self.goals, start=1)]))
            if values is None:
                return
            typed = values
            try:
                self._save(person_id, when, values, mine)
            except StaleRecord as error:
                self.notify(str(error) + " " + _("Your ratings are shown again; save to "
                                                 "replace theirs."),
                            severity="warning", timeout=15, markup=False)
                self._reload()
                continue
            except StoreError as error:
                self.notify(str(error), severity="error", timeout=15, markup=False)
            self._reload()
            return

    def _save(self, person_id: str, when: str, values: dict[str, int | None],
              mine: dict[str, GoalRating]) -> None:
        repo = self.store.ratings(self.course_id)
        with self.store.transaction():
            for key, value in values.items():
                rating = mine.get(key)
                if rating is None:
                    if value is not None:
                        repo.add(GoalRating(course_id=self.course_id, person_id=person_id,
                                            goal_key=key, **{when: value}))
                elif getattr(rating, when) != value:
                    setattr(rating, when, value)
                    repo.save(rating, expected_version=rating.version)

    def action_close(self) -> None:
        self.app.pop_screen()
