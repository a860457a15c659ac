"""Transfer forms (transferskema): each participant's notes before, during and after the
course, the 20-30-50 structure that ties the days to their own practice."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from tui.domain.journaling import transfer_completeness
from tui.domain.journals import TRANSFER_QUESTIONS, TransferNote, TransferStage
from tui.i18n import N_, _
from tui.screens import live
from tui.screens.base import dialog_flow
from tui.screens.journals.common import CellTable, CourseJournalScreen
from tui.screens.journals.reading import EVERYTHING, Parts, course_name, names
from tui.store.errors import StaleRecord
from tui.store.store import Store
from tui.views.course import participants
from tui.widgets.footer import KeyFooter
from tui.widgets.form import Editing, Field, FormScreen
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

FILLED = "✓"
MISSING = "–"

QUESTIONS = TRANSFER_QUESTIONS
STAGES = tuple(TransferStage)
COLUMNS = (
    Column(N_("Participant"), clip="middle"),
    *(Column(label, 6) for label in (N_("Before"), N_("During"), N_("After"))),
)


@dataclass(frozen=True, slots=True)
class TransferData:
    course_id: str
    course: str = ""
    people: list[tuple[str, str]] = field(default_factory=list)
    notes: list[TransferNote] = field(default_factory=list)

    def read(self, store: Store, parts: Parts) -> TransferData:
        cid, fresh = self.course_id, self
        if parts.course_file:
            fresh = dataclasses.replace(fresh, notes=store.transfer_notes(cid).all())
        if parts.course_file or parts.people:
            fresh = dataclasses.replace(fresh, people=participants(store, cid,
                                                                      names(store, cid)))
        if parts.main:
            fresh = dataclasses.replace(fresh, course=course_name(store, cid))
        return fresh

    def note(self, person_id: str, stage: TransferStage) -> TransferNote | None:
        return next((n for n in self.notes
                     if n.person_id == person_id and n.stage == stage), None)


def stored_note(store: Store, course_id: str, person_id: str,
                stage: TransferStage) -> TransferNote | None:
    found = store.transfer_notes(course_id).where(person_id=person_id, stage=stage)
    return found[0] if found else None


def save_note(store: Store, base: TransferNote, answers: dict[str, str]) -> TransferNote:
    """The answers stored on ``base``; refused (StaleRecord) when someone saved this
    participant's form for the stage since ``base`` was read, a first one included."""
    repo = store.transfer_notes(base.course_id)
    with store.transaction():
        if base.id and repo.find(base.id) is not None:
            return repo.save(dataclasses.replace(base, answers=answers),
                             expected_version=base.version)
        first = stored_note(store, base.course_id, base.person_id, base.stage)
        if first is not None:
            raise StaleRecord("transfer_notes", first.id, first.updated_by or "?",
                              first.updated_at or "")
        # New, or deleted while the form was open: stored as a new one.
        return repo.add(dataclasses.replace(base, id="", created_at="", answers=answers))


class TransferForm(FormScreen):
    """The shared form, with room for questions that take more than a line."""

    def on_mount(self) -> None:
        super().on_mount()
        # Focusing the first text area scrolls its question out of sight; bring it back.
        self.call_after_refresh(self.query_one("#form-fields").scroll_home, animate=False)


class StageTable(CellTable):
    """Enter fills in the stage under the cursor, as the table's own key: it then runs
    after the moves typed before it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.fill", N_("Fill in"), id="transfer.fill"),
    ]


class TransferScreen(CourseJournalScreen):
    AUTO_FOCUS = "#transfer-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="transfer.close"),
    ]

    def __init__(self, course_id: str) -> None:
        super().__init__(course_id, classes="transfer-screen")
        translate_bindings(self)
        self.data = TransferData(course_id)

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Before, during and after the course: move to a stage and press "
                       "enter to fill it in. ✓ filled in, – not yet."), id="transfer-hint")
        yield StageTable(COLUMNS, id="transfer-table")
        yield Static("", id="transfer-empty", classes="quiet")
        yield KeyFooter(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        table = self.query_one(RecordTable)
        self.typeahead.focus(table)
        store, data = self.store, self.data
        fresh = await self.first_read(lambda: data.read(store, EVERYTHING))
        if fresh is not None:
            self._shown(fresh)

    @property
    def people(self) -> list[tuple[str, str]]:
        return self.data.people

    @property
    def notes(self) -> list[TransferNote]:
        return self.data.notes

    # -- reading ----------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        self.read_again(self.parts(changes), self.data, self._shown)

    def _shown(self, data: TransferData) -> None:
        self.data = data
        self.show_course(data.course, _("Transfer forms: {course}"))
        done = transfer_completeness(self.notes, [pid for pid, _name in self.people])
        table = self.query_one(RecordTable)
        table.show_rows(
            (pid, (escape(name), *(FILLED if done[pid][stage] else MISSING for stage in STAGES)))
            for pid, name in self.people)
        empty = self.query_one("#transfer-empty", Static)
        empty.display = not self.people
        empty.update(_("Nobody is enrolled in this course yet."))

    # -- filling in -------------------------------------------------------------------------

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()  # a click; enter is the table's own key
        self.action_fill()

    def action_fill(self) -> None:
        table = self.query_one(RecordTable)
        if not table.row_count:
            return
        pid = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        column = table.cursor_coordinate.column
        if pid is None:
            return
        if column == 0:
            # On the name: the first stage still missing, else the last one.
            done = transfer_completeness(self.notes, [pid])[pid]
            stage = next((s for s in STAGES if not done[s]), STAGES[-1])
        else:
            stage = STAGES[column - 1]
        self._fill(pid, stage)

    def note(self, person_id: str, stage: TransferStage) -> TransferNote | None:
        return self.data.note(person_id, stage)

    @dialog_flow
    async def _fill(self, person_id: str, stage: TransferStage) -> None:
        name = dict(self.people).get(person_id, person_id)
        store, cid = self.store, self.course_id
        note = self.note(person_id, stage) or TransferNote(
            course_id=cid, person_id=person_id, stage=stage)
        keys = [key for key, _label in QUESTIONS[stage]]

        def values(record: TransferNote) -> dict[str, Any]:
            return {key: record.answers.get(key, "") for key in keys}

        def save(typed: dict[str, Any], base: TransferNote) -> TransferNote:
            # Answers to questions this form no longer asks are kept, not dropped.
            answers = dict(base.answers) | {key: value or "" for key, value in typed.items()}
            return save_note(store, base, answers)

        await self.app.push_screen_wait(TransferForm(
            _("{stage} the course: {name}").format(stage=stage.label, name=escape(name)),
            [Field(key, _(label), value=note.answers.get(key, ""), multiline=True)
             for key, label in QUESTIONS[stage]],
            editing=Editing(
                _("The transfer note"), note, save=save, values=values,
                # Deleted meanwhile (or never stored): an empty form is what is there.
                reread=lambda: stored_note(store, cid, person_id, stage) or TransferNote(
                    course_id=cid, person_id=person_id, stage=stage))))

    def action_close(self) -> None:
        self.dismiss()
