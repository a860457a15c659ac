"""Reports: the figures administrators send to the ministry and the funders.

The report is the one ``kuffert report`` prints: both call
``tui.store.reporting.report_from_store`` (through ``tui.views.reports.compute``), so the
screen and a script can never disagree. It is computed in a worker, since a national
programme has thousands of course files, and again when someone changes the database
while the screen is in front: once at a time, however many changes come meanwhile.

Every figure is a row in a table (``figures``); ``enter`` on it lists the people,
sessions or places behind it. The screen is one scrolling column of compact sections so
that it reads on 80x24, and the cursor runs from one table into the next with the arrows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Header, Label, ProgressBar, Static

from tui.domain.cover import COVER_RULE
from tui.domain.parse import format_date, parse_date
from tui.domain.places import Place
from tui.domain.reports import Report
from tui.i18n import N_, Message, _, msg
from tui.screens import live
from tui.screens.base import KuffertScreen, error_text
from tui.screens.reports.drilldown import Drill, DrillDownScreen
from tui.screens.reports.figures import (
    COURSE_COLUMNS,
    DAY_COLUMNS,
    FIGURE_COLUMNS,
    GOAL_COLUMNS,
    JOURNAL_COLUMNS,
    MUNICIPALITY_COLUMNS,
    QUALIFICATION_COLUMNS,
    REACH_COLUMNS,
    ROLE_COLUMNS,
    FigureTable,
    ReportTables,
)
from tui.store.outputs import write_private
from tui.views.reports import (
    REPORT_FORMATS,
    Computed,
    Filters,
    compute,
    place_choices,
    report_bytes,
    report_path,
)
from tui.widgets.bar_chart import BarChart
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.export_dialog import ExportDialog, expand_path, path_problem
from tui.widgets.footer import KeyFooter
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.progress import throttled

ALL = "*"


# Rows put in a long table at a time (2,000 courses at national scale): the screen
# shows about twenty, and a table of thousands takes a second to lay out.
PAGE = 60


def _offset_in(widget: Widget, container: Widget) -> int:
    """Where ``widget`` begins within ``container``'s scrolled content, in lines."""
    y, node = 0, widget
    while node is not container and isinstance(node, Widget):
        y += node.virtual_region.y
        node = node.parent  # type: ignore[assignment]
    return y


