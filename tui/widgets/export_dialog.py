"""Export people, courses, sessions, attendance or journals to a file, from any screen.

The file is written by ``tui.store.exports.export``, the same code as ``kuffert export``,
in a worker: a national export takes a while, and the screen keeps answering meanwhile,
with a progress bar fed by the export's own progress calls.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Select, Static

from tui.i18n import N_, _
from tui.store.errors import StoreError
from tui.store.exports import export
from tui.store.layout import Layout
from tui.store.outputs import output_problem
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings
from tui.widgets.progress import throttled

KINDS = (
    ("people", N_("People")),
    ("courses", N_("Courses")),
    ("sessions", N_("Sessions")),
    ("attendance", N_("Attendance")),
    ("journals", N_("Journals")),
)
# (choice, label, format passed to export, plain csv, file ending)
FORMATS = (
    ("csv", N_("CSV for Danish Excel (;)"), "csv", False, "csv"),
    ("csv-plain", N_("CSV plain, RFC 4180 (,)"), "csv", True, "csv"),
    ("xlsx", N_("Excel workbook (xlsx)"), "xlsx", False, "xlsx"),
    ("json", N_("JSON"), "json", False, "json"),
    ("md", N_("Markdown, for reading and printing"), "md", False, "md"),
)
# Markdown is a journal's readable form; the other kinds are tables.
MARKDOWN_KINDS = ("journals",)
ALL_COURSES = "*"


def default_path(kind: str, choice: str) -> str:
    ending = next((f[4] for f in FORMATS if f[0] == choice), "csv")
    return f"~/kuffert-{kind}.{ending}"


def expand_path(text: str) -> Path:
    return Path(text.strip()).expanduser()


def path_problem(path: Path, database: Layout | None = None) -> str | None:
    """Why ``path`` cannot be written, in words; None if it can be tried.

    ``database`` is the open database's layout: its own files are refused.
    """
    if not str(path).strip() or str(path) == ".":
        return _("Give the name of the file to write.")
    if path.is_dir():
        return _("{path} is a folder; give the name of the file to write in it.").format(
            path=path)
    folder = path.parent
    if not folder.is_dir():
        return _("The folder {folder} does not exist; create it or choose another "
                 "folder.").format(folder=folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        return _("You may not write in the folder {folder}; choose another folder.").format(
            folder=folder)
    problem = output_problem(path, database=database)
    return None if problem is None else str(problem)


class ExportDialog(ModalScreen[Path | None]):
    """Dismisses with the written file, or None if nothing was written."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "run", N_("Export"), id="export.run", priority=True),
        Binding("escape", "close", N_("Close"), id="export.close"),
    ]

    def __init__(self, store: Any, *, kind: str = "people", course_id: str | None = None,
                 courses: Sequence[tuple[str, str]] | None = None) -> None:
        super().__init__(classes="export")
        translate_bindings(self)
        self.store = store
        self.kind = kind
        self.course_id = course_id
        # (id, name) pairs; read from the store in a worker when not given.
        self.courses = list(courses) if courses is not None else None
        self._auto_path = default_path(kind, "csv")
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(_("Export to a file"), id="export-title")
            with Horizontal(classes="export-row"):
                yield Label(_("What"), classes="export-label")
                yield Select([(_(label), value) for value, label in KINDS], value=self.kind,
                             allow_blank=False, id="export-kind")
            with Horizontal(classes="export-row"):
                yield Label(_("Format"), classes="export-label")
                yield Select(self._format_options(self.kind), value="csv", allow_blank=False,
                             id="export-format")
            with Horizontal(classes="export-row"):
                yield Label(_("Course"), classes="export-label")
                yield Select(self._course_options(), value=self._course_value(),
                             allow_blank=False, id="export-course")
            with Horizontal(classes="export-row"):
                yield Label(_("File"), classes="export-label")
                yield Input(self._auto_path, id="export-path")
            with Horizontal(id="export-progress-row"):
                yield ProgressBar(id="export-progress", show_eta=False)
            yield Static("", id="export-status")
            yield Static(_("ctrl+s exports, escape closes; the file is readable by you "
                           "only"), id="export-hint")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#export-progress-row").display = False
        self._say("")
        self.query_one("#export-kind", Select).focus()
        if self.courses is None:
            self._read_courses()

    # -- choices ----------------------------------------------------------------------------

    @staticmethod
    def _format_options(kind: str) -> list[tuple[str, str]]:
        return [(_(label), value) for value, label, *_rest in FORMATS
                if value != "md" or kind in MARKDOWN_KINDS]

    def _course_options(self) -> list[tuple[str, str]]:
        return [(_("All courses"), ALL_COURSES), *((name, cid)
                                                    for cid, name in self.courses or ())]

    def _course_value(self) -> str:
        known = {cid for cid, _name in self.courses or ()}
        return self.course_id if self.course_id in known else ALL_COURSES

    @work(thread=True, group="export-courses")
    def _read_courses(self) -> None:
        try:
            courses = sorted(((c.id, c.name) for c in self.store.courses.all()),
                             key=lambda item: item[1].casefold())
        except (StoreError, OSError):
            # The export itself will say what is wrong; all courses is still a choice.
            return
        self.app.call_from_thread(self._got_courses, courses)

    def _got_courses(self, courses: list[tuple[str, str]]) -> None:
        self.courses = courses
        select = self.query_one("#export-course", Select)
        select.set_options(self._course_options())
        select.value = self._course_value()

    def _choice(self, select_id: str) -> str:
        value = self.query_one(select_id, Select).value
        return str(value) if value is not Select.NULL else ""

    @on(Select.Changed, "#export-kind")
    def _kind_changed(self) -> None:
        kind = self._choice("#export-kind")
        select = self.query_one("#export-format", Select)
        before = self._choice("#export-format")
        options = self._format_options(kind)
        select.set_options(options)
        select.value = before if before in [v for _l, v in options] else "csv"
        self._update_path()

    @on(Select.Changed, "#export-format")
    def _format_changed(self) -> None:
        self._update_path()

    def _update_path(self) -> None:
        # A path the user typed is theirs; only the suggested one follows the choices.
        path = self.query_one("#export-path", Input)
        kind, choice = self._choice("#export-kind"), self._choice("#export-format")
        if not kind or not choice:
            return
        suggestion = default_path(kind, choice)
        if path.value == self._auto_path:
            path.value = suggestion
        self._auto_path = suggestion

    # -- running ----------------------------------------------------------------------------

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_run()

    def _say(self, text: str) -> None:
        # Not the CSS :empty: in Textual it means "no child widgets", true of every Static.
        status = self.query_one("#export-status", Static)
        status.update(text)
        status.display = bool(text)

    def action_run(self) -> None:
        if self.running:
            self.notify(_("The export is already running."), severity="warning")
            return
        kind, choice = self._choice("#export-kind"), self._choice("#export-format")
        course = self._choice("#export-course")
        path = expand_path(self.query_one("#export-path", Input).value)
        problem = path_problem(path, self.store.db.layout)
        if problem is not None:
            self._say(problem)
            self.notify(problem, title=_("Nothing was exported"), severity="error")
            self.query_one("#export-path", Input).focus()
            return
        course_id = None if course in ("", ALL_COURSES) else course

        def start(go: bool | None = True) -> None:
            if go:
                self._start(kind, choice, path, course_id)

        if path.exists():
            self.app.push_screen(ConfirmScreen(
                _("{path} already exists. Replace it?").format(path=path),
                yes=_("Replace"), no=_("Keep it"), danger=True), start)
        else:
            start()

    def _start(self, kind: str, choice: str, path: Path, course_id: str | None) -> None:
        self.running = True
        self._say(_("Exporting to {path} …").format(path=path))
        self.query_one("#export-progress-row").display = True
        self.query_one("#export-progress", ProgressBar).update(total=None, progress=0)
        self._export(kind, choice, path, course_id)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, kind: str, choice: str, path: Path, course_id: str | None) -> None:
        # Kept: the dialog may be closed while the export goes on.
        app = self.app
        fmt, plain = next((f[2], f[3]) for f in FORMATS if f[0] == choice)
        progress = throttled(app, self._progress)

        try:
            count = export(self.store, kind, fmt, path, course_id=course_id, plain=plain,
                           progress=progress)
        except StoreError as error:
            app.call_from_thread(self._failed, str(error))
            return
        except OSError as error:
            app.call_from_thread(self._failed, _(
                "Kuffert could not write {path}: {reason}").format(
                    path=path, reason=error.strerror or error))
            return
        app.call_from_thread(app.notify, _("Written to {path} (records: {count}).").format(
            path=path, count=count), title=_("Exported"))
        app.call_from_thread(self._finished, path)

    def _progress(self, done: int, total: int) -> None:
        if self.is_attached:
            self.query_one("#export-progress", ProgressBar).update(total=total, progress=done)

    def _finished(self, path: Path) -> None:
        self.running = False
        if self.is_attached:
            self.dismiss(path)

    def _failed(self, text: str) -> None:
        self.running = False
        self.app.notify(text, title=_("Nothing was exported"), severity="error", timeout=15)
        if self.is_attached:
            self.query_one("#export-progress-row").display = False
            self._say(text)

    def action_close(self) -> None:
        if self.running:
            self.notify(_("The export goes on; Kuffert tells you when the file is "
                          "written."))
        self.dismiss(None)
