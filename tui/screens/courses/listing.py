"""The course list: every course at a glance, filtered, searched as you type, and edited;
and the course form, which the course screen uses too.

The list is read from the main file alone (each course's days are summarised there), in
a worker, and read again when that file changes: another user's new course or moved day
shows up within a poll, without opening thousands of course files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import WorkerFailed

from tui.domain.attendance import natural_key
from tui.domain.courses import CompletionRule, Course, CourseStatus, CourseSummary
from tui.domain.parse import (
    Parsed,
    format_date,
    format_hours,
    labels_of,
    parse_hours,
    parse_int,
    parse_name,
    parse_qualification,
    parse_role,
)
from tui.domain.places import InstitutionKind, Place, distinct_names
from tui.domain.programmes import Programme, Topic
from tui.domain.records import LabelledEnum
from tui.domain.rules import (
    COURSE_TRANSITIONS,
    can_transition_course,
    next_statuses,
    validate_course,
)
from tui.domain.schedule import ScheduleError, copy_course
from tui.i18n import N_, Message, _, msg, ngettext
from tui.store.errors import StaleRecord, StoreError
from tui.store.ids import new_id
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

T = TypeVar("T")
E = TypeVar("E")

COLUMNS = (
    Column(N_("Name"), clip="middle"), Column(N_("Programme"), 10), Column(N_("Status"), 10),
    Column(N_("Place"), 10), Column(N_("Days"), 4), Column(N_("Next day"), 10),
)


# -- helpers shared by the course screens ---------------------------------------------


def fold(text: str) -> str:
    """Case and spacing stop mattering in a search ("aa" still does not find "å")."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def error_text(error: BaseException) -> str:
    """What went wrong, in words: store and schedule errors carry a translated message."""
    if isinstance(error, StaleRecord):
        return str(error) + " " + _("Your change was not saved; the screen shows theirs now.")
    if isinstance(error, StoreError | ScheduleError):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
    raise error


async def in_thread(node: DOMNode, work_fn: Callable[[], T]) -> T:
    """Run store work off the UI thread and wait for it without blocking the screen.

    Raises what ``work_fn`` raised, so a dialog flow can catch a StoreError in place.
    """
    worker = node.run_worker(work_fn, thread=True, group="store", exit_on_error=False)
    try:
        return await worker.wait()
    except WorkerFailed as failed:
        raise failed.error from None


def literal(text: str) -> str:
    """``text`` shown as typed where a widget reads markup (form titles, questions):
    a course called "Hold [A]" must not lose its "[A]" or break the screen."""
    return text.replace("[", "\\[")


def programme_short(programme: Programme | None) -> str:
    """ "Initiativ 3: Opkvalificering …" is "Initiativ 3" in a narrow column."""
    if programme is None:
        return ""
    return programme.name.split(":", 1)[0].strip()


def place_label(place: Place, places: Mapping[str, Place] | None = None) -> str:
    """Name and kind, and the municipality when known: Greenland has two Aappilattoq and
    two Tasiusaq, told apart only by it."""
    kind = place.kind.label.lower()
    owner = (places or {}).get(place.municipality_id or "")
    return f"{place.name} ({kind}, {owner.name})" if owner else f"{place.name} ({kind})"


# -- reading --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CourseRow:
    course: Course
    programme: str
    place: str
    days: int
    next_date: dt.date | None
    haystack: str  # what the search looks in, folded


@dataclass(frozen=True)
class CourseList:
    rows: tuple[CourseRow, ...] = ()
    programmes: tuple[Programme, ...] = ()
    places: tuple[Place, ...] = ()


