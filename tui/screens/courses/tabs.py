"""What the course screen's tabs show: the course's fields, its days with the practice
periods between them, and its participants. Display only; the actions live with the
screen (course.py) and the flows (session_forms.py, enrol.py)."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from tui.domain.courses import Enrolment, EnrolmentStatus, Session, SessionStatus, effective_status
from tui.domain.ordering import name_key
from tui.domain.parse import format_date, format_hours, format_time, weekday_name
from tui.domain.people import Person
from tui.domain.places import InstitutionKind
from tui.domain.rules import completion_text
from tui.domain.schedule import practice_periods
from tui.i18n import N_, _, ngettext
from tui.screens.courses.session_forms import day_text
from tui.views.course import CourseData
from tui.views.courses import place_label
from tui.widgets.record_table import Column, RecordTable, clip

NOTE = 18  # the note column's width: "Weather→27-09-2021"
PRACTICE = "practice:"  # row keys of practice periods: the prefix and the session before
OVERRIDE_MARK = "!"

SESSION_COLUMNS = (
    # "tirs 28-03-2023": the longest Danish weekday and a date with its year.
    Column(N_("Date"), 15), Column(N_("Time"), 11), Column(N_("Hours"), 5),
    Column(N_("Place"), min_width=9), Column(N_("Status"), 9), Column(N_("Note"), NOTE),
)
PARTICIPANT_COLUMNS = (
    # "Education", not "Qualification": the heading sets the column's width.
    Column(N_("Name"), min_width=14), Column(N_("Institution"), 11, clip="middle"),
    Column(N_("Role"), 11), Column(N_("Education"), 10), Column(N_("Status"), 10),
    Column(N_("Cover"), 5),
)


# -- overview ---------------------------------------------------------------------------


class OverviewPane(VerticalScroll, can_focus=True):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown_for: object = None

    def compose(self) -> ComposeResult:
        yield Static("", id="course-overview")

    def show(self, data: CourseData) -> None:
        # What the table is made from: read again unchanged, nothing repaints.
        shown_for = (data.header, data.sessions, tuple(e.status for e in data.enrolments))
        if shown_for != self._shown_for:
            self._shown_for = shown_for
            self.query_one("#course-overview", Static).update(overview_table(data))


class Detail(Static):
    """The line under a table about the row under the cursor: repainted only when its
    text changes (a re-read after someone's change elsewhere leaves it alone)."""

    def __init__(self, *, id: str) -> None:
        super().__init__("", id=id, classes="detail")
        self.text: str | None = None

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.update(Content(text))


def overview_table(data: CourseData) -> Table:
    c, programme = data.course, data.programme
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()

    def row(label: str, value: str | None) -> None:
        table.add_row(Text(label), Text(value or "–"))

    forms = {f.key: f.name for f in programme.forms} if programme else {}
    topics = {t.key: t.name for t in programme.topics} if programme else {}
    place = data.places.get(c.place_id or "")
    active = [s for s in data.in_order() if s.status in (SessionStatus.PLANNED,
                                                          SessionStatus.HELD)]
    row(_("Programme"), programme.name if programme else c.programme_id)
    row(_("Form"), forms.get(c.form_key, c.form_key))
    row(_("Status"), c.status.label)
    row(_("Place"), place_label(place, data.places) if place else "")
    row(_("Venue"), c.venue)
    row(_("Trainers"), ", ".join(c.trainers))
    row(_("Provider"), c.provider)
    days = str(len(active))
    if active:
        days += " (" + _("{first} to {last}").format(
            first=day_text(active[0].date), last=day_text(active[-1].date)) + ")"
    row(_("Days"), days)
    row(_("Reading"), ngettext("{n} page", "{n} pages", c.reading_pages).format(n=c.reading_pages)
        if c.reading_pages is not None else "")
    rule = c.completion
    row(_("To complete"), completion_text(rule) if rule.in_hours
        else ngettext("at least {n} of {days} day", "at least {n} of {days} days",
                      len(active)).format(n=rule.min_sessions, days=len(active))
        if rule.min_sessions else "")
    rule = c.eligibility
    who = [", ".join(r.label for r in rule.roles),
           ", ".join(q.label for q in rule.qualifications),
           ", ".join(_institution_kind(k) for k in rule.institution_kinds)]
    row(_("Who may enrol"), " · ".join(w for w in who if w) or _("everyone"))
    if rule.description:
        row("", rule.description)
    row(_("Topics"), "\n".join("• " + topics.get(k, k) for k in c.topic_keys))
    plan = c.phase_plan
    for label, share, text in ((N_("Before ({share} %)"), plan.before_share, plan.before),
                               (N_("During ({share} %)"), plan.during_share, plan.during),
                               (N_("After ({share} %)"), plan.after_share, plan.after)):
        row(_(label).format(share=share), text)
    counts = {s: sum(e.status is s for e in data.enrolments) for s in EnrolmentStatus}
    row(_("Participants"), ", ".join(f"{n} {s.label.lower()}" for s, n in counts.items() if n))
    return table


def _institution_kind(kind: str) -> str:
    try:
        return InstitutionKind(kind).label
    except ValueError:
        return kind


# -- sessions ----------------------------------------------------------------------------


class SessionsPane(Vertical):
    def __init__(self) -> None:
        super().__init__(id="sessions-pane")
        self.data: CourseData | None = None

    def compose(self) -> ComposeResult:
        yield RecordTable(SESSION_COLUMNS, id="sessions-table")
        yield Detail(id="session-detail")

    def show(self, data: CourseData, select: str | None = None) -> None:
        self.data = data
        table = self.query_one("#sessions-table", RecordTable)
        table.show_rows(session_rows(data))
        if select is not None and (row := table.row_index(select)) is not None:
            table.move_cursor(row=row, animate=False)
        self._detail()

    def cursor_key(self) -> str | None:
        table = self.query_one("#sessions-table", RecordTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected(self) -> Session | None:
        """The session under the cursor; None on a practice period or an empty table."""
        key = self.cursor_key()
        if self.data is None or key is None or key.startswith(PRACTICE):
            return None
        return self.data.session(key)

    def selected_period(self) -> tuple[Session, Session | None] | None:
        """The practice period under the cursor, or the one after the session there."""
        key, data = self.cursor_key(), self.data
        if key is None or data is None:
            return None
        after = data.session(key.removeprefix(PRACTICE))
        if after is None or after.status not in (SessionStatus.PLANNED, SessionStatus.HELD):
            return None
        following = next((b for a, b, _days in practice_periods(data.sessions)
                          if a.id == after.id), None)
        return after, following

    @on(DataTable.RowHighlighted, "#sessions-table")
    def _highlighted(self) -> None:
        self._detail()
        self.screen.refresh_bindings()

    def _detail(self) -> None:
        self.query_one("#session-detail", Detail).show(self.detail_text())

    def detail_text(self) -> str:
        data, key = self.data, self.cursor_key()
        if data is None or key is None:
            return _("No days yet: press n to add one or g to plan them all.")
        if key.startswith(PRACTICE):
            period = self.selected_period()
            if period is None or period[1] is None:
                return ""
            after, following = period
            days = (following.date - after.date).days
            return ngettext("Practice period from {first} to {last} ({days} day). Task: {task}",
                            "Practice period from {first} to {last} ({days} days). Task: {task}",
                            days).format(
                first=day_text(after.date), last=day_text(following.date),
                days=days,
                task=after.practice_task or _("none yet (k adds one)"))
        session = data.session(key)
        return session_detail(data, session) if session else ""


def session_rows(data: CourseData) -> list[tuple[str, tuple[str, ...]]]:
    periods = {a.id: (b, days) for a, b, days in practice_periods(data.sessions)}
    rows: list[tuple[str, tuple[str, ...]]] = []
    for s in data.in_order():
        rows.append((s.id, (
            _short_day(s.date), _time_span(s),
            format_hours(s.hours) if s.hours is not None else "",
            _where(data, s), effective_status(s, data.attended).label,
            _postponed_note(data, s) or _holiday_note(data, s))))
        if s.id in periods:
            _following, days = periods[s.id]
            # The task goes in the widest free column; the line under the table has it all.
            rows.append((PRACTICE + s.id, (
                _("Practice period"), ngettext("{n} day",
                                               "{n} days",
                                               days).format(n=days), "", "", "",
                s.practice_task or "–")))
    return rows


def _time_span(s: Session) -> str:
    if s.start is None or s.end is None:
        return _("all day") if s.start is None else format_time(s.start)
    return f"{format_time(s.start)}-{format_time(s.end)}"


def _where(data: CourseData, s: Session) -> str:
    if s.venue:
        return s.venue
    place_id = s.place_id or data.course.place_id or ""
    return data.course.venue or data.place_names.get(place_id, "")


def _postponed_note(data: CourseData, s: Session) -> str:
    if s.status is not SessionStatus.POSTPONED:
        return ""
    reason = s.postpone_reason.label if s.postpone_reason else ""
    new = data.session(s.replaced_by) if s.replaced_by else None
    if new is None:
        return _("{reason}, no date").format(reason=reason)
    # No spaces around the arrow: "Sygdom→27-09-2021" just fits its column. A longer
    # reason is cut, not the date (the cell would be cut at its end, the year first).
    date = format_date(new.date)
    return f"{clip(reason, NOTE - len(date) - 1)}→{date}"


def _holiday_note(data: CourseData, s: Session) -> str:
    names = [str(w.params.get("holiday", "")) for w in data.holidays.get(s.date, [])]
    return "! " + ", ".join(names) if names else ""


def _short_day(date: dt.date) -> str:
    """ "man 16-08-2021": the abbreviation's dot is the one cell the column lacks."""
    return f"{weekday_name(date, short=True).rstrip('.')} {format_date(date)}"


def session_detail(data: CourseData, s: Session) -> str:
    parts = [f"{weekday_name(s.date)} {format_date(s.date)}, {_time_span(s)}"]
    if s.hours is not None:
        parts.append(_("{hours} hours").format(hours=format_hours(s.hours)))
    where = _where(data, s)
    if where:
        parts.append(where)
    lines = [", ".join(parts) + ". " + _("Status: {status}.").format(status=s.status.label)]
    if s.status is SessionStatus.POSTPONED:
        reason = s.postpone_reason.label if s.postpone_reason else ""
        new = data.session(s.replaced_by) if s.replaced_by else None
        moved = (_("Moved to {day}.").format(day=day_text(new.date)) if new
                 else _("Waiting for a new date (r gives it one)."))
        lines.append(_("Postponed: {reason}").format(reason=reason)
                     + (f" ({s.postpone_note})" if s.postpone_note else "") + ". " + moved)
    replaced = next((o for o in data.sessions if o.replaced_by == s.id), None)
    if replaced is not None:
        lines.append(_("Replaces the day {day}.").format(day=day_text(replaced.date)))
    lines += ["! " + str(w) for w in data.holidays.get(s.date, [])]
    return "\n".join(lines)


# -- participants ----------------------------------------------------------------------


class ParticipantsPane(Vertical):
    def __init__(self) -> None:
        super().__init__(id="participants-pane")
        self.data: CourseData | None = None

    def compose(self) -> ComposeResult:
        yield RecordTable(PARTICIPANT_COLUMNS, id="participants-table")
        yield Detail(id="participant-detail")

    def show(self, data: CourseData, select: str | None = None) -> None:
        self.data = data
        table = self.query_one("#participants-table", RecordTable)
        table.show_rows(participant_rows(data))
        if select is not None and (row := table.row_index(select)) is not None:
            table.move_cursor(row=row, animate=False)
        self._detail()

    def selected(self) -> Enrolment | None:
        table = self.query_one("#participants-table", RecordTable)
        if self.data is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((e for e in self.data.enrolments if e.id == key), None)

    @on(DataTable.RowHighlighted, "#participants-table")
    def _highlighted(self) -> None:
        self._detail()
        self.screen.refresh_bindings()

    def _detail(self) -> None:
        self.query_one("#participant-detail", Detail).show(self.detail_text())

    def detail_text(self) -> str:
        enrolment, data = self.selected(), self.data
        if enrolment is None or data is None:
            return _("Nobody is enrolled yet: press n to add participants.")
        person = data.people.get(enrolment.person_id)
        lines = [person_line(data, person) if person else enrolment.person_id]
        if enrolment.eligibility_override:
            lines.append(OVERRIDE_MARK + " " + _("Enrolled despite the course's criteria: "
                                                 "{note}").format(
                note=enrolment.eligibility_override))
        return "\n".join(lines)


def person_line(data: CourseData, person: Person) -> str:
    institution = data.institutions.get(person.institution_id or "")
    parts = [person.name, person.role.label, person.qualification.label]
    if institution:
        parts.append(institution.name)
    return ", ".join(parts)


def participant_rows(data: CourseData) -> list[tuple[str, tuple[str, ...]]]:
    rows = []
    for e in data.enrolments:
        person = data.people.get(e.person_id)
        institution = data.institutions.get(person.institution_id or "") if person else None
        mark = OVERRIDE_MARK + " " if e.eligibility_override else ""
        rows.append((e.id, (
            mark + (person.name if person else e.person_id),
            institution.name if institution else "",
            person.role.label if person else "", person.qualification.label if person else "",
            e.status.label,
            format_hours(e.substitute_hours) if e.substitute_hours is not None else "")))
    return sorted(rows, key=lambda r: name_key(r[1][0].removeprefix(OVERRIDE_MARK + " ")))
