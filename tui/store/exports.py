"""Exports for spreadsheets, other programs and the archive; and the report's data.

Exports hold personal data (journals may describe children), so every file is created
readable by its owner only, and written through ``tui.store.outputs``: a hidden temp file
renamed into place when complete, never over one of the database's own files.

CSV comes in two dialects. The default is what Danish Excel opens with a double-click:
semicolons, UTF-8 with a byte-order mark (without it Excel reads æøå as mojibake), decimal
comma and dd-mm-yyyy dates. ``plain=True`` is RFC 4180 for other programs: commas, no
byte-order mark, ISO dates and a decimal point.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.domain.courses import Course, EnrolmentStatus, Session
from tui.domain.csv_text import csv_cell, csv_writer
from tui.domain.journals import GoalOutcome, Journal, JournalEntry, JournalGoal, Phase
from tui.domain.ordering import name_key
from tui.domain.parse import format_date, label_of
from tui.domain.people import Person
from tui.domain.places import distinct_names
from tui.domain.records import LabelledEnum, Record
from tui.domain.rules import session_hours
from tui.domain.text import json_safe, printable
from tui.i18n import N_, _, msg, ngettext
from tui.store.codec import encode
from tui.store.errors import StoreError
from tui.store.ids import now
from tui.store.layout import Layout
from tui.store.outputs import check_output, private_output, write_private
from tui.store.participant_notes_md import participant_notes_markdown
from tui.store.store import Store

Progress = Callable[[int, int], None]

EXPORT_KINDS = ("people", "courses", "sessions", "attendance", "journals")
EXPORT_FORMATS = ("csv", "xlsx", "json", "md")


class ExportError(StoreError):
    """An export that cannot be made as asked; the message says why."""


class UnknownCourse(ExportError):
    def __init__(self, course_id: str, known: Sequence[str]) -> None:
        shown = ", ".join(known[:10]) + (" …" if len(known) > 10 else "")
        super().__init__(msg("There is no course with the id {id}. Courses: {ids}",
                             id=course_id, ids=shown or _("none")))


class UnknownJournal(ExportError):
    def __init__(self, journal_id: str) -> None:
        super().__init__(msg("There is no journal with the id {id}.", id=journal_id))


# --- tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """``kind`` decides the cell type: text, int, hours (a number), date, time or bool."""

    heading: str  # an N_() msgid
    kind: str = "text"


@dataclass
class Table:
    name: str  # an N_() msgid, the sheet's title
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _label(value: LabelledEnum | None) -> str:
    return str(label_of(value)) if value is not None else ""


def _courses(store: Store, course_id: str | None) -> list[Course]:
    courses = store.courses.all()
    if course_id is None:
        return courses
    chosen = [c for c in courses if c.id == course_id]
    if not chosen:
        raise UnknownCourse(course_id, [c.id for c in courses])
    return chosen


class _Names:
    """Id → name lookups for the columns that show a name beside an id."""

    def __init__(self, store: Store) -> None:
        self.places = {p.id: p for p in store.places.all()}
        self.place_names = distinct_names(self.places.values())
        self.institutions = {i.id: i for i in store.institutions.all()}
        self.programmes = {p.id: p.name for p in store.programmes.all()}

    def place(self, place_id: str | None) -> str:
        return self.place_names.get(place_id or "", "")

    def municipality(self, place_id: str | None) -> str:
        place = self.places.get(place_id or "")
        if place is None:
            return ""
        if place.municipality_id is None:
            return place.name
        return self.place(place.municipality_id)


def _people_in_order(store: Store) -> list[Person]:
    """Everyone, by name: the registry's files hold people in no order a reader knows."""
    return sorted(store.people.all(), key=lambda p: (name_key(p.name), p.id))


