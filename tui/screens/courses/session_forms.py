"""Planning a course's days: one day, a generated schedule, postponing and practice tasks.

Each flow asks with the shared form, warns about holidays and clashes before or right
after saving (a planner decides; nothing is refused for a holiday), and writes what
belongs together in one transaction, off the UI thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tui.domain.courses import Course, PostponeReason, Session, SessionStatus
from tui.domain.parse import (
    Parsed,
    format_date,
    format_hours,
    format_time,
    parse_date,
    parse_hours,
    parse_int,
    parse_time,
    weekday_name,
)
from tui.domain.rules import SESSION_TRANSITIONS, next_statuses, session_hours, validate_session
from tui.domain.schedule import (
    ScheduleError,
    clashes,
    generate,
    holiday_warnings,
    postpone,
)
from tui.i18n import Message, _, msg, ngettext
from tui.screens.base import error_text, in_thread
from tui.store.errors import StoreError
from tui.store.ids import new_id
from tui.views.course import other_courses_sessions
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Editing, Field, FormScreen

if TYPE_CHECKING:
    from tui.screens.courses.course import CourseScreen
    from tui.store.store import Store

DEFAULT_HOURS = 7.4
DEFAULT_START, DEFAULT_END = "09:00", "15:50"
# A Monday: the weekday choices are named from the dates of its week.
_A_MONDAY = dt.date(2024, 1, 1)
# The preview is a question on one screen: beyond this many lines it says how many more.
_PREVIEW_WARNINGS = 6
_Problems = list[tuple[str, Message]]


def day_text(date: dt.date) -> str:
    """ "man. 16-08-2021": planners think in weekdays, and 80 columns are few."""
    return f"{weekday_name(date, short=True)} {format_date(date)}"


def weekday_choices() -> list[tuple[str, str]]:
    return [(weekday_name(_A_MONDAY + dt.timedelta(days=i)), str(i)) for i in range(7)]


def _optional_time(text: str) -> Parsed[dt.time]:
    return parse_time(text, required=False)


def _optional_hours(text: str) -> Parsed[float]:
    return parse_hours(text, required=False)


def _time_text(value: dt.time | None) -> str:
    return format_time(value) if value else ""


# -- one session ---------------------------------------------------------------------


def session_fields(session: Session) -> list[Field]:
    """The fields of a new day (``session.id`` empty) or of one opened on ``session``;
    moving the date here corrects the plan, while postponing keeps the old day."""
    fields = [
        Field("date", _("Date"), parse_date,
              format_date(session.date) if session.id else ""),
        Field("start", _("Start"), _optional_time, _time_text(session.start)),
        Field("end", _("End"), _optional_time, _time_text(session.end)),
        Field("hours", _("Hours"), _optional_hours,
              format_hours(session.hours) if session.hours is not None else ""),
        Field("venue", _("Venue (empty: the course's)"), value=session.venue),
        Field("practice_task", _("Practice task until the next day"),
              value=session.practice_task, multiline=True),
    ]
    if session.id and session.status is not SessionStatus.POSTPONED:
        # Postponing has its own key, since it keeps the old day as history.
        statuses = [s for s in next_statuses(SESSION_TRANSITIONS, session.status)
                    if s is not SessionStatus.POSTPONED]
        fields.append(Field("status", _("Status"), value=session.status, required=True,
                            choices=[(s.label, s) for s in statuses]))
    return fields


def session_form(title: str, session: Session, *,
                 save: Callable[[dict[str, Any]], object] | None = None,
                 store: Store | None = None) -> FormScreen:
    """A new day (saved by ``save``) or a stored one (saved through ``store`` over the
    version it was opened on, or a newer one once its changes have been shown)."""
    def check(values: dict[str, Any]) -> _Problems:
        return validate_session(apply_session_values(session, values), today=dt.date.today())

    fields = session_fields(session)
    if store is None:
        return FormScreen(title, fields, check=check, save=save)
    repo = store.sessions(session.course_id)
    return FormScreen(title, fields, check=check, editing=Editing(
        _("The day"), session,
        save=lambda values, fresh: repo.save(apply_session_values(fresh, values),
                                             expected_version=fresh.version),
        reread=lambda: repo.find(session.id),
        values=lambda fresh: _values(session_fields(fresh))))


def _values(fields: Sequence[Field]) -> dict[str, Any]:
    return {f.name: f.value for f in fields}


def apply_session_values(session: Session, values: dict[str, Any]) -> Session:
    return dataclasses.replace(
        session, date=values["date"] or session.date, start=values["start"],
        end=values["end"], hours=values["hours"], venue=values["venue"] or "",
        practice_task=(values["practice_task"] or "").strip(),
        status=SessionStatus(values.get("status") or session.status))


def new_session(course: Course) -> Session:
    return Session(course_id=course.id, date=dt.date.today(),
                   start=parse_time(DEFAULT_START).value, end=parse_time(DEFAULT_END).value,
                   hours=DEFAULT_HOURS)


# -- a generated schedule ------------------------------------------------------------


def _gaps(text: str) -> Parsed[list[int]]:
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if not parts:
        return Parsed(error=msg("Give the weeks between the days, for example 3 or 5, 3, 3."))
    gaps: list[int] = []
    for part in parts:
        parsed = parse_int(part, 0, 52)
        if parsed.error:
            return Parsed(error=parsed.error)
        gaps.append(parsed.value or 0)
    return Parsed(value=gaps)


def generator_form(typed: dict[str, Any] | None = None) -> FormScreen:
    """``typed``: the texts of an earlier try, so that going back loses nothing."""
    def check(values: dict[str, Any]) -> _Problems:
        start, end = values["start"], values["end"]
        if start is not None and end is not None and end <= start:
            return [("end", msg("The session must end after it starts ({start}).",
                                start=_time_text(start)))]
        sample = Session(course_id="-", date=values["first_date"], start=start, end=end,
                         hours=generated_hours(values))
        return [(name, reason) for name, reason in validate_session(sample)
                if name == "hours"]

    fields = [
        Field("days", _("Number of days"), lambda t: parse_int(t, 1, 60), "5"),
        Field("first_date", _("First day"), parse_date),
        Field("weekday", _("Weekday (empty: the first day's)"), choices=weekday_choices()),
        Field("spacing", _("Weeks between the days (e.g. 3, or 5, 3, 3; 0: the next day)"),
              _gaps, "3"),
        Field("start", _("Start"), parse_time, DEFAULT_START),
        Field("end", _("End"), parse_time, DEFAULT_END),
        Field("hours", _("Hours per day (follows the times unless changed)"),
              _optional_hours, format_hours(DEFAULT_HOURS)),
        Field("last_weekday", _("The last day on another weekday (empty: the same)"),
              choices=weekday_choices()),
    ]
    if typed:
        fields = [dataclasses.replace(f, value=typed.get(f.name, f.value)) for f in fields]
    return FormScreen(_("Plan the course's days"), fields, check=check)


def generated_hours(values: dict[str, Any]) -> float | None:
    """The default 7.4 goes with the default times (a teaching day is credited as a full
    working day); other times than those, with the hours left alone, give their span."""
    hours = values.get("hours")
    start, end = values.get("start"), values.get("end")
    if hours == DEFAULT_HOURS and (_time_text(start), _time_text(end)) != (
            DEFAULT_START, DEFAULT_END) and start and end and end > start:
        span = session_hours(Session(course_id="-", date=dt.date.min, start=start, end=end))
        return round(span, 2) if span else None
    return hours


def generate_from(course: Course, values: dict[str, Any]) -> list[Session]:
    first: dt.date = values["first_date"]
    weekday = int(values["weekday"]) if values.get("weekday") else first.weekday()
    last = int(values["last_weekday"]) if values.get("last_weekday") else None
    return generate(course.id, days=values["days"], first_date=first, weekday=weekday,
                    spacing_weeks=values["spacing"], start=values["start"], end=values["end"],
                    hours=generated_hours(values), last_weekday=last)


def preview_text(sessions: Sequence[Session], warnings: Sequence[Message]) -> str:
    lines = [ngettext("This day will be added:",
                      "These {n} days will be added:",
                      len(sessions)).format(n=len(sessions))]
    dates = [day_text(s.date) for s in sessions]
    # Three a line keeps a long course on one screen.
    lines += ["  " + "   ".join(dates[i:i + 3]) for i in range(0, len(dates), 3)]
    if warnings:
        lines += ["", _("Check before you add them:")]
        lines += [f"! {w}" for w in warnings[:_PREVIEW_WARNINGS]]
        if len(warnings) > _PREVIEW_WARNINGS:
            lines.append(_("… and {n} more.").format(n=len(warnings) - _PREVIEW_WARNINGS))
    else:
        lines += ["", _("No holidays, and no trainer or venue is busy elsewhere.")]
    return "\n".join(lines)


# -- postponing and practice periods -------------------------------------------------


def postpone_form(session: Session, store: Store, *, redate: bool) -> FormScreen:
    """Postponing a planned day (the new date may wait), or giving a postponed one its
    new date. Saved over the day as it is stored, with the new day in the same commit."""
    if redate:
        title = _("New date for the day postponed from {day}").format(day=day_text(session.date))
    else:
        title = _("Postpone the day {day}").format(day=day_text(session.date))

    def check(values: dict[str, Any]) -> _Problems:
        problems: _Problems = []
        if values["reason"] is PostponeReason.OTHER and not (values["note"] or "").strip():
            problems.append(("note", msg(
                "Describe the reason, since it is not weather or illness.")))
        if values["new_date"] == session.date:
            problems.append(("new_date", msg("The new date is the same as the old one ({date}).",
                                             date=format_date(session.date))))
        return problems

    def fields(day: Session) -> list[Field]:
        new_date = Field("new_date", _("New date") if redate else
                         _("New date (empty: not known yet)"),
                         (lambda t: parse_date(t, required=redate)))
        reasons = [
            Field("reason", _("Reason"), value=day.postpone_reason or "", required=True,
                  choices=[(r.label, r) for r in PostponeReason]),
            Field("note", _("Note"), value=day.postpone_note),
        ]
        # The first field has the focus: re-dating is about the date (the reason is
        # known), and typing into a choice would go nowhere.
        return [new_date, *reasons] if redate else [*reasons, new_date]

    repo = store.sessions(session.course_id)

    def save(values: dict[str, Any], fresh: Session) -> tuple[Session, Session | None]:
        try:
            old, new = postpone(fresh, values["reason"], values["note"] or "",
                                values["new_date"])
        except ScheduleError as error:  # the day changed underneath: held, say
            raise StoreError(error.message) from None
        with store.transaction():
            saved = repo.save(old, expected_version=fresh.version)
            return saved, repo.add(new) if new is not None else None

    return FormScreen(title, fields(session), check=check, editing=Editing(
        _("The day"), session, save=save, reread=lambda: repo.find(session.id),
        values=lambda fresh: _values(fields(fresh))))


def practice_form(after: Session, following: Session | None, store: Store) -> FormScreen:
    if following is None:
        title = _("Practice task after the day {day}").format(day=day_text(after.date))
    else:
        title = _("Practice task from {first} to {last}").format(
            first=day_text(after.date), last=day_text(following.date))

    def fields(day: Session) -> list[Field]:
        return [Field("practice_task", _("Practice task"), value=day.practice_task,
                      multiline=True)]

    repo = store.sessions(after.course_id)
    return FormScreen(title, fields(after), editing=Editing(
        _("The day"), after,
        save=lambda values, fresh: repo.save(dataclasses.replace(
            fresh, practice_task=(values["practice_task"] or "").strip()),
            expected_version=fresh.version),
        reread=lambda: repo.find(after.id), values=lambda fresh: _values(fields(fresh))))


# -- the flows, run from the course screen's workers --------------------------------


def _warn_holidays(screen: CourseScreen, dates: Sequence[dt.date]) -> None:
    for warning in holiday_warnings(dates):
        screen.notify(str(warning), title=_("Holiday"), severity="warning", timeout=10,
                      markup=False)


async def add_session(screen: CourseScreen) -> None:
    assert screen.data is not None
    course = screen.data.course
    draft = new_session(course)
    repo = screen.store.sessions(course.id)
    # The id is given here so that the cursor can go to the new row.
    draft_id = new_id()

    def save(values: dict[str, Any]) -> Session:
        # Saved while the form is open: a refused write keeps what was typed.
        return repo.add(dataclasses.replace(apply_session_values(draft, values), id=draft_id))

    values = await screen.app.push_screen_wait(session_form(_("New day"), draft, save=save))
    if values is None:
        return
    date = values["date"]
    screen.notify(_("Day added: {day}").format(day=day_text(date)), markup=False)
    screen.written(select=draft_id)
    _warn_holidays(screen, [date])


async def edit_session(screen: CourseScreen, session: Session) -> None:
    form = session_form(_("The day {day}").format(day=day_text(session.date)), session,
                        store=screen.store)
    values = await screen.app.push_screen_wait(form)
    if values is None:
        return
    screen.notify(_("Saved."), markup=False)
    screen.written(select=session.id)
    if values["date"] != session.date:
        _warn_holidays(screen, [values["date"]])


async def delete_session(screen: CourseScreen, session: Session) -> None:
    store, cid = screen.store, session.course_id
    try:
        hanging = await in_thread(screen, lambda: store.session_dependants(cid, session.id))
    except (StoreError, OSError) as error:
        screen.notify(error_text(error), severity="error", markup=False)
        return
    question = _("Delete the day {day}?").format(day=day_text(session.date))
    if hanging.attendance:
        question += " " + ngettext("Its {n} attendance mark is deleted too.",
                                   "Its {n} attendance marks are deleted too.",
                                   hanging.attendance).format(n=hanging.attendance)
    if hanging.journal_entries:
        question += " " + ngettext(
            "{n} journal entry about it keeps its text and date.",
            "{n} journal entries about it keep their text and date.",
            hanging.journal_entries).format(n=hanging.journal_entries)
    if not await screen.app.push_screen_wait(
            ConfirmScreen(question, yes=_("Delete"), no=_("Keep"), danger=True)):
        return
    await screen.write(
        lambda: store.delete_session(cid, session.id, expected_version=session.version),
        _("Day deleted: {day}").format(day=day_text(session.date)))


async def generate_sessions(screen: CourseScreen) -> None:
    assert screen.data is not None
    course, store = screen.data.course, screen.store
    typed: dict[str, Any] | None = None
    while True:
        form = generator_form(typed)
        values = await screen.app.push_screen_wait(form)
        if values is None:
            return
        typed = form.typed
        try:
            sessions = [dataclasses.replace(s, id=new_id())
                        for s in generate_from(course, values)]
        except ScheduleError as error:
            screen.notify(str(error), severity="error", markup=False)
            continue
        dates = [s.date for s in sessions]
        try:
            others, courses = await in_thread(
                screen, lambda dates=dates: other_courses_sessions(store, course.id, dates))
        except (StoreError, OSError) as error:
            screen.notify(error_text(error), severity="error", markup=False)
            return
        warnings = holiday_warnings(dates) + clashes(sessions, others, courses)
        # "No" goes back to the form as it was typed, to change a date or a gap.
        if await screen.app.push_screen_wait(ConfirmScreen(
                preview_text(sessions, warnings), yes=_("Add the days"),
                no=_("Back to the form"))):
            break
    repo = store.sessions(course.id)

    def work_fn() -> None:
        with store.transaction():
            for session in sessions:
                repo.add(session)

    await screen.write(work_fn, ngettext("{n} day added.", "{n} days added.",
                                         len(sessions)).format(n=len(sessions)),
                       select=sessions[0].id)


async def postpone_session(screen: CourseScreen, session: Session, *, redate: bool) -> None:
    form = postpone_form(session, screen.store, redate=redate)
    if await screen.app.push_screen_wait(form) is None or not isinstance(form.saved, tuple):
        return
    old, new = form.saved
    if new is None:
        screen.notify(_("Postponed; the day waits for a new date (r gives it one)."),
                      markup=False)
    else:
        screen.notify(_("Postponed to {day}.").format(day=day_text(new.date)), markup=False)
    screen.written(select=new.id if new else old.id)
    if new is not None:
        _warn_holidays(screen, [new.date])


async def edit_practice(screen: CourseScreen, after: Session,
                        following: Session | None) -> None:
    if await screen.app.push_screen_wait(
            practice_form(after, following, screen.store)) is not None:
        screen.notify(_("Saved."), markup=False)
        screen.written()


def total_hours(sessions: Sequence[Session]) -> float | None:
    """The course's teaching hours: the default substitute cover for a participant."""
    active = [session_hours(s) for s in sessions
              if s.status in (SessionStatus.PLANNED, SessionStatus.HELD)]
    known = [h for h in active if h is not None]
    return round(sum(known), 2) if known else None


async def mark_days_held(screen: CourseScreen) -> None:
    """Set every planned day up to today held at once (a course entered afterwards)."""
    data = screen.data
    if data is None:
        return
    today = dt.date.today()
    days = [s for s in data.in_order()
            if s.status is SessionStatus.PLANNED and s.date <= today]
    if not days:
        screen.notify(_("No planned day up to today is left to mark held."), markup=False)
        return
    question = ngettext("Mark {n} day held: {days}?", "Mark {n} days held: {days}?",
                        len(days)).format(n=len(days),
                                          days=", ".join(format_date(s.date) for s in days))
    if not await screen.app.push_screen_wait(
            ConfirmScreen(question, yes=_("Mark held"), no=_("Cancel"))):
        return
    store = screen.store
    repo = store.sessions(data.course.id)

    def work_fn() -> None:
        with store.transaction():
            for session in days:
                repo.save(dataclasses.replace(session, status=SessionStatus.HELD),
                          expected_version=session.version)

    await screen.write(work_fn, ngettext("{n} day marked held.", "{n} days marked held.",
                                         len(days)).format(n=len(days)))
