"""Programmes and what each one defines: its topic catalogue, course forms and learning
goals.

The catalogues live inside the programme record, so every change to them is a save of
the programme with the version it was read at: two administrators editing the same
programme's topics cannot silently overwrite each other.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.widgets.data_table import RowDoesNotExist

from tui.domain.parse import (
    Parsed,
    format_date,
    parse_date,
    parse_name,
    parse_target,
)
from tui.domain.programmes import (
    CourseForm,
    Depth,
    LearningGoal,
    Programme,
    Topic,
    audience_choices,
    audience_label,
    target_share,
    target_text,
)
from tui.domain.rules import validate_programme
from tui.i18n import N_, Message, _, language, msg, ngettext
from tui.resources import load_json
from tui.screens.registry.people import error_text, sort_key
from tui.store.errors import StaleRecord, StoreError
from tui.store.exports import report_from_store
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Cell, Column, RecordTable

if TYPE_CHECKING:
    from tui.screens.host import Host

PROGRAMME_COLUMNS = (
    Column(N_("Name"), clip="middle", min_width=14), Column(N_("Owner"), 12),
    Column(N_("Period"), 21), Column(N_("Target"), 5), Column(N_("Courses"), 6),
)

_AMOUNT = re.compile(r"(\d{1,9})(?:[.,](\d{1,2}))?(?:\s*(?:kr\.?|dkk))?", re.ASCII | re.I)


def parse_amount(text: str) -> Parsed[float]:
    """An amount in kroner such as an hourly rate: 250, 250,50 or "1 250 kr."; optional."""
    text = re.sub(r"(?<=\d)[ \u00a0](?=\d{3}\b)", "", text.strip())
    if not text:
        return Parsed(value=None)
    m = _AMOUNT.fullmatch(text)
    if not m:
        return Parsed(error=msg('"{text}" is not an amount. Write kroner, for example '
                                "250 or 250,50.", text=text[:30]))
    decimals = m[2] or ""
    return Parsed(value=int(m[1]) + (int(decimals) / 10 ** len(decimals) if decimals else 0))


def format_amount(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".removesuffix(".00")
    return text.replace(".", ",")


def format_period(start: Any, end: Any) -> str:
    if not start and not end:
        return ""
    return f"{format_date(start) if start else '…'}–{format_date(end) if end else '…'}"


_SLUG_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def slug(text: str, fallback: str) -> str:
    """A key made from a name: ascii, lowercase, words joined by underscores."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_SLUG_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode()
    return "_".join(re.findall(r"[a-z0-9]+", ascii_text))[:40] or fallback


def unique_key(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}_{n}" in used:
        n += 1
    return f"{base}_{n}"


def short_name(programme: Programme) -> str:
    """What a programme is called in a course's name: the part before the colon."""
    return programme.name.split(":", 1)[0].strip() or programme.name


# -- the list of programmes ------------------------------------------------------------------


class ProgrammesScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", N_("New"), id="programmes.new"),
        Binding("e", "edit", N_("Edit"), id="programmes.edit"),
        Binding("t", "topics", N_("Topics"), id="programmes.topics"),
        Binding("o", "forms", N_("Forms"), id="programmes.forms"),
        Binding("g", "goals", N_("Goals"), id="programmes.goals"),
        Binding("w", "wishes", N_("Wishes"), id="programmes.wishes"),
        Binding("delete", "delete", N_("Delete"), id="programmes.delete"),
    ]

    def __init__(self) -> None:
        super().__init__(id="programmes")
        translate_bindings(self)
        self.programmes: dict[str, Programme] = {}
        self.course_counts: Counter[str] = Counter()
        self.trained: dict[str, int] = {}  # people trained per programme, once counted

    @property
    def kuffert(self) -> Host:
        return cast("Host", self.app)

    @property
    def store(self) -> Store:
        return self.kuffert.store

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Programmes"), id="programmes-title", classes="section-title")
        yield RecordTable(PROGRAMME_COLUMNS, id="programmes-table")
        yield Static("", id="programmes-detail", classes="quiet")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Programmes")
        self.query_one(RecordTable).focus()

    def on_screen_resume(self) -> None:
        # Back from a catalogue, the wishes or another section: counts may have changed.
        self._load()

    @work(thread=True, exclusive=True, group="programmes-load")
    def _load(self, select: str | None = None) -> None:
        try:
            programmes = self.store.programmes.all()
            counts = Counter(c.programme_id for c in self.store.courses.all())
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._problem, error_text(error))
            return
        self.app.call_from_thread(self._loaded, programmes, counts, select)
        # Progress toward the targets needs every course's marks: read after the list
        # shows, so a big database does not keep the list waiting.
        try:
            report = report_from_store(self.store)
        except (StoreError, OSError):
            return
        trained: dict[str, set[str]] = {}
        for figures in report.courses.values():
            trained.setdefault(figures.programme_id, set()).update(figures.completed)
        self.app.call_from_thread(self._trained_known, {k: len(v) for k, v in trained.items()})

    def _trained_known(self, trained: dict[str, int]) -> None:
        if self.is_attached:
            self.trained = trained
            self._detail()

    def _problem(self, text: str) -> None:
        self.query_one("#programmes-detail", Static).update(
            _("Kuffert cannot read the database.") + " " + text)

    def _loaded(self, programmes: list[Programme], counts: Counter[str],
                select: str | None) -> None:
        programmes.sort(key=lambda p: sort_key(p.name))
        self.programmes = {p.id: p for p in programmes}
        self.course_counts = counts
        table = self.query_one(RecordTable)
        table.show_rows(
            (p.id, (p.name, p.owner, format_period(p.period_start, p.period_end),
                    target_text(p), counts.get(p.id, 0)))
            for p in programmes)
        if select and select in self.programmes:
            table.move_cursor(row=table.get_row_index(select), animate=False)
        self.query_one("#programmes-title", Static).update(
            _("Programmes ({n})").format(n=len(programmes)))
        self._detail()

    @on(DataTable.RowHighlighted, "#programmes-table")
    def _detail(self) -> None:
        programme = self.current()
        detail = self.query_one("#programmes-detail", Static)
        if programme is None:
            detail.update(_("No programme yet. Press {key} to create one.").format(
                key=self._key_for("programmes.new")) if not self.programmes else "")
            return
        goals = Counter(g.audience for g in programme.learning_goals)
        parts = [
            _("Topics: {n}").format(n=len(programme.topics)),
            _("Course forms: {n}").format(n=len(programme.forms)),
            _("Learning goals: {n}").format(n=len(programme.learning_goals))
            + (" (" + ", ".join(f"{audience_label(a, programme)} {n}"
                                for a, n in goals.items()) + ")" if goals else ""),
        ]
        if programme.funding_pool:
            parts.append(_("Pool: {pool}").format(pool=programme.funding_pool))
        if programme.target_participants and programme.id in self.trained:
            done = self.trained[programme.id]
            parts.append(_("Trained {n} of the target {target} ({share} %)").format(
                n=done, target=target_text(programme),
                share=target_share(done, programme)))
        detail.update(" · ".join(parts))

    def _key_for(self, binding_id: str) -> str:
        return key_for(self, binding_id)

    def current(self) -> Programme | None:
        table = self.query_one(RecordTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.programmes.get(key or "")

    @on(DataTable.RowSelected, "#programmes-table")
    def _selected(self) -> None:
        self.action_edit()

    # -- create and edit -------------------------------------------------------------------

    def _fields(self, p: Programme | None) -> list[Field]:
        def value(text: Any) -> str:
            return "" if text is None else str(text)

        return [
            Field("name", _("Name"), lambda t: parse_name(t, N_("Name")),
                  p.name if p else "", required=True),
            Field("owner", _("Owner"), value=p.owner if p else ""),
            Field("period_start", _("Period starts"), lambda t: parse_date(t, required=False),
                  format_date(p.period_start) if p and p.period_start else "",
                  placeholder="01-01-2026"),
            Field("period_end", _("Period ends"), lambda t: parse_date(t, required=False),
                  format_date(p.period_end) if p and p.period_end else "",
                  placeholder="31-12-2027"),
            Field("funding_pool", _("Funding pool"), value=p.funding_pool if p else ""),
            Field("target_participants", _("Target number of participants (e.g. 60 or 60-70)"),
                  parse_target, target_text(p) if p else ""),
            Field("substitute_hourly_rate", _("Substitute cover, kroner per hour"),
                  parse_amount, format_amount(p.substitute_hourly_rate) if p else ""),
        ]

    @staticmethod
    def _programme(values: dict[str, Any], old: Programme | None) -> Programme:
        base = old or Programme(name="")
        return dataclasses.replace(
            base, name=values["name"] or "", owner=values.get("owner") or "",
            period_start=values.get("period_start"), period_end=values.get("period_end"),
            funding_pool=values.get("funding_pool") or "",
            target_participants=(values.get("target_participants") or (None, None))[0],
            target_max=(values.get("target_participants") or (None, None))[1],
            substitute_hourly_rate=values.get("substitute_hourly_rate"))

    def _check(self, values: dict[str, Any]) -> list[tuple[str, Message]]:
        return validate_programme(self._programme(values, None))

    def action_new(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._write(self._programme(values, None), None)

        self.app.push_screen(FormScreen(_("New programme"), self._fields(None),
                                        check=self._check), saved)

    def action_edit(self) -> None:
        current = self.current()
        if current is None:
            return
        try:
            programme = self.store.programmes.get(current.id)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._write(self._programme(values, programme), programme.version)

        self.app.push_screen(FormScreen(_("Edit {name}").format(name=programme.name),
                                        self._fields(programme), check=self._check), saved)

    @work(thread=True, group="programmes-write")
    def _write(self, programme: Programme, version: int | None) -> None:
        try:
            if version is None:
                saved = self.store.programmes.add(programme)
            else:
                saved = self.store.programmes.save(programme, expected_version=version)
        except StaleRecord as error:
            self.app.call_from_thread(self._told, str(error) + " " + _(
                "Your change was not saved; the list shows theirs now."), "warning")
            self.app.call_from_thread(self._load)
            return
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._told, error_text(error), "error")
            return
        self.app.call_from_thread(self.notify, _("Saved {name}.").format(name=saved.name))
        self.app.call_from_thread(self._load, saved.id)

    def _told(self, text: str, severity: Any) -> None:
        self.notify(text, severity=severity, timeout=12)

    # -- delete ----------------------------------------------------------------------------

    def action_delete(self) -> None:
        programme = self.current()
        if programme is None:
            return
        courses = self.course_counts.get(programme.id, 0)
        if courses:
            self.notify(ngettext(
                "{name} still has {count} course. Delete or move it before the programme.",
                "{name} still has {count} courses. Delete or move them before the programme.",
                courses).format(name=programme.name, count=courses),
                        title=_("Not deleted"), severity="warning", timeout=10)
            return
        wishes = len(self.store.topic_wishes.where(programme_id=programme.id))
        question = _("Delete the programme {name}?").format(name=programme.name)
        if wishes:
            question += " " + ngettext("Its {count} topic wish goes with it.",
                                        "Its {count} topic wishes go with it.",
                                        wishes).format(count=wishes)

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(programme)

        self.app.push_screen(ConfirmScreen(question, yes=_("Delete"), no=_("Keep"),
                                           danger=True), answered)

    @work(thread=True, group="programmes-write")
    def _delete(self, programme: Programme) -> None:
        store = self.store
        try:
            with store.transaction():
                # Checked again under the lock: someone may have added a course since.
                if store.courses.where(programme_id=programme.id):
                    raise _Refused
                store.topic_wishes.delete_where(lambda d: d.get("programme_id") == programme.id)
                store.programmes.delete(programme.id)
        except _Refused:
            self.app.call_from_thread(self._told, _(
                "{name} has courses now; it was not deleted.").format(name=programme.name),
                "warning")
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._told, error_text(error), "error")
        else:
            self.app.call_from_thread(self.notify, _("Deleted {name}.").format(
                name=programme.name))
        self.app.call_from_thread(self._load)

    # -- the catalogues --------------------------------------------------------------------

    def _open(self, screen_class: type[CatalogueScreen[Any]]) -> None:
        programme = self.current()
        if programme is not None:
            self.app.push_screen(screen_class(self.store, programme.id))

    def action_topics(self) -> None:
        self._open(TopicsScreen)

    def action_forms(self) -> None:
        self._open(FormsScreen)

    def action_goals(self) -> None:
        self._open(GoalsScreen)

    def action_wishes(self) -> None:
        from tui.screens.registry.wishes import WishesScreen

        programme = self.current()
        if programme is not None:
            self.app.push_screen(WishesScreen(self.store, programme_id=programme.id))


