"""Enrolling people in a course, and changing or removing an enrolment.

``EnrolScreen`` picks several people from the registry: typing filters by name,
institution or place, space chooses, enter enrols. Eligibility is a warning, not a
wall: people outside the course's rule are enrolled only with a note saying why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from tui.domain.attendance import name_key
from tui.domain.courses import (
    Course,
    Enrolment,
    EnrolmentStatus,
    next_on_waiting_list,
    places_taken,
)
from tui.domain.expectation import default_enrolment_date
from tui.domain.parse import Parsed, format_date, format_hours, parse_date, parse_hours
from tui.domain.people import Person
from tui.domain.places import InstitutionKind, distinct_names
from tui.domain.rules import (
    ENROLMENT_TRANSITIONS,
    can_transition_enrolment,
    check_eligibility,
    next_statuses,
    validate_enrolment,
)
from tui.i18n import N_, Message, _, msg, ngettext
from tui.screens.courses.listing import error_text, fold, in_thread, literal
from tui.screens.courses.session_forms import total_hours
from tui.store.errors import StoreError
from tui.store.ids import new_id
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

if TYPE_CHECKING:
    from tui.screens.courses.course import CourseScreen

# A registry of tens of thousands is narrowed by typing; drawing all of it would be slow
# over SSH and no one reads past the first screens anyway.
SHOWN_AT_MOST = 200
# Reasons for that many people fit the form; the rest are counted.
REASONS_SHOWN = 4
MAX_COVER_HOURS = 1000.0
# Not "[x]": table cells are markup, where that is a (dropped) style tag.
CHOSEN, NOT_CHOSEN = "[✓]", "[ ]"

COLUMNS = (
    Column(N_("Chosen"), 5), Column(N_("Name"), min_width=14), Column(N_("Institution"), 18),
    Column(N_("Place"), 12),
)


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    name: str
    institution: str
    place: str
    haystack: str


@dataclass(frozen=True)
class Registry:
    candidates: tuple[Candidate, ...]
    people: dict[str, Person]
    kinds: dict[str, InstitutionKind]  # person id -> the kind of their institution


def load_registry(store: Store, leave_out: set[str]) -> Registry:
    institutions = {i.id: i for i in store.institutions.all()}
    places = distinct_names(store.places.all())
    people = {p.id: p for p in store.people.all() if p.id not in leave_out}
    candidates = []
    kinds: dict[str, InstitutionKind] = {}
    for person in sorted(people.values(), key=lambda p: name_key(p.name)):
        institution = institutions.get(person.institution_id or "")
        if institution is not None:
            kinds[person.id] = institution.kind
        place = places.get(person.place_id or (institution.place_id if institution else "")
                           or "", "")
        name = institution.name if institution else ""
        candidates.append(Candidate(person.id, person.name, name, place,
                                    fold(f"{person.name} {name} {place}")))
    return Registry(tuple(candidates), people, kinds)


class PeopleTable(RecordTable, inherit_bindings=False):
    """The list keeps the focus while typing filters it, and handles the typing itself.

    Over a slow link keys arrive in bursts. Moving the focus to the search field would
    send the rest of a name to the wrong widget, and handling letters in one place but
    space and enter in another could take them out of order; here they stay in order.
    Enter is not the table's: the screen's key confirms the choice, after all typing.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", show=False, id="enrol.up"),
        Binding("down", "cursor_down", show=False, id="enrol.down"),
        Binding("pageup", "page_up", show=False, id="enrol.page_up"),
        Binding("pagedown", "page_down", show=False, id="enrol.page_down"),
        Binding("home,ctrl+home", "scroll_top", show=False, id="enrol.first"),
        Binding("end,ctrl+end", "scroll_bottom", show=False, id="enrol.last"),
    ]

    # Moves are handled here too, not only by the bindings: a binding runs after the
    # key's handlers, so in a burst ("space down space down") every space came before
    # every move and chose one person three times.
    _MOVES: ClassVar[dict[str, str]] = {
        "down": "cursor_down", "up": "cursor_up", "pagedown": "page_down",
        "pageup": "page_up", "home": "scroll_top", "ctrl+home": "scroll_top",
        "end": "scroll_bottom", "ctrl+end": "scroll_bottom",
    }

    def on_key(self, event: events.Key) -> None:
        screen = self.screen
        if not isinstance(screen, EnrolScreen):
            return
        if event.key in self._MOVES:
            getattr(self, f"action_{self._MOVES[event.key]}")()
        elif event.key == "space":
            screen.action_toggle()
        elif event.key == "backspace":
            screen.type_text(None)
        elif event.character and event.character.isprintable() and event.character != "/":
            screen.type_text(event.character)
        else:
            return
        event.stop()
        event.prevent_default()


