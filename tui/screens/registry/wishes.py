"""Topic wishes: which topics an institution's administration wants taught, and when.

Opened on one institution (from the places) or on one programme (from the
programmes). A wish that is agreed becomes a course with one key: the course gets the
wish's topics and the institution's place, and opens for planning. The list follows the
main file, where wishes, programmes and institutions are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from tui.domain.courses import Course, CourseStatus
from tui.domain.ordering import name_key
from tui.domain.places import Institution
from tui.domain.programmes import Programme, TopicWish, WishStatus
from tui.domain.text import printable
from tui.i18n import N_, _, ngettext
from tui.screens import live
from tui.screens.base import TypeAheadScreen
from tui.screens.registry.list_table import ListTable
from tui.screens.registry.programme_forms import format_period, short_name
from tui.screens.registry.wish_form import edit_wish_form, new_wish_form, period_words
from tui.views.registry import WishList, read_wishes
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Column, RecordTable


def course_name(programme: Programme, institution: Institution, wish: TopicWish) -> str:
    period = period_words(wish.period_start, wish.period_end)
    return f"{short_name(programme)}: {institution.name} {period}".strip()


class WishesScreen(TypeAheadScreen[None]):
    AUTO_FOCUS = "#wishes-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so that a burst of keys runs in the order typed (see people.py).
        Binding("n", "new", N_("New"), id="wishes.new", priority=True),
        Binding("e", "edit", N_("Edit"), id="wishes.edit", priority=True),
        Binding("delete", "delete", N_("Delete"), id="wishes.delete", priority=True),
        Binding("c", "create_course", N_("Create course"), id="wishes.course",
                priority=True),
        Binding("enter", "edit", show=False, id="wishes.open", priority=True),
        Binding("escape", "close", N_("Back"), id="wishes.back"),
    ]

    def __init__(self, *, institution_id: str | None = None,
                 programme_id: str | None = None) -> None:
        super().__init__(id="wishes")
        translate_bindings(self)
        self.institution_id = institution_id
        self.programme_id = programme_id
        self.wishes: dict[str, TopicWish] = {}
        self.programmes: dict[str, Programme] = {}
        self.institutions: dict[str, Institution] = {}
        self._listed: WishList | None = None

    def watched(self) -> frozenset[str]:
        return frozenset({live.MAIN})

    def compose(self) -> ComposeResult:
        other = Column(N_("Programme"), 16) if self.institution_id else Column(
            N_("Institution"), 20, clip="middle")
        yield Header(icon="")
        yield Static(_("Reading the wishes …"), id="wishes-title", classes="section-title")
        yield ListTable((other, Column(N_("Topics"), min_width=16),
                           Column(N_("Period"), 21), Column(N_("Status"), 15)),
                          id="wishes-table")
        yield Static("", id="wishes-detail", classes="quiet")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Topic wishes")
        self._read()

    def data_changed(self, changes: live.Changes) -> None:
        self._read()

    # -- reading ---------------------------------------------------------------------------

    def _read(self, select: str | None = None) -> None:
        store, institution_id, programme_id = self.store, self.institution_id, self.programme_id
        self.mark_read(live.MAIN)
        self.run_store(lambda: read_wishes(store, institution_id=institution_id,
                                           programme_id=programme_id),
                       lambda listed: self._loaded(listed, select), failed=self._problem,
                       group="wishes-load")

    def _problem(self, text: str) -> None:
        self.query_one("#wishes-title", Static).update(
            _("Kuffert cannot read the database.") + " " + text)

    def _loaded(self, listed: WishList, select: str | None = None) -> None:
        if listed == self._listed:
            if select is not None:
                self._select(select)
            return
        self._listed = listed
        self.programmes, self.institutions = listed.programmes, listed.institutions
        wishes = sorted(listed.wishes, key=lambda w: (w.period_start or dt.date.max,
                                                      name_key(self._other(w))))
        self.wishes = {w.id: w for w in wishes}
        table = self.query_one(RecordTable)
        table.show_rows((w.id, (self._other(w), self._topic_names(w),
                                format_period(w.period_start, w.period_end), w.status.label))
                        for w in wishes)
        if select is not None:
            self._select(select)
        if self.institution_id:
            owner: Institution | Programme | None = listed.institutions.get(
                self.institution_id)
            title = _("Topic wishes of {name} ({n})")
        else:
            owner = listed.programmes.get(self.programme_id or "")
            title = _("Topic wishes in {name} ({n})")
        self.query_one("#wishes-title", Static).update(
            title.format(name=printable(owner.name) if owner else "?", n=len(wishes)))
        self._detail()

    def _select(self, wish_id: str) -> None:
        table = self.query_one(RecordTable)
        if wish_id in table.rows:
            table.move_cursor(row=table.get_row_index(wish_id), animate=False)

    def show_written(self, wish: TopicWish | None = None, *,
                     deleted: str | None = None) -> None:
        """This screen's own write, shown without reading the file again (a course made
        from a wish changed the course list too, which this screen does not show)."""
        listed = self._listed
        if listed is None:
            return
        wishes = [w for w in listed.wishes if w.id not in (deleted, wish.id if wish else None)]
        if wish is not None:
            wishes.append(wish)
        self.absorb(live.MAIN)
        self._loaded(WishList(wishes, listed.programmes, listed.institutions),
                     wish.id if wish else None)

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
                key=key_for(self, "wishes.new")))
            return
        parts = [printable(self._topic_names(wish))]
        form = self._form_name(wish)
        if form:
            parts.append(_("Form: {form}").format(form=printable(form)))
        if wish.note:
            parts.append(_("Note: {note}").format(note=printable(wish.note)))
        parts.append(_("{key} makes a course of this wish.").format(
            key=key_for(self, "wishes.course")))
        detail.update(" · ".join(parts))

    def _form_name(self, wish: TopicWish) -> str:
        programme = self.programmes.get(wish.programme_id)
        forms = {f.key: f.name for f in programme.forms} if programme else {}
        return forms.get(wish.form_key, wish.form_key)

    def current(self) -> TopicWish | None:
        table = self.query_one(RecordTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.wishes.get(key or "")

    @on(DataTable.RowSelected, "#wishes-table")
    def _clicked(self) -> None:
        self.action_edit()

    def _on_current(self, step: Callable[[TopicWish], object]) -> None:
        """``step`` on the wish under the cursor once the keys typed before this one are
        handled; the keys after it wait for what it opens."""

        def run() -> None:
            wish = self.current()
            if wish is None:
                self.let_keys_go()
            else:
                step(wish)

        self.after_typing(run, self.query_one(RecordTable))

    # -- the form --------------------------------------------------------------------------

    def action_new(self) -> None:
        if not self.hold_keys():
            return
        if self.programme_id:
            self._new_for(self.programmes.get(self.programme_id))
            return
        choices = sorted(((printable(p.name), p.id) for p in self.programmes.values()),
                         key=lambda c: name_key(c[0]))
        if len(choices) <= 1:
            self._new_for(self.programmes[choices[0][1]] if choices else None)
            return

        def chosen(values: dict[str, str] | None) -> None:
            if values is not None and self.hold_keys():
                self._new_for(self.programmes.get(values["programme_id"]))

        # Only a choice, nothing stored: the wish form that follows saves.
        self.open_read(lambda: None, lambda _nothing: FormScreen(
            _("Which programme is the wish for?"),
            [Field("programme_id", _("Programme"), choices=choices, required=True)]), chosen)

    def _new_for(self, programme: Programme | None) -> None:
        if programme is None:
            self.let_keys_go()
            self.notify(_("There is no programme yet; create one under Programmes first."),
                        severity="warning")
            return
        if not programme.topics:
            self.let_keys_go()
            self.notify(_("{name} has no topics yet; add them under Programmes first.")
                        .format(name=printable(programme.name)), severity="warning")
            return
        form = new_wish_form(self.store, programme, self.institution_id, self.institutions)
        self.open_read(lambda: None, lambda _nothing: form,
                  lambda values: self._saved(form, values))

    def action_edit(self) -> None:
        store = self.store
        forms: list[FormScreen] = []

        def form_for(found: tuple[TopicWish, Programme]) -> FormScreen:
            forms.append(edit_wish_form(store, *found))
            return forms[0]

        def read(wish: TopicWish) -> tuple[TopicWish, Programme]:
            fresh = store.topic_wishes.get(wish.id)
            return fresh, store.programmes.get(fresh.programme_id)

        self._on_current(lambda wish: self.open_read(
            lambda: read(wish), form_for, lambda values: self._saved(forms[0], values)))

    def _saved(self, form: FormScreen, values: object) -> None:
        if values is not None and isinstance(form.saved, TopicWish):
            self.show_written(form.saved)
            self.notify(_("Saved."))

    # -- delete ----------------------------------------------------------------------------

    def action_delete(self) -> None:
        self._on_current(self._ask_delete)

    def _ask_delete(self, wish: TopicWish) -> None:
        store = self.store

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_store(lambda: store.topic_wishes.delete(wish.id),
                               lambda _gone: self._deleted(wish), group="wishes-write",
                               exclusive=False)

        question = _("Delete the wish for {topics}?").format(
            topics=printable(self._topic_names(wish)))
        self.open_read(lambda: question, lambda text: ConfirmScreen(
            text, yes=_("Delete"), no=_("Keep"), danger=True), answered)

    def _deleted(self, wish: TopicWish) -> None:
        self.show_written(deleted=wish.id)
        self.notify(_("Deleted."))

    # -- a course from a wish --------------------------------------------------------------

    def action_create_course(self) -> None:
        self._on_current(self._ask_course)

    def _ask_course(self, wish: TopicWish) -> None:
        programme = self.programmes.get(wish.programme_id)
        institution = self.institutions.get(wish.institution_id)
        if programme is None or institution is None:
            self.let_keys_go()
            self.notify(_("The wish's programme or institution is no longer in the "
                          "database."), severity="warning")
            return
        name = course_name(programme, institution, wish)
        form = next((f for f in programme.forms if f.key == wish.form_key), None)
        course = Course(programme_id=programme.id, name=name,
                        topic_keys=list(wish.topic_keys), place_id=institution.place_id,
                        status=CourseStatus.PLANNED, form_key=wish.form_key,
                        audience=form.audience if form else "")
        store = self.store

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_store(lambda: (store.course_from_wish(wish.id, course),
                                        store.topic_wishes.get(wish.id)),
                               lambda made: self._course_added(*made),
                               group="wishes-write", exclusive=False)

        question = _("Create the planned course {name} with the wish's topics?").format(
            name=printable(name))
        if wish.status is WishStatus.COURSE_CREATED:
            # Twice is usually a slip of the finger, but a wish can be big enough for two.
            question = ngettext(
                "A course was already made from this wish. Create another, {name}?",
                "{n} courses were already made from this wish. Create another, {name}?",
                max(len(wish.course_ids), 1)).format(n=len(wish.course_ids),
                                                     name=printable(name))
        self.open_read(lambda: question, lambda text: ConfirmScreen(
            text, yes=_("Create"), no=_("Cancel")), answered)

    def _course_added(self, course: Course, wish: TopicWish) -> None:
        self.show_written(wish)
        self.notify(_("Created the course {name}.").format(name=printable(course.name)))
        self.host.open_course(course.id)

    def action_close(self) -> None:
        self.dismiss(None)
