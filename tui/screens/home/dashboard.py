"""The overview: the database's programmes, courses and the days that need a new date."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from tui.i18n import N_, _, ngettext
from tui.screens.home.overview import Overview, OverviewReader, TargetReader, progress_text
from tui.store.errors import StoreError
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Column, RecordTable

if TYPE_CHECKING:
    from tui.screens.host import Host

PROGRAMME_COLUMNS = (
    Column(N_("Name"), clip="middle"), Column(N_("Period"), 23), Column(N_("Courses"), 6),
    # Trained toward the target, "22/60–70".
    Column(N_("Target"), 9),
)
COURSE_COLUMNS = (
    Column(N_("Name"), clip="middle"), Column(N_("Programme"), 12), Column(N_("Status"), 10),
    Column(N_("Days"), 4), Column(N_("Next day"), 10),
)
POSTPONED_COLUMNS = (
    Column(N_("Course"), clip="middle"), Column(N_("Date"), 10), Column(N_("Reason"), 10),
    Column(N_("Note"), 18),
)


class DashboardScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "load_demo", N_("Load demo"), id="load_demo"),
        Binding("enter", "open", N_("Open"), id="dashboard.open"),
        Binding("a", "attendance", N_("Attendance"), id="dashboard.attendance"),
        Binding("c", "conflicts", N_("Conflicts"), id="dashboard.conflicts"),
    ]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        translate_bindings(self)
        self.overview: Overview | None = None
        self._reader: OverviewReader | None = None
        self._targets: TargetReader | None = None
        self.trained: dict[str, int] = {}
        # One reader or writer at a time: the store's file cache is not meant to be
        # shared between threads, and both the poll and the demo loader run in workers.
        self._store_lock = threading.Lock()
        self._loading_demo = False

    @property
    def kuffert(self) -> Host:
        return cast("Host", self.app)

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(id="overview"):
            yield Label(_("Programmes"), id="programmes-title", classes="section-title")
            yield RecordTable(PROGRAMME_COLUMNS, id="programmes")
            # Days waiting for a new date need someone to act, so they come before the
            # course list, which takes the rest of the screen.
            yield Label(_("Postponed sessions waiting for a new date"), id="postponed-title",
                        classes="section-title")
            yield RecordTable(POSTPONED_COLUMNS, id="postponed")
            yield Static(_("No postponed session is waiting for a new date."),
                         id="no-postponed", classes="quiet")
            yield Label(_("Courses"), id="courses-title", classes="section-title")
            yield RecordTable(COURSE_COLUMNS, id="courses")
            # Field bundles: where the data is, and conflicts waiting for a person.
            yield Static("", id="sync-status", markup=False)
            yield Static("", id="sections-hint", classes="quiet", markup=False)
        yield Static(_("Reading the database …"), id="message", classes="message")
        # The palette's key is one of ours (remappable), so the footer lists it with the
        # others rather than in a corner of its own.
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#overview").display = False
        self.query_one("#sections-hint", Static).update(self._sections_hint())
        self._reader = OverviewReader(self.kuffert.store)
        self._targets = TargetReader(self.kuffert.store)
        self._refresh(force=True)
        self.set_interval(self.kuffert.poll_interval, self._poll)

    def _sections_hint(self) -> str:
        # From the bindings, so the line stays true when a user remaps the keys.
        sections = [(f"go.{mode}", name) for mode, name in (
            ("dashboard", _("Overview")), ("courses", _("Courses")), ("people", _("People")),
            ("programmes", _("Programmes")), ("places", _("Places")),
            ("reports", _("Reports")))]
        parts = [_("enter opens")] + [f"{self._key_for(bid)} {name}"
                                      for bid, name in sections if self._key_for(bid)]
        return " · ".join(parts)

    # -- reading --------------------------------------------------------------------------

    def _poll(self) -> None:
        # Beneath another screen it shows nothing: a worker started there marks it dirty,
        # and Textual repaints the whole screen on top (33 KB every 2 s over SSH). Coming
        # back reads again (on_screen_resume).
        if self.app.screen is self and not self._store_lock.locked():
            self._refresh(force=False)

    @work(thread=True, group="overview")
    def _refresh(self, force: bool) -> None:
        reader = self._reader
        if reader is None:
            return
        with self._store_lock:
            try:
                overview = reader.read() if force or reader.changed() else None
            except (StoreError, OSError) as error:
                reader.mark_seen()
                self.app.call_from_thread(self._show_problem, _error_text(error))
                return
        if overview is not None:
            self.app.call_from_thread(self._show, overview)
        # Progress toward the targets needs the targeted courses' marks, which the
        # overview never reads (course files): counted after the lists show.
        if self._targets is None:
            return
        with self._store_lock:
            try:
                trained = self._targets.read()
            except (StoreError, OSError):
                return
        if trained is not None:
            self.app.call_from_thread(self._show_trained, trained)

    def _show_trained(self, trained: dict[str, int]) -> None:
        self.trained = trained
        if self.overview is not None and not self.overview.empty:
            self._fill_programmes(self.overview)

    def _show(self, overview: Overview) -> None:
        if overview == self.overview:
            return
        self.overview = overview
        message = self.query_one("#message", Static)
        body = self.query_one("#overview")
        if overview.empty:
            body.display = False
            message.update(self._empty_text())
            message.display = True
        else:
            message.display = False
            body.display = True
            self._fill_tables(overview)
            if self.focused is None:
                # The tables could not take focus while hidden at mount.
                self.query_one("#courses", RecordTable).focus()
        self.refresh_bindings()

    def _show_problem(self, text: str) -> None:
        self.overview = None
        self.query_one("#overview").display = False
        message = self.query_one("#message", Static)
        message.update(Text(_("Kuffert cannot read the database.") + "\n\n" + text))
        message.display = True
        self.refresh_bindings()

    def _empty_text(self) -> Text:
        key = self._key_for("load_demo")
        lines = [_("This database is empty.")]
        if key:
            lines.append(
                _("Press {key} to load the demo data: two programmes (Initiative 3 in "
                  "Greenland and the 1000-day programme in Horsens) with their courses, "
                  "participants and attendance, to see how Kuffert works.").format(key=key)
            )
        return Text("\n\n".join(lines), justify="center")

    def _key_for(self, binding_id: str) -> str:
        return key_for(self, binding_id)

    def _fill_programmes(self, overview: Overview) -> None:
        self.query_one("#programmes", RecordTable).show_rows(
            (p.id, (p.name, p.period, p.courses, progress_text(p, self.trained)))
            for p in overview.programmes)

    def _fill_tables(self, overview: Overview) -> None:
        self._fill_programmes(overview)
        self.query_one("#courses", RecordTable).show_rows(
            (c.id, (c.name, c.programme, c.status, c.sessions, c.next_session))
            for c in overview.courses)
        self.query_one("#postponed", RecordTable).show_rows(
            (r.id, (r.course, r.date, r.reason, r.note)) for r in overview.postponed)
        has_postponed = bool(overview.postponed)
        self.query_one("#postponed").display = has_postponed
        self.query_one("#no-postponed").display = not has_postponed
        self.query_one("#programmes-title", Label).update(
            _("Programmes ({n})").format(n=len(overview.programmes)))
        self.query_one("#courses-title", Label).update(
            _("Courses ({n})").format(n=len(overview.courses)))
        self.query_one("#postponed-title", Label).update(
            _("Postponed sessions waiting for a new date ({n})").format(
                n=len(overview.postponed)))
        self._show_sync(overview)

    def _show_sync(self, overview: Overview) -> None:
        status = overview.sync
        lines = list(status.lines)
        if status.conflicts:
            lines.insert(0, ngettext(
                "{n} conflict between office and field to resolve: press {key}.",
                "{n} conflicts between office and field to resolve: press {key}.",
                status.conflicts).format(n=status.conflicts,
                                         key=self._key_for("dashboard.conflicts")))
        widget = self.query_one("#sync-status", Static)
        widget.update("\n".join(lines))
        widget.display = bool(lines)
        widget.set_class(bool(status.conflicts), "warning")

    def _selected(self) -> tuple[str, str] | None:
        """The focused table and the id of its row under the cursor."""
        table = self.focused
        if not isinstance(table, RecordTable) or table.row_count == 0 or table.id is None:
            return None
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return (table.id, str(row_key.value)) if row_key.value is not None else None

    def action_open(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        table, record_id = selected
        if table == "courses":
            self.kuffert.open_course(record_id)
        elif table == "postponed" and self.overview is not None:
            row = next((r for r in self.overview.postponed if r.id == record_id), None)
            if row is not None:
                self.kuffert.open_course(row.course_id, tab="sessions")
        elif table == "programmes":
            self.app.run_action("section('programmes')")

    def on_data_table_row_selected(self, event: RecordTable.RowSelected) -> None:
        # The table takes enter itself (as "select row"); its message is the way in.
        event.stop()
        self.action_open()

    def action_attendance(self) -> None:
        selected = self._selected()
        if selected is not None and selected[0] == "courses":
            self.kuffert.open_attendance(selected[1])

    # -- demo data ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "load_demo":
            return bool(self.overview and self.overview.empty and not self._loading_demo)
        if action in ("open", "attendance"):
            return bool(self.overview and not self.overview.empty)
        if action == "conflicts":
            return bool(self.overview and self.overview.sync.conflicts)
        return True

    def action_conflicts(self) -> None:
        self.kuffert.open_conflicts()

    def on_screen_resume(self) -> None:
        # A resolved conflict or a mark in a field copy changes what the status says.
        self._refresh(force=True)

    def action_load_demo(self) -> None:
        if not self.check_action("load_demo", ()):
            return
        self._loading_demo = True
        self.refresh_bindings()
        self.query_one("#message", Static).update(
            Text(_("Loading the demo data …"), justify="center"))
        self._load_demo()

    @work(thread=True, group="demo")
    def _load_demo(self) -> None:
        reader = self._reader
        assert reader is not None
        with self._store_lock:
            try:
                counts = self.kuffert.load_demo()
                overview = reader.read()
            except (StoreError, OSError) as error:
                self.app.call_from_thread(self._demo_failed, _error_text(error))
                return
        self.app.call_from_thread(self._demo_loaded, counts, overview)

    def _demo_loaded(self, counts: Mapping[str, int], overview: Overview) -> None:
        self._loading_demo = False
        self._show(overview)
        self.notify(
            _("Demo data loaded: {programmes} programmes, {courses} courses, "
              "{sessions} sessions, {people} people.").format(
                programmes=counts.get("programmes", 0), courses=counts.get("courses", 0),
                sessions=counts.get("sessions", 0), people=counts.get("people", 0)),
            title=_("Demo data"),
        )

    def _demo_failed(self, text: str) -> None:
        self._loading_demo = False
        self.notify(text, title=_("The demo data was not loaded"), severity="error",
                    timeout=15)
        # Someone else may have filled the database meanwhile; show what is there now.
        self.overview = None
        self._refresh(force=True)


def _error_text(error: StoreError | OSError) -> str:
    if isinstance(error, StoreError):
        return str(error)
    return f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