def people_table(store: Store, *, course_id: str | None = None,
                 progress: Progress | None = None) -> Table:
    names = _Names(store)
    people = _people_in_order(store)
    if course_id is not None:
        (course,) = _courses(store, course_id)
        enrolled = {e.person_id for e in store.enrolments(course.id).all()}
        people = [p for p in people if p.id in enrolled]
    table = Table(N_("People"), [
        Column(N_("Id")), Column(N_("Name")), Column(N_("Role")), Column(N_("Qualification")),
        Column(N_("Institution")), Column(N_("Place")), Column(N_("Municipality")),
        Column(N_("E-mail")), Column(N_("Phone")),
    ])
    for done, person in enumerate(people, start=1):
        institution = names.institutions.get(person.institution_id or "")
        place_id = person.place_id or (institution.place_id if institution else None)
        table.rows.append([
            person.id, person.name, _label(person.role), _label(person.qualification),
            institution.name if institution else "", names.place(place_id),
            names.municipality(place_id), person.email, person.phone,
        ])
        if done % 1000 == 0:
            _tick(progress, done, len(people))
    _tick(progress, len(people), len(people))
    return table


def courses_table(store: Store, *, course_id: str | None = None,
                  progress: Progress | None = None) -> Table:
    names = _Names(store)
    courses = _courses(store, course_id)
    table = Table(N_("Courses"), [
        Column(N_("Id")), Column(N_("Programme")), Column(N_("Name")), Column(N_("Form")),
        Column(N_("Audience")), Column(N_("Topics")), Column(N_("Place")),
        Column(N_("Venue")), Column(N_("Trainers")), Column(N_("Provider")),
        Column(N_("Status")), Column(N_("First day"), "date"), Column(N_("Last day"), "date"),
        Column(N_("Sessions"), "int"), Column(N_("Hours"), "hours"),
        Column(N_("Participants"), "int"), Column(N_("Days required to complete"), "int"),
        Column(N_("Pages of reading"), "int"),
    ])
    for done, course in enumerate(courses, start=1):
        sessions = store.sessions(course.id).all()
        dates = sorted(s.date for s in sessions)
        hours = sum(session_hours(s) or 0.0 for s in sessions)
        participants = sum(
            1 for e in store.enrolments(course.id).all()
            if e.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
        )
        table.rows.append([
            course.id, names.programmes.get(course.programme_id, course.programme_id),
            course.name, course.form_key, course.audience, ", ".join(course.topic_keys),
            names.place(course.place_id), course.venue, ", ".join(course.trainers),
            course.provider, _label(course.status), dates[0] if dates else None,
            dates[-1] if dates else None, len(sessions), hours, participants,
            course.completion.min_sessions, course.reading_pages,
        ])
        _tick(progress, done, len(courses))
    return table


def sessions_table(store: Store, *, course_id: str | None = None,
                   progress: Progress | None = None) -> Table:
    names = _Names(store)
    courses = _courses(store, course_id)
    table = Table(N_("Sessions"), [
        Column(N_("Id")), Column(N_("Course id")), Column(N_("Course")),
        Column(N_("Date"), "date"), Column(N_("Start"), "time"), Column(N_("End"), "time"),
        Column(N_("Hours"), "hours"), Column(N_("Place")), Column(N_("Venue")),
        Column(N_("Status")), Column(N_("Reason for postponing")), Column(N_("Note")),
        Column(N_("New date"), "date"), Column(N_("Practice task")),
    ])
    for done, course in enumerate(courses, start=1):
        sessions = _by_date(store.sessions(course.id).all())
        by_id = {s.id: s for s in sessions}
        for s in sessions:
            new = by_id.get(s.replaced_by or "")
            table.rows.append([
                s.id, course.id, course.name, s.date, s.start, s.end, session_hours(s),
                names.place(s.place_id or course.place_id), s.venue or course.venue,
                _label(s.status), _label(s.postpone_reason), s.postpone_note,
                new.date if new else None, s.practice_task,
            ])
        _tick(progress, done, len(courses))
    return table


