"""Reports: the figures administrators send to the ministry and the funders.

The report is the one ``kuffert report`` prints: both call
``tui.store.exports.report_from_store``, so the screen and a script can never disagree.
It is computed in a worker, since a national programme has thousands of course files.

Every figure is a row in a table; ``enter`` on it lists the people, sessions or places
behind it. The screen is one scrolling column of compact sections so that it reads on
80x24, and the cursor runs from one table into the next with the arrow keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar, Static
from textual.worker import get_current_worker

from tui.domain.courses import PostponeReason, SessionStatus
from tui.domain.cover import COVER_RULE
from tui.domain.parse import format_date, format_number, parse_date
from tui.domain.people import Qualification, Role
from tui.domain.places import Place, PlaceKind
from tui.domain.programmes import Programme, target_share, target_text
from tui.domain.reports import (
    UNKNOWN,
    Period,
    Ratio,
    Report,
    share,
)
from tui.i18n import N_, Message, _, msg
from tui.screens.reports.drilldown import Drill, DrillDownScreen
from tui.store.errors import StoreError
from tui.store.exports import report_document, report_from_store
from tui.store.outputs import write_private
from tui.widgets.bar_chart import Bar, BarChart
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.export_dialog import ExportDialog, expand_path, path_problem
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.progress import throttled
from tui.widgets.record_table import Column, RecordTable

if TYPE_CHECKING:
    from tui.screens.host import Host
    from tui.store.store import Store

ALL = "*"

FIGURE_COLUMNS = (Column(N_("Figure")), Column(N_("Value"), 19))
ROLE_COLUMNS = (Column(N_("Role")), Column(N_("Trained"), 9))
QUALIFICATION_COLUMNS = (Column(N_("Qualification")), Column(N_("Trained"), 9))
MUNICIPALITY_COLUMNS = (Column(N_("Municipality"), min_width=10), Column(N_("Trained"), 9))
REACH_COLUMNS = (
    Column(N_("Municipality"), min_width=10), Column(N_("Institutions"), 9),
    Column(N_("Places"), 9), Column(N_("Not reached"), 9),
)
DAY_COLUMNS = (Column(N_("Day"), min_width=6), Column(N_("Present"), 11))
COURSE_COLUMNS = (
    Column(N_("Course"), clip="middle"), Column(N_("Attendance"), 17),
    Column(N_("Completed"), 17),
)
GOAL_COLUMNS = (
    Column(N_("Learning goal")), Column(N_("Before"), 5), Column(N_("After"), 5),
    Column(N_("Change"), 7), Column(N_("Rated"), 7),
)
JOURNAL_COLUMNS = (
    Column(N_("Course"), 22, clip="middle"), Column(N_("Journal")), Column(N_("Phase"), 15),
    Column(N_("Entries"), 7),
)

# (format value, label msgid, file extension) for saving the report itself.
REPORT_FORMATS = (
    ("text", N_("Text, as printed by kuffert report"), "txt"),
    ("json", N_("JSON, with the ids behind every figure"), "json"),
    ("csv", N_("CSV for Danish Excel (;)"), "csv"),
    ("csv-plain", N_("CSV plain, RFC 4180 (,)"), "csv"),
)


@dataclass(frozen=True)
class Filters:
    programme_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    place_id: str | None = None

    @property
    def period(self) -> Period | None:
        return (self.start, self.end) if self.start or self.end else None


@dataclass
class DayFigures:
    """Attendance on the n-th held day of every course: does attendance fall away?"""

    number: int
    sessions: list[str] = field(default_factory=list)
    attended: int = 0
    expected: int = 0

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.attended, self.expected)


@dataclass
class Computed:
    """The report and what the screen needs around it, read in the same worker."""

    report: Report
    filters: Filters
    days: list[DayFigures]
    programmes: list[tuple[str, str]]  # (id, name), by name
    places: list[Place]
    courses: list[tuple[str, str]]  # (id, name), by name; for the export dialog
    session_courses: dict[str, str]  # session id -> its course's id
    targeted: list[Programme] = field(default_factory=list)  # those with a target, by name


# -- numbers in words -----------------------------------------------------------------------


def percent(ratio: Ratio) -> str:
    return "–" if ratio.value is None else f"{format_number(ratio.value * 100, 0)} %"


def part_of(part: int, whole: int) -> str:
    return _("{part} of {whole}").format(part=part, whole=whole)


def _postpone_label(reason: str) -> str:
    if reason == UNKNOWN:
        return _("reason not given")
    try:
        return PostponeReason(reason).label
    except ValueError:
        return reason


# -- the tables ------------------------------------------------------------------------------


class FigureTable(RecordTable):
    """A table of figures; the cursor walks on into the next table at either end."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", N_("Details"), id="reports.drilldown"),
    ]

    def __init__(self, columns: Sequence[Column], *, id: str) -> None:
        super().__init__(columns, id=id)
        translate_bindings(self)

    def _neighbour(self, step: int) -> FigureTable | None:
        tables = [t for t in self.screen.query(FigureTable) if t.display and t.row_count]
        index = tables.index(self) + step if self in tables else -1
        return tables[index] if 0 <= index < len(tables) else None

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row < self.row_count - 1:
            super().action_cursor_down()
        elif (following := self._neighbour(1)) is not None:
            following.enter_at(0)

    def action_cursor_up(self) -> None:
        if self.cursor_row > 0:
            super().action_cursor_up()
        elif (previous := self._neighbour(-1)) is not None:
            previous.enter_at(previous.row_count - 1)
        else:
            self._reveal(top=True)

    def enter_at(self, row: int) -> None:
        self.move_cursor(row=row, animate=False)
        # At once, not with focus(), which waits its turn behind keys already typed: those
        # would still go to the table the cursor has left. And without Textual's own
        # scrolling, which would centre the whole table a moment after the scroll to the row.
        self.screen.set_focus(self, scroll_visible=False)
        self._reveal()

    def on_focus(self) -> None:
        # Focus by tab or mouse: after Textual's own scrolling to the table.
        self.call_after_refresh(self._reveal)

    @on(DataTable.RowHighlighted)
    def _follow_cursor(self) -> None:
        # Any move (arrows, page keys, home): the screen follows the cursor's row.
        if self.has_focus:
            self._reveal()

    def _reveal(self, top: bool = False) -> None:
        """Scroll the screen, not the table, so that the cursor's row is in view.

        The tables are as tall as their rows; it is the screen around them that scrolls.
        On a table's first row its section's title comes into view too.
        """
        if not self.has_focus:
            return  # a late call for a table the cursor has left
        header = self.header_height if self.show_header else 0
        # Every row is one line high (RecordTable adds them so).
        row = Region(0, header + self.cursor_row, self.size.width, 1)
        if self.cursor_row == 0 or top:
            # From above the table: the section title, one line up, comes into view too.
            row = Region(0, -1, self.size.width, header + 2)
        node: Widget = self
        parent = node.parent
        while not isinstance(parent, VerticalScroll):
            if not isinstance(parent, Widget):
                return
            row = row.translate(node.virtual_region.offset)
            node, parent = parent, parent.parent
        row = row.translate(node.virtual_region.offset)
        region = Region(row.x, max(0, row.y), row.width, row.bottom - max(0, row.y))
        parent.scroll_to_region(region, animate=False, immediate=True)


