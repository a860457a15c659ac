"""The overview: the database's programmes, courses and the days that need a new date.

The first screenful shows at once: only the courses in sight are decoded for it, and
the rest of the list follows in a second read (``tui.views.overview``). Progress toward
the programmes' targets needs their course files and is counted last.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Header, Label, Static

from tui.i18n import N_, _, ngettext
from tui.screens import live
from tui.screens.base import KuffertScreen
from tui.screens.home.start import FIRST
from tui.views.overview import (
    FirstRead,
    Overview,
    Targets,
    progress_text,
    read_overview,
    read_targets,
)
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Column, ListTable, RecordTable

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


class DashboardScreen(KuffertScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "load_demo", N_("Load demo"), id="load_demo"),
        # Not a priority key: enter opens what is under the cursor after the moves typed
        # before it. The tables leave enter to the screen, so the footer shows it.
        Binding("enter", "open", N_("Open"), id="dashboard.open"),
        Binding("a", "attendance", N_("Attendance"), id="dashboard.attendance"),
        Binding("c", "conflicts", N_("Conflicts"), id="dashboard.conflicts"),
    ]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        translate_bindings(self)
        self.overview: Overview | None = None
        self.targets = Targets()
        self._loading_demo = False
        self._reads = 0  # a read of the rest of the list is dropped once a newer one began
        self._first: FirstRead | None = None

    @property
    def trained(self) -> Mapping[str, int]:
        return self.targets.trained

    def watched(self) -> frozenset[str]:
        sources = {live.MAIN}
        overview = self.overview
        if overview is not None and overview.empty:
            sources.add(live.PEOPLE)  # an empty database is told by its people too
        files = self.targets.course_files | (overview.course_files if overview else set())
        return frozenset(sources | {live.course(cid) for cid in files})

    def compose(self) -> ComposeResult:
        self._first = self.host.take_first_read()
        # With their counts from the start when the first read came with the app: a
        # title that changes its width after the first paint is painted again later.
        titles = self._titles(self._first.overview) if self._first else {}
        yield Header(icon="")
        with Vertical(id="overview"):
            yield Label(titles.get("programmes-title", _("Programmes")),
                        id="programmes-title", classes="section-title")
            yield ListTable(PROGRAMME_COLUMNS, id="programmes")
            # Days waiting for a new date need someone to act, so they come before the
            # course list, which takes the rest of the screen.
            yield Label(titles.get("postponed-title",
                                   _("Postponed sessions waiting for a new date")),
                        id="postponed-title", classes="section-title")
            yield ListTable(POSTPONED_COLUMNS, id="postponed")
            yield Static(_("No postponed session is waiting for a new date."),
                         id="no-postponed", classes="quiet")
            yield Label(titles.get("courses-title", _("Courses")), id="courses-title",
                        classes="section-title")
            yield ListTable(COURSE_COLUMNS, id="courses", page=FIRST)
            # Field bundles: where the data is, and conflicts waiting for a person.
            yield Static("", id="sync-status", markup=False)
            yield Static(self._sections_hint(), id="sections-hint", classes="quiet",
                         markup=False)
        yield Static(_("Reading the database …"), id="message", classes="message")
        # The palette's key is one of ours (remappable), so the footer lists it with the
        # others rather than in a corner of its own.
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#overview").display = False
        first, self._first = self._first, None
        if first is None:
            self._read()
            return
        self._seen.update(first.seen)
        self.targets = first.targets
        self._show(first.overview, targets_read=first.overview.complete)

    def _sections_hint(self) -> str:
        # From the bindings, so the line stays true when a user remaps the keys.
        sections = [(f"go.{mode}", name) for mode, name in (
            ("dashboard", _("Overview")), ("courses", _("Courses")), ("people", _("People")),
            ("programmes", _("Programmes")), ("places", _("Places")),
            ("reports", _("Reports")))]
        return " · ".join(f"{self._key_for(bid)} {name}" for bid, name in sections
                          if self._key_for(bid))

    # -- reading --------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        overview = self.overview
        field_copy = {live.course(cid) for cid in overview.course_files} if overview else set()
        if live.MAIN in changes or live.PEOPLE in changes or field_copy & changes.sources:
            # All of it: a list read in two goes again would lose a cursor far down.
            self._read(first=None)
        else:  # only the marks in a targeted course: the progress, not the lists
            self._read_targets()

    def _read(self, first: int | None = FIRST) -> None:
        self._reads += 1
        store = self.store
        self.mark_read(live.MAIN, live.PEOPLE, *(
            live.course(cid) for cid in (self.overview.course_files if self.overview else ())))
        self.run_store(lambda: read_overview(store, first), self._show,
                       failed=self._show_problem, group="overview")

    def _read_targets(self) -> None:
        store = self.store
        self.mark_read(*(live.course(cid) for cid in self.targets.course_files))
        self.run_store(lambda: read_targets(store), self._show_trained,
                       failed=lambda _text: None, group="targets")

    def _show(self, overview: Overview, *, targets_read: bool = False) -> None:
        if overview != self.overview:
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
                    self.set_focus(self.query_one("#courses", RecordTable))
            self.refresh_bindings()
        if not overview.complete:
            # The rest of the courses, now that the first screenful shows. In a group of
            # its own: this read's worker is still delivering, and must not be cancelled.
            store, reads = self.store, self._reads

            def rest(overview: Overview) -> None:
                if reads == self._reads:
                    self._show(overview)

            # After the first screenful is painted: a read in a thread meanwhile would
            # share the interpreter with the painting and slow it.
            self.call_after_refresh(
                self.run_store, lambda: read_overview(store), rest, failed=self._show_problem,
                group="overview-rest")
        elif not targets_read:
            # Progress toward the targets needs the targeted courses' marks, which the
            # overview never reads (course files): counted after the lists show.
            self._read_targets()

    def _show_trained(self, targets: Targets) -> None:
        if targets == self.targets:
            return
        self.targets = targets
        if self.overview is not None and not self.overview.empty:
            self._fill_programmes(self.overview)

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
        for widget, text in self._titles(overview).items():
            label = self.query_one(f"#{widget}", Label)
            if str(label.content) != text:
                label.update(text)
        self._show_sync(overview)

    @staticmethod
    def _titles(overview: Overview) -> dict[str, str]:
        return {
            "programmes-title": _("Programmes ({n})").format(n=len(overview.programmes)),
            "courses-title": _("Courses ({n})").format(n=overview.course_count),
            "postponed-title": _("Postponed sessions waiting for a new date ({n})").format(
                n=len(overview.postponed)),
        }

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
        text = "\n".join(lines)
        if str(widget.content) != text:
            widget.update(text)
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
            self.host.open_course(record_id)
        elif table == "postponed" and self.overview is not None:
            row = next((r for r in self.overview.postponed if r.id == record_id), None)
            if row is not None:
                self.host.open_course(row.course_id, tab="sessions")
        elif table == "programmes":
            self.app.run_action("section('programmes')")

    def on_data_table_row_selected(self, event: RecordTable.RowSelected) -> None:
        # A click on a row selects it: the same as enter.
        event.stop()
        self.action_open()

    def action_attendance(self) -> None:
        selected = self._selected()
        if selected is not None and selected[0] == "courses":
            self.host.open_attendance(selected[1])

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
        self.host.open_conflicts()

    def action_load_demo(self) -> None:
        if not self.check_action("load_demo", ()):
            return
        self._loading_demo = True
        self.refresh_bindings()
        self.query_one("#message", Static).update(
            Text(_("Loading the demo data …"), justify="center"))
        host = self.host
        self.run_store(host.load_demo, self._demo_loaded, failed=self._demo_failed,
                       group="demo")

    def _demo_loaded(self, counts: Mapping[str, int]) -> None:
        self._loading_demo = False
        self._read(first=None)
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
        self._read()