class CourseListReader:
    """Reads the list from the main file alone: each course's days are summarised there,
    so thousands of courses never mean opening thousands of files."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._seen: object = None
        self._read_once = False

    def changed(self) -> bool:
        return not self._read_once or self.store.revision() != self._seen

    def read(self) -> CourseList:
        store = self.store
        # Taken before reading, so a change made while reading is caught by the next poll.
        self._seen, self._read_once = store.revision(), True
        if not store.exists():
            return CourseList()
        programmes = sorted(store.programmes.all(), key=lambda p: natural_key(p.name))
        places = sorted(store.places.all(), key=lambda p: natural_key(p.name))
        summaries = {s.id: s for s in store.course_summaries.all()}
        by_programme = {p.id: p for p in programmes}
        place_names = distinct_names(places)
        courses = sorted(store.courses.all(), key=lambda c: (
            natural_key(by_programme[c.programme_id].name if c.programme_id in by_programme
                        else ""), natural_key(c.name)))
        rows = []
        for course in courses:
            summary = summaries.get(course.id) or CourseSummary(id=course.id)
            place = place_names.get(course.place_id or "", "")
            rows.append(CourseRow(
                course=course, programme=programme_short(by_programme.get(course.programme_id)),
                place=place, days=summary.session_count, next_date=summary.next_planned(),
                haystack=fold(" ".join((course.name, course.venue, place)))))
        return CourseList(tuple(rows), tuple(programmes), tuple(places))


# -- filtering --------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    programme_id: str | None = None
    status: CourseStatus | None = None
    place_id: str | None = None
    form_key: str | None = None
    text: str = ""

    def admits(self, row: CourseRow) -> bool:
        c = row.course
        return ((self.programme_id is None or c.programme_id == self.programme_id)
                and (self.status is None or c.status is self.status)
                and (self.place_id is None or c.place_id == self.place_id)
                and (self.form_key is None or c.form_key == self.form_key)
                and all(word in row.haystack for word in fold(self.text).split()))


def filter_form(data: CourseList, current: Filters) -> FormScreen:
    used_places = {r.course.place_id for r in data.rows}
    by_id = {p.id: p for p in data.places}
    forms: dict[str, str] = {}
    for programme in data.programmes:
        for form in programme.forms:
            forms.setdefault(form.key, form.name)
    return FormScreen(_("Show only the courses that match"), [
        Field("programme_id", _("Programme"), value=current.programme_id or "",
              choices=[(p.name, p.id) for p in data.programmes]),
        Field("status", _("Status"), value=current.status or "",
              choices=[(s.label, s) for s in CourseStatus]),
        Field("place_id", _("Place"), value=current.place_id or "",
              choices=[(place_label(p, by_id), p.id) for p in data.places
                       if p.id in used_places]),
        Field("form_key", _("Form"), value=current.form_key or "",
              choices=[(name, key) for key, name in forms.items()]),
    ])


# -- the course form --------------------------------------------------------------------

ListParser = Callable[[str], Parsed[Any]]


def _list_of(parse_one: Callable[[str], Parsed[E]]) -> ListParser:
    """Comma-separated values, each parsed as one; the first bad one is named."""
    def parse(text: str) -> Parsed[list[E]]:
        out: list[E] = []
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            parsed = parse_one(item)
            if parsed.error is not None:
                return Parsed(error=parsed.error)
            if parsed.value is not None and parsed.value not in out:
                out.append(parsed.value)
        return Parsed(value=out)
    return parse


def parse_institution_kind(text: str) -> Parsed[InstitutionKind]:
    wanted = fold(text)
    for kind in InstitutionKind:
        if wanted in (fold(kind.label), fold(str(kind.value)), fold(kind._labels()[kind])):
            return Parsed(value=kind)
    return Parsed(error=msg('"{text}" is not a kind of daycare. Choose one of: {choices}.',
                            text=text.strip(), choices=labels_of(InstitutionKind)))


def _topics_parser(topics: list[Topic]) -> ListParser:
    def parse(text: str) -> Parsed[list[str]]:
        keys: list[str] = []
        for part in re.split(r"[,;\s]+", text.strip()):
            if not part:
                continue
            if not _NUMBER.fullmatch(part) or not 1 <= int(part) <= len(topics):
                return Parsed(error=msg(
                    "Write the numbers of the topics, from 1 to {last}, for example 1, 3.",
                    last=len(topics)))
            key = topics[int(part) - 1].key
            if key not in keys:
                keys.append(key)
        return Parsed(value=keys)
    return parse


_NUMBER = re.compile(r"\d{1,3}", re.ASCII)


def _optional_count(text: str) -> Parsed[int]:
    return parse_int(text, 0, 100_000, required=False)


def _optional_hours_total(text: str) -> Parsed[float]:
    return parse_hours(text, 10_000.0, required=False)


def _labels(members: Iterable[LabelledEnum]) -> str:
    return ", ".join(m.label for m in members)


def programme_form(programmes: list[Programme]) -> FormScreen:
    return FormScreen(_("New course: which programme does it belong to?"), [
        Field("programme_id", _("Programme"), choices=[(p.name, p.id) for p in programmes],
              required=True),
    ])


def course_form(programme: Programme, places: list[Place], course: Course | None, *,
                session_count: int | None = None,
                save: Callable[[dict[str, Any]], object] | None = None) -> FormScreen:
    """The form for a new course (``course`` None) or for editing one."""
    c = course or Course(programme_id=programme.id, name="")
    topics = list(programme.topics)
    numbers = {t.key: str(i) for i, t in enumerate(topics, 1)}
    statuses = list(CourseStatus) if course is None else next_statuses(
        COURSE_TRANSITIONS, course.status)
    fields = [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), c.name),
        Field("form_key", _("Form"), value=c.form_key,
              choices=[(f.name, f.key) for f in programme.forms]),
        Field("place_id", _("Place"), value=c.place_id or "",
              choices=[(place_label(p, {q.id: q for q in places}), p.id)
                       for p in places]),
        Field("venue", _("Venue"), value=c.venue),
        Field("trainers", _("Trainers (separated by commas)"), value=", ".join(c.trainers)),
        Field("provider", _("Provider"), value=c.provider),
        Field("status", _("Status"), value=c.status, choices=[(s.label, s) for s in statuses],
              required=True),
        Field("reading_pages", _("Reading (pages)"), _optional_count,
              "" if c.reading_pages is None else str(c.reading_pages)),
        Field("min_sessions", _("Days a participant must attend to complete"),
              _optional_count, str(c.completion.min_sessions) if c.completion.min_sessions
              else ""),
        Field("min_hours", _("Or hours a participant must attend (instead of days)"),
              _optional_hours_total, "" if c.completion.min_hours is None
              else format_hours(c.completion.min_hours)),
        Field("capacity", _("Places (empty: no limit; beyond them, the waiting list)"),
              _optional_count, "" if c.capacity is None else str(c.capacity)),
    ]
    if topics:
        catalogue = "\n".join(f"  {i} {t.name}" for i, t in enumerate(topics, 1))
        fields.append(Field(
            "topic_keys", _("Topics: their numbers, for example 1, 3") + "\n" + literal(catalogue),
            _topics_parser(topics), ", ".join(numbers[k] for k in c.topic_keys if k in numbers)))
    rule = c.eligibility
    fields += [
        Field("roles", _("For these roles (empty: all), e.g. leader, deputy"),
              _list_of(parse_role), _labels(rule.roles)),
        Field("qualifications", _("For these qualifications (empty: all)"),
              _list_of(parse_qualification), _labels(rule.qualifications)),
        Field("institution_kinds", _("For staff in (empty: all), e.g. childminding"),
              _list_of(parse_institution_kind),
              _labels(InstitutionKind(k) for k in rule.institution_kinds
                      if k in {i.value for i in InstitutionKind})),
        Field("eligibility_text", _("Who the course is for, in words"),
              value=rule.description),
        Field("before", _("Before the course ({share} %)").format(
            share=c.phase_plan.before_share), value=c.phase_plan.before, multiline=True),
        Field("during", _("During the course ({share} %)").format(
            share=c.phase_plan.during_share), value=c.phase_plan.during, multiline=True),
        Field("after", _("After the course ({share} %)").format(
            share=c.phase_plan.after_share), value=c.phase_plan.after, multiline=True),
    ]

    def check(values: dict[str, Any]) -> list[tuple[str, Message]]:
        changed = apply_course_values(c, values, programme)
        problems = [(_FORM_FIELD.get(name, name), reason) for name, reason
                    in validate_course(changed, session_count=session_count)]
        if course is not None and (refused := can_transition_course(course.status,
                                                                     changed.status)):
            problems.append(("status", refused))
        return problems

    title = (_("New course in {programme}") if course is None
             else _("Edit the course ({programme})")).format(
        programme=literal(programme_short(programme)))
    return FormScreen(title, fields, check=check, save=save)


def copy_form(course: Course) -> FormScreen:
    """Name and move of a copy; a name ending in a year gets the next year's."""
    year = re.search(r"(\d{4})(?!.*\d)", course.name)
    name = (course.name[:year.start()] + str(int(year[1]) + 1) + course.name[year.end():]
            if year else course.name + " " + _("(copy)"))
    return FormScreen(_("Copy {name} with its days").format(name=literal(course.name)), [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), name, required=True),
        # 52 weeks keeps every day on its weekday, one year (less a day or two) later.
        Field("weeks", _("Move the days by (weeks)"), lambda t: parse_int(t, -520, 520),
              "52", required=True),
    ])