# -- the screen ------------------------------------------------------------------------------


class ReportsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "filter", N_("Filter"), id="reports.filter"),
        Binding("x", "export", N_("Export"), id="reports.export"),
        Binding("r", "export_report", N_("Save report"), id="reports.export_report"),
    ]

    def __init__(self) -> None:
        super().__init__(id="reports")
        translate_bindings(self)
        self.filters = Filters()
        self.computed: Computed | None = None
        self.drills: dict[tuple[str, str], Drill] = {}
        self._signature: tuple[object, ...] | None = None
        self._computing = False

    @property
    def store(self) -> Store:
        return cast("Host", self.app).store

    @property
    def report(self) -> Report | None:
        return self.computed.report if self.computed else None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="reports-scope")
        with Horizontal(id="reports-progress"):
            yield Label(_("Computing the report …"), id="reports-progress-label")
            yield ProgressBar(id="reports-progress-bar", show_eta=False)
        with VerticalScroll(id="reports-body"):
            yield Label(_("Trained"), classes="section-title")
            yield FigureTable(ROLE_COLUMNS, id="trained-role")
            yield FigureTable(QUALIFICATION_COLUMNS, id="trained-qualification")
            yield Label(_("Programme targets"), id="targets-title", classes="section-title")
            yield FigureTable(FIGURE_COLUMNS, id="targets")
            yield Label(_("Trained by municipality"), classes="section-title")
            with Horizontal(classes="chart-row"):
                yield FigureTable(MUNICIPALITY_COLUMNS, id="trained-municipality")
                yield BarChart(labels=False, id="chart-municipality", classes="beside")
            yield Static(_("Nobody trained yet."), id="municipality-empty", classes="quiet")
            yield Label(_("Reach"), classes="section-title")
            yield FigureTable(REACH_COLUMNS, id="reach")
            yield Label(_("Staff qualification profile"), classes="section-title")
            yield FigureTable(FIGURE_COLUMNS, id="profile")
            yield Label(_("Sessions"), classes="section-title")
            yield FigureTable(FIGURE_COLUMNS, id="sessions")
            yield Label(_("Attendance and completion"), classes="section-title")
            yield FigureTable(FIGURE_COLUMNS, id="attendance")
            yield Label(_("Attendance by day of the course"), classes="section-title")
            with Horizontal(classes="chart-row"):
                yield FigureTable(DAY_COLUMNS, id="attendance-day")
                yield BarChart(labels=False, full=1.0, id="chart-day", classes="beside")
            yield Static(_("No session has been held yet."), id="day-empty", classes="quiet")
            yield Label(_("Attendance and completion by course"), classes="section-title")
            yield FigureTable(COURSE_COLUMNS, id="by-course")
            yield Label(_("Substitute cover"), classes="section-title")
            yield FigureTable(FIGURE_COLUMNS, id="cover")
            # The same words as the text report, the summary and the files.
            yield Static(_(COVER_RULE), id="cover-rule", classes="quiet", markup=False)
            yield Label(_("Learning goals, average rating before and after"),
                        id="goals-title", classes="section-title")
            yield FigureTable(GOAL_COLUMNS, id="goals")
            yield Label(_("Action-learning journals"), id="journals-title",
                        classes="section-title")
            yield FigureTable(JOURNAL_COLUMNS, id="journals")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#reports-body").display = False
        self._compute(self.filters)

    def on_screen_resume(self) -> None:
        # Back from another section: someone may have marked attendance meanwhile.
        # Only a changed database is worth a national-scale recount.
        if self.computed is not None and not self._computing and self._changed():
            self._compute(self.filters)

    # -- computing --------------------------------------------------------------------------

    def _files(self) -> tuple[object, ...]:
        store = self.store
        # Every write renames a file into place, which also touches its folder: one stat
        # covers all the course files.
        return (store.revision(), store.people_revision(),
                store.courses_revision())

    def _changed(self) -> bool:
        return self._signature != self._files()

    def _compute(self, filters: Filters) -> None:
        self._computing = True
        self.query_one("#reports-progress").display = True
        self.query_one("#reports-progress-bar", ProgressBar).update(total=None, progress=0)
        self._read(filters)

    @work(thread=True, exclusive=True, group="report")
    def _read(self, filters: Filters) -> None:
        worker = get_current_worker()
        app = self.app
        progress = throttled(app, self._progress)
        try:
            signature = self._files()
            computed = compute(self.store, filters, progress)
        except (StoreError, OSError) as error:
            if not worker.is_cancelled:
                app.call_from_thread(self._failed, _error_text(error))
            return
        if not worker.is_cancelled:
            app.call_from_thread(self._show, computed, signature)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#reports-progress-bar", ProgressBar).update(total=total, progress=done)

    def _failed(self, text: str) -> None:
        self._computing = False
        self.query_one("#reports-progress").display = False
        self.notify(text, title=_("Kuffert cannot read the database."), severity="error",
                    timeout=15)

    def _show(self, computed: Computed, signature: tuple[object, ...]) -> None:
        self._computing = False
        self._signature = signature
        focused = self.focused
        where = (focused.id, focused.cursor_row) if isinstance(focused, FigureTable) else None
        self.computed = computed
        self.filters = computed.filters
        self.query_one("#reports-progress").display = False
        self.query_one("#reports-scope", Static).update(self._scope_text(computed))
        body = self.query_one("#reports-body")
        body.display = True
        self._fill(computed)
        # The tables scroll the screen to their cursor themselves (FigureTable._reveal);
        # Textual's own scrolling to a newly focused widget would fight it.
        if where is not None:
            table = self.query_one(f"#{where[0]}", FigureTable)
            if table.row_count:
                table.move_cursor(row=min(where[1], table.row_count - 1), animate=False)
                self.set_focus(table, scroll_visible=False)
                return
        first = self.query_one("#trained-role", FigureTable)
        first.move_cursor(row=0, animate=False)
        self.set_focus(first, scroll_visible=False)
        body.scroll_home(animate=False)

    def _scope_text(self, computed: Computed) -> str:
        report, filters = computed.report, computed.filters
        parts = []
        if filters.programme_id:
            names = dict(computed.programmes)
            parts.append(names.get(filters.programme_id, filters.programme_id))
        if filters.period:
            parts.append("{start} – {end}".format(
                start=format_date(filters.start) if filters.start else "…",
                end=format_date(filters.end) if filters.end else "…"))
        if filters.place_id:
            parts.append(report.place_names.get(filters.place_id, filters.place_id))
        scope = _("Scope: {filters}").format(
            filters="; ".join(parts) if parts else _("all programmes, all time"))
        if not report.courses:
            return scope + "\n" + _("No course matches these filters (press {key} to "
                                    "change them).").format(key=self._key_for("reports.filter"))
        return scope + " · " + _("Courses: {n}").format(n=len(report.courses))

    def _key_for(self, binding_id: str) -> str:
        return key_for(self, binding_id)

    # -- filling the tables -----------------------------------------------------------------

    def _table(self, table_id: str, rows: Iterable[tuple[str, Sequence[str | int],
                                                        Drill | None]],
               *, left: tuple[int, ...] = (0,)) -> bool:
        """Fill a table; figures are right-aligned (RecordTable does it for ints only)."""
        table = self.query_one(f"#{table_id}", FigureTable)
        widths = [max(c.width or 0, cell_len(_(c.label))) for c in table.specs]
        shown = []
        for key, cells, drill in rows:
            shown.append((key, tuple(
                cell.rjust(widths[i]) if isinstance(cell, str) and i not in left else cell
                for i, cell in enumerate(cells))))
            if drill is not None:
                self.drills[(table_id, key)] = drill
        table.show_rows(shown)
        table.display = bool(shown)
        return bool(shown)

    def _fill(self, computed: Computed) -> None:
        report = computed.report
        self.drills = {}
        trained_title = _("Trained")
        self._table("trained-role", [
            *((role.value, (role.label, len(report.trained_by_role.get(role.value, []))),
               self._people(f"{trained_title}: {role.label}",
                            report.trained_by_role.get(role.value, [])))
              for role in Role),
            ("total", (_("Trained in total"), report.trained_total),
             self._people(_("Trained in total"), report.trained_people)),
        ])
        self._table("trained-qualification", [
            (q.value, (q.label, len(report.trained_by_qualification.get(q.value, []))),
             self._people(f"{trained_title}: {q.label}",
                          report.trained_by_qualification.get(q.value, [])))
            for q in Qualification
        ])
        municipalities = sorted(
            report.trained_by_municipality.items(),
            key=lambda kv: (-len(kv[1]), self._municipality(report, kv[0])))
        self._table("trained-municipality", [
            (m, (self._municipality(report, m), len(ids)),
             self._people(f"{trained_title}: {self._municipality(report, m)}", ids))
            for m, ids in municipalities
        ])
        chart = self.query_one("#chart-municipality", BarChart)
        chart.set_bars(Bar(self._municipality(report, m), len(ids), str(len(ids)))
                       for m, ids in municipalities)
        chart.display = bool(municipalities)
        self.query_one("#municipality-empty").display = not municipalities
        self._table("reach", [
            (r.municipality_id, (
                r.name, part_of(len(r.institutions_reached), len(r.institutions_known)),
                part_of(len(r.places_reached), len(r.places_known)),
                len(r.places_not_reached)),
             Drill(_("Places not yet reached in {name}").format(name=r.name), "places",
                   tuple(r.places_not_reached)))
            for r in report.reach
        ])
        self._table("profile", [
            ("unskilled", (_("Unskilled among participants"), share(report.unskilled_share)),
             self._people(_("Unskilled among participants"), report.unskilled_participants)),
            ("pedagogues", (_("Pedagogues among the trained"), share(report.pedagogue_share)),
             self._people(_("Pedagogues among the trained"), report.pedagogues_trained)),
            ("participants", (_("Participants"), len(report.participants)),
             self._people(_("Participants"), report.participants)),
        ])
        has_targets = self._table("targets", self._target_rows(computed))
        self.query_one("#targets-title").display = has_targets
        self._table("sessions", self._session_rows(report))
        completed = list(dict.fromkeys(
            pid for course in report.courses.values() for pid in course.completed))
        missing_sessions = list(dict.fromkeys(sid for sid, _pid in report.unmarked))
        self._table("attendance", [
            ("attendance", (_("Attendance on held sessions"), share(report.attendance)),
             self._sessions(_("Held"), report.sessions_held, report)),
            ("completion", (_("Completed their course"), share(report.completion)),
             self._people(_("Completed their course"), completed)),
            ("unmarked", (_("Marks missing on held sessions"), len(report.unmarked)),
             self._sessions(_("Sessions with marks missing"), missing_sessions, report)),
        ])
        self._fill_days(computed)
        self._table("by-course", [
            (c.course_id, (c.name, share(c.attendance), share(c.completion)),
             self._people(_("Completed: {course}").format(course=c.name), c.completed))
            for c in report.courses.values()
        ])
        self._table("cover", self._cover_rows(report))
        has_goals = self._table("goals", [
            (g.goal_key, (
                f"{g.goal_key} {g.text}".strip(),
                "–" if g.before_mean is None else format_number(g.before_mean, 1),
                "–" if g.after_mean is None else format_number(g.after_mean, 1),
                "–" if g.change is None else ("+" if g.change >= 0 else "−")
                + format_number(abs(g.change), 1),
                g.rated), None)
            for g in report.goal_changes
        ])
        has_journals = self._table("journals", [
            (j.journal_id, (
                c.name, j.title or j.journal_id,
                f"{int(j.highest_phase)} {j.highest_phase.label}" if j.highest_phase
                else _("no entries yet"),
                len(j.entry_ids)), None)
            for c in report.courses.values() for j in c.journals
        ], left=(0, 1, 2))
        # Programmes without learning goals or journals get no empty sections for them.
        self.query_one("#goals-title").display = has_goals
        self.query_one("#journals-title").display = has_journals

    def _session_rows(self, report: Report) -> list[tuple[str, tuple[str | int, ...],
                                                          Drill | None]]:
        rows: list[tuple[str, tuple[str | int, ...], Drill | None]] = [
            ("held", (SessionStatus.HELD.label, len(report.sessions_held)),
             self._sessions(SessionStatus.HELD.label, report.sessions_held, report)),
            ("planned", (SessionStatus.PLANNED.label, len(report.sessions_planned)),
             self._sessions(SessionStatus.PLANNED.label, report.sessions_planned, report)),
            ("postponed", (SessionStatus.POSTPONED.label, len(report.sessions_postponed)),
             self._sessions(SessionStatus.POSTPONED.label, report.sessions_postponed,
                            report)),
        ]
        for reason, ids in sorted(report.postponed_by_reason.items()):
            label = _("  because of: {reason}").format(reason=_postpone_label(reason))
            rows.append((f"reason:{reason}", (label, len(ids)),
                         self._sessions(label.strip(), ids, report)))
        rows += [
            ("waiting", (_("Postponed, still waiting for a new date"),
                         len(report.postponed_waiting)),
             self._sessions(_("Postponed, still waiting for a new date"),
                            report.postponed_waiting, report)),
            ("cancelled", (SessionStatus.CANCELLED.label, len(report.sessions_cancelled)),
             self._sessions(SessionStatus.CANCELLED.label, report.sessions_cancelled,
                            report)),
        ]
        return rows

    def _fill_days(self, computed: Computed) -> None:
        report = computed.report
        self._table("attendance-day", [
            (str(day.number), (_("Day {n}").format(n=day.number),
                               part_of(day.attended, day.expected)),
             self._sessions(_("Day {n} of the course").format(n=day.number), day.sessions,
                            report))
            for day in computed.days
        ])
        chart = self.query_one("#chart-day", BarChart)
        chart.set_bars(
            Bar(_("Day {n}").format(n=day.number), day.ratio.value or 0.0,
                percent(day.ratio))
            for day in computed.days)
        chart.display = bool(computed.days)
        self.query_one("#day-empty").display = not computed.days

    def _target_rows(self, computed: Computed) -> list[tuple[str, tuple[str | int, ...],
                                                             Drill | None]]:
        """Trained in the report's scope toward each programme's target: "22 of 60–70"."""
        trained: dict[str, list[str]] = {}
        for figures in computed.report.courses.values():
            trained.setdefault(figures.programme_id, []).extend(figures.completed)
        rows: list[tuple[str, tuple[str | int, ...], Drill | None]] = []
        for programme in computed.targeted:
            if programme.id not in trained:
                continue
            people = list(dict.fromkeys(trained[programme.id]))
            value = _("{n} of {target} ({share} %)").format(
                n=len(people), target=target_text(programme),
                share=target_share(len(people), programme))
            rows.append((programme.id, (programme.name, value),
                         self._people(programme.name, people)))
        return rows

    def _cover_rows(self, report: Report) -> list[tuple[str, tuple[str | int, ...],
                                                        Drill | None]]:
        rows: list[tuple[str, tuple[str | int, ...], Drill | None]] = [
            ("hours", (_("Substitute hours"), format_number(report.substitute_hours, 1)), None),
        ]
        if report.substitute_cost is not None:
            rows.append(("cost", (_("Cost"), _("{amount} kr.").format(
                amount=format_number(report.substitute_cost, 2))), None))
        if report.substitute_hours_unpriced:
            rows.append(("unpriced", (_("Hours without an hourly rate"),
                                      format_number(report.substitute_hours_unpriced, 1)), None))
        return rows

    @staticmethod
    def _municipality(report: Report, municipality_id: str) -> str:
        if municipality_id == UNKNOWN:
            return _("Unknown")
        return report.municipality_names.get(municipality_id, municipality_id)

    @staticmethod
    def _people(title: str, ids: Sequence[str]) -> Drill:
        return Drill(title, "people", tuple(ids))

    def _sessions(self, title: str, ids: Sequence[str], report: Report) -> Drill:
        # Only the files of the courses the sessions belong to are opened for the list.
        where = self.computed.session_courses if self.computed else {}
        if all(sid in where for sid in ids):
            courses = tuple(dict.fromkeys(where[sid] for sid in ids))
        else:
            courses = tuple(report.courses)
        return Drill(title, "sessions", tuple(ids), courses)

    # -- drilling down ----------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _drill_down(self, event: DataTable.RowSelected) -> None:
        key = (event.data_table.id or "", str(event.row_key.value))
        drill = self.drills.get(key)
        if drill is None:
            self.notify(_("There is no list behind this figure."), severity="information")
            return
        if not drill.ids:
            self.notify(_("Nobody and nothing is behind this figure: it is 0."))
            return
        self.app.push_screen(DrillDownScreen(self.store, drill))

    # -- filters ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("filter", "export_report") and self.computed is None:
            return None  # shown, greyed out, until the first report is in
        return True

    def action_filter(self) -> None:
        if self.computed is None:
            return
        computed, filters = self.computed, self.filters
        programmes = [(_("All programmes"), ALL), *((name, pid)
                                                    for pid, name in computed.programmes)]
        places = [(_("All places"), ALL), *_place_choices(computed.places)]

        def date_field(text: str) -> Any:
            return parse_date(text, required=False)

        def check(values: dict[str, Any]) -> list[tuple[str, Message]]:
            start, end = values.get("start"), values.get("end")
            if start and end and end < start:
                return [("end", msg("The period ends before it starts; swap the dates."))]
            return []

        form = FormScreen(_("Which figures?"), [
            Field("programme", _("Programme"), choices=programmes,
                  value=filters.programme_id or ALL),
            Field("start", _("From date (empty: from the beginning)"), date_field,
                  value=format_date(filters.start) if filters.start else "",
                  placeholder="01-01-2021"),
            Field("end", _("To date (empty: until now)"), date_field,
                  value=format_date(filters.end) if filters.end else "",
                  placeholder="31-12-2021"),
            Field("place", _("Place or municipality"), choices=places,
                  value=filters.place_id or ALL),
        ], check=check)
        self.app.push_screen(form, self._filtered)

    def _filtered(self, values: dict[str, Any] | None) -> None:
        if values is None:
            return

        def chosen(name: str) -> str | None:
            value = values.get(name)
            return None if value in (None, ALL) else str(value)

        self._compute(Filters(programme_id=chosen("programme"), start=values.get("start"),
                              end=values.get("end"), place_id=chosen("place")))

    # -- exporting --------------------------------------------------------------------------

    def action_export(self) -> None:
        courses = self.computed.courses if self.computed else None
        self.app.push_screen(ExportDialog(self.store, courses=courses))

    def action_export_report(self) -> None:
        if self.report is not None:
            self._ask_and_save(self.report)

    @work(group="save-report")
    async def _ask_and_save(self, report: Report) -> None:
        def check(values: dict[str, Any]) -> list[tuple[str, Message]]:
            problem = path_problem(expand_path(values["path"] or _report_path(values)),
                                   self.store.db.layout)
            return [("path", problem)] if problem else []

        values = await self.app.push_screen_wait(FormScreen(_("Save the report"), [
            Field("format", _("Format"), choices=[(_(label), value)
                                                   for value, label, _ext in REPORT_FORMATS],
                  value="text", required=True),
            Field("path", _("File (empty: ~/kuffert-report with the format's ending)"),
                  placeholder="~/kuffert-report.txt"),
        ], check=check))
        if values is None:
            return
        path = expand_path(values["path"] or _report_path(values))
        if path.exists():
            replace = await self.app.push_screen_wait(ConfirmScreen(
                _("{path} already exists. Replace it?").format(path=path),
                yes=_("Replace"), no=_("Keep it"), danger=True))
            if not replace:
                return
        self._save_report(report, values["format"], path)

    @work(thread=True, group="save-report-file")
    def _save_report(self, report: Report, fmt: str, path: Path) -> None:
        app = self.app
        try:
            write_private(path, report_bytes(report, fmt), database=self.store.db.layout)
        except (StoreError, OSError) as error:
            reason = str(error) if isinstance(error, StoreError) else _(
                "Kuffert could not write {path}: {reason}").format(
                    path=path, reason=error.strerror or error)
            app.call_from_thread(
                app.notify, reason,
                title=_("The report was not saved"), severity="error", timeout=15)
            return
        app.call_from_thread(app.notify, _("Report written to {path}.").format(path=path))