class _Refused(Exception):
    pass


# -- catalogues inside a programme ----------------------------------------------------------

Item = TypeVar("Item", Topic, CourseForm, LearningGoal)


def catalogue_bindings(prefix: str) -> list[BindingType]:
    return [
        Binding("n", "add", N_("New"), id=f"{prefix}.new"),
        Binding("e", "edit", N_("Edit"), id=f"{prefix}.edit"),
        Binding("delete", "delete", N_("Delete"), id=f"{prefix}.delete"),
        Binding("escape", "close", N_("Back"), id=f"{prefix}.back"),
    ]


class CatalogueScreen(Screen[None], Generic[Item]):
    """One list inside a programme (topics, course forms or learning goals), edited with
    the shared form; each change saves the programme at the version it was read."""

    TITLE_TEXT = ""
    NEW_TITLE = ""
    EDIT_TITLE = ""
    COLUMNS: ClassVar[Sequence[Column]] = ()
    ATTRIBUTE = ""

    def __init__(self, store: Store, programme_id: str) -> None:
        super().__init__(classes="catalogue")
        translate_bindings(self)
        self.store = store
        self.programme_id = programme_id
        self.programme: Programme | None = None
        # One save at a time: a second change made from the copy the first one is
        # replacing would be refused as someone else's.
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="catalogue-title", classes="section-title")
        yield RecordTable(self.COLUMNS, id="catalogue-table")
        yield Static("", id="catalogue-hint", classes="quiet")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._reload()
        self.query_one(RecordTable).focus()

    def _reload(self) -> None:
        try:
            self.programme = self.store.programmes.get(self.programme_id)
        except StoreError as error:
            self.notify(str(error), severity="error")
            self.dismiss(None)
            return
        self._show()

    # -- what a subclass says -------------------------------------------------------------

    def items(self) -> list[Item]:
        assert self.programme is not None
        return list(getattr(self.programme, self.ATTRIBUTE))

    def key_of(self, item: Item) -> str:
        return item.key

    def cells(self, item: Item) -> Sequence[Cell]:
        raise NotImplementedError

    def label(self, item: Item) -> str:
        """What the item is called in a question."""
        raise NotImplementedError

    def fields(self, item: Item | None) -> list[Field]:
        raise NotImplementedError

    def make(self, values: dict[str, Any], old: Item | None) -> Item:
        raise NotImplementedError

    def hint(self) -> str:
        return ""

    def ordered(self, items: list[Item]) -> list[Item]:
        return items

    def in_use(self, item: Item) -> str | None:
        """Why ``item`` cannot be deleted; runs in a worker, may read course files."""
        return None

    def check(self, values: dict[str, Any], old: Item | None) -> list[tuple[str, Message]]:
        return []

    # -- showing ---------------------------------------------------------------------------

    def _show(self) -> None:
        programme = self.programme
        if programme is None:
            return
        self.sub_title = programme.name
        items = self.items()
        self.query_one("#catalogue-title", Static).update(
            _(self.TITLE_TEXT).format(n=len(items), programme=programme.name))
        self.query_one(RecordTable).show_rows(
            (self.key_of(item), self.cells(item)) for item in self.ordered(items))
        self.query_one("#catalogue-hint", Static).update(self.hint())

    def current(self) -> Item | None:
        table = self.query_one(RecordTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((i for i in self.items() if self.key_of(i) == key), None)

    def _key_for(self, binding_id: str) -> str:
        return key_for(self, binding_id)

    @on(DataTable.RowSelected, "#catalogue-table")
    def _selected(self) -> None:
        self.action_edit()

    # -- changing --------------------------------------------------------------------------

    def replace_items(self, items: list[Item], done: str, select: str | None = None) -> None:
        programme = self.programme
        if programme is None:
            return
        if self.saving:
            self.notify(_("The last change is still being saved; try again in a moment."),
                        severity="warning")
            return
        changed = dataclasses.replace(programme, **{self.ATTRIBUTE: items})
        problems = validate_programme(changed)
        if problems:
            self.notify(str(problems[0][1]), title=_("Not saved"), severity="warning")
            return
        self.saving = True
        self._save(changed, programme.version, done, select)

    @work(thread=True, exclusive=True, group="catalogue-write")
    def _save(self, programme: Programme, version: int, done: str,
              select: str | None) -> None:
        try:
            saved = self.store.programmes.save(programme, expected_version=version)
        except StaleRecord as error:
            self.app.call_from_thread(self._stale, str(error))
            return
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._failed, error_text(error))
            return
        self.app.call_from_thread(self._saved, saved, done, select)

    def _failed(self, text: str) -> None:
        self.saving = False
        self.notify(text, severity="error", timeout=12)

    def _stale(self, text: str) -> None:
        self.saving = False
        if not self.is_attached:
            return
        self.notify(text + " " + _("Your change was not saved; the list shows theirs now."),
                    severity="warning", timeout=12)
        self._reload()

    def _saved(self, programme: Programme, done: str, select: str | None) -> None:
        self.saving = False
        if not self.is_attached:
            if done:
                self.notify(done)
            return
        self.programme = programme
        self._show()
        table = self.query_one(RecordTable)
        if select is not None:
            with contextlib.suppress(RowDoesNotExist):
                table.move_cursor(row=table.get_row_index(select), animate=False)
        if done:
            self.notify(done)

    def _form(self, title: str, item: Item | None,
              then: Callable[[dict[str, Any]], None]) -> None:
        def answered(values: dict[str, Any] | None) -> None:
            if values is not None:
                then(values)

        self.app.push_screen(FormScreen(title, self.fields(item),
                                        check=lambda v: self.check(v, item)), answered)

    def action_add(self) -> None:
        if self.programme is None:
            return

        def add(values: dict[str, Any]) -> None:
            item = self.make(values, None)
            self.replace_items([*self.items(), item], _("Added."), self.key_of(item))

        self._form(_(self.NEW_TITLE), None, add)

    def action_edit(self) -> None:
        old = self.current()
        if old is None:
            return

        def edit(values: dict[str, Any]) -> None:
            new = self.make(values, old)
            items = [new if self.key_of(i) == self.key_of(old) else i for i in self.items()]
            self.replace_items(items, _("Saved."), self.key_of(new))

        self._form(_(self.EDIT_TITLE), old, edit)

    def action_delete(self) -> None:
        item = self.current()
        if item is not None:
            self._check_delete(item)

    @work(thread=True, exclusive=True, group="catalogue-check")
    def _check_delete(self, item: Item) -> None:
        try:
            reason = self.in_use(item)
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self.notify, error_text(error), severity="error")
            return
        self.app.call_from_thread(self._ask_delete, item, reason)

    def _ask_delete(self, item: Item, reason: str | None) -> None:
        if not self.is_attached:
            return
        if reason:
            self.notify(reason, title=_("Not deleted"), severity="warning", timeout=10)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                items = [i for i in self.items() if self.key_of(i) != self.key_of(item)]
                self.replace_items(items, _("Deleted."))

        self.app.push_screen(ConfirmScreen(
            _("Delete {name}?").format(name=self.label(item)), yes=_("Delete"), no=_("Keep"),
            danger=True), answered)

    def action_close(self) -> None:
        self.dismiss(None)


