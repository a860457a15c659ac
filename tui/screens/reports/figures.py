"""The report's figures as tables: one table per section, each row a figure, and what
lies behind each figure (``Drill``) for the drill-down. No reading here: the tables are
filled from a computed report (``tui.views.reports``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable

from tui.domain.courses import PostponeReason, SessionStatus
from tui.domain.parse import format_number
from tui.domain.people import Qualification, Role
from tui.domain.programmes import target_share, target_text
from tui.domain.reports import UNKNOWN, Ratio, Report, share
from tui.i18n import N_, _
from tui.screens.reports.drilldown import Drill
from tui.views.reports import Computed
from tui.widgets.bar_chart import Bar, BarChart
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable
from tui.widgets.type_ahead import FollowsFocus

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

Rows = list[tuple[str, tuple[str | int, ...], Drill | None]]


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


class FigureTable(FollowsFocus, RecordTable):
    """A table of figures; the cursor walks on into the next table at either end."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", N_("Details"), id="reports.drilldown"),
    ]

    def __init__(self, columns: Sequence[Column], *, id: str, page: int | None = None) -> None:
        super().__init__(columns, id=id, page=page)
        translate_bindings(self)

    def draw_upto(self, line: int) -> None:
        """With a page, put in the rows down to the table's ``line`` (and a page more)
        if they are not in yet: the screen scrolls, not the table."""
        if self.page is not None and self.row_count < self.total_rows \
                and line >= self.row_count:
            self._draw_more(line)

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
            previous.enter_at(previous.total_rows - 1)
        else:
            self._reveal(top=True)

    def enter_at(self, row: int) -> None:
        self._draw_more(row)  # from below, a paged table's last row may not be in yet
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


class ReportTables:
    """Fills the report's tables (mixed into ``ReportsScreen``)."""

    computed: Computed | None
    drills: dict[tuple[str, str], Drill]
    query_one: Any

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
        # Those who completed a course in the report's scope: the trained, in order.
        completed = report.trained_people
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
        completed_in = _("Completed: {course}")
        self._table("by-course", [
            (c.course_id, (c.name, share(c.attendance), share(c.completion)),
             self._people(completed_in.format(course=c.name), c.completed))
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

    def _session_rows(self, report: Report) -> Rows:
        rows: Rows = [
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

    def _target_rows(self, computed: Computed) -> Rows:
        """Trained in the report's scope toward each programme's target: "22 of 60–70"."""
        trained: dict[str, list[str]] = {}
        for figures in computed.report.courses.values():
            trained.setdefault(figures.programme_id, []).extend(figures.completed)
        rows: Rows = []
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

    def _cover_rows(self, report: Report) -> Rows:
        rows: Rows = [
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
