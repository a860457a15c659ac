"""Transfer forms (transferskema): each participant's notes before, during and after the
course, the 20-30-50 structure that ties the days to their own practice."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tui.domain.journaling import transfer_completeness
from tui.domain.journals import TRANSFER_QUESTIONS, TransferNote, TransferStage
from tui.i18n import N_, _
from tui.screens.journals.listing import participants
from tui.store.errors import StaleRecord, StoreError
from tui.store.store import Store
from tui.widgets.form import Field, FormScreen
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


class TransferForm(FormScreen):
    """The shared form, with room for questions that take more than a line."""

    def on_mount(self) -> None:
        super().on_mount()
        # Focusing the first text area scrolls its question out of sight; bring it back.
        self.call_after_refresh(self.query_one("#form-fields").scroll_home, animate=False)


class TransferScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="transfer.close"),
        # Priority, so that the footer shows it over the table's own (hidden) enter.
        Binding("enter", "fill", N_("Fill in"), id="transfer.fill", priority=True),
    ]

    def __init__(self, store: Store, course_id: str) -> None:
        super().__init__(classes="transfer-screen")
        translate_bindings(self)
        self.store = store
        self.course_id = course_id
        self.people: list[tuple[str, str]] = []
        self.notes: list[TransferNote] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Before, during and after the course: move to a stage and press "
                       "enter to fill it in. ✓ filled in, – not yet."), id="transfer-hint")
        yield RecordTable(COLUMNS, id="transfer-table")
        yield Static("", id="transfer-empty", classes="quiet")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(RecordTable)
        table.cursor_type = "cell"
        self._reload()
        table.focus()
        # On the first stage, not the name, so enter opens a form straight away; after
        # the refresh, since the table lays out its columns once it knows its width.
        self.call_after_refresh(table.move_cursor, column=1, animate=False)

    def _reload(self) -> None:
        try:
            course = self.store.courses.find(self.course_id)
            self.people = participants(self.store, self.course_id)
            self.notes = self.store.transfer_notes(self.course_id).all()
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            return
        self.sub_title = _("Transfer forms: {course}").format(
            course=course.name if course else self.course_id)
        done = transfer_completeness(self.notes, [pid for pid, _name in self.people])
        table = self.query_one(RecordTable)
        # Refilling puts the cursor in the first column; it stays on its stage.
        column = table.cursor_coordinate.column
        table.show_rows(
            (pid, (escape(name), *(FILLED if done[pid][stage] else MISSING for stage in STAGES)))
            for pid, name in self.people)
        table.move_cursor(column=column, animate=False)
        empty = self.query_one("#transfer-empty", Static)
        empty.display = not self.people
        empty.update(_("Nobody is enrolled in this course yet."))

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
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
        return next((n for n in self.notes
                     if n.person_id == person_id and n.stage == stage), None)

    @work(group="transfer-form")
    async def _fill(self, person_id: str, stage: TransferStage) -> None:
        name = dict(self.people).get(person_id, person_id)
        typed: dict[str, str] | None = None
        while True:
            note = self.note(person_id, stage)
            answers = dict(note.answers) if note else {}
            shown = typed if typed is not None else answers
            values = await self.app.push_screen_wait(TransferForm(
                _("{stage} the course: {name}").format(stage=stage.label,
                                                       name=escape(name)),
                [Field(key, _(label), value=shown.get(key, ""), multiline=True)
                 for key, label in QUESTIONS[stage]]))
            if values is None:
                return
            typed = {key: value or "" for key, value in values.items()}
            # Answers to questions this form no longer asks are kept, not dropped.
            answers.update(typed)
            repo = self.store.transfer_notes(self.course_id)
            try:
                if note is None:
                    repo.add(TransferNote(course_id=self.course_id, person_id=person_id,
                                          stage=stage, answers=answers))
                else:
                    note.answers = answers
                    repo.save(note, expected_version=note.version)
            except StaleRecord as error:
                # Someone saved this form meanwhile: show the form again with what was
                # typed here, to save over theirs knowingly or to merge by hand.
                self.notify(str(error) + " " + _("Your answers are shown again; save to "
                                                 "replace theirs."),
                            severity="warning", timeout=15, markup=False)
                self._reload()
                continue
            except StoreError as error:
                self.notify(str(error), severity="error", timeout=15, markup=False)
            self._reload()
            return

    def action_close(self) -> None:
        self.app.pop_screen()