def attendance_table(store: Store, *, course_id: str | None = None,
                     progress: Progress | None = None) -> Table:
    courses = _courses(store, course_id)
    people = {p.id: p.name for p in store.people.all()}
    table = Table(N_("Attendance"), [
        Column(N_("Course id")), Column(N_("Course")), Column(N_("Session id")),
        Column(N_("Date"), "date"), Column(N_("Person id")), Column(N_("Name")),
        Column(N_("Attendance")), Column(N_("Hours"), "hours"),
        Column(N_("Substitute hours"), "hours"),
    ])
    for done, course in enumerate(courses, start=1):
        sessions = {s.id: s for s in store.sessions(course.id).all()}
        marks = store.attendance(course.id).all()
        far_future = dt.date.max
        marks.sort(key=lambda a: (
            sessions[a.session_id].date if a.session_id in sessions else far_future,
            people.get(a.person_id, ""), a.person_id))
        for a in marks:
            session = sessions.get(a.session_id)
            table.rows.append([
                course.id, course.name, a.session_id, session.date if session else None,
                a.person_id, people.get(a.person_id, ""), _label(a.mark), a.hours,
                a.substitute_hours,
            ])
        _tick(progress, done, len(courses))
    return table


def journal_tables(store: Store, *, course_id: str | None = None,
                   progress: Progress | None = None) -> list[Table]:
    courses = _courses(store, course_id)
    people = {p.id: p.name for p in store.people.all()}
    entries_table = Table(N_("Journal entries"), [
        Column(N_("Course")), Column(N_("Journal id")), Column(N_("Journal")),
        Column(N_("Kept by")), Column(N_("Cycle"), "int"), Column(N_("Phase no."), "int"),
        Column(N_("Phase")), Column(N_("Date"), "date"), Column(N_("Session"), "date"),
        Column(N_("In the practice period"), "bool"), Column(N_("Documentation method")),
        Column(N_("Author")), Column(N_("Text")),
    ])
    goals_table = Table(N_("Journal goals"), [
        Column(N_("Course")), Column(N_("Journal id")), Column(N_("Journal")),
        Column(N_("Cycle"), "int"), Column(N_("Goal")), Column(N_("Outcome")),
        Column(N_("Comment")),
    ])
    for done, course in enumerate(courses, start=1):
        journals = {j.id: j for j in store.journals(course.id).all()}
        sessions = {s.id: s.date for s in store.sessions(course.id).all()}
        for entry in _entry_order(store.journal_entries(course.id).all()):
            journal = journals.get(entry.journal_id)
            entries_table.rows.append([
                course.name, entry.journal_id, _journal_title(journal, people),
                _kept_by(journal, people), entry.cycle, int(entry.phase), entry.phase.label,
                entry.date, sessions.get(entry.session_id or ""), entry.in_practice_period,
                _label(entry.method), entry.author, entry.text,
            ])
        for goal in sorted(store.journal_goals(course.id).all(),
                           key=lambda g: (g.journal_id, g.cycle)):
            goals_table.rows.append([
                course.name, goal.journal_id,
                _journal_title(journals.get(goal.journal_id), people), goal.cycle, goal.text,
                _label(goal.outcome), goal.comment,
            ])
        _tick(progress, done, len(courses))
    return [entries_table, goals_table]


def tables(store: Store, kind: str, *, course_id: str | None = None,
           progress: Progress | None = None) -> list[Table]:
    builders: dict[str, Callable[..., Table]] = {
        "people": people_table, "courses": courses_table, "sessions": sessions_table,
        "attendance": attendance_table,
    }
    if kind == "journals":
        return journal_tables(store, course_id=course_id, progress=progress)
    return [builders[kind](store, course_id=course_id, progress=progress)]


