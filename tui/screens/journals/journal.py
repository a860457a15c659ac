"""One action-learning journal: the nine phases as a stepper, cycle by cycle, with its
goals (set in phase 3, evaluated in phase 8) and an entry editor that saves as you type."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, ListItem, ListView, Select, Static, TextArea

from tui.domain.courses import Session, SessionStatus
from tui.domain.journaling import (
    EVALUATION_PREFIX,
    GOAL_PREFIX,
    can_start_new_cycle,
    goals_lacking_evaluation,
    journal_progress,
)
from tui.domain.journals import (
    DocMethod,
    GoalOutcome,
    Journal,
    JournalEntry,
    JournalGoal,
    Phase,
)
from tui.domain.parse import Parsed, format_date, parse_date, parse_name
from tui.i18n import N_, _, ngettext
from tui.store.errors import RecordNotFound, StaleRecord, StoreError
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Field, FormScreen, PromptScreen
from tui.widgets.keys import translate_bindings
from tui.widgets.phase_stepper import PhaseStepper

# Long enough not to write on every key, short enough that a dropped SSH connection
# (a killed process) loses at most this much typing.
AUTOSAVE_SECONDS = 2.0
GOAL_MAX_LENGTH = 500
# A choice of "no session" in a Select must still be a value.
NO_LINK = ""

OUTCOME_BOXES = {
    GoalOutcome.REACHED: "[✓]",
    GoalOutcome.PARTLY: "[~]",
    GoalOutcome.NOT_REACHED: "[✗]",
    None: "[ ]",
}


# --- names and labels ---------------------------------------------------------------------


def owner_label(journal: Journal, names: dict[str, str]) -> str:
    """Who keeps the journal: a participant's name, or the PLF group and its size."""
    if journal.person_id:
        return names.get(journal.person_id, _("(unknown participant)"))
    group = journal.group_name
    # Groups are often named "PLF ..." already; "PLF: PLF ..." would say it twice.
    if not group.casefold().startswith(("plf", "pl-f")):
        group = _("PLF: {group}").format(group=group)
    return f"{group} ({len(journal.member_ids)})"


def journal_title(journal: Journal, names: dict[str, str]) -> str:
    return journal.title or _("Journal: {owner}").format(owner=owner_label(journal, names))


def cycle_text(n: int) -> str:
    return _("cycle {n}").format(n=n)


def now_text() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


@dataclass(frozen=True, slots=True)
class SessionLink:
    """A session day or the practice period after it, as an entry can be linked."""

    session_id: str
    practice: bool

    @property
    def value(self) -> str:
        return f"{self.session_id}|{'after' if self.practice else 'day'}"

    @classmethod
    def parse(cls, value: object) -> SessionLink | None:
        if not isinstance(value, str) or "|" not in value:
            return None
        session_id, kind = value.rsplit("|", 1)
        return cls(session_id, kind == "after")


class CourseDays:
    """The course's session days, numbered as participants count them."""

    def __init__(self, sessions: Sequence[Session]) -> None:
        # Postponed and cancelled days are history: a day that happened replaced them.
        held = [s for s in sessions
                if s.status not in (SessionStatus.POSTPONED, SessionStatus.CANCELLED)]
        self.days = sorted(held, key=lambda s: (s.date, s.start or dt.time()))
        self.number = {s.id: i for i, s in enumerate(self.days, start=1)}
        self.by_id = {s.id: s for s in sessions}

    def label(self, link: SessionLink) -> str:
        session = self.by_id.get(link.session_id)
        if session is None:
            return _("a session that was deleted")
        n = self.number.get(session.id)
        date = format_date(session.date)
        if n is None:
            if link.practice:
                return _("practice period after {date}").format(date=date)
            return date
        if link.practice:
            return _("practice period after day {n} ({date})").format(n=n, date=date)
        return _("day {n} ({date})").format(n=n, date=date)

    def choices(self, keep: SessionLink | None = None) -> list[tuple[str, str]]:
        links = [SessionLink(s.id, practice) for s in self.days for practice in (False, True)]
        if keep is not None and keep not in links:
            links.insert(0, keep)
        return [(self.label(link).capitalize(), link.value) for link in links]

    def around(self, date: dt.date | None) -> SessionLink | None:
        """The day itself on a session date, else the practice period after the last one."""
        if date is None:
            return None
        before = [s for s in self.days if s.date <= date]
        if not before:
            return None
        last = before[-1]
        return SessionLink(last.id, practice=last.date != date)


