"""One course: its overview, its days and its participants, each in a tab.

Keys belong to the screen, not to the tabs' widgets, so the footer shows them wherever
the focus is; each key is offered only on the tab it acts on (``n`` adds a day on the
days tab and participants on the participants tab).

The course is read in three parts (``tui.views.course``): a change in the main file, in
the course's own file or in the people file re-reads only its part, and only the cells
that changed repaint.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Header, Static, TabbedContent, TabPane, Tabs

from tui.domain.courses import Course, SessionStatus
from tui.domain.ordering import name_key
from tui.domain.parse import Parsed
from tui.i18n import N_, _, msg
from tui.screens import live
from tui.screens.base import TypeAheadScreen, error_text, in_thread
from tui.screens.courses import participants, session_forms
from tui.screens.courses.course_form import course_form, status_form
from tui.screens.courses.tabs import OverviewPane, ParticipantsPane, SessionsPane
from tui.store.errors import StoreError
from tui.views.course import CourseData, load_course, reread_course
from tui.widgets.footer import KeyFooter
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import translate_bindings

if TYPE_CHECKING:
    from tui.store.store import Store

TABS = ("overview", "sessions", "participants")
# The tab each action works on; actions not listed work on every tab.
ACTION_TAB = {
    "add_session": "sessions", "edit_session": "sessions", "delete_session": "sessions",
    "generate": "sessions", "postpone": "sessions", "redate": "sessions",
    "practice": "sessions", "mark_held": "sessions",
    "add_participants": "participants", "enrolment_status": "participants",
    "cover_hours": "participants", "remove_participant": "participants",
    "edit_course": "overview", "course_status": "overview",
}
# The tabs whose footer has room for these keys; elsewhere they work unshown.
SHOWN_ON = {"journals": ("overview", "participants"), "calendar": ("overview",),
            "summary": ("overview",)}


def _path(text: str) -> Parsed[Path]:
    text = text.strip()
    if not text:
        return Parsed(error=msg("Enter the path of the file, for example {example}.",
                                example="~/kuffert.ics"))
    return Parsed(value=Path(text).expanduser())


class CourseTabs(TabbedContent):
    """The course's tabs. A pane shows itself when a widget in it takes the focus, by a
    message that comes a moment later; keys typed ahead may have moved on to another tab
    by then ("]" right after the course is read), and the late message switched back."""

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        # Textual's handler runs after this one (each class's in turn) unless prevented.
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors_with_self:
            event.stop()
            event.prevent_default()


class CourseScreen(TypeAheadScreen[None]):
    # The tab's table takes the focus when the course is read (see TypeAheadScreen).
    AUTO_FOCUS = ""
    # The footer lists these in this order: the tab's own keys come first. At 80
    # columns the footer holds a tab's keys, the way to the grid and ? (help), which
    # lists the rest; the postpone keys show only on a day they fit. Quitting and the
    # palette work here as everywhere, without a place in this footer: escape is the
    # way out of a course.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add_session", N_("New day"), id="sessions.add"),
        Binding("e", "edit_session", N_("Edit"), id="sessions.edit"),
        Binding("delete", "delete_session", N_("Delete"), id="sessions.delete"),
        Binding("g", "generate", N_("Plan"), id="sessions.generate"),
        Binding("p", "postpone", N_("Postpone"), id="sessions.postpone"),
        Binding("r", "redate", N_("New date"), id="sessions.redate"),
        Binding("k", "practice", N_("Task"), id="sessions.practice"),
        Binding("h", "mark_held", N_("Mark held"), id="sessions.held", show=False),
        Binding("n", "add_participants", N_("Enrol"), id="participants.add"),
        Binding("s", "enrolment_status", N_("Status"), id="participants.status"),
        Binding("v", "cover_hours", N_("Cover"), id="participants.hours"),
        Binding("delete", "remove_participant", N_("Remove"), id="participants.remove"),
        Binding("e", "edit_course", N_("Edit"), id="course.edit"),
        Binding("t", "course_status", N_("Status"), id="course.status"),
        Binding("a", "attendance", N_("Attendance"), id="course.attendance"),
        # Shown where there is room for them; the twins with a parameter work on the
        # other tabs, unshown. One id each, so a remapped key moves both.
        Binding("j", "journals", N_("Journals"), id="course.journals"),
        Binding("j", "journals(1)", N_("Journals"), id="course.journals", show=False),
        Binding("c", "calendar", N_("Calendar"), id="course.calendar"),
        Binding("c", "calendar(1)", N_("Calendar"), id="course.calendar", show=False),
        Binding("u", "summary", N_("Summary"), id="course.summary"),
        Binding("u", "summary(1)", N_("Summary"), id="course.summary", show=False),
        # Priority keys: the tab and its table's focus change when the key arrives, so
        # the keys after it in one packet are for the new tab.
        Binding("right_square_bracket", "next_tab(1)", N_("Tab"), id="course.next_tab",
                priority=True),
        Binding("left_square_bracket", "next_tab(-1)", N_("Previous tab"),
                id="course.previous_tab", show=False, priority=True),
        Binding("escape", "close", N_("Back"), id="course.close", show=False),
        Binding("q", "app.quit", N_("Quit"), id="quit", show=False),
        Binding("ctrl+p", "app.command_palette", N_("Find"), id="command_palette",
                show=False, priority=True),
    ]

    def __init__(self, store: Store | None, course_id: str, tab: str | None = None) -> None:
        # ``store`` is the host's: kept in the signature for the host's open_course.
        super().__init__(classes="course-screen")
        translate_bindings(self)
        self.course_id = course_id
        self.first_tab = tab if tab in TABS else "overview"
        self.data: CourseData | None = None
        self._select: str | None = None
        # Keys typed before the course is read wait for it.
        self.hold_until(lambda: self.data is not None)

    def watched(self) -> frozenset[str]:
        return frozenset({live.MAIN, live.course(self.course_id), live.PEOPLE})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="course-title", classes="section-title")
        with CourseTabs(initial=self.first_tab, id="course-tabs"):
            with TabPane(_("Overview"), id="overview"):
                yield OverviewPane(id="overview-pane")
            with TabPane(_("Sessions"), id="sessions"):
                yield SessionsPane()
            with TabPane(_("Participants"), id="participants"):
                yield ParticipantsPane()
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        # After the first refresh: a tab's widgets cannot take the focus while hidden.
        self.call_after_refresh(self._focus_tab)
        store, cid = self.store, self.course_id
        self.mark_read()
        self.run_store(lambda: load_course(store, cid), self._show, group="course-read")

    # -- reading ----------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        self.read_again(header=live.MAIN in changes,
                        file=live.course(self.course_id) in changes,
                        people=live.PEOPLE in changes)

    def read_again(self, *, header: bool = False, file: bool = False, people: bool = False,
                   select: str | None = None) -> None:
        """Read the parts of the course whose files changed (another user's change, or
        this screen's own write, which it does not show yet)."""
        if select is not None:
            self._select = select
        data, store = self.data, self.store
        if data is None:  # the first read failed: this one reads it all
            cid = self.course_id
            self.mark_read()
            self.run_store(lambda: load_course(store, cid), self._show, group="course-read")
            return
        parts = {live.MAIN: header, live.course(self.course_id): file, live.PEOPLE: people}
        self.mark_read(*(source for source, wanted in parts.items() if wanted))
        self.run_store(lambda: reread_course(store, data, header=header, file=file,
                                             people=people),
                       self._show, group="course-read")

    def _show(self, data: CourseData | None) -> None:
        if data is None:
            self.notify(_("This course is no longer in the database."), severity="warning",
                        markup=False)
            self.dismiss()
            return
        before, self.data = self.data, data
        select, self._select = self._select, None
        if before is None:
            self.call_after_refresh(self.typeahead.check)
        c = data.course
        if before is None or (before.course.name, before.course.status) != (c.name, c.status):
            self.query_one("#course-title", Static).update(
                Content(f"{c.name} · {c.status.label}"))
        self.query_one(OverviewPane).show(data)
        self.query_one(SessionsPane).show(data, select)
        self.query_one(ParticipantsPane).show(data, select)
        tabs = self.query_one(TabbedContent)
        for tab, label in (("sessions", _("Sessions") + f" ({len(data.sessions)})"),
                           ("participants", _("Participants") + f" ({len(data.enrolments)})")):
            if str(tabs.get_tab(tab).label) != label:
                tabs.get_tab(tab).label = label
        self.refresh_bindings()

    async def write(self, work_fn: Callable[[], object], done: str,
                    select: str | None = None) -> bool:
        """Store work of a flow (a day added, a participant removed), then the course's
        file read again; a refusal is told in words and the screen shows what is stored."""
        try:
            await in_thread(self, work_fn)
        except (StoreError, OSError) as error:
            self.notify(error_text(error), severity="error", timeout=10, markup=False)
            self.written(header=True)
            return False
        self.notify(done, markup=False)
        self.written(select=select)
        return True

    def written(self, *, select: str | None = None, header: bool = False) -> None:
        """After this screen's own write to the course's file: read it again. The main
        file changed too (the day summaries), but nothing the screen shows."""
        if not header:
            self.absorb(live.MAIN)
        self.read_again(file=True, header=header, select=select)

    # -- tabs and keys ------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or self.first_tab

    def _focus_tab(self) -> None:
        target: dict[str, str] = {"overview": "#overview-pane", "sessions": "#sessions-table",
                                  "participants": "#participants-table"}
        self.typeahead.focus(self.query_one(target[self.active_tab], Widget))

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()
        # On the tab bar, left and right go on switching; otherwise the keys of the new
        # tab should work at once, so its table takes the focus.
        if not isinstance(self.focused, Tabs):
            self.call_after_refresh(self._focus_tab)

    def action_next_tab(self, step: int) -> None:
        # Before the course is read the key waits with the others, in turn.
        if self.typeahead.keep("right_square_bracket" if step > 0 else "left_square_bracket"):
            return
        tabs = self.query_one(TabbedContent)
        tabs.active = TABS[(TABS.index(self.active_tab) + step) % len(TABS)]
        # At once, not after the refresh: keys typed right after "]" are for the new tab.
        self._focus_tab()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SHOWN_ON and self.is_mounted:
            # The shown binding on its tabs, the unshown twin (with a parameter) elsewhere.
            return (self.active_tab in SHOWN_ON[action]) != bool(parameters)
        tab = ACTION_TAB.get(action)
        # Until the course is read (the screen may not even be mounted yet), only the
        # keys that need no data are offered.
        if tab is not None and (self.data is None or tab != self.active_tab):
            return False
        if self.data is None:
            return True
        sessions = self.query_one(SessionsPane)
        if action in ("edit_session", "delete_session"):
            return sessions.selected() is not None
        if action == "postpone":
            chosen = sessions.selected()
            return chosen is not None and chosen.status is SessionStatus.PLANNED
        if action == "redate":
            chosen = sessions.selected()
            return (chosen is not None and chosen.status is SessionStatus.POSTPONED
                    and chosen.replaced_by is None)
        if action == "practice":
            return sessions.selected_period() is not None
        if action in ("enrolment_status", "cover_hours", "remove_participant"):
            return self.query_one(ParticipantsPane).selected() is not None
        return True

    def action_close(self) -> None:
        self.dismiss()


    # -- the course ---------------------------------------------------------------------

    def action_edit_course(self) -> None:
        self.dialog(self._edit_course)

    async def _edit_course(self) -> None:
        if (data := self.data) is None:
            return
        if data.programme is None:
            self.notify(_("The course's programme is no longer in the database; "
                          "it cannot be edited."), severity="warning", markup=False)
            return
        active = sum(s.status in (SessionStatus.PLANNED, SessionStatus.HELD)
                     for s in data.sessions)
        form = course_form(
            data.programme, sorted(data.places.values(), key=lambda p: name_key(p.name)),
            data.course, store=self.store, session_count=active)
        if await self.app.push_screen_wait(form) is not None:
            self._course_saved(form.saved)

    def action_course_status(self) -> None:
        self.dialog(self._course_status)

    async def _course_status(self) -> None:
        if (data := self.data) is None:
            return
        form = status_form(data.course, self.store)
        if await self.app.push_screen_wait(form) is not None:
            self._course_saved(form.saved)

    def _course_saved(self, saved: object) -> None:
        """The form saved the course's header: shown from what was saved, not read."""
        data = self.data
        if isinstance(saved, Course) and data is not None:
            self.absorb(live.MAIN)
            self._show(dataclasses.replace(
                data, header=dataclasses.replace(data.header, course=saved)))
        self.notify(_("Saved."), markup=False)

    def action_attendance(self) -> None:
        self.host.open_attendance(self.course_id)

    def action_journals(self, _twin: int = 0) -> None:
        try:
            self.host.open_journals(self.course_id)
        except (ImportError, AttributeError):
            # The journals screen ships separately; a missing one must not end the app.
            self.notify(_("The journals are not available in this version."),
                        severity="warning", markup=False)

    async def _save_file(self, title: str, default: str, write: Callable[[Path], None],
                         done: str) -> None:
        values = await self.app.push_screen_wait(FormScreen(
            title, [Field("path", _("File"), _path, default)]))
        if values is None:
            return
        path: Path = values["path"]
        try:
            await in_thread(self, lambda: write(path))
        except (StoreError, OSError) as error:
            self.notify(error_text(error), severity="error", timeout=10, markup=False)
            return
        self.notify(done.format(path=path), timeout=10, markup=False)

    def action_calendar(self, _twin: int = 0) -> None:
        self.dialog(self._calendar)

    async def _calendar(self) -> None:
        store, cid = self.store, self.course_id

        def write(path: Path) -> None:
            from tui.store.calendar import course_calendar
            from tui.store.outputs import write_private

            write_private(path, course_calendar(store, cid), database=store.db.layout)

        await self._save_file(_("Save the course's days as a calendar file (.ics)"),
                              f"~/kuffert-{cid}.ics", write, _("Calendar saved in {path}"))

    def action_summary(self, _twin: int = 0) -> None:
        self.dialog(self._summary)

    async def _summary(self) -> None:
        store, cid = self.store, self.course_id

        def write(path: Path) -> None:
            from tui.store.course_summary import write_summary

            write_summary(store, cid, path)

        await self._save_file(_("Save the course's summary for funders (Markdown)"),
                              f"~/kuffert-resume-{cid}.md", write, _("Summary saved in {path}"))

    # -- days (session_forms.py) and participants (participants.py) -------------------

    def action_add_session(self) -> None:
        self.dialog(lambda: session_forms.add_session(self))

    def action_edit_session(self) -> None:
        if (session := self.query_one(SessionsPane).selected()) is not None:
            self.dialog(lambda: session_forms.edit_session(self, session))

    def action_delete_session(self) -> None:
        if (session := self.query_one(SessionsPane).selected()) is not None:
            self.dialog(lambda: session_forms.delete_session(self, session))

    def action_mark_held(self) -> None:
        self.dialog(lambda: session_forms.mark_days_held(self))

    def action_generate(self) -> None:
        self.dialog(lambda: session_forms.generate_sessions(self))

    def action_postpone(self) -> None:
        if (session := self.query_one(SessionsPane).selected()) is not None:
            self.dialog(lambda: session_forms.postpone_session(self, session, redate=False))

    def action_redate(self) -> None:
        if (session := self.query_one(SessionsPane).selected()) is not None:
            self.dialog(lambda: session_forms.postpone_session(self, session, redate=True))

    def action_practice(self) -> None:
        if (period := self.query_one(SessionsPane).selected_period()) is not None:
            self.dialog(lambda: session_forms.edit_practice(self, *period))

    def action_add_participants(self) -> None:
        self.dialog(lambda: participants.add_participants(self))

    def action_enrolment_status(self) -> None:
        if (enrolment := self.query_one(ParticipantsPane).selected()) is not None:
            self.dialog(lambda: participants.change_status(self, enrolment))

    def action_cover_hours(self) -> None:
        if (enrolment := self.query_one(ParticipantsPane).selected()) is not None:
            self.dialog(lambda: participants.edit_cover_hours(self, enrolment))

    def action_remove_participant(self) -> None:
        if (enrolment := self.query_one(ParticipantsPane).selected()) is not None:
            self.dialog(lambda: participants.remove(self, enrolment))