# Where validate_course's reasons go in the form.
_FORM_FIELD = {"programme_id": "name", "completion": "min_sessions",
               "eligibility": "institution_kinds", "phase_plan": "before"}


def apply_course_values(course: Course, values: dict[str, Any],
                        programme: Programme | None = None) -> Course:
    form = next((f for f in (programme.forms if programme else [])
                 if f.key == values.get("form_key")), None)
    trainers = [t.strip() for t in (values.get("trainers") or "").split(",") if t.strip()]
    return dataclasses.replace(
        course,
        name=values["name"] or "",
        form_key=values.get("form_key") or "",
        audience=form.audience if form else ("" if not values.get("form_key")
                                             else course.audience),
        place_id=values.get("place_id"),
        venue=values.get("venue") or "",
        trainers=trainers,
        provider=values.get("provider") or "",
        status=CourseStatus(values.get("status") or course.status),
        reading_pages=values.get("reading_pages"),
        capacity=values.get("capacity"),
        topic_keys=values.get("topic_keys", course.topic_keys),
        completion=CompletionRule(min_sessions=values.get("min_sessions") or 0,
                                  min_hours=values.get("min_hours")),
        eligibility=dataclasses.replace(
            course.eligibility, roles=values.get("roles") or [],
            qualifications=values.get("qualifications") or [],
            institution_kinds=[str(k.value) for k in values.get("institution_kinds") or []],
            description=values.get("eligibility_text") or ""),
        phase_plan=dataclasses.replace(
            course.phase_plan, before=(values.get("before") or "").strip(),
            during=(values.get("during") or "").strip(),
            after=(values.get("after") or "").strip()),
    )