def _by_date(sessions: Iterable[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (s.date, s.start or dt.time.min, s.id))


def _entry_order(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    return sorted(entries, key=lambda e: (e.journal_id, e.cycle, int(e.phase),
                                          e.date or dt.date.min, e.id))


def _journal_title(journal: Journal | None, people: dict[str, str]) -> str:
    if journal is None:
        return ""
    return journal.title or journal.group_name or people.get(journal.person_id or "", "")


def _kept_by(journal: Journal | None, people: dict[str, str]) -> str:
    if journal is None:
        return ""
    if journal.person_id:
        return people.get(journal.person_id, journal.person_id)
    members = ", ".join(people.get(m, m) for m in journal.member_ids)
    return f"{journal.group_name} ({members})" if members else journal.group_name


# --- CSV -----------------------------------------------------------------------------

def write_csv(table: Table, path: Path, *, plain: bool = False,
              database: Layout | None, shown: str | None = None) -> int:
    with private_output(path, database=database, shown=shown) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8" if plain else "utf-8-sig", newline="")
        writer = csv_writer(text, plain=plain)
        writer.writerow([_(c.heading) for c in table.columns])
        for row in table.rows:
            writer.writerow([csv_cell(v, plain=plain) for v in row])
        text.flush()
        # Leave the binary stream open for private_output to fsync and close.
        text.detach()
    return len(table.rows)


# --- xlsx ----------------------------------------------------------------------------

# Excel's own limit; a longer text would be cut by Excel or make it "repair" the file.
XLSX_CELL_LIMIT = 32_767


class CellTooLong(ExportError):
    def __init__(self, table: Table, column: Column, number: int, row: Sequence[Any],
                 length: int) -> None:
        super().__init__(msg(
            "The {column} of row {row} on the sheet {sheet} ({record}) is {length} "
            "characters long; an Excel cell holds at most 32,767, so nothing was written. "
            "Export it as JSON, or journals as Markdown: they keep the whole text.",
            column=msg(column.heading), row=number, sheet=msg(table.name),
            record=printable(str(row[0])) if row else "-", length=length))


def _check_cell_lengths(sheets: Sequence[Table]) -> None:
    for table in sheets:
        for number, row in enumerate(table.rows, start=2):  # row 1 holds the headings
            for column, value in zip(table.columns, row, strict=True):
                # printable() only shortens a text, so most cells need no second look.
                if (isinstance(value, str) and len(value) > XLSX_CELL_LIMIT
                        and len(text := printable(value, multiline=True)) > XLSX_CELL_LIMIT):
                    raise CellTooLong(table, column, number, row, len(text))


_NUMBER_FORMATS = {"date": "dd-mm-yyyy", "time": "hh:mm", "hours": "0.0#", "int": "0"}
_MAX_WIDTH = 60


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _width(column: Column, rows: list[list[Any]], index: int) -> float:
    widest = len(_(column.heading))
    for row in rows[:2000]:  # a sample is enough to size a column
        value = row[index]
        if value is None:
            continue
        shown = 10 if isinstance(value, dt.date) else len(csv_cell(value, plain=True))
        widest = max(widest, shown)
    return min(widest + 2, _MAX_WIDTH)


def write_xlsx(sheets: Sequence[Table], path: Path, *, database: Layout | None,
               shown: str | None = None) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    # Before the workbook: its sheets go to temp files that a refusal would leave behind.
    _check_cell_lengths(sheets)
    # Write-only keeps memory flat for a national export on a small laptop.
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    count = 0
    for table in sheets:
        sheet = workbook.create_sheet(_(table.name)[:31])
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[_column_letter(index)].width = _width(
                column, table.rows, index - 1)
        sheet.freeze_panes = "A2"
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=_(column.heading))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [_NUMBER_FORMATS.get(column.kind) for column in table.columns]
        for row in table.rows:
            cells: list[Any] = []
            for number_format, value in zip(formats, row, strict=True):
                if isinstance(value, str):
                    # Also what openpyxl refuses as illegal: every C0 control but tab, LF.
                    value = printable(value, multiline=True)
                    if value.startswith("="):
                        # Text starting with "=" would otherwise be stored as a formula.
                        cell = WriteOnlyCell(sheet, value=value)
                        cell.data_type = "s"
                        value = cell
                elif value is not None and number_format is not None:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = number_format
                    value = cell
                # Plain values skip the cell objects: a national export has millions.
                cells.append(value)
            sheet.append(cells)
        if table.columns:
            last = _column_letter(len(table.columns))
            sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        count += len(table.rows)
    with private_output(path, database=database, shown=shown) as stream:
        workbook.save(stream)
    return count


# --- JSON ----------------------------------------------------------------------------


def records(store: Store, kind: str, *, course_id: str | None = None,
            progress: Progress | None = None) -> dict[str, list[Record]]:
    """The records behind an export, by table name, as the store holds them."""
    if kind == "people":
        people: list[Person] = _people_in_order(store)
        if course_id is not None:
            (course,) = _courses(store, course_id)
            enrolled = {e.person_id for e in store.enrolments(course.id).all()}
            people = [p for p in people if p.id in enrolled]
        _tick(progress, 1, 1)
        return {"people": list(people)}
    courses = _courses(store, course_id)
    if kind == "courses":
        _tick(progress, 1, 1)
        return {"courses": list(courses)}
    tables_of = {
        "sessions": ("sessions",),
        "attendance": ("attendance",),
        "journals": ("journals", "journal_entries", "journal_goals"),
    }[kind]
    found: dict[str, list[Record]] = {name: [] for name in tables_of}
    for done, course in enumerate(courses, start=1):
        for name in tables_of:
            found[name] += getattr(store, name)(course.id).all()
        _tick(progress, done, len(courses))
    return found


def encode_record(record: Record) -> dict[str, Any]:
    """All fields, the id included (codec.encode leaves it to the store's key)."""
    return {"id": record.id, **encode(record)}


def write_json(found: dict[str, list[Record]], path: Path, *, kind: str,
               database: Layout | None, shown: str | None = None) -> int:
    document = {
        "kuffert_export": kind,
        "exported_at": now(),
        "tables": {name: [encode_record(r) for r in rows] for name, rows in found.items()},
    }
    data = json_safe(json.dumps(document, ensure_ascii=False, indent=1)).encode("utf-8") + b"\n"
    write_private(path, data, database=database, shown=shown)
    return sum(len(rows) for rows in found.values())


# --- journals as Markdown ------------------------------------------------------------


def md_text(text: str) -> str:
    # A line starting with "#" would become a heading and break the document's outline.
    return "\n".join("\\" + line if line.startswith("#") else line
                     for line in text.strip().splitlines())


def journal_markdown(
    journal: Journal,
    entries: Sequence[JournalEntry],
    goals: Sequence[JournalGoal],
    *,
    people: dict[str, str],
    session_dates: dict[str, dt.date],
    level: int = 2,
) -> str:
    """One journal, per cycle and per phase, with its goals under phases 3 and 8."""
    h = "#" * level
    lines = [f"{h} {_journal_title(journal, people) or journal.id}", ""]
    kept_by = _kept_by(journal, people)
    if kept_by:
        lines += [_("Kept by: {who}").format(who=kept_by), ""]
    cycles = sorted({e.cycle for e in entries} | {g.cycle for g in goals})
    if not cycles:
        lines += [_("No entries yet."), ""]
    for cycle in cycles:
        lines += [f"{h}# " + _("Cycle {n}").format(n=cycle), ""]
        cycle_entries = [e for e in entries if e.cycle == cycle]
        cycle_goals = [g for g in goals if g.cycle == cycle]
        for phase in Phase:
            phase_entries = [e for e in cycle_entries if e.phase is phase]
            shows_goals = bool(cycle_goals) and phase in (Phase.GOALS, Phase.EVALUATION)
            if not phase_entries and not shows_goals:
                continue
            lines += [f"{h}## {int(phase)}. {phase.label}", ""]
            for entry in _entry_order(phase_entries):
                lines += [_entry_heading(entry, session_dates), "", md_text(entry.text), ""]
            if shows_goals and phase is Phase.GOALS:
                lines += [_("Goals:"), ""]
                lines += [f"{i}. {md_text(g.text)}" for i, g in enumerate(cycle_goals, 1)]
                lines.append("")
            if shows_goals and phase is Phase.EVALUATION:
                lines += [_("Evaluation of the goals:"), ""]
                for i, goal in enumerate(cycle_goals, 1):
                    outcome = _label(goal.outcome) or _("not evaluated yet")
                    line = f"{i}. {md_text(goal.text)} **{outcome}**"
                    if goal.comment.strip():
                        line += f" {md_text(goal.comment)}"
                    lines.append(line)
                reached = sum(1 for g in cycle_goals if g.outcome is GoalOutcome.REACHED)
                lines += ["", ngettext("{reached} of {total} goal reached.",
                                        "{reached} of {total} goals reached.",
                                        len(cycle_goals)).format(
                    reached=reached, total=len(cycle_goals)), ""]
    return "\n".join(lines)


def _entry_heading(entry: JournalEntry, session_dates: dict[str, dt.date]) -> str:
    parts = [format_date(entry.date) if entry.date else _("undated")]
    if entry.method is not None:
        parts.append(_label(entry.method))
    if entry.author:
        parts.append(entry.author)
    session = session_dates.get(entry.session_id or "")
    if session is not None:
        template = (_("practice period after the session on {date}")
                    if entry.in_practice_period else _("session on {date}"))
        parts.append(template.format(date=format_date(session)))
    return "*" + " · ".join(parts) + "*"


def journals_markdown(store: Store, *, course_id: str | None = None,
                      journal_id: str | None = None,
                      progress: Progress | None = None) -> tuple[str, int]:
    """A course's journals (or all, or one) as Markdown; returns the text and the count."""
    courses = _courses(store, course_id)
    people = {p.id: p.name for p in store.people.all()}
    parts: list[str] = []
    count = 0
    for done, course in enumerate(courses, start=1):
        journals = store.journals(course.id).all()
        if journal_id is not None:
            journals = [j for j in journals if j.id == journal_id]
        if not journals:
            _tick(progress, done, len(courses))
            continue
        entries: dict[str, list[JournalEntry]] = defaultdict(list)
        for entry in store.journal_entries(course.id).all():
            entries[entry.journal_id].append(entry)
        goals: dict[str, list[JournalGoal]] = defaultdict(list)
        for goal in store.journal_goals(course.id).all():
            goals[goal.journal_id].append(goal)
        session_dates = {s.id: s.date for s in store.sessions(course.id).all()}
        parts += [f"# {course.name}", ""]
        for journal in sorted(journals, key=lambda j: _journal_title(j, people)):
            parts.append(journal_markdown(journal, entries[journal.id], goals[journal.id],
                                          people=people, session_dates=session_dates))
            count += 1
        if journal_id is None:  # the whole course: its participants' notes and ratings too
            parts.append(participant_notes_markdown(store, course, people))
        _tick(progress, done, len(courses))
    if journal_id is not None and count == 0:
        raise UnknownJournal(journal_id)
    # Once over the whole document: every name, title and entry in it is stored text.
    return printable("\n".join(parts).rstrip(), multiline=True) + "\n", count


# --- one entry point -----------------------------------------------------------------


def export(
    store: Store,
    kind: str,
    fmt: str,
    out: Path,
    *,
    course_id: str | None = None,
    journal_id: str | None = None,
    plain: bool = False,
    progress: Progress | None = None,
    shown: str | None = None,
) -> int:
    """Write one export; returns the number of records (rows, or journals for md).

    ``shown`` is ``out`` as the user typed it, for messages. Refused before any work
    when ``out`` is one of the database's own files (see tui.store.outputs).
    """
    if kind not in EXPORT_KINDS:
        raise ExportError(msg("Unknown export {kind}; choose one of: {choices}.",
                              kind=kind, choices=", ".join(EXPORT_KINDS)))
    if fmt not in EXPORT_FORMATS:
        raise ExportError(msg("Unknown format {format}; choose one of: {choices}.",
                              format=fmt, choices=", ".join(EXPORT_FORMATS)))
    database = store.db.layout
    # Before the work too, so a national export is not built only to be refused.
    check_output(out, database=database, shown=shown)
    where = {"database": database, "shown": shown}
    if fmt == "md":
        if kind != "journals":
            raise ExportError(msg("Markdown is only for journals; export {kind} as csv, "
                                  "xlsx or json.", kind=kind))
        text, count = journals_markdown(store, course_id=course_id, journal_id=journal_id,
                                        progress=progress)
        write_private(out, text.encode("utf-8"), **where)
        return count
    if fmt == "json":
        return write_json(records(store, kind, course_id=course_id, progress=progress), out,
                          kind=kind, **where)
    found = tables(store, kind, course_id=course_id, progress=progress)
    if fmt == "xlsx":
        return write_xlsx(found, out, **where)
    # A CSV file holds one table: for journals, the entries (goals are in xlsx, json, md).
    return write_csv(found[0], out, plain=plain, **where)