# -- reading, outside the UI thread ------------------------------------------------------------


def compute(store: Store, filters: Filters,
            progress: Callable[[int, int], None] | None = None) -> Computed:
    def first_half(done: int, total: int) -> None:
        if progress is not None:
            progress(done, 2 * total)

    report = report_from_store(store, programme_id=filters.programme_id,
                               period=filters.period, place_id=filters.place_id,
                               progress=first_half)

    def second_half(done: int, total: int) -> None:
        if progress is not None:
            progress(total + done, 2 * total)

    courses = store.courses.all()
    session_courses: dict[str, str] = {}
    days = attendance_by_day(store, report, second_half, session_courses)
    return Computed(
        report=report, filters=filters, days=days, session_courses=session_courses,
        programmes=sorted(((p.id, p.name) for p in store.programmes.all()),
                          key=lambda item: item[1].casefold()),
        places=store.places.all(),
        courses=sorted(((c.id, c.name) for c in courses), key=lambda item: item[1].casefold()),
        targeted=sorted((p for p in store.programmes.all() if p.target_participants),
                        key=lambda p: p.name.casefold()),
    )


def attendance_by_day(store: Store, report: Report,
                      progress: Callable[[int, int], None] | None = None,
                      session_courses: dict[str, str] | None = None) -> list[DayFigures]:
    """The report's attendance per session, summed by the session's place in its course.

    A national programme has thousands of sessions, too many to chart one by one; day 1,
    day 2, ... of every course shows whether people keep coming. Since every session is
    read here anyway, ``session_courses`` is filled with each one's course.
    """
    days: dict[int, DayFigures] = {}
    for done, course_id in enumerate(report.courses, start=1):
        if progress is not None:
            progress(done, len(report.courses))
        sessions = store.sessions(course_id).all()
        if session_courses is not None:
            session_courses.update((s.id, course_id) for s in sessions)
        held = sorted((s for s in sessions if s.status is SessionStatus.HELD),
                      key=lambda s: (s.date, s.start or dt.time.min, s.id))
        # Numbered among all the course's held days, so day 3 stays day 3 in any period.
        for number_, session in enumerate(held, start=1):
            ratio = report.attendance_by_session.get(session.id)
            if ratio is None:
                continue
            day = days.setdefault(number_, DayFigures(number_))
            day.sessions.append(session.id)
            day.attended += ratio.part
            day.expected += ratio.whole
    return [days[n] for n in sorted(days)]


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report file as ``kuffert report --format ... --out`` writes it."""
    if fmt in ("csv", "csv-plain"):
        return report_document(report, "csv", plain=fmt == "csv-plain").encode("utf-8")
    return report_document(report, fmt).encode("utf-8")


def _report_path(values: dict[str, Any]) -> str:
    ext = {value: ext for value, _label, ext in REPORT_FORMATS}.get(values.get("format") or "",
                                                                   "txt")
    return f"~/kuffert-report.{ext}"


def _place_choices(places: Sequence[Place]) -> list[tuple[str, str]]:
    """Municipalities first, then every town, settlement and station with its own."""
    names = {p.id: p.name for p in places}
    municipalities = sorted((p for p in places if p.kind is PlaceKind.MUNICIPALITY),
                            key=lambda p: p.name.casefold())
    others = sorted((p for p in places if p.kind is not PlaceKind.MUNICIPALITY),
                    key=lambda p: p.name.casefold())
    choices = [(p.name, p.id) for p in municipalities]
    for place in others:
        within = names.get(place.municipality_id or "")
        choices.append((f"{place.name} ({within})" if within else place.name, place.id))
    return choices


def _error_text(error: StoreError | OSError) -> str:
    if isinstance(error, StoreError):
        return str(error)
    return f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
