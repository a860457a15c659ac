"""One action-learning journal: the nine phases as a stepper, cycle by cycle, with its
goals (set in phase 3, evaluated in phase 8).

This module reads, shows and moves between phases and cycles; what the journal screen
writes (entries, goals, evaluations, deleting) is in ``journal_forms``, and the entry
editor in ``entry``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, ListItem, ListView, Static

from tui.domain.journaling import (
    EVALUATION_PREFIX,
    GOAL_PREFIX,
    can_start_new_cycle,
    goals_lacking_evaluation,
    journal_progress,
)
from tui.domain.journals import GoalOutcome, Journal, JournalEntry, JournalGoal, Phase
from tui.i18n import N_, _
from tui.screens import live
from tui.screens.journals.common import CourseJournalScreen
from tui.screens.journals.journal_forms import JournalForms
from tui.screens.journals.naming import CourseDays, entry_heading, goal_summary, owner_label
from tui.screens.journals.reading import EVERYTHING, JournalData, Parts
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.phase_stepper import PhaseStepper
from tui.widgets.type_ahead import FollowsFocus

OUTCOME_BOXES = {
    GoalOutcome.REACHED: "[✓]",
    GoalOutcome.PARTLY: "[~]",
    GoalOutcome.NOT_REACHED: "[✗]",
    None: "[ ]",
}


class GoalItem(ListItem):
    def __init__(self, goal: JournalGoal, number: int, *, evaluation: bool) -> None:
        self.goal = goal
        self.key = f"g:{goal.id}"
        text = Text()
        outcome = GoalOutcome(goal.outcome) if goal.outcome is not None else None
        text.append(f"{OUTCOME_BOXES[outcome]} ", style="bold")
        text.append(_("Goal {n}: ").format(n=number), style="bold")
        text.append(goal.text)
        # Phase 3 is a checklist; phase 8 shows each evaluation under its goal.
        if evaluation and outcome is not None:
            text.append("\n    " + outcome.label, style="bold")
            if goal.comment.strip():
                text.append(" – " + " ".join(goal.comment.split()))
        elif evaluation:
            text.append("\n    " + _("Not evaluated yet"), style="italic")
        super().__init__(Static(text), classes="goal-item")


class EntryItem(ListItem):
    def __init__(self, entry: JournalEntry, days: CourseDays) -> None:
        self.entry = entry
        self.key = f"e:{entry.id}"
        text = Text(entry_heading(entry, days), style="bold")
        body = entry.text.strip()
        text.append("\n" + (body or _("(no text)")), style="" if body else "italic")
        super().__init__(Static(text), classes="entry-item")


class PhaseList(FollowsFocus, ListView):
    """The goals and entries of the phase shown.

    Its keys are bindings of the list itself, not priority keys of the screen: they then
    run in the order they were typed, after the moves before them (a priority key would
    overtake keys still queued for the list)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.edit", show=False, id="journal.open_item"),
        # Phases sideways: the list never scrolls sideways (its lines wrap).
        Binding("right,right_square_bracket", "screen.phase(1)", N_("Phases"),
                id="journal.next_phase", key_display="←→"),
        Binding("left,left_square_bracket", "screen.phase(-1)", N_("Previous phase"),
                id="journal.prev_phase", show=False),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        translate_bindings(self)