YES_NO = [(N_("yes"), "yes"), (N_("no"), "no")]


def yes_no() -> list[tuple[str, str]]:
    return [(_(label), value) for label, value in YES_NO]


class TopicsScreen(CatalogueScreen[Topic]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *catalogue_bindings("topics"),
        Binding("s", "suitcase", N_("Suitcase"), id="topics.suitcase"),
        Binding("f", "five_day", N_("Themes"), id="topics.five_day"),
    ]
    TITLE_TEXT = N_("Topics of {programme} ({n})")
    NEW_TITLE = N_("New topic")
    EDIT_TITLE = N_("Edit the topic")
    COLUMNS = (Column(N_("Name"), min_width=20), Column(N_("Key"), 22),
               Column(N_("Through all"), 8))
    ATTRIBUTE = "topics"

    def cells(self, item: Topic) -> Sequence[Cell]:
        return (item.name, item.key, _("yes") if item.cross_cutting else "")

    def label(self, item: Topic) -> str:
        return item.name

    def hint(self) -> str:
        return _("{suitcase} adds the suitcase's four topics and early detection; {five} "
                 "adds the 5-day course's nine themes. Topics already there are kept.").format(
            suitcase=self._key_for("topics.suitcase"), five=self._key_for("topics.five_day"))

    def fields(self, item: Topic | None) -> list[Field]:
        return [
            Field("name", _("Name"), lambda t: parse_name(t, N_("Name")),
                  item.name if item else "", required=True),
            Field("cross_cutting", _("Runs through all the other topics"), choices=yes_no(),
                  value="yes" if item and item.cross_cutting else "no", required=True),
        ]

    def make(self, values: dict[str, Any], old: Topic | None) -> Topic:
        # The key stays when a topic is renamed: courses and wishes refer to it.
        key = old.key if old else unique_key(slug(values["name"], "topic"),
                                             (t.key for t in self.items()))
        return Topic(key=key, name=values["name"], cross_cutting=values["cross_cutting"] == "yes")

    def in_use(self, item: Topic) -> str | None:
        courses = [c for c in self.store.courses.where(programme_id=self.programme_id)
                   if item.key in c.topic_keys]
        wishes = [w for w in self.store.topic_wishes.where(programme_id=self.programme_id)
                  if item.key in w.topic_keys]
        if courses or wishes:
            return _("{name} is chosen in {courses} and {wishes}; take it out of those "
                     "first.").format(
                name=item.name,
                courses=ngettext("{n} course", "{n} courses", len(courses)).format(
                    n=len(courses)),
                wishes=ngettext("{n} topic wish", "{n} topic wishes", len(wishes)).format(
                    n=len(wishes)))
        return None

    def _fill(self, kind: str) -> None:
        shipped = [Topic(**t) for t in load_json("topics.json")[kind]]
        have = {t.key for t in self.items()}
        new = [t for t in shipped if t.key not in have]
        if not new:
            self.notify(_("All {count} are in the catalogue already.").format(
                count=len(shipped)))
            return
        self.replace_items([*self.items(), *new], _(
            "Added {added} topics; {kept} were there already.").format(
            added=len(new), kept=len(shipped) - len(new)), new[0].key)

    def action_suitcase(self) -> None:
        self._fill("suitcase")

    def action_five_day(self) -> None:
        self._fill("five_day_themes")


