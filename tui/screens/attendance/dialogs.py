"""The grid's questions: a part-day's hours, a person's cover hours, a walk-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tui.domain.attendance import MarkState
from tui.domain.courses import Mark
from tui.domain.parse import format_date, format_hours, parse_hours
from tui.domain.rules import session_hours
from tui.i18n import _
from tui.screens.attendance.walk_in import walk_in_form, walk_in_person
from tui.screens.attendance.writer import CourseWriter, CoverJob, WalkInJob
from tui.screens.base import EXPECTED, error_text, in_thread
from tui.widgets.form import Field, PromptScreen

if TYPE_CHECKING:
    from tui.screens.attendance.screen import AttendanceScreen

    _Base = AttendanceScreen
else:
    _Base = object

MAX_SUBSTITUTE_HOURS = 1000.0


class HoursPrompt(PromptScreen):
    """The hours of a partial day or of cover: enter saves."""


class DialogsMixin(_Base):
    """The attendance screen's dialogs; their saves go through the writer thread, like
    the marks, so they land in order with them."""

    def _ask_partial_hours(self, pid: str, sid: str) -> None:
        assert self.data is not None
        grid = self.data.grid
        session = grid.session(sid)
        full = session_hours(session)
        current = grid.record(pid, sid)
        start = current.hours if current and current.mark is Mark.PARTIAL else full
        maximum = full if full else 24.0

        def answered(values: dict[str, Any] | None) -> None:
            if values and values.get("hours") is not None and self.data is not None:
                self.record_marks([(pid, sid, MarkState(Mark.PARTIAL, values["hours"]))])
                self._move_down()

        name = self.data.names.get(pid, pid)
        prompt = HoursPrompt(
            _("Hours present: {name}, {date}").format(name=name, date=format_date(session.date)),
            [Field("hours", _("Hours (at most {hours})").format(hours=format_hours(maximum)),
                   lambda text: parse_hours(text, maximum), value=format_hours(start)
                   if start else "", required=True)],
        )
        # The hours typed right after the key go into the prompt once it is open.
        self.dialog(lambda: self._ask_with(prompt, answered))

    async def _ask_with(self, screen: Screen[Any], answered: Callable[[Any], object]) -> None:
        answered(await self.app.push_screen_wait(screen))

    def action_substitute(self) -> None:
        cell = self._cursor_cell()
        if cell is None or self.data is None:
            return
        pid = cell[0]
        enrolment = self.data.grid.enrolment(pid)
        name = self.data.names.get(pid, pid)

        def answered(values: dict[str, Any] | None) -> None:
            if values is not None:
                # Two answers come back: the save, then the course read again with it.
                self._ask(CoverJob(enrolment, values["hours"], name), answers=2)

        current = enrolment.substitute_hours
        prompt = HoursPrompt(
            _("Substitute cover hours: {name}").format(name=name),
            [Field("hours", _("Hours of cover (empty: none)"),
                   lambda text: parse_hours(text, MAX_SUBSTITUTE_HOURS, required=False),
                   value=format_hours(current) if current else "")],
        )
        self.dialog(lambda: self._ask_with(prompt, answered))

    def action_walk_in(self) -> None:
        if self.data is None or not self.data.grid.sessions:
            return
        sid = self.default_session()
        day = format_date(self.data.grid.session(sid).date)
        store = self.store

        def answered(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._ask(WalkInJob(walk_in_person(values), sid), answers=2)

        async def ask() -> None:
            # The form offers the institutions, read off the UI thread like everything.
            try:
                institutions = await in_thread(self, store.institutions.all)
            except EXPECTED as error:
                self.notify(error_text(error), severity="error", timeout=8)
                return
            await self._ask_with(walk_in_form(day, institutions), answered)

        # The name typed right after the key goes into the form once it is open.
        self.dialog(ask)

    def on_course_writer_saved(self, message: CourseWriter.Saved) -> None:
        self._answers -= 1
        if message.walk_in:
            if message.error:
                self.notify(message.error, title=_("Not saved"), severity="error", timeout=15)
            else:
                self.notify(_("{name} is enrolled and marked present.").format(
                    name=message.name))
            return
        if message.error:
            self.notify(message.error, title=_("Cover hours not saved"), severity="error",
                        timeout=15)
        else:
            self.notify(_("Cover hours saved for {name}.").format(name=message.name))