class JournalScreen(JournalForms, CourseJournalScreen):
    """A journal one phase at a time; ``entry_id`` opens on that entry (from a search)."""

    AUTO_FOCUS = "#phase-items"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Escape is what leaves every screen: ? lists it, the footer keeps its room.
        Binding("escape", "close", N_("Back"), id="journal.close", show=False),
        Binding("n", "new_entry", N_("Write"), id="journal.new_entry"),
        Binding("e", "edit", N_("Edit"), id="journal.edit"),
        Binding("g", "add_goal", N_("New goal"), id="journal.add_goal"),
        Binding("v", "evaluate", N_("Evaluate"), id="journal.evaluate"),
        # The line under the list says when phase 9 makes a new cycle possible, and
        # with which key: 80 columns are few.
        Binding("c", "new_cycle", N_("New cycle"), id="journal.new_cycle", show=False),
        Binding("delete", "delete", N_("Delete"), id="journal.delete", show=False),
        # In the footer once there is another cycle to go to.
        Binding("greater_than_sign", "cycle(1)", N_("Cycles"), id="journal.next_cycle",
                key_display="<>"),
        Binding("less_than_sign", "cycle(-1)", N_("Previous cycle"),
                id="journal.prev_cycle", show=False),
    ]

    def __init__(self, course_id: str, journal_id: str, *,
                 entry_id: str | None = None) -> None:
        super().__init__(course_id, classes="journal-screen")
        translate_bindings(self)
        self.journal_id = journal_id
        self.data = JournalData(course_id, journal_id)
        self.cycle = 1
        self.phase = Phase.WONDER
        self.focus_key: str | None = f"e:{entry_id}" if entry_id else None
        self._start_entry = entry_id
        self._showing = asyncio.Lock()
        # What each line shows now: a line is repainted only when its text changes.
        self._lines: dict[str, object] = {}
        self._items: tuple[object, ...] | None = None

    # The parts of the journal, as read last.
    @property
    def journal(self) -> Journal | None:
        return self.data.journal

    @property
    def entries(self) -> list[JournalEntry]:
        return self.data.entries

    @property
    def goals(self) -> list[JournalGoal]:
        return self.data.goals

    @property
    def names(self) -> dict[str, str]:
        return self.data.names

    @property
    def days(self) -> CourseDays:
        return self.data.days

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="journal-head")
        yield PhaseStepper(id="journal-stepper")
        yield Static("", id="phase-question")
        yield Static("", id="phase-summary")
        yield PhaseList(id="phase-items")
        yield Static("", id="phase-empty", classes="quiet")
        yield Static("", id="journal-status")
        yield KeyFooter(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        self.typeahead.focus(self.query_one(PhaseList))
        store, data = self.store, self.data
        fresh = await self.first_read(lambda: data.read(store, EVERYTHING))
        if fresh is None:
            return
        self.data = fresh
        if not self._still_there():
            return
        self._choose_start()
        await self._show()

    # -- reading ----------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        self.reread(self.parts(changes))

    def reread(self, parts: Parts) -> None:
        self.read_again(parts, self.data, self._read)

    def _read(self, data: JournalData) -> None:
        self.data = data
        if self._still_there():
            self.run_worker(self._show(), group="journal-show")

    def _still_there(self) -> bool:
        if self.journal is not None:
            return True
        self.notify(_("This journal has been deleted."), severity="warning", markup=False)
        self.dismiss()
        return False

    def _choose_start(self) -> None:
        if self._start_entry:
            entry = next((e for e in self.entries if e.id == self._start_entry), None)
            if entry is not None:
                self.cycle, self.phase = entry.cycle, Phase(entry.phase)
                return
            # A search hit in a goal or its evaluation opens on phase 3 or 8.
            for prefix, phase in ((GOAL_PREFIX, Phase.GOALS),
                                  (EVALUATION_PREFIX, Phase.EVALUATION)):
                goal_id = self._start_entry.removeprefix(prefix)
                goal = next((g for g in self.goals if g.id == goal_id), None)
                if self._start_entry.startswith(prefix) and goal is not None:
                    self.cycle, self.phase = goal.cycle, phase
                    return
        # Entries only: the goals tick phases 3 and 8, but the writer left off where they
        # last wrote: the furthest phase written in the latest cycle.
        progress = journal_progress(self.journal_id, self.entries)
        self.cycle = max(self.cycles())
        self.phase = progress.cycle(self.cycle).highest or Phase.WONDER

    def cycles(self) -> list[int]:
        found = {e.cycle for e in self.entries} | {g.cycle for g in self.goals}
        return sorted(found | {self.cycle})

    def cycle_goals(self, cycle: int | None = None) -> list[JournalGoal]:
        wanted = self.cycle if cycle is None else cycle
        goals = [g for g in self.goals if g.cycle == wanted]
        # Stamps are to the second: two goals set in one second keep the order they
        # were stored in (the file's), not the order of their random ids.
        return sorted(goals, key=lambda g: g.created_at)

    def phase_entries(self) -> list[JournalEntry]:
        found = [e for e in self.entries if e.cycle == self.cycle and e.phase == self.phase]
        return sorted(found, key=lambda e: (e.date or dt.date.min, e.created_at))

    def goal(self, goal_id: str) -> JournalGoal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    # -- showing ----------------------------------------------------------------------------

    async def _show(self) -> None:
        # Rebuilding the list awaits; two rebuilds at once would interleave their items.
        async with self._showing:
            await self._show_now()

    async def _show_now(self) -> None:
        journal = self.journal
        # After waiting for a rebuild before it, the screen may be on its way out.
        if journal is None or self.gone:
            return
        self.show_course(self.data.course)
        progress = journal_progress(self.journal_id, self.entries, self.goals)
        head = Text(no_wrap=True, overflow="ellipsis")
        # The cycle and the owner first: a long title is what the line may lose.
        head.append(_("Cycle {n} of {total}").format(n=self.cycle, total=max(self.cycles()))
                    + " · ", style="bold")
        head.append(owner_label(journal, self.names))
        if journal.title:
            head.append(" · " + journal.title, style="bold")
        self._line("#journal-head", head)
        self.query_one(PhaseStepper).show(self.phase, progress.cycle(self.cycle).phases)
        question = Text()
        question.append(f"{int(self.phase)}. {self.phase.label}: ", style="bold")
        question.append(self.phase.question)
        self._line("#phase-question", question)

        goals = self.cycle_goals()
        summary = self.query_one("#phase-summary", Static)
        summary.display = self.phase is Phase.EVALUATION and bool(goals)
        if summary.display:
            self._line("#phase-summary", Text(_("Summary: ") + goal_summary(goals),
                                              style="bold"))
        await self._show_items(goals)
        if self.gone:
            return
        self._line("#journal-status", self._status_text())
        self.refresh_bindings()

    async def _show_items(self, goals: list[JournalGoal]) -> None:
        items: list[ListItem] = []
        if self.phase in (Phase.GOALS, Phase.EVALUATION):
            evaluation = self.phase is Phase.EVALUATION
            items += [GoalItem(g, n, evaluation=evaluation)
                      for n, g in enumerate(goals, start=1)]
        items += [EntryItem(e, self.days) for e in self.phase_entries()]
        view = self.query_one(PhaseList)
        keep = self.focus_key or self._highlighted_key()
        self.focus_key = None
        keys = [getattr(item, "key", "") for item in items]
        # What the items show; when someone's change elsewhere in the course (a mark, a
        # day of another's) left this phase as it was, nothing is rebuilt or repainted.
        shown = (self.phase, self.days.signature(),
                 tuple(zip(keys, map(_version, items), strict=True)))
        if shown != self._items:
            self._items = shown
            await view.clear()
            await view.extend(items)
            if self.gone:
                return
        if items and view.index != (at := keys.index(keep) if keep in keys else 0):
            view.index = at
        empty = self.query_one("#phase-empty", Static)
        empty.display = not items
        self._line("#phase-empty", self._empty_text())

    def _line(self, selector: str, content: str | Text) -> None:
        plain = (content.plain, str(content.spans)) if isinstance(content, Text) else content
        if self._lines.get(selector) != plain:
            self._lines[selector] = plain
            self.query_one(selector, Static).update(content)

    def _highlighted_key(self) -> str | None:
        item = self.query_one(PhaseList).highlighted_child
        return getattr(item, "key", None)

    def _empty_text(self) -> str:
        if self.phase is Phase.GOALS:
            return _("No goals in this cycle yet. Press {goal} to add one, {new} to write "
                     "an entry.").format(goal=key_for(self, "journal.add_goal"),
                                         new=key_for(self, "journal.new_entry"))
        return _("Nothing written in this phase yet. Press {new} to write.").format(
            new=key_for(self, "journal.new_entry"))

    def _status_text(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        lacking = goals_lacking_evaluation(self.goals)
        if lacking:
            parts = [_("{n} in cycle {cycle}").format(n=len(goals), cycle=cycle)
                     for cycle, goals in lacking.items()]
            text.append(_("Goals without an evaluation: ") + ", ".join(parts), style="bold")
        elif self.goals:
            text.append(_("Every goal is evaluated."))
        if self._may_start_cycle():
            if text:
                text.append(" · ")
            text.append(_("Phase 9 is written: {key} starts a new cycle.").format(
                key=key_for(self, "journal.new_cycle")))
        return text

    # -- moving -----------------------------------------------------------------------------

    async def action_phase(self, step: int) -> None:
        target = int(self.phase) + step
        if self.journal is None or not Phase.WONDER <= target <= Phase.IMPLEMENTATION:
            return
        self.phase = Phase(target)
        await self._show()

    async def action_cycle(self, step: int) -> None:
        cycles = self.cycles()
        at = cycles.index(self.cycle) + step
        if not 0 <= at < len(cycles):
            self.notify(_("There is no other cycle that way."), timeout=3, markup=False)
            return
        self.cycle = cycles[at]
        await self._show()

    def _may_start_cycle(self) -> bool:
        progress = journal_progress(self.journal_id, self.entries, self.goals)
        return can_start_new_cycle(progress) and progress.current_cycle == max(self.cycles())

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action == "new_cycle":
            return self._may_start_cycle()
        if action == "cycle" and parameters == (1,):
            return len(self.cycles()) > 1
        return True

    async def action_new_cycle(self) -> None:
        latest = max(self.cycles())
        if not self._may_start_cycle():
            self.notify(_("A new cycle starts from what the last one put into practice: "
                          "write phase 9 (implementation) of cycle {n} first.").format(
                n=latest), severity="warning", markup=False)
            return
        self.cycle, self.phase = latest + 1, Phase.WONDER
        await self._show()
        self.notify(_("Cycle {n} begins with a new wonder.").format(n=self.cycle), markup=False)
        self.action_new_entry()

    def action_close(self) -> None:
        self.dismiss()


def _version(item: ListItem) -> int:
    """Each change of a record makes a new version of it, and a new look."""
    if isinstance(item, GoalItem):
        return item.goal.version
    if isinstance(item, EntryItem):
        return item.entry.version
    return 0