class FormsScreen(CatalogueScreen[CourseForm]):
    BINDINGS: ClassVar[list[BindingType]] = catalogue_bindings("forms")
    TITLE_TEXT = N_("Course forms of {programme} ({n})")
    NEW_TITLE = N_("New course form")
    EDIT_TITLE = N_("Edit the course form")
    COLUMNS = (Column(N_("Key"), 12), Column(N_("Name"), min_width=16),
               Column(N_("Audience"), 14), Column(N_("Depth"), 11))
    ATTRIBUTE = "forms"

    def cells(self, item: CourseForm) -> Sequence[Cell]:
        return (item.key, item.name, item.audience, item.depth.label)

    def label(self, item: CourseForm) -> str:
        return item.name

    def hint(self) -> str:
        return _("A course form is an audience and a depth, for example leaders in "
                 "overview or staff in depth.")

    def fields(self, item: CourseForm | None) -> list[Field]:
        fields = [
            Field("name", _("Name"), lambda t: parse_name(t, N_("Name")),
                  item.name if item else "", required=True),
            Field("audience", _("Audience (who it is for)"),
                  lambda t: parse_name(t, N_("Audience")), item.audience if item else "",
                  placeholder=_("for example leaders, staff, nursery"), required=True),
            Field("depth", _("Depth"), choices=[(d.label, d.value) for d in Depth],
                  value=item.depth.value if item else Depth.OVERVIEW.value, required=True),
        ]
        if item is None:
            fields.insert(0, Field("key", _("Key (short, used by courses)"),
                                   lambda t: parse_name(t, N_("Key"), max_length=40),
                                   placeholder="form-1", required=True))
        return fields

    def check(self, values: dict[str, Any], old: CourseForm | None) -> list[tuple[str, Message]]:
        if old is None and values.get("key") in {f.key for f in self.items()}:
            return [("key", msg("The key {key} is used twice.", key=repr(values["key"])))]
        return []

    def make(self, values: dict[str, Any], old: CourseForm | None) -> CourseForm:
        return CourseForm(key=old.key if old else values["key"], name=values["name"],
                          audience=values["audience"], depth=Depth(values["depth"]))

    def in_use(self, item: CourseForm) -> str | None:
        count = sum(1 for c in self.store.courses.where(programme_id=self.programme_id)
                    if c.form_key == item.key)
        if count:
            return ngettext("{count} course is of the form {name}; change it first.",
                            "{count} courses are of the form {name}; change them first.",
                            count).format(count=count, name=item.name)
        return None