# -- the screen -------------------------------------------------------------------------


class CoursesScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority key: the table's own enter would hide it from the footer.
        Binding("enter", "open", N_("Open"), id="courses.open", priority=True),
        Binding("n", "new", N_("New"), id="courses.new"),
        Binding("e", "edit", N_("Edit"), id="courses.edit"),
        Binding("y", "copy", N_("Copy"), id="courses.copy"),
        Binding("delete,D", "delete", N_("Delete"), id="courses.delete"),
        Binding("f", "filter", N_("Filter"), id="courses.filter"),
        Binding("slash", "search", N_("Search"), id="courses.search"),
        Binding("escape", "leave_search", N_("To the list"), id="courses.leave_search",
                show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="courses-screen")
        translate_bindings(self)
        self.data = CourseList()
        self.filters = Filters()
        self._reader: CourseListReader | None = None
        self._select_after_load: str | None = None

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(id="courses-body"):
            yield Static("", id="courses-filters", classes="quiet")
            yield Input(placeholder=_("Search: name, venue or place (press /)"),
                        id="courses-search", compact=True)
            yield RecordTable(COLUMNS, id="course-list")
            yield Static("", id="courses-empty", classes="message")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._reader = CourseListReader(self.store)
        self.query_one("#courses-empty").display = False
        self.query_one("#course-list").focus()
        self._show_filters()
        self.reload()
        self.set_interval(getattr(self.app, "poll_interval", 2.0), self._poll)

    def on_screen_resume(self) -> None:
        # Back from a course: its days or status may have changed there.
        if self._reader is not None:
            self.reload()

    # -- reading ----------------------------------------------------------------------

    def _poll(self) -> None:
        # Not beneath another screen (the dashboard's _poll says why); resuming reloads.
        if self.app.screen is self and self._reader is not None and not any(
                w.group == "course-list" and w.is_running for w in self.workers):
            self.reload(force=False)

    @work(thread=True, group="course-list", exclusive=True)
    def reload(self, force: bool = True) -> None:
        reader = self._reader
        if reader is None:
            return
        try:
            if not force and not reader.changed():
                return
            data = reader.read()
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self.notify, error_text(error), severity="error",
                                      markup=False)
            return
        self.app.call_from_thread(self._show, data)

    def _show(self, data: CourseList) -> None:
        self.data = data
        self._fill()
        wanted, self._select_after_load = self._select_after_load, None
        if wanted is not None:
            self.select(wanted)

    def _fill(self) -> None:
        rows = [r for r in self.data.rows if self.filters.admits(r)]
        table = self.query_one("#course-list", RecordTable)
        table.show_rows(
            (r.course.id, (r.course.name, r.programme, r.course.status.label, r.place, r.days,
                           format_date(r.next_date) if r.next_date else ""))
            for r in rows)
        empty = self.query_one("#courses-empty", Static)
        if not self.data.rows:
            empty.update(_("There are no courses yet. Press n to create one."))
        elif not rows:
            empty.update(_("No course matches the search and filters."))
        empty.display = not rows
        table.display = bool(rows)
        self._show_filters(len(rows))
        self.refresh_bindings()

    def _show_filters(self, shown: int | None = None) -> None:
        f = self.filters
        names = {p.id: programme_short(p) for p in self.data.programmes}
        places = distinct_names(self.data.places)
        parts = [names.get(f.programme_id, "") if f.programme_id else "",
                 f.status.label if f.status else "",
                 places.get(f.place_id, "") if f.place_id else "",
                 f.form_key or ""]
        active = " · ".join(p for p in parts if p)
        total = len(self.data.rows)
        count = ngettext("{shown} of {total} course", "{shown} of {total} courses", total).format(
            shown=total if shown is None else shown, total=total)
        text = count + (" · " + _("Filter: {filters}").format(filters=active) if active else "")
        self.query_one("#courses-filters", Static).update(Content(text))

    def select(self, course_id: str) -> bool:
        table = self.query_one("#course-list", RecordTable)
        keys = [str(k.value) for k in table.rows]
        if course_id not in keys:
            return False
        table.move_cursor(row=keys.index(course_id), animate=False)
        return True

    def selected(self) -> Course | None:
        table = self.query_one("#course-list", RecordTable)
        if not table.display or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r.course for r in self.data.rows if r.course.id == key), None)

    # -- searching --------------------------------------------------------------------

    @on(Input.Changed, "#courses-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.filters = Filters(**{**self.filters.__dict__, "text": event.value})
        self._fill()

    def action_search(self) -> None:
        self.query_one("#courses-search", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one("#course-list").focus()

    def on_key(self, event: events.Key) -> None:
        # Down from the search field goes on into the list it filtered.
        if event.key == "down" and self.focused is self.query_one("#courses-search"):
            self.query_one("#course-list").focus()
            event.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return action not in ("edit", "delete", "leave_search")
        if action in ("edit", "delete"):
            return self.selected() is not None
        if action == "leave_search":
            return self.focused is self.query_one("#courses-search")
        return True

    # -- actions ------------------------------------------------------------------------

    def action_open(self) -> None:
        if self.focused is self.query_one("#courses-search"):
            self.query_one("#course-list").focus()
            return
        course = self.selected()
        if course is not None:
            self.app.open_course(course.id)  # type: ignore[attr-defined]

    @work(group="dialog")
    async def action_filter(self) -> None:
        values = await self.app.push_screen_wait(filter_form(self.data, self.filters))
        if values is None:
            return
        self.filters = Filters(text=self.filters.text, **values)
        self._fill()

    @work(group="dialog")
    async def action_new(self) -> None:
        programmes = list(self.data.programmes)
        if not programmes:
            self.notify(_("Create a programme first (section 4); a course belongs to one."),
                        severity="warning", markup=False)
            return
        programme = programmes[0]
        if len(programmes) > 1:
            chosen = await self.app.push_screen_wait(programme_form(programmes))
            if chosen is None:
                return
            programme = next(p for p in programmes if p.id == chosen["programme_id"])
        store = self.store

        def save(values: dict[str, Any]) -> Course:
            # Saved while the form is open: a refused write keeps what was typed.
            return store.courses.add(apply_course_values(
                Course(programme_id=programme.id, name=""), values, programme))

        form = course_form(programme, list(self.data.places), None, save=save)
        if await self.app.push_screen_wait(form) is None:
            return
        saved = form.saved
        assert isinstance(saved, Course)
        self._after_write(saved.id, _("Course created: {name}").format(name=saved.name))

    @work(group="dialog")
    async def action_edit(self) -> None:
        course = self.selected()
        if course is None:
            return
        programme = next((p for p in self.data.programmes if p.id == course.programme_id), None)
        if programme is None:
            programme = Programme(id=course.programme_id, name=course.programme_id)
        sessions = next((r.days for r in self.data.rows if r.course.id == course.id), None)
        store = self.store
        expected = [course.version]

        def save(values: dict[str, Any]) -> Course:
            try:
                return store.courses.save(apply_course_values(course, values, programme),
                                          expected_version=expected[0])
            except StaleRecord:
                # Told in the form; a second ctrl+s saves over the other change on purpose.
                current = store.courses.find(course.id)
                expected[0] = current.version if current else expected[0]
                raise

        form = course_form(programme, list(self.data.places), course, session_count=sessions,
                           save=save)
        if await self.app.push_screen_wait(form) is None:
            return
        self._after_write(course.id, _("Saved."))

    @work(group="dialog")
    async def action_copy(self) -> None:
        course = self.selected()
        if course is None:
            return
        values = await self.app.push_screen_wait(copy_form(course))
        if values is None:
            return
        store = self.store

        def work_fn() -> Course:
            copy, days = copy_course(course, store.sessions(course.id).all(),
                                     name=values["name"],
                                     offset=dt.timedelta(weeks=values["weeks"]), new_id=new_id)
            with store.transaction():
                store.courses.add(copy)
                store.sessions(copy.id).add_many(days)
            return copy

        try:
            copy = await in_thread(self, work_fn)
        except (StoreError, OSError) as error:
            self.notify(error_text(error), severity="error", markup=False)
            return
        self._after_write(copy.id, _("Course copied: {name}").format(name=copy.name))

    @work(group="dialog")
    async def action_delete(self) -> None:
        course = self.selected()
        if course is None:
            return
        row = next(r for r in self.data.rows if r.course.id == course.id)
        question = ngettext(
            "Delete the course {name} with its {days} day, its participants' enrolments, "
            "attendance and journals? This cannot be undone.",
            "Delete the course {name} with its {days} days, its participants' enrolments, "
            "attendance and journals? This cannot be undone.", row.days).format(
            name=course.name, days=row.days)
        if not await self.app.push_screen_wait(
                ConfirmScreen(literal(question), yes=_("Delete"), no=_("Keep"), danger=True)):
            return
        try:
            await in_thread(self, lambda: self.store.delete_course(course.id))
        except (StoreError, OSError) as error:
            self.notify(error_text(error), severity="error", markup=False)
            return
        self._after_write(None, _("Course deleted: {name}").format(name=course.name))

    def _after_write(self, select: str | None, message: str) -> None:
        self._select_after_load = select
        self.notify(message, markup=False)
        self.reload()
