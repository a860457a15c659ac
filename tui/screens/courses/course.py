"""One course: its overview, its days and its participants, each in a tab.

Keys belong to the screen, not to the tabs' widgets, so the footer shows them wherever
the focus is; each key is offered only on the tab it acts on (``n`` adds a day on the
days tab and participants on the participants tab).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane, Tabs

from tui.domain.attendance import name_key
from tui.domain.courses import CourseStatus, SessionStatus
from tui.domain.parse import Parsed
from tui.domain.rules import COURSE_TRANSITIONS, can_transition_course, next_statuses
from tui.i18n import N_, Message, _, msg
from tui.screens.courses import enrol, session_forms
from tui.screens.courses.listing import (
    apply_course_values,
    course_form,
    error_text,
    in_thread,
    literal,
)
from tui.screens.courses.tabs import (
    CourseData,
    OverviewPane,
    ParticipantsPane,
    SessionsPane,
    load_course,
)
from tui.store.calendar import course_calendar
from tui.store.errors import StoreError
from tui.store.outputs import write_private
from tui.store.store import Store
from tui.widgets.form import Field, FormScreen
from tui.widgets.keys import translate_bindings

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


def _path(text: str) -> Parsed[Path]:
    text = text.strip()
    if not text:
        return Parsed(error=msg("Enter the path of the file, for example {example}.",
                                example="~/kuffert.ics"))
    return Parsed(value=Path(text).expanduser())


class CourseScreen(Screen[None]):
    # The footer lists these in this order: the tab's own keys come first.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add_session", N_("New day"), id="sessions.add"),
        Binding("e", "edit_session", N_("Edit"), id="sessions.edit"),
        Binding("delete", "delete_session", N_("Delete"), id="sessions.delete"),
        Binding("g", "generate", N_("Plan days"), id="sessions.generate"),
        Binding("p", "postpone", N_("Postpone"), id="sessions.postpone"),
        Binding("r", "redate", N_("New date"), id="sessions.redate"),
        Binding("k", "practice", N_("Practice task"), id="sessions.practice"),
        Binding("h", "mark_held", N_("Mark held"), id="sessions.held"),
        Binding("n", "add_participants", N_("Enrol"), id="participants.add"),
        Binding("s", "enrolment_status", N_("Status"), id="participants.status"),
        Binding("v", "cover_hours", N_("Cover hours"), id="participants.hours"),
        Binding("delete", "remove_participant", N_("Remove"), id="participants.remove"),
        Binding("e", "edit_course", N_("Edit"), id="course.edit"),
        Binding("t", "course_status", N_("Status"), id="course.status"),
        Binding("a", "attendance", N_("Attendance"), id="course.attendance"),
        Binding("j", "journals", N_("Journals"), id="course.journals"),
        Binding("c", "calendar", N_("Calendar"), id="course.calendar"),
        Binding("u", "summary", N_("Summary"), id="course.summary"),
        Binding("right_square_bracket", "next_tab(1)", N_("Next tab"), id="course.next_tab"),
        Binding("left_square_bracket", "next_tab(-1)", N_("Previous tab"),
                id="course.previous_tab", show=False),
        Binding("escape", "close", N_("Back"), id="course.close"),
    ]

    def __init__(self, store: Store, course_id: str, tab: str | None = None) -> None:
        super().__init__(classes="course-screen")
        translate_bindings(self)
        self.store = store
        self.course_id = course_id
        self.first_tab = tab if tab in TABS else "overview"
        self.data: CourseData | None = None
        self._seen: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="course-title", classes="section-title")
        with TabbedContent(initial=self.first_tab, id="course-tabs"):
            with TabPane(_("Overview"), id="overview"):
                yield OverviewPane(id="overview-pane")
            with TabPane(_("Sessions"), id="sessions"):
                yield SessionsPane()
            with TabPane(_("Participants"), id="participants"):
                yield ParticipantsPane()
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        # After the first refresh: a tab's widgets cannot take the focus while hidden.
        self.call_after_refresh(self._focus_tab)
        self.run_worker(self.reload(), group="course-read")
        self.set_interval(getattr(self.app, "poll_interval", 2.0), self._poll)

    # -- reading ----------------------------------------------------------------------

    def _revisions(self) -> tuple[object, ...]:
        store = self.store
        return store.revision(), store.revision(self.course_id), store.people_revision()

    def _poll(self) -> None:
        # Beneath the attendance grid or a form it waits: a reload there (after the
        # grid's own marks) made Textual repaint the whole screen on top, 18 KB a mark.
        if self.app.screen is not self:
            return
        busy = any(w.group in ("course-read", "store", "dialog") and w.is_running
                   for w in self.workers)
        if not busy and self._seen is not None and self._revisions() != self._seen:
            self.run_worker(self.reload(), group="course-read")

    def on_screen_resume(self) -> None:
        self._poll()  # what changed while another screen was on top

    async def reload(self, select: str | None = None) -> None:
        """Read the course again (another user may have changed it) and show it."""
        self._seen = self._revisions()
        try:
            data = await in_thread(self, lambda: load_course(self.store, self.course_id))
        except (StoreError, OSError) as error:
            self.notify(error_text(error), severity="error", markup=False)
            return
        if data is None:
            self.notify(_("This course is no longer in the database."), severity="warning",
                        markup=False)
            self.dismiss()
            return
        self.data = data
        c = data.course
        self.query_one("#course-title", Static).update(Content(f"{c.name} · {c.status.label}"))
        self.query_one(OverviewPane).show(data)
        self.query_one(SessionsPane).show(data, select)
        self.query_one(ParticipantsPane).show(data, select)
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("sessions").label = _("Sessions") + f" ({len(data.sessions)})"
        tabs.get_tab("participants").label = (
            _("Participants") + f" ({len(data.enrolments)})")
        self.refresh_bindings()

    # -- tabs and keys ------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or self.first_tab

    def _focus_tab(self) -> None:
        target: dict[str, str] = {"overview": "#overview-pane", "sessions": "#sessions-table",
                                  "participants": "#participants-table"}
        self.query_one(target[self.active_tab], Widget).focus()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()
        # On the tab bar, left and right go on switching; otherwise the keys of the new
        # tab should work at once, so its table takes the focus.
        if not isinstance(self.focused, Tabs):
            self.call_after_refresh(self._focus_tab)

    def action_next_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = TABS[(TABS.index(self.active_tab) + step) % len(TABS)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
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

    @work(group="dialog")
    async def action_edit_course(self) -> None:
        if (data := self.data) is None:
            return
        if data.programme is None:
            self.notify(_("The course's programme is no longer in the database; "
                          "it cannot be edited."), severity="warning", markup=False)
            return
        course = data.course
        active = sum(s.status in (SessionStatus.PLANNED, SessionStatus.HELD)
                     for s in data.sessions)
        values = await self.app.push_screen_wait(course_form(
            data.programme, sorted(data.places.values(), key=lambda p: name_key(p.name)),
            course, session_count=active))
        if values is not None:
            await self._save_course(apply_course_values(course, values, data.programme))

    @work(group="dialog")
    async def action_course_status(self) -> None:
        if (data := self.data) is None:
            return
        course = data.course

        def check(values: dict[str, object]) -> list[tuple[str, Message]]:
            refused = can_transition_course(course.status, CourseStatus(values["status"]))
            return [("status", refused)] if refused else []

        values = await self.app.push_screen_wait(FormScreen(
            _("Status of {course}").format(course=literal(course.name)),
            [Field("status", _("Status"), value=course.status, required=True,
                   choices=[(s.label, s) for s in next_statuses(COURSE_TRANSITIONS,
                                                                course.status)])],
            check=check))
        if values is not None and values["status"] != course.status:
            await self._save_course(dataclasses.replace(course,
                                                        status=CourseStatus(values["status"])))

    async def _save_course(self, changed: object) -> None:
        assert self.data is not None
        version = self.data.course.version
        try:
            await in_thread(self, lambda: self.store.courses.save(
                changed, expected_version=version))  # type: ignore[arg-type]
        except (StoreError, OSError) as error:
            self.notify(error_text(error), severity="error", timeout=10, markup=False)
        else:
            self.notify(_("Saved."), markup=False)
        await self.reload()

    def action_attendance(self) -> None:
        self.app.open_attendance(self.course_id)  # type: ignore[attr-defined]

    def action_journals(self) -> None:
        try:
            self.app.open_journals(self.course_id)  # type: ignore[attr-defined]
        except (ImportError, AttributeError):
            # The journals screen ships separately; a missing one must not end the app.
            self.notify(_("The journals are not available in this version."),
                        severity="warning", markup=False)

    @work(group="dialog")
    async def action_calendar(self) -> None:
        default = f"~/kuffert-{self.course_id}.ics"
        values = await self.app.push_screen_wait(FormScreen(
            _("Save the course's days as a calendar file (.ics)"),
            [Field("path", _("File"), _path, default)]))
        if values is None:
            return
        path: Path = values["path"]

        def work_fn() -> None:
            write_private(path, course_calendar(self.store, self.course_id),
                          database=self.store.db.layout)

        try:
            await in_thread(self, work_fn)
        except (StoreError, OSError) as error:
            self.notify(error_text(error), severity="error", timeout=10, markup=False)
            return
        self.notify(_("Calendar saved in {path}").format(path=path), timeout=10, markup=False)

    @work(group="dialog")
    async def action_summary(self) -> None:
        default = f"~/kuffert-resume-{self.course_id}.md"
        values = await self.app.push_screen_wait(FormScreen(
            _("Save the course's summary for funders (Markdown)"),
            [Field("path", _("File"), _path, default)]))
        if values is None:
            return
        path: Path = values["path"]

        def work_fn() -> None:
            from tui.store.course_summary import write_summary

            write_summary(self.store, self.course_id, path)

        try:
            await in_thread(self, work_fn)
        except (StoreError, OSError) as error:
            self.notify(error_text(error), severity="error", timeout=10, markup=False)
            return
        self.notify(_("Summary saved in {path}").format(path=path), timeout=10, markup=False)

    # -- days (session_forms.py) and participants (enrol.py) -----------------------------

    @work(group="dialog")
    async def action_add_session(self) -> None:
        await session_forms.add_session(self)

    @work(group="dialog")
    async def action_edit_session(self) -> None:
        if (session := self.query_one(SessionsPane).selected()) is not None:
            await session_forms.edit_session(self, session)

    @work(group="dialog")
    async def action_delete_session(self) -> None:
        if (session := self.query_one(SessionsPane).selected()) is not None:
            await session_forms.delete_session(self, session)

    @work(group="dialog")
    async def action_mark_held(self) -> None:
        await session_forms.mark_days_held(self)

    @work(group="dialog")
    async def action_generate(self) -> None:
        await session_forms.generate_sessions(self)

    @work(group="dialog")
    async def action_postpone(self) -> None:
        if (session := self.query_one(SessionsPane).selected()) is not None:
            await session_forms.postpone_session(self, session, redate=False)

    @work(group="dialog")
    async def action_redate(self) -> None:
        if (session := self.query_one(SessionsPane).selected()) is not None:
            await session_forms.postpone_session(self, session, redate=True)

    @work(group="dialog")
    async def action_practice(self) -> None:
        if (period := self.query_one(SessionsPane).selected_period()) is not None:
            await session_forms.edit_practice(self, *period)

    @work(group="dialog")
    async def action_add_participants(self) -> None:
        await enrol.add_participants(self)

    @work(group="dialog")
    async def action_enrolment_status(self) -> None:
        if (enrolment := self.query_one(ParticipantsPane).selected()) is not None:
            await enrol.change_status(self, enrolment)

    @work(group="dialog")
    async def action_cover_hours(self) -> None:
        if (enrolment := self.query_one(ParticipantsPane).selected()) is not None:
            await enrol.edit_cover_hours(self, enrolment)

    @work(group="dialog")
    async def action_remove_participant(self) -> None:
        if (enrolment := self.query_one(ParticipantsPane).selected()) is not None:
            await enrol.remove(self, enrolment)