class GoalsScreen(CatalogueScreen[LearningGoal]):
    BINDINGS: ClassVar[list[BindingType]] = catalogue_bindings("goals")
    TITLE_TEXT = N_("Learning goals of {programme} ({n})")
    NEW_TITLE = N_("New learning goal")
    EDIT_TITLE = N_("Edit the learning goal")
    COLUMNS = (Column(N_("Audience"), 14), Column(N_("Goal"), min_width=20),
               Column(N_("Key"), 8))
    ATTRIBUTE = "learning_goals"

    def cells(self, item: LearningGoal) -> Sequence[Cell]:
        return (audience_label(item.audience, self.programme), item.text, item.key)

    def label(self, item: LearningGoal) -> str:
        text = item.text if len(item.text) <= 60 else item.text[:59] + "…"
        return f"»{text}«" if language() == "da" else f'"{text}"'

    def ordered(self, items: list[LearningGoal]) -> list[LearningGoal]:
        # Grouped by audience in the order the audiences first appear; goals keep theirs.
        first = {a: n for n, a in reversed(list(enumerate(g.audience for g in items)))}
        return sorted(items, key=lambda g: first[g.audience])

    def hint(self) -> str:
        counts = Counter(g.audience for g in self.items())
        per = ", ".join(f"{audience_label(audience, self.programme)}: {n}"
                        for audience, n in counts.items())
        text = _("Participants rate each goal of their audience before and after the course.")
        return f"{text} {per}" if per else text

    def fields(self, item: LearningGoal | None) -> list[Field]:
        current = item or self.current()
        assert self.programme is not None
        return [
            # Picked from a list: a typed key ("staff") would split one audience in two.
            Field("audience", _("Audience"), value=current.audience if current else "",
                  choices=audience_choices(self.programme), required=True),
            Field("text", _("The goal"), lambda t: parse_name(t, N_("The goal"), max_length=500),
                  item.text if item else "", multiline=True, required=True),
        ]

    def make(self, values: dict[str, Any], old: LearningGoal | None) -> LearningGoal:
        if old is not None:
            return dataclasses.replace(old, audience=values["audience"], text=values["text"])
        taken = [g.key for g in self.items()]
        same = [g for g in self.items() if g.audience == values["audience"]]
        # Follow the audience's own numbering ("dp-1" … "dp-7" gets "dp-8").
        prefixes = {m[1] for g in same if (m := re.fullmatch(r"(.+)-\d+", g.key))}
        base = prefixes.pop() if len(prefixes) == 1 else slug(values["audience"], "goal")
        n = len(same) + 1
        key = f"{base}-{n}"
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        return LearningGoal(key=key, audience=values["audience"], text=values["text"])

    def in_use(self, item: LearningGoal) -> str | None:
        rated = 0
        for course in self.store.courses.where(programme_id=self.programme_id):
            rated += len(self.store.ratings(course.id).where(goal_key=item.key))
        if rated:
            return ngettext("Participants have rated this goal {count} time; it stays so that "
                            "their ratings keep their meaning.",
                            "Participants have rated this goal {count} times; it stays so "
                            "that their ratings keep their meaning.", rated).format(count=rated)
        return None
