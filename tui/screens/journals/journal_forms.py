"""What the journal screen writes: entries (in the editor), goals and their evaluations,
and deleting an entry or a goal.

Forms save while open, in a worker thread, and an edit of a goal someone else changed
meanwhile shows their change field by field (``Editing``). After a write the screen
reads the course's file again, so it shows what was stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from tui.domain.journals import GoalOutcome, Journal, JournalEntry, JournalGoal, Phase
from tui.domain.parse import Parsed, format_date, parse_name
from tui.i18n import N_, _
from tui.screens.base import dialog_flow
from tui.screens.journals.entry import EntryScreen
from tui.screens.journals.reading import COURSE_FILE, JournalData, Parts
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Editing, Field, FormScreen, PromptScreen
from tui.widgets.keys import key_for

if TYPE_CHECKING:
    from tui.store.store import Store

GOAL_MAX_LENGTH = 500


def _parse_goal(text: str) -> Parsed[str]:
    return parse_name(text, N_("The goal"), max_length=GOAL_MAX_LENGTH)


class JournalForms:
    """The journal screen's actions that write (mixed into ``JournalScreen``)."""

    app: Any
    store: Store
    course_id: str
    journal_id: str
    data: JournalData
    journal: Journal | None
    cycle: int
    phase: Phase
    focus_key: str | None
    notify: Any
    run_store: Any
    query_one: Any
    reread: Callable[[Parts], None]
    cycle_goals: Callable[..., list[JournalGoal]]
    goal: Callable[[str], JournalGoal | None]
    _show: Callable[[], Any]

    def _highlighted(self) -> object:
        from tui.screens.journals.journal import PhaseList

        return self.query_one(PhaseList).highlighted_child

    # -- entries ----------------------------------------------------------------------------

    def action_new_entry(self) -> None:
        self._open_editor(None)

    def action_edit(self) -> None:
        from tui.screens.journals.journal import EntryItem, GoalItem

        item = self._highlighted()
        if isinstance(item, EntryItem):
            self._open_editor(item.entry)
        elif isinstance(item, GoalItem):
            if self.phase is Phase.EVALUATION:
                self._evaluate([item.goal], chain=False)
            else:
                self._edit_goal(item.goal)
        elif self.journal is not None:
            self.notify(_("Nothing chosen: write a new entry with {key}.").format(
                key=key_for(self.app.screen, "journal.new_entry")), timeout=4, markup=False)

    def _open_editor(self, entry: JournalEntry | None) -> None:
        journal, data = self.journal, self.data
        if journal is None:
            return
        if entry is None:
            entry = JournalEntry(course_id=self.course_id, journal_id=self.journal_id,
                                 phase=self.phase, cycle=self.cycle, date=dt.date.today(),
                                 author=data.names.get(journal.person_id or "", ""))
            link = data.days.around(entry.date)
            if link is not None:
                entry.session_id, entry.in_practice_period = link.session_id, link.practice
        members = [data.names[m] for m in journal.member_ids if m in data.names]

        def closed(entry_id: str | None) -> None:
            # The screen reads the course again on coming back: the cursor goes there.
            if entry_id:
                self.focus_key = f"e:{entry_id}"

        self.app.push_screen(EntryScreen(entry, data.days, members=members), closed)

    # -- goals ------------------------------------------------------------------------------

    def _goal_editing(self, goal: JournalGoal, apply: Callable[[JournalGoal, dict[str, Any]],
                                                               JournalGoal],
                      values: Callable[[JournalGoal], dict[str, Any]]) -> Editing[JournalGoal]:
        repo = self.store.journal_goals(self.course_id)
        return Editing(
            _("The goal"), goal,
            save=lambda typed, base: repo.save(apply(base, typed),
                                               expected_version=base.version),
            reread=lambda: repo.find(goal.id), values=values)

    @dialog_flow
    async def action_add_goal(self) -> None:
        repo = self.store.journal_goals(self.course_id)
        goal = JournalGoal(course_id=self.course_id, journal_id=self.journal_id,
                           cycle=self.cycle, text="")
        form = PromptScreen(
            _("New goal in cycle {n}").format(n=self.cycle),
            [Field("text", _("Goal"), _parse_goal, required=True,
                   placeholder=_("A concrete goal that can be evaluated"))],
            save=lambda values: repo.add(dataclasses.replace(goal, text=values["text"])))
        if await self.app.push_screen_wait(form) is None:
            return
        if isinstance(form.saved, JournalGoal):
            if self.phase not in (Phase.GOALS, Phase.EVALUATION):
                self.phase = Phase.GOALS
            self.focus_key = f"g:{form.saved.id}"
            self.reread(COURSE_FILE)

    @dialog_flow
    async def _edit_goal(self, goal: JournalGoal) -> None:
        form = PromptScreen(
            _("Goal in cycle {n}").format(n=goal.cycle),
            [Field("text", _("Goal"), _parse_goal, value=goal.text, required=True)],
            editing=self._goal_editing(
                goal, lambda base, typed: dataclasses.replace(base, text=typed["text"]),
                lambda g: {"text": g.text}))
        await self.app.push_screen_wait(form)
        self.focus_key = f"g:{goal.id}"
        self.reread(COURSE_FILE)

    def action_evaluate(self) -> None:
        from tui.screens.journals.journal import GoalItem

        goals = self.cycle_goals()
        if not goals:
            self.notify(_("Cycle {n} has no goals yet: add them in phase 3 with {key}.")
                        .format(n=self.cycle,
                                key=key_for(self.app.screen, "journal.add_goal")),
                        severity="warning", markup=False)
            return
        item = self._highlighted()
        if isinstance(item, GoalItem) and self.phase is Phase.EVALUATION:
            start = [g.id for g in goals].index(item.goal.id)
            chosen = goals[start:] + goals[:start]
        else:
            chosen = [g for g in goals if g.outcome is None] or goals
        self._evaluate(chosen, chain=True)

    @dialog_flow
    async def _evaluate(self, goals: list[JournalGoal], chain: bool) -> None:
        """Ask for each goal's evaluation in turn; escape stops."""
        if self.phase is not Phase.EVALUATION:
            self.phase = Phase.EVALUATION
            await self._show()
        numbers = {g.id: n for n, g in enumerate(self.cycle_goals(goals[0].cycle), start=1)}
        outcome_choices = [(o.label, o.value) for o in GoalOutcome]

        def apply(base: JournalGoal, typed: dict[str, Any]) -> JournalGoal:
            return dataclasses.replace(base, outcome=GoalOutcome(typed["outcome"]),
                                       comment=typed["comment"] or "")

        def values(goal: JournalGoal) -> dict[str, Any]:
            return {"outcome": goal.outcome.value if goal.outcome else "",
                    "comment": goal.comment}

        for index, goal in enumerate(goals if chain else goals[:1]):
            current = self.goal(goal.id)
            # The chosen goal is asked even if evaluated (to change it); the rest only
            # while they still lack an evaluation.
            if current is None or (index > 0 and current.outcome is not None):
                continue
            start = values(current)
            form = FormScreen(
                _("Evaluate goal {n}: {text}").format(n=numbers.get(goal.id, "?"),
                                                      text=escape(current.text)),
                [Field("outcome", _("Was the goal reached?"), choices=outcome_choices,
                       value=start["outcome"], required=True),
                 Field("comment", _("What shows it? (observations, examples)"),
                       value=start["comment"], multiline=True)],
                editing=self._goal_editing(current, apply, values))
            if await self.app.push_screen_wait(form) is None:
                break
            saved = form.saved
            if isinstance(saved, JournalGoal):
                # The chain goes on from what was stored, before the screen reads again.
                self.data = dataclasses.replace(self.data, goals=[
                    saved if g.id == saved.id else g for g in self.data.goals])
                self.focus_key = f"g:{saved.id}"
        self.reread(COURSE_FILE)
        goals_now = self.cycle_goals()
        if goals_now and all(g.outcome is not None for g in goals_now):
            self.notify(_("All goals of cycle {n} are evaluated. Sum up with {key}.").format(
                n=self.cycle, key=key_for(self.app.screen, "journal.new_entry")),
                timeout=6, markup=False)

    # -- deleting ---------------------------------------------------------------------------

    @dialog_flow
    async def action_delete(self) -> None:
        from tui.screens.journals.journal import EntryItem, GoalItem

        item = self._highlighted()
        cid = self.course_id
        repo: Any
        if isinstance(item, EntryItem):
            question = _("Delete this entry from {date}? It cannot be undone.").format(
                date=format_date(item.entry.date) if item.entry.date else _("undated"))
            repo, record_id = self.store.journal_entries(cid), item.entry.id
        elif isinstance(item, GoalItem):
            question = _("Delete the goal “{text}” and its evaluation? It cannot be "
                         "undone.").format(text=escape(item.goal.text))
            repo, record_id = self.store.journal_goals(cid), item.goal.id
        else:
            return
        if not await self.app.push_screen_wait(ConfirmScreen(
                question, yes=_("Delete"), no=_("Keep"), danger=True)):
            return
        self.run_store(lambda: repo.delete(record_id), lambda _gone: self.reread(COURSE_FILE),
                       group="journal-write", exclusive=False)
