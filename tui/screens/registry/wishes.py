"""Topic wishes: which topics an institution's administration wants taught, and when.

Opened on one institution (from the places) or on one programme (from the
programmes). A wish that is agreed becomes a course with one key: the course gets the
wish's topics and the institution's place, and opens for planning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tui.domain.courses import Course, CourseStatus
from tui.domain.parse import Parsed, format_date, parse_date
from tui.domain.places import Institution
from tui.domain.programmes import Programme, Topic, TopicWish, WishStatus
from tui.i18n import N_, Message, _, msg, ngettext
from tui.screens.registry.people import error_text, sort_key
from tui.screens.registry.programmes import format_period, short_name
from tui.store.errors import StaleRecord, StoreError
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Column, RecordTable

if TYPE_CHECKING:
    from tui.screens.host import Host

_NUMBERS = re.compile(r"\d+(?:\s+\d+)*", re.ASCII)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def topics_parser(topics: Sequence[Topic]) -> Callable[[str], Parsed[list[str]]]:
    """Topics typed as their numbers in the list ("1, 3"), keys or (the start of) names."""

    def parse(text: str) -> Parsed[list[str]]:
        tokens: list[str] = []
        for part in re.split(r"[,;]", text):
            part = part.strip()
            tokens += part.split() if _NUMBERS.fullmatch(part) else ([part] if part else [])
        if not tokens:
            return Parsed(error=msg("Choose at least one topic: write its number, for "
                                    "example 1, 3."))
        keys: list[str] = []
        for token in tokens:
            topic = _topic_for(token, topics)
            if topic is None:
                return Parsed(error=msg('"{text}" is not one of the topics; write their '
                                        "numbers, for example 1, 3.", text=token[:30]))
            if topic.key not in keys:
                keys.append(topic.key)
        return Parsed(value=keys)

    return parse


def _topic_for(token: str, topics: Sequence[Topic]) -> Topic | None:
    if token.isdigit():
        n = int(token)
        return topics[n - 1] if 1 <= n <= len(topics) else None
    folded = _fold(token)
    exact = [t for t in topics if folded in (_fold(t.name), _fold(t.key))]
    if exact:
        return exact[0]
    starts = [t for t in topics if _fold(t.name).startswith(folded)]
    return starts[0] if len(starts) == 1 else None


def topic_numbers(keys: Sequence[str], topics: Sequence[Topic]) -> str:
    order = [t.key for t in topics]
    return ", ".join(str(order.index(k) + 1) for k in keys if k in order)


def period_words(start: dt.date | None, end: dt.date | None) -> str:
    """The period as a course name says it: "2025" or "2025–2026"."""
    years = sorted({d.year for d in (start, end) if d})
    return "–".join(str(y) for y in years)


def course_name(programme: Programme, institution: Institution, wish: TopicWish) -> str:
    period = period_words(wish.period_start, wish.period_end)
    return f"{short_name(programme)}: {institution.name} {period}".strip()


class WishesScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", N_("New"), id="wishes.new"),
        Binding("e", "edit", N_("Edit"), id="wishes.edit"),
        Binding("delete", "delete", N_("Delete"), id="wishes.delete"),
        Binding("c", "create_course", N_("Create course"), id="wishes.course"),
        Binding("escape", "close", N_("Back"), id="wishes.back"),
    ]

    def __init__(self, store: Store, *, institution_id: str | None = None,
                 programme_id: str | None = None) -> None:
        super().__init__(id="wishes")
        translate_bindings(self)
        self.store = store
        self.institution_id = institution_id
        self.programme_id = programme_id
        self.wishes: dict[str, TopicWish] = {}
        self.programmes: dict[str, Programme] = {}
        self.institutions: dict[str, Institution] = {}

    @property
    def kuffert(self) -> Host:
        return cast("Host", self.app)

    def compose(self) -> ComposeResult:
        other = Column(N_("Programme"), 16) if self.institution_id else Column(
            N_("Institution"), 20)
        yield Header(icon="")
        yield Static(_("Reading the wishes …"), id="wishes-title", classes="section-title")
        yield RecordTable((other, Column(N_("Topics"), min_width=16),
                           Column(N_("Period"), 21), Column(N_("Status"), 15)),
                          id="wishes-table")
        yield Static("", id="wishes-detail", classes="quiet")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Topic wishes")
        self.query_one(RecordTable).focus()
        self._load()

    # -- reading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="wishes-load")
    def _load(self, select: str | None = None) -> None:
        store = self.store
        try:
            equals = ({"institution_id": self.institution_id} if self.institution_id
                      else {"programme_id": self.programme_id})
            wishes = store.topic_wishes.where(**equals)
            programmes = {p.id: p for p in store.programmes.all()}
            institutions = {i.id: i for i in store.institutions.all()}
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._problem, error_text(error))
            return
        self.app.call_from_thread(self._loaded, wishes, programmes, institutions, select)

    def _problem(self, text: str) -> None:
        if not self.is_attached:  # closed while the worker read
            return
        self.query_one("#wishes-title", Static).update(
            _("Kuffert cannot read the database.") + " " + text)

    def _loaded(self, wishes: list[TopicWish], programmes: dict[str, Programme],
                institutions: dict[str, Institution], select: str | None) -> None:
        if not self.is_attached:
            return
        self.programmes, self.institutions = programmes, institutions
        wishes.sort(key=lambda w: (w.period_start or dt.date.max, sort_key(self._other(w))))
        self.wishes = {w.id: w for w in wishes}
        table = self.query_one(RecordTable)
        table.show_rows((w.id, (self._other(w), self._topic_names(w),
                                format_period(w.period_start, w.period_end), w.status.label))
                        for w in wishes)
        if select in self.wishes:
            table.move_cursor(row=table.get_row_index(select), animate=False)
        if self.institution_id:
            owner = institutions.get(self.institution_id)
            title = _("Topic wishes of {name} ({n})")
        else:
            owner = programmes.get(self.programme_id or "")
            title = _("Topic wishes in {name} ({n})")
        self.query_one("#wishes-title", Static).update(
            title.format(name=owner.name if owner else "?", n=len(wishes)))
        self._detail()

    def _other(self, wish: TopicWish) -> str:
        if self.institution_id:
            programme = self.programmes.get(wish.programme_id)
            return short_name(programme) if programme else "?"
        institution = self.institutions.get(wish.institution_id)
        return institution.name if institution else "?"

    def _topic_names(self, wish: TopicWish) -> str:
        programme = self.programmes.get(wish.programme_id)
        names = {t.key: t.name for t in programme.topics} if programme else {}
        return ", ".join(names.get(k, k) for k in wish.topic_keys)

    @on(DataTable.RowHighlighted, "#wishes-table")
    def _detail(self) -> None:
        wish = self.current()
        detail = self.query_one("#wishes-detail", Static)
        if wish is None:
            detail.update(_("No wishes yet. Press {key} to add one.").format(
                key=self._key_for("wishes.new")))
            return
        parts = [self._topic_names(wish)]
        form = self._form_name(wish)
        if form:
            parts.append(_("Form: {form}").format(form=form))
        if wish.note:
            parts.append(_("Note: {note}").format(note=wish.note))
        parts.append(_("{key} makes a course of this wish.").format(
            key=self._key_for("wishes.course")))
        detail.update(" · ".join(parts))

    def _form_name(self, wish: TopicWish) -> str:
        programme = self.programmes.get(wish.programme_id)
        forms = {f.key: f.name for f in programme.forms} if programme else {}
        return forms.get(wish.form_key, wish.form_key)

    def _key_for(self, binding_id: str) -> str:
        return key_for(self, binding_id)

    def current(self) -> TopicWish | None:
        table = self.query_one(RecordTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.wishes.get(key or "")

    @on(DataTable.RowSelected, "#wishes-table")
    def _selected(self) -> None:
        self.action_edit()

    # -- the form --------------------------------------------------------------------------

    def _fields(self, programme: Programme, wish: TopicWish | None) -> list[Field]:
        topics = programme.topics
        listing = "\n".join(f"  {n} {t.name}" for n, t in enumerate(topics, 1))
        fields = [
            Field("topic_keys", _("Topics: their numbers, separated by commas") + "\n" + listing,
                  topics_parser(topics), topic_numbers(wish.topic_keys, topics) if wish else "",
                  placeholder="1, 3"),
            Field("period_start", _("From"), lambda t: parse_date(t, required=False),
                  format_date(wish.period_start) if wish and wish.period_start else "",
                  placeholder="01-09-2026"),
            Field("period_end", _("To"), lambda t: parse_date(t, required=False),
                  format_date(wish.period_end) if wish and wish.period_end else "",
                  placeholder="30-11-2026"),
            Field("form_key", _("Course form"), value=wish.form_key if wish else "",
                  choices=[(f.name, f.key) for f in programme.forms]),
            Field("note", _("Note"), value=wish.note if wish else "", multiline=True),
        ]
        if self.programme_id and wish is None:
            choices = sorted(((i.name, i.id) for i in self.institutions.values()),
                             key=lambda c: sort_key(c[0]))
            fields.insert(0, Field("institution_id", _("Institution"), choices=choices,
                                   required=True))
        return fields

    @staticmethod
    def _check(values: dict[str, Any]) -> list[tuple[str, Message]]:
        start, end = values.get("period_start"), values.get("period_end")
        if start and end and end < start:
            return [("period_end", msg("The period cannot end before it starts ({start}).",
                                       start=format_date(start)))]
        return []

    async def _programme_for_new(self) -> Programme | None:
        if self.programme_id:
            return self.programmes.get(self.programme_id)
        choices = sorted(((p.name, p.id) for p in self.programmes.values()),
                         key=lambda c: sort_key(c[0]))
        if not choices:
            self.notify(_("There is no programme yet; create one under Programmes first."),
                        severity="warning")
            return None
        if len(choices) == 1:
            return self.programmes[choices[0][1]]
        values = await self.app.push_screen_wait(FormScreen(
            _("Which programme is the wish for?"),
            [Field("programme_id", _("Programme"), choices=choices, required=True)]))
        return self.programmes.get(values["programme_id"]) if values else None

    @work(exclusive=True, group="wishes-form")
    async def action_new(self) -> None:
        programme = await self._programme_for_new()
        if programme is None:
            return
        if not programme.topics:
            self.notify(_("{name} has no topics yet; add them under Programmes first.")
                        .format(name=programme.name), severity="warning")
            return
        values = await self.app.push_screen_wait(FormScreen(
            _("New topic wish"), self._fields(programme, None), check=self._check))
        if values is None:
            return
        wish = TopicWish(
            programme_id=programme.id,
            institution_id=self.institution_id or values["institution_id"],
            topic_keys=values["topic_keys"], period_start=values["period_start"],
            period_end=values["period_end"], note=values["note"] or "",
            form_key=values["form_key"] or "")
        self._write(wish, None)

    @work(exclusive=True, group="wishes-form")
    async def action_edit(self) -> None:
        current = self.current()
        if current is None:
            return
        try:
            wish = self.store.topic_wishes.get(current.id)
            programme = self.store.programmes.get(wish.programme_id)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        values = await self.app.push_screen_wait(FormScreen(
            _("Edit the topic wish"), self._fields(programme, wish), check=self._check))
        if values is None:
            return
        changed = dataclasses.replace(
            wish, topic_keys=values["topic_keys"], period_start=values["period_start"],
            period_end=values["period_end"], note=values["note"] or "",
            form_key=values["form_key"] or "")
        self._write(changed, wish.version)

    @work(thread=True, group="wishes-write")
    def _write(self, wish: TopicWish, version: int | None) -> None:
        repo = self.store.topic_wishes
        try:
            saved = repo.add(wish) if version is None else repo.save(
                wish, expected_version=version)
        except StaleRecord as error:
            self.app.call_from_thread(self._told, str(error) + " " + _(
                "Your change was not saved; the list shows theirs now."))
            self.app.call_from_thread(self._reload)
            return
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._told, error_text(error))
            return
        self.app.call_from_thread(self.notify, _("Saved."))
        self.app.call_from_thread(self._reload, saved.id)

    def _reload(self, select: str | None = None) -> None:
        if self.is_attached:
            self._load(select)

    def _told(self, text: str) -> None:
        self.notify(text, severity="warning", timeout=12)

    # -- delete ----------------------------------------------------------------------------

    def action_delete(self) -> None:
        wish = self.current()
        if wish is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(wish)

        self.app.push_screen(ConfirmScreen(
            _("Delete the wish for {topics}?").format(topics=self._topic_names(wish)),
            yes=_("Delete"), no=_("Keep"), danger=True), answered)

    @work(thread=True, group="wishes-write")
    def _delete(self, wish: TopicWish) -> None:
        try:
            self.store.topic_wishes.delete(wish.id)
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._told, error_text(error))
            return
        self.app.call_from_thread(self.notify, _("Deleted."))
        self.app.call_from_thread(self._reload)

    # -- a course from a wish --------------------------------------------------------------

    def action_create_course(self) -> None:
        wish = self.current()
        if wish is None:
            return
        programme = self.programmes.get(wish.programme_id)
        institution = self.institutions.get(wish.institution_id)
        if programme is None or institution is None:
            self.notify(_("The wish's programme or institution is no longer in the "
                          "database."), severity="warning")
            return
        name = course_name(programme, institution, wish)
        form = next((f for f in programme.forms if f.key == wish.form_key), None)
        course = Course(programme_id=programme.id, name=name,
                        topic_keys=list(wish.topic_keys), place_id=institution.place_id,
                        status=CourseStatus.PLANNED, form_key=wish.form_key,
                        audience=form.audience if form else "")

        def answered(yes: bool | None) -> None:
            if yes:
                self._add_course(wish, course)

        question = _("Create the planned course {name} with the wish's topics?").format(
            name=name)
        if wish.status is WishStatus.COURSE_CREATED:
            # Twice is usually a slip of the finger, but a wish can be big enough for two.
            question = ngettext(
                "A course was already made from this wish. Create another, {name}?",
                "{n} courses were already made from this wish. Create another, {name}?",
                max(len(wish.course_ids), 1)).format(n=len(wish.course_ids), name=name)
        self.app.push_screen(ConfirmScreen(question, yes=_("Create"), no=_("Cancel")),
                             answered)

    @work(thread=True, group="wishes-write")
    def _add_course(self, wish: TopicWish, course: Course) -> None:
        try:
            with self.store.transaction():
                added = self.store.courses.add(course)
                current = self.store.topic_wishes.get(wish.id)
                self.store.topic_wishes.save(dataclasses.replace(
                    current, status=WishStatus.COURSE_CREATED,
                    course_ids=[*current.course_ids, added.id]))
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._told, error_text(error))
            return
        self.app.call_from_thread(self._course_added, added)

    def _course_added(self, course: Course) -> None:
        self.notify(_("Created the course {name}.").format(name=course.name))
        self._reload()
        try:
            self.kuffert.open_course(course.id)
        except (ImportError, AttributeError):
            # The course screen is not part of this build; the course is saved all the same.
            self.notify(_("Find it under Courses."), severity="information")

    def action_close(self) -> None:
        self.dismiss(None)
