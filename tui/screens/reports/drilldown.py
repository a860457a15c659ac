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
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Input, Label, Static

from tui.domain.courses import PostponeReason, Session
from tui.domain.ordering import name_key
from tui.domain.parse import format_date
from tui.domain.places import distinct_names
from tui.i18n import N_, _
from tui.screens import live
from tui.screens.base import KuffertScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable
from tui.widgets.type_ahead import FollowsFocus, relayed

DrillKind = Literal["people", "sessions", "places"]

COLUMNS: dict[DrillKind, tuple[Column, ...]] = {
    "people": (
        Column(N_("Name"), min_width=14), Column(N_("Role"), 11),
        # Institutions differ at their end ("Børnehaven Nanoq", "Børnehaven Puisi").
        Column(N_("Qualification"), 13), Column(N_("Institution"), 16, clip="middle"),
        Column(N_("Place"), 11),
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


class DrillTable(FollowsFocus, RecordTable):
    pass


class DrillSearch(FollowsFocus, Input):
    """Enter or down goes to the list; keys typed after them in one burst follow."""

    def on_key(self, event: events.Key) -> None:
        if relayed(self, event):
            return
        screen = self.screen
        if event.key in ("enter", "down") and isinstance(screen, DrillDownScreen):
            event.stop()
            event.prevent_default()
            screen.leave_search()


class DrillDownScreen(KuffertScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", N_("Search"), id="drilldown.search", priority=True),
        Binding("escape", "close", N_("Back"), id="drilldown.close"),
    ]

    def __init__(self, drill: Drill) -> None:
        super().__init__(id="drilldown")
        translate_bindings(self)
        self.drill = drill
        self.rows: list[Row] = []
        self._filtered_for: str | None = None

    def watched(self) -> frozenset[str]:
        # Names of places and courses are in the main file; a session in its course's.
        if self.drill.kind == "people":
            return frozenset({live.PEOPLE, live.MAIN})
        if self.drill.kind == "sessions":
            return frozenset({live.MAIN, *map(live.course, self.drill.course_ids)})
        return frozenset({live.MAIN})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Label(self._title(None), id="drill-title", classes="section-title")
        yield DrillSearch(placeholder=_("Search: type part of a name (/)"), id="drill-search")
        yield DrillTable(COLUMNS[self.drill.kind], id="drill-table")
        yield Static(_("Reading the database …"), id="drill-message", classes="quiet")
        yield KeyFooter(show_command_palette=False)

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

    def data_changed(self, changes: live.Changes) -> None:
        self._load()

    def _load(self) -> None:
        store, drill = self.store, self.drill
        self.mark_read()
        self.run_store(lambda: READERS[drill.kind](store, drill), self._show,
                       failed=self._failed, group="read")

    def _show(self, rows: list[Row]) -> None:
        first = not self.rows and not self.query_one("#drill-table").display
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
        if first:
            self.set_focus(table)

    def _failed(self, text: str) -> None:
        self.query_one("#drill-message", Static).update(
            Text(_("Kuffert cannot read the database.") + "\n\n" + text))

    # -- searching --------------------------------------------------------------------------

    @on(Input.Changed, "#drill-search")
    def _filter(self) -> None:
        typed = self.query_one("#drill-search", Input).value
        self._filtered_for = typed
        needle = typed.strip().casefold()
        shown = [
            row for row in self.rows
            if not needle or any(needle in cell.casefold() for cell in row[1])
        ]
        self.query_one("#drill-table", RecordTable).show_rows(shown)
        self.query_one("#drill-title", Label).update(self._title(len(shown)))

    def leave_search(self) -> None:
        # The field's change messages may still be queued behind the keys typed.
        if self._filtered_for != self.query_one("#drill-search", Input).value:
            self._filter()
        self.set_focus(self.query_one("#drill-table", RecordTable))

    def action_search(self) -> None:
        # At once: the letters typed right after the slash land in the field.
        self.set_focus(self.query_one("#drill-search", Input))

    def action_close(self) -> None:
        self.dismiss()


# -- looking the ids up --------------------------------------------------------------------


def _people_rows(store: Any, drill: Drill) -> list[Row]:
    wanted = set(drill.ids)
    places = distinct_names(store.places.all())
    institutions = {i.id: i for i in store.institutions.all()}
    rows = []
    # Only the people behind the figure are decoded, not the whole register.
    for person in store.people.find_many(wanted).values():
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