def entry_heading(entry: JournalEntry, days: CourseDays) -> str:
    parts = [format_date(entry.date) if entry.date else _("undated")]
    if entry.method is not None:
        parts.append(DocMethod(entry.method).label)
    if entry.author:
        parts.append(entry.author)
    if entry.session_id:
        parts.append(days.label(SessionLink(entry.session_id, entry.in_practice_period)))
    return " · ".join(parts)


def goal_summary(goals: Sequence[JournalGoal]) -> str:
    counts = {outcome: sum(1 for g in goals if g.outcome is outcome)
              for outcome in (*GoalOutcome, None)}
    return ngettext("{reached} of {total} goal reached, {partly} partly, {not_reached} not "
                    "reached, {open} without an evaluation.",
                    "{reached} of {total} goals reached, {partly} partly, {not_reached} not "
                    "reached, {open} without an evaluation.", len(goals)).format(
        reached=counts[GoalOutcome.REACHED], total=len(goals),
        partly=counts[GoalOutcome.PARTLY], not_reached=counts[GoalOutcome.NOT_REACHED],
        open=counts[None])


# --- the list of a phase -------------------------------------------------------------------


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


# --- the journal ---------------------------------------------------------------------------


class JournalScreen(Screen[None]):
    """A journal one phase at a time; ``entry_id`` opens on that entry (from a search)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="journal.close"),
        # Priority: the list would otherwise take left and right to scroll sideways,
        # which it never needs (its lines wrap).
        Binding("right,right_square_bracket", "phase(1)", N_("Phases"),
                id="journal.next_phase", key_display="←→", priority=True),
        Binding("left,left_square_bracket", "phase(-1)", N_("Previous phase"),
                id="journal.prev_phase", show=False, priority=True),
        Binding("n", "new_entry", N_("New entry"), id="journal.new_entry"),
        Binding("e", "edit", N_("Edit"), id="journal.edit"),
        Binding("g", "add_goal", N_("New goal"), id="journal.add_goal"),
        Binding("v", "evaluate", N_("Evaluate"), id="journal.evaluate"),
        Binding("c", "new_cycle", N_("New cycle"), id="journal.new_cycle"),
        Binding("delete", "delete", N_("Delete"), id="journal.delete"),
        Binding("greater_than_sign", "cycle(1)", N_("Cycles"), id="journal.next_cycle",
                key_display="<>"),
        Binding("less_than_sign", "cycle(-1)", N_("Previous cycle"),
                id="journal.prev_cycle", show=False),
    ]

    def __init__(self, store: Store, course_id: str, journal_id: str, *,
                 entry_id: str | None = None) -> None:
        super().__init__(classes="journal-screen")
        translate_bindings(self)
        self.store = store
        self.course_id = course_id
        self.journal_id = journal_id
        self.journal: Journal | None = None
        self.entries: list[JournalEntry] = []
        self.goals: list[JournalGoal] = []
        self.names: dict[str, str] = {}
        self.days = CourseDays([])
        self.cycle = 1
        self.phase = Phase.WONDER
        self._focus_key: str | None = f"e:{entry_id}" if entry_id else None
        self._start_entry = entry_id
        self._seen: object = None
        self._showing = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="journal-head")
        yield PhaseStepper(id="journal-stepper")
        yield Static("", id="phase-question")
        yield Static("", id="phase-summary")
        yield ListView(id="phase-items")
        yield Static("", id="phase-empty", classes="quiet")
        yield Static("", id="journal-status")
        yield Footer(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        if not self._load():
            return
        self._choose_start()
        await self._show()
        self.set_interval(getattr(self.app, "poll_interval", 2.0), self._poll)

    async def on_screen_resume(self) -> None:
        if self.journal is not None:
            await self._reload()

    async def _reload(self) -> None:
        if self._load():
            await self._show()

    # -- reading ----------------------------------------------------------------------------

    def _load(self) -> bool:
        cid = self.course_id
        try:
            self._seen = self.store.revision(cid)
            journal = self.store.journals(cid).find(self.journal_id)
            if journal is None:
                self.notify(_("This journal has been deleted."), severity="warning", markup=False)
                self.app.pop_screen()
                return False
            self.journal = journal
            self.entries = self.store.journal_entries(cid).where(journal_id=self.journal_id)
            self.goals = self.store.journal_goals(cid).where(journal_id=self.journal_id)
            self.days = CourseDays(self.store.sessions(cid).all())
            self.names = {pid: p.name for pid, p in self.store.course_people(cid).items()}
            course = self.store.courses.find(cid)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            return False
        self.sub_title = course.name if course else ""
        return True

    def _poll(self) -> None:
        # Another user's (or another window's) change shows up without reopening.
        if self.app.screen is not self:
            return
        if self.store.revision(self.course_id) != self._seen and self._load():
            self.run_worker(self._show(), group="journal-show")

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
        # last wrote.
        progress = journal_progress(self.journal_id, self.entries)
        self.cycle = max(self.cycles())
        current = progress.cycle(self.cycle)
        # Where the writer left off: the furthest phase written in the latest cycle.
        self.phase = current.highest or Phase.WONDER

    def cycles(self) -> list[int]:
        found = {e.cycle for e in self.entries} | {g.cycle for g in self.goals}
        return sorted(found | {self.cycle})

    def cycle_goals(self, cycle: int | None = None) -> list[JournalGoal]:
        wanted = self.cycle if cycle is None else cycle
        goals = [g for g in self.goals if g.cycle == wanted]
        return sorted(goals, key=lambda g: (g.created_at, g.id))

    def phase_entries(self) -> list[JournalEntry]:
        found = [e for e in self.entries if e.cycle == self.cycle and e.phase == self.phase]
        return sorted(found, key=lambda e: (e.date or dt.date.min, e.created_at, e.id))

    # -- showing ----------------------------------------------------------------------------

    async def _show(self) -> None:
        # Rebuilding the list awaits; two rebuilds at once would interleave their items.
        async with self._showing:
            await self._show_now()

    async def _show_now(self) -> None:
        journal = self.journal
        if journal is None:
            return
        progress = journal_progress(self.journal_id, self.entries, self.goals)
        cycles = self.cycles()
        head = Text(no_wrap=True, overflow="ellipsis")
        # The cycle and the owner first: a long title is what the line may lose.
        head.append(_("Cycle {n} of {total}").format(n=self.cycle, total=max(cycles)) + " · ",
                    style="bold")
        head.append(owner_label(journal, self.names))
        if journal.title:
            head.append(" · " + journal.title, style="bold")
        self.query_one("#journal-head", Static).update(head)
        self.query_one(PhaseStepper).show(self.phase, progress.cycle(self.cycle).phases)
        question = Text()
        question.append(f"{int(self.phase)}. {self.phase.label}: ", style="bold")
        question.append(self.phase.question)
        self.query_one("#phase-question", Static).update(question)

        goals = self.cycle_goals()
        summary = self.query_one("#phase-summary", Static)
        summary.display = self.phase is Phase.EVALUATION and bool(goals)
        if summary.display:
            summary.update(Text(_("Summary: ") + goal_summary(goals), style="bold"))

        items: list[ListItem] = []
        if self.phase in (Phase.GOALS, Phase.EVALUATION):
            evaluation = self.phase is Phase.EVALUATION
            items += [GoalItem(g, n, evaluation=evaluation)
                      for n, g in enumerate(goals, start=1)]
        items += [EntryItem(e, self.days) for e in self.phase_entries()]
        view = self.query_one("#phase-items", ListView)
        keep = self._focus_key or self._highlighted_key()
        self._focus_key = None
        await view.clear()
        await view.extend(items)
        keys = [getattr(item, "key", None) for item in items]
        if items:
            view.index = keys.index(keep) if keep in keys else 0
        empty = self.query_one("#phase-empty", Static)
        empty.display = not items
        empty.update(self._empty_text())
        self.query_one("#journal-status", Static).update(self._status_text())
        self.refresh_bindings()

    def _highlighted_key(self) -> str | None:
        item = self.query_one("#phase-items", ListView).highlighted_child
        return getattr(item, "key", None)

    def _empty_text(self) -> str:
        if self.phase is Phase.GOALS:
            return _("No goals in this cycle yet. Press {goal} to add one, {new} to write "
                     "an entry.").format(goal=self._key("journal.add_goal"),
                                         new=self._key("journal.new_entry"))
        return _("Nothing written in this phase yet. Press {new} to write.").format(
            new=self._key("journal.new_entry"))

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
                key=self._key("journal.new_cycle")))
        return text

    def _key(self, binding_id: str) -> str:
        keymap = getattr(self.app, "_keymap", {}) if self.is_attached else {}
        if keymap.get(binding_id):
            return self.app.get_key_display(Binding(keymap[binding_id].split(",")[0], ""))
        for key, bindings in self._bindings.key_to_bindings.items():
            for binding in bindings:
                if binding.id == binding_id:
                    return self.app.get_key_display(dataclasses.replace(binding, key=key,
                                                                        key_display=None))
        return ""

    # -- moving -----------------------------------------------------------------------------

    async def action_phase(self, step: int) -> None:
        target = int(self.phase) + step
        if not Phase.WONDER <= target <= Phase.IMPLEMENTATION:
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "New cycle" is in the footer only when it can be done: 80 columns are few, and
        # the line under the list says when phase 9 has made it possible.
        if action == "new_cycle":
            return self._may_start_cycle()
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

    # -- entries ----------------------------------------------------------------------------

    def action_new_entry(self) -> None:
        self._open_editor(None)

    def action_edit(self) -> None:
        item = self.query_one("#phase-items", ListView).highlighted_child
        if isinstance(item, EntryItem):
            self._open_editor(item.entry)
        elif isinstance(item, GoalItem):
            if self.phase is Phase.EVALUATION:
                self._evaluate([item.goal], chain=False)
            else:
                self._edit_goal(item.goal)
        else:
            self.notify(_("Nothing chosen: write a new entry with {key}.").format(
                key=self._key("journal.new_entry")), timeout=4, markup=False)

    @on(ListView.Selected, "#phase-items")
    def _selected(self, event: ListView.Selected) -> None:
        event.stop()
        self.action_edit()

    def _open_editor(self, entry: JournalEntry | None) -> None:
        journal = self.journal
        if journal is None:
            return
        if entry is None:
            entry = JournalEntry(course_id=self.course_id, journal_id=self.journal_id,
                                 phase=self.phase, cycle=self.cycle, date=dt.date.today(),
                                 author=self._default_author(journal))
            link = self.days.around(entry.date)
            if link is not None:
                entry.session_id, entry.in_practice_period = link.session_id, link.practice
        members = [self.names[m] for m in journal.member_ids if m in self.names]

        def closed(entry_id: str | None) -> None:
            if entry_id:
                self._focus_key = f"e:{entry_id}"
            self.run_worker(self._reload(), group="journal-show")

        self.app.push_screen(EntryScreen(self.store, entry, self.days, members=members),
                             closed)

    def _default_author(self, journal: Journal) -> str:
        if journal.person_id:
            return self.names.get(journal.person_id, "")
        return ""

    # -- goals ------------------------------------------------------------------------------

    @work(group="journal-form")
    async def action_add_goal(self) -> None:
        values = await self.app.push_screen_wait(PromptScreen(
            _("New goal in cycle {n}").format(n=self.cycle),
            [Field("text", _("Goal"), _parse_goal, required=True,
                   placeholder=_("A concrete goal that can be evaluated"))]))
        if values is None:
            return
        goal = JournalGoal(course_id=self.course_id, journal_id=self.journal_id,
                           cycle=self.cycle, text=values["text"])
        try:
            saved = self.store.journal_goals(self.course_id).add(goal)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            return
        if self.phase not in (Phase.GOALS, Phase.EVALUATION):
            self.phase = Phase.GOALS
        self._focus_key = f"g:{saved.id}"
        if self._load():
            await self._show()

    @work(group="journal-form")
    async def _edit_goal(self, goal: JournalGoal) -> None:
        text = goal.text
        while True:
            values = await self.app.push_screen_wait(PromptScreen(
                _("Goal in cycle {n}").format(n=goal.cycle),
                [Field("text", _("Goal"), _parse_goal, value=text, required=True)]))
            if values is None:
                return
            text = values["text"]
            current = self._goal(goal.id)
            if current is None:
                return
            if await self._save_goal(dataclasses.replace(current, text=text)) != "stale":
                return

    def _goal(self, goal_id: str) -> JournalGoal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    async def _save_goal(self, goal: JournalGoal) -> str:
        """"saved", "stale" (someone saved it meanwhile; ask again) or "failed"."""
        result = "saved"
        try:
            self.store.journal_goals(self.course_id).save(goal, expected_version=goal.version)
        except StaleRecord as error:
            self.notify(str(error) + " " + _("What you typed is shown again; save to "
                                             "replace their change."),
                        severity="warning", timeout=15, markup=False)
            result = "stale"
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            result = "failed"
        self._focus_key = f"g:{goal.id}"
        if self._load():
            await self._show()
        return result

    def action_evaluate(self) -> None:
        goals = self.cycle_goals()
        if not goals:
            self.notify(_("Cycle {n} has no goals yet: add them in phase 3 with {key}.")
                        .format(n=self.cycle, key=self._key("journal.add_goal")),
                        severity="warning", markup=False)
            return
        item = self.query_one("#phase-items", ListView).highlighted_child
        if isinstance(item, GoalItem) and self.phase is Phase.EVALUATION:
            start = [g.id for g in goals].index(item.goal.id)
            chosen = goals[start:] + goals[:start]
        else:
            chosen = [g for g in goals if g.outcome is None] or goals
        self._evaluate(chosen, chain=True)

    @work(group="journal-form")
    async def _evaluate(self, goals: list[JournalGoal], chain: bool) -> None:
        """Ask for each goal's evaluation in turn; escape stops."""
        if self.phase is not Phase.EVALUATION:
            self.phase = Phase.EVALUATION
            await self._show()
        numbers = {g.id: n for n, g in enumerate(self.cycle_goals(goals[0].cycle), start=1)}
        outcome_choices = [(o.label, o.value) for o in GoalOutcome]
        for index, goal in enumerate(goals if chain else goals[:1]):
            current = self._goal(goal.id)
            # The chosen goal is asked even if evaluated (to change it); the rest only
            # while they still lack an evaluation.
            if current is None or (index > 0 and current.outcome is not None):
                continue
            outcome = current.outcome.value if current.outcome else ""
            comment = current.comment
            while True:
                values = await self.app.push_screen_wait(FormScreen(
                    _("Evaluate goal {n}: {text}").format(n=numbers.get(goal.id, "?"),
                                                          text=escape(current.text)),
                    [Field("outcome", _("Was the goal reached?"), choices=outcome_choices,
                           value=outcome, required=True),
                     Field("comment", _("What shows it? (observations, examples)"),
                           value=comment, multiline=True)]))
                if values is None:
                    return
                outcome, comment = values["outcome"], values["comment"] or ""
                fresh = self._goal(goal.id)
                if fresh is None:
                    break
                result = await self._save_goal(dataclasses.replace(
                    fresh, outcome=GoalOutcome(outcome), comment=comment))
                if result == "failed":
                    return
                if result == "saved":
                    break
        if self.cycle_goals() and not [g for g in self.cycle_goals() if g.outcome is None]:
            self.notify(_("All goals of cycle {n} are evaluated. Sum up with {key}.").format(
                n=self.cycle, key=self._key("journal.new_entry")), timeout=6, markup=False)

    # -- deleting ---------------------------------------------------------------------------

    @work(group="journal-form")
    async def action_delete(self) -> None:
        item = self.query_one("#phase-items", ListView).highlighted_child
        if isinstance(item, EntryItem):
            question = _("Delete this entry from {date}? It cannot be undone.").format(
                date=format_date(item.entry.date) if item.entry.date else _("undated"))
            repo: Any = self.store.journal_entries(self.course_id)
            record_id = item.entry.id
        elif isinstance(item, GoalItem):
            question = _("Delete the goal “{text}” and its evaluation? It cannot be "
                         "undone.").format(text=escape(item.goal.text))
            repo = self.store.journal_goals(self.course_id)
            record_id = item.goal.id
        else:
            return
        if not await self.app.push_screen_wait(ConfirmScreen(
                question, yes=_("Delete"), no=_("Keep"), danger=True)):
            return
        try:
            repo.delete(record_id)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
        if self._load():
            await self._show()

    def action_close(self) -> None:
        self.app.pop_screen()


