"""The catalogues inside a programme: its topics, course forms and learning goals.

They live inside the programme record. An edit of one item goes through ``Editing`` on
the programme: a colleague's change to the same item is shown field by field, and a
change to any other item of the programme is simply kept. Adding, deleting and filling
in the shipped lists are applied to the programme as stored at that moment, under the
store's lock, so they never undo anyone's change either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from tui.domain.programmes import CourseForm, LearningGoal, Programme, Topic
from tui.domain.rules import validate_programme
from tui.domain.text import printable
from tui.i18n import Message, _, msg
from tui.screens import live
from tui.screens.base import TypeAheadScreen
from tui.screens.registry.list_table import ListTable
from tui.store.errors import StoreError
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.form import Editing, Field, FormScreen
from tui.widgets.record_table import Cell, Column, RecordTable

Item = TypeVar("Item", Topic, CourseForm, LearningGoal)


def catalogue_bindings(prefix: str) -> list[BindingType]:
    from tui.i18n import N_

    return [
        # Priority, so that a burst of keys runs in the order typed (see people.py).
        Binding("n", "add", N_("New"), id=f"{prefix}.new", priority=True),
        Binding("e", "edit", N_("Edit"), id=f"{prefix}.edit", priority=True),
        Binding("delete", "delete", N_("Delete"), id=f"{prefix}.delete", priority=True),
        Binding("enter", "edit", show=False, id=f"{prefix}.open", priority=True),
        Binding("escape", "close", N_("Back"), id=f"{prefix}.back"),
    ]


class CatalogueScreen(TypeAheadScreen[None], Generic[Item]):
    """One list inside a programme (topics, course forms or learning goals), edited with
    the shared form. It follows the main file, where the programme is."""

    TITLE_TEXT = ""
    NEW_TITLE = ""
    EDIT_TITLE = ""
    KIND = ""  # "The topic", for "The topic was changed by …"
    COLUMNS: ClassVar[Sequence[Column]] = ()
    ATTRIBUTE = ""

    def __init__(self, programme_id: str) -> None:
        super().__init__(classes="catalogue")
        from tui.widgets.keys import translate_bindings

        translate_bindings(self)
        self.programme_id = programme_id
        self.programme: Programme | None = None

    def watched(self) -> frozenset[str]:
        return frozenset({live.MAIN})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="catalogue-title", classes="section-title")
        yield ListTable(self.COLUMNS, id="catalogue-table")
        yield Static("", id="catalogue-hint", classes="quiet")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(RecordTable))
        self.data_changed(live.Changes(self.watched()))

    def data_changed(self, changes: live.Changes) -> None:
        store, programme_id = self.store, self.programme_id
        self.mark_read(live.MAIN)
        self.run_store(lambda: store.programmes.find(programme_id), self._read,
                       failed=self._problem, group="catalogue-load")

    def _read(self, programme: Programme | None) -> None:
        if programme is None:
            self.notify(_("Someone else deleted this programme."), severity="warning")
            self.dismiss(None)
        elif programme != self.programme:
            self.programme = programme
            self._show()

    def _problem(self, text: str) -> None:
        self.query_one("#catalogue-hint", Static).update(
            _("Kuffert cannot read the database.") + " " + text)

    # -- what a subclass says -------------------------------------------------------------

    def items(self, programme: Programme | None = None) -> list[Item]:
        found = programme or self.programme
        return list(getattr(found, self.ATTRIBUTE)) if found is not None else []

    def key_of(self, item: Item) -> str:
        return item.key

    def cells(self, item: Item) -> Sequence[Cell]:
        raise NotImplementedError

    def label(self, item: Item) -> str:
        """What the item is called in a question."""
        raise NotImplementedError

    def values(self, item: Item | None) -> dict[str, str]:
        """What each field holds for ``item`` (None: a new one)."""
        raise NotImplementedError

    def fields(self, item: Item | None) -> list[Field]:
        raise NotImplementedError

    def make(self, values: dict[str, Any], old: Item | None, items: list[Item]) -> Item:
        """The item the values make; ``items``: the programme's as stored now."""
        raise NotImplementedError

    def hint(self) -> str:
        return ""

    def ordered(self, items: list[Item]) -> list[Item]:
        return items

    def in_use(self, store: Store, item: Item) -> str | None:
        """Why ``item`` cannot be deleted; runs in a worker, may read course files."""
        return None

    def check(self, values: dict[str, Any], old: Item | None) -> list[tuple[str, Message]]:
        return []

    # -- showing ---------------------------------------------------------------------------

    def _show(self, select: str | None = None) -> None:
        programme = self.programme
        if programme is None:
            return
        self.sub_title = printable(programme.name)
        items = self.items()
        self.query_one("#catalogue-title", Static).update(
            _(self.TITLE_TEXT).format(n=len(items), programme=printable(programme.name)))
        table = self.query_one(RecordTable)
        table.show_rows((self.key_of(item), self.cells(item)) for item in self.ordered(items))
        if select is not None and select in table.rows:
            table.move_cursor(row=table.get_row_index(select), animate=False)
        self.query_one("#catalogue-hint", Static).update(self.hint())

    def current(self) -> Item | None:
        table = self.query_one(RecordTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((i for i in self.items() if self.key_of(i) == key), None)

    @on(DataTable.RowSelected, "#catalogue-table")
    def _clicked(self) -> None:
        self.action_edit()

    def saved(self, programme: Programme, done: str, select: str | None = None) -> None:
        """This screen's own write, shown without reading the file again."""
        self.programme = programme
        self.absorb(live.MAIN)
        self._show(select)
        if done:
            self.notify(done)

    # -- changing --------------------------------------------------------------------------

    def change(self, change: Callable[[Programme], Programme],
               done: Callable[[], tuple[str, str | None]]) -> None:
        """Apply ``change`` to the programme as stored now, in a worker; then ``done``
        says what to tell and which row to select."""
        store, programme_id = self.store, self.programme_id
        self.run_store(lambda: store.change_programme(programme_id,
                                                      lambda p: _valid(change(p))),
                       lambda saved: self.saved(saved, *done()),
                       group="catalogue-write", exclusive=False)

    def _replaced(self, programme: Programme, key: str, new: Item | None) -> Programme:
        items = [i for i in self.items(programme) if self.key_of(i) != key or new is not None]
        items = [new if new is not None and self.key_of(i) == key else i for i in items]
        return dataclasses.replace(programme, **{self.ATTRIBUTE: items})

    def _after_typing(self, step: Callable[[], object]) -> None:
        self.after_typing(step, self.query_one(RecordTable))

    def action_add(self) -> None:
        if self.programme is None:
            return
        store, programme_id, attribute = self.store, self.programme_id, self.ATTRIBUTE
        made: list[Item] = []

        def add(values: dict[str, Any]) -> Programme:
            def with_item(programme: Programme) -> Programme:
                # The key is made against the items as stored now, under the lock.
                items = self.items(programme)
                made[:] = [self.make(values, None, items)]
                return _valid(dataclasses.replace(programme, **{attribute: [*items, *made]}))

            return store.change_programme(programme_id, with_item)

        form = FormScreen(_(self.NEW_TITLE), self.fields(None),
                          check=lambda v: self.check(v, None), save=add)

        def answered(values: object) -> None:
            if values is not None and isinstance(form.saved, Programme):
                self.saved(form.saved, _("Added."), self.key_of(made[0]) if made else None)

        if self.hold_keys():
            self.open_read(lambda: None, lambda _nothing: form, answered)

    def action_edit(self) -> None:
        self._after_typing(self._edit_current)

    def _edit_current(self) -> None:
        item, programme = self.current(), self.programme
        if item is None or programme is None:
            self.let_keys_go()
            return
        store, programme_id, key = self.store, self.programme_id, self.key_of(item)

        def item_in(found: Programme | None) -> Item | None:
            return next((i for i in self.items(found) if self.key_of(i) == key), None) \
                if found is not None else None

        def save(values: dict[str, Any], base: Programme) -> Programme:
            old = item_in(base)
            if old is None:  # deleted meanwhile: reread tells the form so
                raise StoreError(msg("Someone else deleted it meanwhile; nothing was "
                                     "saved."))
            changed = self._replaced(base, key, self.make(values, old, self.items(base)))
            return store.programmes.save(changed, expected_version=base.version)

        def reread() -> Programme | None:
            fresh = store.programmes.find(programme_id)
            return fresh if item_in(fresh) is not None else None

        editing = Editing(_(self.KIND), programme, save=save, reread=reread,
                          values=lambda fresh: self.values(item_in(fresh)))
        form = FormScreen(_(self.EDIT_TITLE), self.fields(item),
                          check=lambda v: self.check(v, item), editing=editing)

        def answered(values: object) -> None:
            if values is not None and isinstance(form.saved, Programme):
                self.saved(form.saved, _("Saved."), key)

        self.open_read(lambda: None, lambda _nothing: form, answered)

    def action_delete(self) -> None:
        self._after_typing(self._delete_current)

    def _delete_current(self) -> None:
        item = self.current()
        if item is None:
            self.let_keys_go()
            return
        store, key = self.store, self.key_of(item)

        def question(_nothing: None) -> ConfirmScreen:
            return ConfirmScreen(_("Delete {name}?").format(name=self.label(item)),
                                 yes=_("Delete"), no=_("Keep"), danger=True)

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(lambda p: self._replaced(p, key, None),
                            lambda: (_("Deleted."), None))

        def counted(reason: str | None) -> None:
            if reason:
                self.let_keys_go()
                self.notify(reason, title=_("Not deleted"), severity="warning", timeout=10)
            else:
                self.open_read(lambda: None, question, answered)

        def failed(text: str) -> None:
            self.let_keys_go()
            self.notify(text, severity="error", timeout=8)

        self.run_store(lambda: self.in_use(store, item), counted, failed=failed,
                       group="catalogue-check")

    def action_close(self) -> None:
        self.dismiss(None)


def _valid(programme: Programme) -> Programme:
    """``programme`` if it may be stored; refused in words otherwise (a key taken twice,
    by two administrators adding the same course form at once)."""
    problems = validate_programme(programme)
    if problems:
        raise StoreError(msg("{problem} Nothing was saved.", problem=problems[0][1]))
    return programme
