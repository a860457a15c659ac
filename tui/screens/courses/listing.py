"""The course list: every course at a glance, filtered, searched as you type, and edited.

The list is read from the main file alone (``tui.views.courses``) and read again when
that file changes, by anyone: another user's new course or moved day shows up within a
second, with the cursor, the search and the filters kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Header, Input, Static

from tui.domain.courses import Course, CourseStatus
from tui.domain.parse import format_date
from tui.domain.places import distinct_names
from tui.domain.programmes import Programme
from tui.i18n import N_, _, ngettext
from tui.screens import live
from tui.screens.base import TypeAheadScreen, error_text, in_thread
from tui.screens.courses.course_form import (
    apply_course_values,
    copy_form,
    course_form,
    programme_form,
)
from tui.store.errors import StoreError
from tui.views.courses import CourseList, Filters, place_label, programme_short, read_course_list
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, ListTable, RecordTable

COLUMNS = (
    Column(N_("Name"), clip="middle"), Column(N_("Programme"), 10), Column(N_("Status"), 10),
    Column(N_("Place"), 10), Column(N_("Days"), 4), Column(N_("Next day"), 10),
)
# Rows put in the table at a time: a national list has thousands.
PAGE = 100


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


class CoursesScreen(TypeAheadScreen[None]):
    # The list takes the focus when it is read (see TypeAheadScreen), not Textual's first pick.
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority key: enter opens the course under the cursor after the moves
        # typed before it, however fast they came.
        Binding("enter", "open", N_("Open"), id="courses.open"),
        Binding("n", "new", N_("New"), id="courses.new"),
        Binding("e", "edit", N_("Edit"), id="courses.edit"),
        Binding("y", "copy", N_("Copy"), id="courses.copy"),
        Binding("delete,D", "delete", N_("Delete"), id="courses.delete"),
        Binding("f", "filter", N_("Filter"), id="courses.filter"),
        # Priority keys that move the focus, so that the keys after them in one packet
        # go where they moved it: "/nuuk" into the search, not "n" for a new course.
        # The search field's placeholder names "/"; the footer has no room for it.
        Binding("slash", "search", N_("Search"), id="courses.search", show=False,
                priority=True),
        Binding("escape,enter,down", "leave_search", N_("To the list"),
                id="courses.leave_search", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__(id="courses-screen")
        translate_bindings(self)
        self.data = CourseList()
        self.filters = Filters()
        self.loaded = False
        self._select_after_load: str | None = None
        # Keys typed before the list is read wait for it.
        self.hold_until(lambda: self.loaded)

    def watched(self) -> frozenset[str]:
        # Courses, their day summaries, programmes and places: all in the main file.
        return frozenset({live.MAIN})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(id="courses-body"):
            yield Static("", id="courses-filters", classes="quiet")
            yield Input(placeholder=_("Search: name, venue or place (press /)"),
                        id="courses-search", compact=True)
            yield ListTable(COLUMNS, id="course-list", page=PAGE)
            yield Static("", id="courses-empty", classes="message")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#courses-empty").display = False
        self.typeahead.focus(self._table())
        self._show_filters()
        self.reload()

    def data_changed(self, changes: live.Changes) -> None:
        self.reload()

    # -- reading ----------------------------------------------------------------------

    def reload(self) -> None:
        store = self.store
        self.mark_read()
        self.run_store(lambda: read_course_list(store), self._show, group="course-list")

    def _show(self, data: CourseList) -> None:
        self.data, self.loaded = data, True
        self._fill()
        wanted, self._select_after_load = self._select_after_load, None
        if wanted is not None:
            self.select(wanted)
        self.typeahead.check()

    def _fill(self) -> None:
        self.filters = Filters(**{**self.filters.__dict__, "text": self._search().value})
        rows = [r for r in self.data.rows if self.filters.admits(r)]
        table = self._table()
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

    def _table(self) -> RecordTable:
        return self.query_one("#course-list", RecordTable)

    def _search(self) -> Input:
        return self.query_one("#courses-search", Input)

    def select(self, course_id: str) -> bool:
        table = self._table()
        row = table.row_index(course_id)
        if row is None:
            return False
        table.move_cursor(row=row, animate=False)
        return True

    def selected(self) -> Course | None:
        # Keys typed in one burst ("/ilulis", enter, "e") can come before the search
        # field's change message: the row under the cursor must be one of the matches.
        if self.filters.text != self._search().value:
            self._fill()
        table = self._table()
        if not table.display or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        row = self.data.row(key or "")
        return row.course if row else None

    # -- searching --------------------------------------------------------------------

    @on(Input.Changed, "#courses-search")
    def _search_changed(self) -> None:
        if self.filters.text != self._search().value:
            self._fill()

    # Focus moves at once, not on the next idle (as widget.focus() does): over a slow
    # link "/nuuk" arrives in one packet, and the "n" must land in the search field.
    def action_search(self) -> None:
        if not self.typeahead.keep("slash", "/"):
            self.set_focus(self._search())

    def action_leave_search(self) -> None:
        self.set_focus(self._table())


    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return action not in ("edit", "delete", "leave_search")
        if action in ("edit", "delete", "copy"):
            return not self.loaded or self.selected() is not None
        if action == "leave_search":
            return self.focused is self._search()
        if action == "search":
            return self.focused is not self._search()
        return True

    # -- actions ------------------------------------------------------------------------

    def action_open(self) -> None:
        course = self.selected()
        if course is not None:
            self.host.open_course(course.id)

    def action_filter(self) -> None:
        self.dialog(self._filter)

    def action_new(self) -> None:
        self.dialog(self._new)

    def action_edit(self) -> None:
        if (course := self.selected()) is not None:
            self.dialog(lambda: self._edit(course))

    def action_copy(self) -> None:
        if (course := self.selected()) is not None:
            self.dialog(lambda: self._copy(course))

    def action_delete(self) -> None:
        if (course := self.selected()) is not None:
            self.dialog(lambda: self._delete(course))

    async def _filter(self) -> None:
        values = await self.app.push_screen_wait(filter_form(self.data, self.filters))
        if values is None:
            return
        self.filters = Filters(text=self.filters.text, **values)
        self._fill()

    def _programme(self, course: Course) -> Programme:
        return self.data.programme(course.programme_id) or Programme(
            id=course.programme_id, name=course.programme_id)

    async def _new(self) -> None:
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
            return store.courses.add(apply_course_values(
                Course(programme_id=programme.id, name=""), values, programme))

        form = course_form(programme, self.data.places, None, store=store, save=save)
        if await self.app.push_screen_wait(form) is None:
            return
        saved = form.saved
        assert isinstance(saved, Course)
        self._after_write(saved.id, _("Course created: {name}").format(name=saved.name))

    async def _edit(self, course: Course) -> None:
        row = self.data.row(course.id)
        form = course_form(self._programme(course), self.data.places, course,
                           store=self.store, session_count=row.days if row else None)
        if await self.app.push_screen_wait(form) is None:
            return
        self._after_write(course.id, _("Saved."))

    async def _copy(self, course: Course) -> None:
        values = await self.app.push_screen_wait(copy_form(course))
        if values is None:
            return
        store = self.store
        try:
            copy = await in_thread(self, lambda: store.copy_course(
                course.id, name=values["name"], offset=dt.timedelta(weeks=values["weeks"])))
        except (StoreError, OSError) as error:
            self._show_error(error_text(error))
            return
        self._after_write(copy.id, _("Course copied: {name}").format(name=copy.name))

    async def _delete(self, course: Course) -> None:
        row = self.data.row(course.id)
        days = row.days if row else 0
        question = ngettext(
            "Delete the course {name} with its {days} day, its participants' enrolments, "
            "attendance and journals? This cannot be undone.",
            "Delete the course {name} with its {days} days, its participants' enrolments, "
            "attendance and journals? This cannot be undone.", days).format(
            name=course.name, days=days)
        if not await self.app.push_screen_wait(
                ConfirmScreen(question, yes=_("Delete"), no=_("Keep"), danger=True)):
            return
        store = self.store
        try:
            await in_thread(self, lambda: store.delete_course(course.id))
        except (StoreError, OSError) as error:
            self._show_error(error_text(error))
            return
        self._after_write(None, _("Course deleted: {name}").format(name=course.name))

    def _after_write(self, select: str | None, message: str) -> None:
        # The list does not show the write yet: it reads again, and that read is what
        # the watcher would have asked for (mark_read), so it asks for nothing more.
        self._select_after_load = select
        self.notify(message, markup=False)
        self.reload()