def _parse_goal(text: str) -> Parsed[str]:
    return parse_name(text, N_("The goal"), max_length=GOAL_MAX_LENGTH)


# --- the entry editor ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Draft:
    text: str
    date: dt.date | None
    link: SessionLink | None
    method: DocMethod | None
    author: str


class EntryScreen(Screen[str | None]):
    """Writes one entry, saving it a moment after each pause in typing and on leaving.

    The entry is created on the first save that has text in it and updated after that,
    so a lost connection costs at most the last couple of seconds.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Save and go back"), id="entry.close"),
        # Not priority: a priority key overtakes letters still queued for the editor.
        Binding("ctrl+s", "save", N_("Save now"), id="entry.save"),
    ]

    def __init__(self, store: Store, entry: JournalEntry, days: CourseDays, *,
                 members: Sequence[str] = ()) -> None:
        super().__init__(classes="entry-screen")
        translate_bindings(self)
        self.store = store
        self.entry = entry
        self.days = days
        self.members = list(members)
        link = (SessionLink(entry.session_id, entry.in_practice_period)
                if entry.session_id else None)
        self._draft = _Draft(entry.text, entry.date, link,
                             DocMethod(entry.method) if entry.method else None, entry.author)
        # What the store holds; for a new entry nothing, so any text counts as a change.
        self._saved: _Draft | None = self._draft if entry.id else None
        self._timer: Timer | None = None
        self._leaving = False

    def compose(self) -> ComposeResult:
        entry = self.entry
        phase = Phase(entry.phase)
        question = Text()
        question.append(f"{int(phase)}. {phase.label} · {cycle_text(entry.cycle)}: ",
                        style="bold")
        question.append(phase.question)
        yield Header(icon="")
        yield Static(question, id="entry-question")
        with Horizontal(id="entry-row-1"):
            date = Input(format_date(entry.date) if entry.date else "", id="entry-date",
                         placeholder="24-11-2026")
            date.border_title = _("Date")
            yield date
            author: Input | Select[str]
            if self.members:
                # A group's entry is by one of its members: picked, never misspelt.
                names = list(dict.fromkeys([*self.members, *(
                    [entry.author] if entry.author else [])]))
                author = Select([(n, n) for n in names], id="entry-author",
                                value=entry.author or Select.NULL, prompt=_("Who wrote it"))
            else:
                author = Input(entry.author, id="entry-author", placeholder=_("Who wrote it"))
            author.border_title = _("Author")
            yield author
        with Horizontal(id="entry-row-2"):
            link = self._draft.link
            yield Select(self.days.choices(link), id="entry-session",
                         value=link.value if link else Select.NULL,
                         prompt=_("Session day or practice period"))
            yield Select([(m.label, m.value) for m in DocMethod], id="entry-method",
                         value=self._draft.method.value if self._draft.method else Select.NULL,
                         prompt=_("Documentation method"))
        text = TextArea(entry.text, id="entry-text", soft_wrap=True)
        text.border_title = _("Text")
        yield text
        yield Static(self._idle_status(), id="entry-status")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Journal entry")
        area = self.query_one("#entry-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def _idle_status(self) -> str:
        if self.entry.id and self.entry.updated_at:
            return _("Saves by itself a moment after you stop typing.")
        return _("Saves by itself a moment after you start typing.")

    # -- changes ----------------------------------------------------------------------------

    @on(TextArea.Changed, "#entry-text")
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._changed(text=event.text_area.text)

    @on(Input.Changed, "#entry-author")
    def _author_changed(self, event: Input.Changed) -> None:
        self._changed(author=event.value.strip())

    @on(Select.Changed, "#entry-author")
    def _author_picked(self, event: Select.Changed) -> None:
        self._changed(author="" if event.value is Select.NULL else str(event.value))

    @on(Input.Changed, "#entry-date")
    def _date_changed(self, event: Input.Changed) -> None:
        parsed = parse_date(event.value, required=False)
        if parsed.error is not None:
            # The text is saved anyway; only the date waits until it makes sense.
            self._status(Text(str(parsed.error), style="bold"))
            return
        self._changed(date=parsed.value)

    @on(Select.Changed, "#entry-session")
    def _session_changed(self, event: Select.Changed) -> None:
        self._changed(link=SessionLink.parse(event.value))

    @on(Select.Changed, "#entry-method")
    def _method_changed(self, event: Select.Changed) -> None:
        value = event.value
        self._changed(method=DocMethod(value) if isinstance(value, str) else None)

    def _changed(self, **fields: Any) -> None:
        draft = dataclasses.replace(self._draft, **fields)
        if draft == self._draft:
            return
        self._draft = draft
        if self._leaving:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)
        self._status(_("Changed; saves in a moment …"))

    def _autosave(self) -> None:
        self._timer = None
        self.save()

    def _status(self, text: str | Text) -> None:
        # While the screen is being taken down (the app quitting) there is no line left.
        with contextlib.suppress(NoMatches):
            self.query_one("#entry-status", Static).update(text)

    @property
    def dirty(self) -> bool:
        if self._saved is None:
            return bool(self._draft.text.strip())
        return self._draft != self._saved

    # -- saving -----------------------------------------------------------------------------

    def save(self) -> bool:
        """Write the draft if it changed; True when nothing typed is left unsaved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.dirty:
            return True
        draft = self._draft
        record = dataclasses.replace(
            self.entry, text=draft.text, date=draft.date, method=draft.method,
            author=draft.author, session_id=draft.link.session_id if draft.link else None,
            in_practice_period=draft.link.practice if draft.link else False)
        repo = self.store.journal_entries(self.entry.course_id)
        try:
            if not record.id:
                saved = repo.add(record)
            else:
                try:
                    saved = repo.save(record, expected_version=self.entry.version)
                except StaleRecord as error:
                    # Both texts are kept: theirs in place, this one as a new entry.
                    saved = repo.add(dataclasses.replace(record, id="", created_at=""))
                    self.notify(str(error) + " " + _("Your text was saved as a new entry "
                                                     "beside theirs."),
                                severity="warning", timeout=20, markup=False)
                except RecordNotFound:
                    saved = repo.add(record)
                    self.notify(_("Someone deleted this entry while you wrote; it was "
                                  "saved again."), severity="warning", timeout=15, markup=False)
        except (StoreError, OSError) as error:
            self._status(Text(_("NOT SAVED: {reason}").format(reason=error), style="bold"))
            self.notify(_("The entry could not be saved: {reason}").format(reason=error),
                        severity="error", timeout=15, markup=False)
            return False
        self.entry = saved
        self._saved = draft
        self._status(_("Saved {time}").format(time=now_text()))
        return True

    def action_save(self) -> None:
        self.save()

    def action_close(self) -> None:
        if self.save():
            self._leave()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self._leave()

        self.app.push_screen(ConfirmScreen(
            _("The entry could not be saved. Leave anyway and lose what you wrote since "
              "the last save?"), yes=_("Leave"), no=_("Stay"), danger=True), answered)

    def _leave(self) -> None:
        self._leaving = True
        self.dismiss(self.entry.id or None)

    def on_unmount(self) -> None:
        # Leaving by any other way (the app quitting, the screen being replaced) still
        # keeps the text; the draft is held here, not read back from the widgets.
        if self.dirty:
            self.save()