class ReportsScreen(ReportTables, KuffertScreen[None]):
    # The first table, from the start: the footer shows its keys before the figures
    # come, not in a frame of its own after them. (Textual's own choice, the scrolling
    # body, restyled all of the screen on taking the focus: 100 ms before the screen
    # first showed.)
    AUTO_FOCUS = "#trained-role"
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
        self._computing = False
        # Changes that came while a report was being computed: one more, afterwards.
        self._again = False
        self._scope = ""

    @property
    def report(self) -> Report | None:
        return self.computed.report if self.computed else None

    def watched(self) -> frozenset[str]:
        # Every write renames a file into its folder, which stamps the folder: one stat
        # covers all the course files.
        return frozenset({live.MAIN, live.PEOPLE, live.COURSES})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="reports-scope")
        # The progress covers the figures while they are computed, rather than the
        # figures being hidden: laid out beneath it, every table knows its width when the
        # figures come, and they are drawn in one frame, not a second one after the
        # tables have learnt their widths.
        with Container(id="reports-area"):
            with Horizontal(id="reports-progress"):
                yield Label(_("Computing the report …"), id="reports-progress-label")
                yield ProgressBar(id="reports-progress-bar", show_eta=False)
            yield from self._body()
        yield KeyFooter(show_command_palette=False)

    def _body(self) -> ComposeResult:
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
            yield FigureTable(REACH_COLUMNS, id="reach", page=PAGE)
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
            yield FigureTable(COURSE_COLUMNS, id="by-course", page=PAGE)
            yield Label(_("Substitute cover"), classes="section-title")
            yield FigureTable(FIGURE_COLUMNS, id="cover")
            # The same words as the text report, the summary and the files.
            yield Static(_(COVER_RULE), id="cover-rule", classes="quiet", markup=False)
            yield Label(_("Learning goals, average rating before and after"),
                        id="goals-title", classes="section-title")
            yield FigureTable(GOAL_COLUMNS, id="goals")
            yield Label(_("Action-learning journals"), id="journals-title",
                        classes="section-title")
            yield FigureTable(JOURNAL_COLUMNS, id="journals", page=PAGE)

    def on_mount(self) -> None:
        body = self.query_one("#reports-body", VerticalScroll)
        self.watch(body, "scroll_y", self._body_scrolled, init=False)
        self._compute(self.filters, now=True)

    def _body_scrolled(self) -> None:
        """Put in the rows of the long tables as the screen comes near them."""
        body = self.query_one("#reports-body", VerticalScroll)
        seen = body.size.height
        at_end = body.scroll_y >= body.max_scroll_y
        for table in self.query(FigureTable):
            if table.page is None or table.row_count >= table.total_rows:
                continue
            if at_end:  # End: the whole of it, or the screen's end moves away
                table.draw_upto(table.total_rows)
            else:
                table.draw_upto(int(body.scroll_y) - _offset_in(table, body) + 3 * seen)

    # -- computing --------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        # Quietly: the figures on screen stay, with the cursor, until the new ones are in.
        self._compute(self.filters)

    def _compute(self, filters: Filters, *, now: bool = False) -> None:
        """``now``: the user asked (first look, new filters); shown with its progress,
        and it replaces a report still being computed. Otherwise it follows a change
        made elsewhere, and waits for one under way."""
        if self._computing and not now:
            self._again = True
            return
        self._computing, self._again = True, False
        store, app = self.store, self.app
        if now:
            self.query_one("#reports-progress").display = True
            self.query_one("#reports-progress-bar", ProgressBar).update(total=None, progress=0)

        def work() -> Computed:
            return compute(store, filters, throttled(app, self._progress) if now else None)

        self.mark_read()
        self.run_store(work, self._show, failed=self._failed, group="report")

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#reports-progress-bar", ProgressBar).update(total=total, progress=done)

    def _done(self) -> None:
        self._computing = False
        self.query_one("#reports-progress").display = False
        if self._again:
            self._compute(self.filters)

    def _failed(self, text: str) -> None:
        self._done()
        if self.computed is None:
            # Nothing to show instead: the reason stays on the screen, not only for the
            # seconds a notification lasts.
            self._scope = text
            self.query_one("#reports-body").display = False  # its tables are empty
            self.query_one("#reports-scope", Static).update(
                _("The report could not be computed.") + " " + text)
        self.notify(text, title=_("The report could not be computed."), severity="error",
                    timeout=15)

    def _show(self, computed: Computed) -> None:
        try:
            self._show_now(computed)
        except MemoryError as error:
            # A national report's tables hold tens of thousands of ids.
            self._failed(error_text(error))
            return
        self._done()

    def _show_now(self, computed: Computed) -> None:
        focused = self.focused
        where = (focused.id, focused.cursor_row) if isinstance(focused, FigureTable) else None
        first = self.computed is None or computed.filters != self.filters
        self.computed = computed
        self.filters = computed.filters
        scope = self._scope_text(computed)
        if scope != self._scope:
            self._scope = scope
            self.query_one("#reports-scope", Static).update(scope)
        body = self.query_one("#reports-body")
        body.display = True  # again, after a report that could not be computed
        self._fill(computed)
        self.refresh_bindings()
        # The tables scroll the screen to their cursor themselves (FigureTable._reveal);
        # Textual's own scrolling to a newly focused widget would fight it.
        if where is not None:
            table = self.query_one(f"#{where[0]}", FigureTable)
            if table.row_count:
                if table.cursor_row != min(where[1], table.row_count - 1):
                    table.move_cursor(row=min(where[1], table.row_count - 1), animate=False)
                self.set_focus(table, scroll_visible=False)
                return
        if not first:
            return
        top = self.query_one("#trained-role", FigureTable)
        top.move_cursor(row=0, animate=False)
        self.set_focus(top, scroll_visible=False)
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
                                    "change them).").format(key=key_for(self, "reports.filter"))
        return scope + " · " + _("Courses: {n}").format(n=len(report.courses))

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
        self.app.push_screen(DrillDownScreen(drill))

    # -- filters ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export_report" and self.computed is None:
            return None  # shown, greyed out, until the first report is in
        return True

    def action_filter(self) -> None:
        if self.computed is not None:
            self._filter_form(self.computed.programmes, self.computed.places)
            return
        # No report yet (still being computed, or it failed: too big for the memory,
        # say): the choices are read on their own, so that a smaller one can be asked.
        store = self.store

        def choices() -> tuple[list[tuple[str, str]], list[Place]]:
            programmes = sorted(((p.id, p.name) for p in store.programmes.all()),
                                key=lambda item: item[1].casefold())
            return programmes, store.places.all()

        self.run_store(choices, lambda found: self._filter_form(*found), group="choices")

    def _filter_form(self, known_programmes: list[tuple[str, str]],
                     known_places: list[Place]) -> None:
        filters = self.filters
        programmes = [(_("All programmes"), ALL), *((name, pid)
                                                    for pid, name in known_programmes)]
        places = [(_("All places"), ALL), *place_choices(known_places)]

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
                              end=values.get("end"), place_id=chosen("place")), now=True)

    # -- exporting --------------------------------------------------------------------------

    def action_export(self) -> None:
        courses = self.computed.courses if self.computed else None
        self.app.push_screen(ExportDialog(self.store, courses=courses))

    def action_export_report(self) -> None:
        if self.report is not None:
            self._ask_and_save(self.report)

    @work(group="save-report")
    async def _ask_and_save(self, report: Report) -> None:
        layout = self.store.db.layout

        def check(values: dict[str, Any]) -> list[tuple[str, Message]]:
            chosen = values["path"] or report_path(values.get("format"))
            problem = path_problem(expand_path(chosen), layout)
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
        path = expand_path(values["path"] or report_path(values["format"]))
        if path.exists():
            replace = await self.app.push_screen_wait(ConfirmScreen(
                _("{path} already exists. Replace it?").format(path=path),
                yes=_("Replace"), no=_("Keep it"), danger=True))
            if not replace:
                return
        self._save_report(report, values["format"], path)

    def _save_report(self, report: Report, fmt: str, path: Path) -> None:
        layout = self.store.db.layout

        def failed(reason: str) -> None:
            self.notify(reason, title=_("The report was not saved"), severity="error",
                        timeout=15)

        self.run_store(lambda: write_private(path, report_bytes(report, fmt), database=layout),
                       lambda _written: self.notify(
                           _("Report written to {path}.").format(path=path)),
                       failed=failed, group="save-report-file", exclusive=False)
