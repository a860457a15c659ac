"""The people, sessions or places behind one figure of the report.

A funder who doubts "6 leaders trained" can be shown the six; an administrator can see
which settlements a programme has not reached yet. The report carries the ids; this
screen looks them up in the store, in a worker, since a national figure can hold
thousands of people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from tui.domain.attendance import name_key
from tui.domain.courses import PostponeReason, Session
from tui.domain.parse import format_date
from tui.domain.places import distinct_names
from tui.i18n import N_, _
from tui.store.errors import StoreError
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

DrillKind = Literal["people", "sessions", "places"]

COLUMNS: dict[DrillKind, tuple[Column, ...]] = {
    "people": (
        Column(N_("Name"), min_width=14), Column(N_("Role"), 11),
        Column(N_("Qualification"), 13), Column(N_("Institution"), 16), Column(N_("Place"), 11),
    ),
    "sessions": (
        Column(N_("Course"), clip="middle"), Column(N_("Date"), 10), Column(N_("Status"), 9),
        Column(N_("Reason"), 16),
    ),
    "places": (
        Column(N_("Name")), Column(N_("Kind"), 20), Column(N_("Municipality"), 24),
    ),
}


@dataclass(frozen=True)
class Drill:
    """What a figure stands for: its caption (already translated) and the ids behind it."""

    title: str
    kind: DrillKind
    ids: tuple[str, ...]
    # Sessions live in their course's file; these are the files to look in.
    course_ids: tuple[str, ...] = ()


Row = tuple[str, tuple[str, ...]]


class DrillDownScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", N_("Search"), id="drilldown.search"),
        Binding("escape", "close", N_("Back"), id="drilldown.close"),
    ]

    def __init__(self, store: Any, drill: Drill) -> None:
        super().__init__(id="drilldown")
        translate_bindings(self)
        self.store = store
        self.drill = drill
        self.rows: list[Row] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Label(self._title(None), id="drill-title", classes="section-title")
        yield Input(placeholder=_("Search: type part of a name (/)"), id="drill-search")
        yield RecordTable(COLUMNS[self.drill.kind], id="drill-table")
        yield Static(_("Reading the database …"), id="drill-message", classes="quiet")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#drill-table").display = False
        self._load()

    def _title(self, shown: int | None) -> str:
        total = len(self.drill.ids)
        if shown is None or shown == total:
            return _("{title} ({n})").format(title=self.drill.title, n=total)
        return _("{title} ({shown} of {n} shown)").format(
            title=self.drill.title, shown=shown, n=total)

    # -- reading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="drilldown")
    def _load(self) -> None:
        try:
            rows = READERS[self.drill.kind](self.store, self.drill)
        except (StoreError, OSError) as error:
            text = str(error) if isinstance(error, StoreError) else str(error.strerror or error)
            self.app.call_from_thread(self._failed, text)
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[Row]) -> None:
        self.rows = rows
        missing = len(self.drill.ids) - len(rows)
        message = self.query_one("#drill-message", Static)
        if missing:
            # Erased or deleted since the report was made: say so rather than hide it.
            message.update(_("{n} of them are no longer in the database.").format(n=missing))
        message.display = bool(missing)
        table = self.query_one("#drill-table", RecordTable)
        table.display = True
        self._filter()
        table.focus()

    def _failed(self, text: str) -> None:
        self.query_one("#drill-message", Static).update(
            Text(_("Kuffert cannot read the database.") + "\n\n" + text))

    # -- searching --------------------------------------------------------------------------

    @on(Input.Changed, "#drill-search")
    def _filter(self) -> None:
        needle = self.query_one("#drill-search", Input).value.strip().casefold()
        shown = [
            row for row in self.rows
            if not needle or any(needle in cell.casefold() for cell in row[1])
        ]
        self.query_one("#drill-table", RecordTable).show_rows(shown)
        self.query_one("#drill-title", Label).update(self._title(len(shown)))

    @on(Input.Submitted, "#drill-search")
    def _to_table(self) -> None:
        self.query_one("#drill-table", RecordTable).focus()

    def action_search(self) -> None:
        self.query_one("#drill-search", Input).focus()

    def action_close(self) -> None:
        self.dismiss()


# -- looking the ids up --------------------------------------------------------------------


def _people_rows(store: Any, drill: Drill) -> list[Row]:
    wanted = set(drill.ids)
    places = distinct_names(store.places.all())
    institutions = {i.id: i for i in store.institutions.all()}
    rows = []
    for person in store.people.all():
        if person.id not in wanted:
            continue
        institution = institutions.get(person.institution_id or "")
        place_id = person.place_id or (institution.place_id if institution else None)
        rows.append((person.id, (
            person.name, person.role.label, person.qualification.label,
            institution.name if institution else "", places.get(place_id or "", ""),
        )))
    return sorted(rows, key=lambda row: (name_key(row[1][0]), row[0]))


def _reason(session: Session) -> str:
    if session.postpone_reason is None:
        return session.postpone_note
    label = PostponeReason(session.postpone_reason).label
    return f"{label}: {session.postpone_note}" if session.postpone_note else label


def _session_rows(store: Any, drill: Drill) -> list[Row]:
    wanted = set(drill.ids)
    names = {c.id: c.name for c in store.courses.all()}
    found: list[tuple[Session, str]] = []
    for course_id in drill.course_ids:
        for session in store.sessions(course_id).all():
            if session.id in wanted:
                found.append((session, names.get(course_id, course_id)))
    found.sort(key=lambda item: (item[0].date, item[1], item[0].id))
    return [
        (s.id, (course, format_date(s.date), s.status.label, _reason(s)))
        for s, course in found
    ]


def _place_rows(store: Any, drill: Drill) -> list[Row]:
    wanted = set(drill.ids)
    places = store.places.all()
    names = {p.id: p.name for p in places}
    rows = [
        (p.id, (p.name, p.kind.label, names.get(p.municipality_id or "", "")))
        for p in places if p.id in wanted
    ]
    return sorted(rows, key=lambda row: (name_key(row[1][0]), row[0]))


READERS: dict[DrillKind, Any] = {
    "people": _people_rows,
    "sessions": _session_rows,
    "places": _place_rows,
}