class EnrolScreen(ModalScreen[list[str] | None]):
    """Dismisses with the chosen people's ids, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", N_("Choose"), id="enrol.toggle"),
        Binding("enter", "confirm", N_("Enrol"), id="enrol.confirm"),
        Binding("slash", "search", N_("Search"), id="enrol.search"),
        Binding("escape", "cancel", N_("Cancel"), id="enrol.cancel"),
    ]

    def __init__(self, title: str, candidates: Sequence[Candidate]) -> None:
        super().__init__(classes="enrol")
        translate_bindings(self)
        self.title_text = title
        self.candidates = list(candidates)
        self.chosen: list[str] = []
        self._fresh = True
        self._filled_for: str | None = None
        self._dirty = False  # the choice changed since the list was drawn

    def compose(self) -> ComposeResult:
        with Vertical(id="enrol-box"):
            yield Static(Content(self.title_text), id="enrol-title")
            yield Input(placeholder=_("Type to find people by name, institution or place"),
                        id="enrol-search", compact=True)
            yield PeopleTable(COLUMNS, id="enrol-people")
            yield Static("", id="enrol-status")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#enrol-people").focus()

    def _matches(self) -> list[Candidate]:
        words = fold(self.query_one("#enrol-search", Input).value).split()
        return [c for c in self.candidates if all(w in c.haystack for w in words)]

    def _fill(self) -> None:
        text = self.query_one("#enrol-search", Input).value
        if text == self._filled_for and self._filled_for is not None and not self._dirty:
            return
        self._filled_for, self._dirty = text, False
        matches = self._matches()
        shown = matches[:SHOWN_AT_MOST]
        self.query_one("#enrol-people", RecordTable).show_rows(
            (c.id, (CHOSEN if c.id in self.chosen else NOT_CHOSEN, c.name, c.institution,
                    c.place)) for c in shown)
        status = _("{n} chosen.").format(n=len(self.chosen))
        if len(matches) > len(shown):
            status += " " + _("Showing {shown} of {total}; type more to narrow.").format(
                shown=len(shown), total=len(matches))
        elif not matches:
            status += " " + _("Nobody matches.")
        status += " " + _("Space chooses, enter enrols.")
        self.query_one("#enrol-status", Static).update(status)

    def _cursor_id(self) -> str | None:
        table = self.query_one("#enrol-people", RecordTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(Input.Changed, "#enrol-search")
    def _search(self) -> None:
        self._fill()

    def on_key(self, event: events.Key) -> None:
        if self.focused is self.query_one("#enrol-search") and event.key in ("down", "up"):
            self.query_one("#enrol-people").focus()
            event.stop()

    @on(Input.Submitted, "#enrol-search")
    def _submitted(self) -> None:
        self.action_confirm()

    def type_text(self, character: str | None) -> None:
        """A key typed in the list: a character searches on, None erases the last one.

        After a choice, typing starts the next search: a name, space, the next name,
        space, enter.
        """
        search = self.query_one("#enrol-search", Input)
        if character is None:
            search.value = search.value[:-1]
        else:
            search.value = character if self._fresh else search.value + character
        self._fresh = False
        # At once, not on the field's change message: a space right after the name
        # must choose from the narrowed list.
        self._fill()

    def action_search(self) -> None:
        self.query_one("#enrol-search").focus()

    def action_toggle(self) -> None:
        person_id = self._cursor_id()
        if person_id is None:
            return
        if person_id in self.chosen:
            self.chosen.remove(person_id)
        else:
            self.chosen.append(person_id)
        self._fresh, self._dirty = True, True
        self._fill()

    def action_confirm(self) -> None:
        if not self.chosen and (person_id := self._cursor_id()) is not None:
            # Enter on one found person enrols just that person.
            self.chosen.append(person_id)
        if self.chosen:
            self.dismiss(list(self.chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- the flows, run from the course screen's workers --------------------------------


def _required_note(text: str) -> Parsed[str]:
    note = " ".join(text.split())
    if not note:
        return Parsed(error=msg("Write why they may take part anyway; the note is kept "
                                "with the enrolment."))
    return Parsed(value=note)


def _cover_hours(text: str) -> Parsed[float]:
    return parse_hours(text, MAX_COVER_HOURS, required=False)


def reasons_text(registry: Registry, ineligible: dict[str, list[Message]]) -> str:
    lines = [_("Not within the course's criteria:")]
    for person_id, reasons in list(ineligible.items())[:REASONS_SHOWN]:
        name = registry.people[person_id].name
        lines.append(f"! {name}: " + " ".join(str(r) for r in reasons))
    if len(ineligible) > REASONS_SHOWN:
        lines.append(_("… and {n} more.").format(n=len(ineligible) - REASONS_SHOWN))
    return "\n".join(lines)


def _enrolment_date(text: str) -> Parsed[dt.date]:
    return parse_date(text)


def enrol_form(course: Course, count: int, hours: float | None,
               reasons: str | None, start: dt.date, taken: int = 0) -> FormScreen:
    title = _("Enrol {n} in {course}").format(n=count, course=literal(course.name))
    full = course.capacity is not None and taken + count > course.capacity
    if full:
        title += "\n" + ngettext(
            "The course has {places} place and {taken} are taken: beyond them, people go on "
            "the waiting list.",
            "The course has {places} places and {taken} are taken: beyond them, people go on "
            "the waiting list.", course.capacity or 0).format(
            places=course.capacity, taken=taken)
    fields = [
        Field("status", _("Status"), required=True,
              value=EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.ENROLLED,
              choices=[(s.label, s) for s in (EnrolmentStatus.ENROLLED,
                                              EnrolmentStatus.WAITLISTED)]),
        # Days before this date expect nobody of them: the sheet, the grid, completion
        # and the summary all read it.
        Field("enrolled_on", _("Enrolled from"), _enrolment_date, format_date(start),
              required=True),
        Field("substitute_hours", _("Substitute cover hours each"), _cover_hours,
              format_hours(hours) if hours is not None else ""),
    ]
    if reasons is not None:
        title += "\n\n" + literal(reasons)
        fields.insert(0, Field("note", _("Why enrol them anyway? (kept as a note)"),
                               _required_note))
    return FormScreen(title, fields)


async def add_participants(screen: CourseScreen) -> None:
    data = screen.data
    if data is None:
        return
    course, store = data.course, screen.store
    enrolled = {e.person_id for e in data.enrolments}
    try:
        registry = await in_thread(screen, lambda: load_registry(store, enrolled))
    except (StoreError, OSError) as error:
        screen.notify(error_text(error), severity="error", markup=False)
        return
    if not registry.candidates:
        screen.notify(_("Everyone in the registry is already in this course."), markup=False)
        return
    chosen = await screen.app.push_screen_wait(EnrolScreen(
        _("Enrol people in {course}").format(course=course.name), registry.candidates))
    if not chosen:
        return
    ineligible = {pid: reasons for pid in chosen if (reasons := check_eligibility(
        registry.people[pid], course, registry.kinds.get(pid)))}
    values = await screen.app.push_screen_wait(enrol_form(
        course, len(chosen), total_hours(data.sessions),
        reasons_text(registry, ineligible) if ineligible else None,
        default_enrolment_date(data.sessions, dt.date.today()),
        places_taken(data.enrolments)))
    if values is None:
        return
    enrolments = [Enrolment(
        id=new_id(), course_id=course.id, person_id=pid, status=values["status"],
        enrolled_on=values["enrolled_on"], substitute_hours=values["substitute_hours"],
        eligibility_override=values["note"] if pid in ineligible else "")
        for pid in chosen]
    problems = [reason for e in enrolments
                for _field, reason in validate_enrolment(
                    e, eligibility_reasons=ineligible.get(e.person_id))]
    if problems:
        screen.notify(str(problems[0]), severity="error", markup=False)
        return
    repo = store.enrolments(course.id)

    def work_fn() -> None:
        with store.transaction():
            for enrolment in enrolments:
                repo.add(enrolment)

    done = ngettext("{n} person enrolled.",
                    "{n} enrolled.",
                    len(enrolments)).format(n=len(enrolments))
    if values["status"] is EnrolmentStatus.WAITLISTED:
        done = _("{n} put on the waiting list.").format(n=len(enrolments))
    await _write(screen, work_fn, done, select=enrolments[0].id)


async def _write(screen: CourseScreen, work_fn: Any, done: str, select: str | None) -> None:
    try:
        await in_thread(screen, work_fn)
    except (StoreError, OSError) as error:
        screen.notify(error_text(error), severity="error", timeout=10, markup=False)
        await screen.reload()
        return
    screen.notify(done, markup=False)
    await screen.reload(select=select)


def _name(screen: CourseScreen, enrolment: Enrolment) -> str:
    person = screen.data.people.get(enrolment.person_id) if screen.data else None
    return person.name if person else enrolment.person_id


async def change_status(screen: CourseScreen, enrolment: Enrolment) -> None:
    def check(values: dict[str, Any]) -> list[tuple[str, Message]]:
        refused = can_transition_enrolment(enrolment.status, values["status"])
        return [("status", refused)] if refused else []

    start = enrolment.enrolled_on
    values = await screen.app.push_screen_wait(FormScreen(
        _("Status of {name}'s enrolment").format(name=literal(_name(screen, enrolment))),
        [Field("status", _("Status"), value=enrolment.status, required=True,
               choices=[(s.label, s) for s in next_statuses(ENROLMENT_TRANSITIONS,
                                                            enrolment.status)]),
         Field("enrolled_on", _("Enrolled from"), lambda t: parse_date(t, required=False),
               format_date(start) if start else "")],
        check=check))
    if values is None or (values["status"] == enrolment.status
                          and values["enrolled_on"] == start):
        return
    status = EnrolmentStatus(values["status"])
    withdrawn_on = enrolment.withdrawn_on if status is enrolment.status else None
    if status is EnrolmentStatus.WITHDRAWN and withdrawn_on is None:
        withdrawn_on = dt.date.today()
    changed = dataclasses.replace(
        enrolment, status=status, enrolled_on=values["enrolled_on"],
        withdrawn_on=withdrawn_on if status is EnrolmentStatus.WITHDRAWN else None)
    problems = validate_enrolment(changed)
    if problems:
        screen.notify(str(problems[0][1]), severity="error", markup=False)
        return
    repo = screen.store.enrolments(enrolment.course_id)
    await _write(screen, lambda: repo.save(changed, expected_version=enrolment.version),
                 _("Saved."), select=enrolment.id)
    if status is EnrolmentStatus.WITHDRAWN:
        await offer_free_place(screen)


async def offer_free_place(screen: CourseScreen) -> None:
    """A place came free: offer it to the first on the waiting list."""
    data = screen.data
    if data is None:
        return
    waiting = next_on_waiting_list(data.course, data.enrolments)
    if waiting is None:
        return
    name = _name(screen, waiting)
    if not await screen.app.push_screen_wait(ConfirmScreen(literal(_(
            "A place is free. Enrol {name}, the first on the waiting list?").format(name=name)),
            yes=_("Enrol"), no=_("Not now"))):
        return
    start = default_enrolment_date(data.sessions, dt.date.today())
    changed = dataclasses.replace(waiting, status=EnrolmentStatus.ENROLLED,
                                  enrolled_on=max(start, waiting.enrolled_on or start))
    repo = screen.store.enrolments(waiting.course_id)
    await _write(screen, lambda: repo.save(changed, expected_version=waiting.version),
                 _("{name} has the place.").format(name=name), select=waiting.id)


async def edit_cover_hours(screen: CourseScreen, enrolment: Enrolment) -> None:
    hours = enrolment.substitute_hours
    values = await screen.app.push_screen_wait(FormScreen(
        _("Substitute cover for {name}").format(name=literal(_name(screen, enrolment))),
        [Field("hours", _("Substitute cover hours"), _cover_hours,
               format_hours(hours) if hours is not None else "")]))
    if values is None:
        return
    changed = dataclasses.replace(enrolment, substitute_hours=values["hours"])
    repo = screen.store.enrolments(enrolment.course_id)
    await _write(screen, lambda: repo.save(changed, expected_version=enrolment.version),
                 _("Saved."), select=enrolment.id)


async def remove(screen: CourseScreen, enrolment: Enrolment) -> None:
    store, cid, pid = screen.store, enrolment.course_id, enrolment.person_id
    marks = await in_thread(screen, lambda: len(store.attendance(cid).where(person_id=pid)))
    question = _("Remove {name} from the course?").format(name=_name(screen, enrolment))
    if marks:
        question += " " + ngettext(
            "Their {n} attendance mark in this course is deleted too; to keep it, set the "
            "status to withdrawn instead.",
            "Their {n} attendance marks in this course are deleted too; to keep them, set the "
            "status to withdrawn instead.", marks).format(n=marks)
    if not await screen.app.push_screen_wait(
            ConfirmScreen(literal(question), yes=_("Remove"), no=_("Keep"), danger=True)):
        return

    def work_fn() -> None:
        with store.transaction():
            store.enrolments(cid).delete(enrolment.id)
            store.attendance(cid).delete_where(lambda d: d.get("person_id") == pid)

    await _write(screen, work_fn, _("Removed from the course: {name}").format(
        name=_name(screen, enrolment)), select=None)
    await offer_free_place(screen)
