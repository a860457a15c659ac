"""A course's participants: enrolling the people picked (eligibility is a warning, not a
wall: people outside the course's rule are enrolled only with a note saying why), an
enrolment's status and cover hours, and taking someone out of the course."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui.domain.courses import (
    Course,
    Enrolment,
    EnrolmentStatus,
    next_on_waiting_list,
    places_taken,
)
from tui.domain.expectation import default_enrolment_date
from tui.domain.parse import Parsed, format_date, format_hours, parse_date, parse_hours
from tui.domain.rules import (
    ENROLMENT_TRANSITIONS,
    can_transition_enrolment,
    check_eligibility,
    next_statuses,
    validate_enrolment,
)
from tui.i18n import Message, _, msg, ngettext
from tui.screens.base import error_text, in_thread
from tui.screens.courses.enrol import EnrolScreen
from tui.screens.courses.session_forms import total_hours
from tui.store.errors import StoreError
from tui.store.ids import new_id
from tui.views.enrol import Registry
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Editing, Field, FormScreen

if TYPE_CHECKING:
    from tui.screens.courses.course import CourseScreen
    from tui.store.store import Store

# Reasons for that many people fit the form; the rest are counted.
REASONS_SHOWN = 4
MAX_COVER_HOURS = 1000.0


def _required_note(text: str) -> Parsed[str]:
    note = " ".join(text.split())
    if not note:
        return Parsed(error=msg("Write why they may take part anyway; the note is kept "
                                "with the enrolment."))
    return Parsed(value=note)


def _cover_hours(text: str) -> Parsed[float]:
    return parse_hours(text, MAX_COVER_HOURS, required=False)


def reasons_text(registry: Registry, ineligible: dict[str, list[Message]]) -> str:
    lines = [_("Not within the course's criteria:")]
    for person_id, reasons in list(ineligible.items())[:REASONS_SHOWN]:
        name = registry.people[person_id].name
        lines.append(f"! {name}: " + " ".join(str(r) for r in reasons))
    if len(ineligible) > REASONS_SHOWN:
        lines.append(_("… and {n} more.").format(n=len(ineligible) - REASONS_SHOWN))
    return "\n".join(lines)


def enrol_form(course: Course, count: int, hours: float | None,
               reasons: str | None, start: dt.date, taken: int = 0) -> FormScreen:
    title = _("Enrol {n} in {course}").format(n=count, course=course.name)
    full = course.capacity is not None and taken + count > course.capacity
    if full:
        title += "\n" + ngettext(
            "The course has {places} place and {taken} are taken: beyond them, people go on "
            "the waiting list.",
            "The course has {places} places and {taken} are taken: beyond them, people go on "
            "the waiting list.", course.capacity or 0).format(
            places=course.capacity, taken=taken)
    fields = [
        Field("status", _("Status"), required=True,
              value=EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.ENROLLED,
              choices=[(s.label, s) for s in (EnrolmentStatus.ENROLLED,
                                              EnrolmentStatus.WAITLISTED)]),
        # Days before this date expect nobody of them: the sheet, the grid, completion
        # and the summary all read it.
        Field("enrolled_on", _("Enrolled from"), parse_date, format_date(start),
              required=True),
        Field("substitute_hours", _("Substitute cover hours each"), _cover_hours,
              format_hours(hours) if hours is not None else ""),
    ]
    if reasons is not None:
        title += "\n\n" + reasons
        fields.insert(0, Field("note", _("Why enrol them anyway? (kept as a note)"),
                               _required_note))
    return FormScreen(title, fields)


async def add_participants(screen: CourseScreen) -> None:
    data = screen.data
    if data is None:
        return
    picker = EnrolScreen(_("Enrol people in {course}").format(course=data.course.name),
                         leave_out={e.person_id for e in data.enrolments})
    chosen = await screen.app.push_screen_wait(picker)
    if chosen and picker.registry is not None:
        await _enrol(screen, picker.registry, chosen)


async def _enrol(screen: CourseScreen, registry: Registry, chosen: list[str]) -> None:
    data = screen.data
    assert data is not None
    course, store = data.course, screen.store
    ineligible = {pid: reasons for pid in chosen if (reasons := check_eligibility(
        registry.people[pid], course, registry.kinds.get(pid)))}
    values = await screen.app.push_screen_wait(enrol_form(
        course, len(chosen), total_hours(data.sessions),
        reasons_text(registry, ineligible) if ineligible else None,
        default_enrolment_date(data.sessions, dt.date.today()),
        places_taken(data.enrolments)))
    if values is None:
        return
    enrolments = [Enrolment(
        id=new_id(), course_id=course.id, person_id=pid, status=values["status"],
        enrolled_on=values["enrolled_on"], substitute_hours=values["substitute_hours"],
        eligibility_override=values["note"] if pid in ineligible else "")
        for pid in chosen]
    problems = [reason for e in enrolments
                for _field, reason in validate_enrolment(
                    e, eligibility_reasons=ineligible.get(e.person_id))]
    if problems:
        screen.notify(str(problems[0]), severity="error", markup=False)
        return
    repo = store.enrolments(course.id)

    def work_fn() -> None:
        with store.transaction():
            for enrolment in enrolments:
                repo.add(enrolment)

    done = ngettext("{n} person enrolled.", "{n} enrolled.",
                    len(enrolments)).format(n=len(enrolments))
    if values["status"] is EnrolmentStatus.WAITLISTED:
        done = _("{n} put on the waiting list.").format(n=len(enrolments))
    await screen.write(work_fn, done, select=enrolments[0].id)


def _name(screen: CourseScreen, enrolment: Enrolment) -> str:
    person = screen.data.people.get(enrolment.person_id) if screen.data else None
    return person.name if person else enrolment.person_id


def _changed_status(enrolment: Enrolment, values: dict[str, Any]) -> Enrolment:
    status = EnrolmentStatus(values["status"])
    withdrawn_on = enrolment.withdrawn_on if status is enrolment.status else None
    if status is EnrolmentStatus.WITHDRAWN and withdrawn_on is None:
        withdrawn_on = dt.date.today()
    return dataclasses.replace(
        enrolment, status=status, enrolled_on=values["enrolled_on"],
        withdrawn_on=withdrawn_on if status is EnrolmentStatus.WITHDRAWN else None)


def status_form(enrolment: Enrolment, name: str, store: Store) -> FormScreen:
    def check(values: dict[str, Any]) -> list[tuple[str, Message]]:
        refused = can_transition_enrolment(enrolment.status, values["status"])
        if refused:
            return [("status", refused)]
        return [(field if field in ("status", "enrolled_on") else "status", reason)
                for field, reason in validate_enrolment(_changed_status(enrolment, values))]

    def fields(e: Enrolment) -> list[Field]:
        return [
            Field("status", _("Status"), value=e.status, required=True,
                  choices=[(s.label, s) for s in next_statuses(ENROLMENT_TRANSITIONS,
                                                               enrolment.status)]),
            Field("enrolled_on", _("Enrolled from"), lambda t: parse_date(t, required=False),
                  format_date(e.enrolled_on) if e.enrolled_on else ""),
        ]

    repo = store.enrolments(enrolment.course_id)
    return FormScreen(
        _("Status of {name}'s enrolment").format(name=name), fields(enrolment), check=check,
        editing=Editing(
            _("The enrolment"), enrolment,
            save=lambda values, fresh: repo.save(_changed_status(fresh, values),
                                                 expected_version=fresh.version),
            reread=lambda: repo.find(enrolment.id),
            values=lambda fresh: {f.name: f.value for f in fields(fresh)}))


async def change_status(screen: CourseScreen, enrolment: Enrolment) -> None:
    form = status_form(enrolment, _name(screen, enrolment), screen.store)
    if await screen.app.push_screen_wait(form) is None:
        return
    screen.notify(_("Saved."), markup=False)
    screen.written(select=enrolment.id)
    if isinstance(form.saved, Enrolment) and form.saved.status is EnrolmentStatus.WITHDRAWN:
        await offer_free_place(screen, enrolment.course_id)


async def offer_free_place(screen: CourseScreen, course_id: str) -> None:
    """A place came free: offer it to the first on the waiting list."""
    store = screen.store

    def read() -> tuple[Course, list[Enrolment], Sequence[Any]]:
        return (store.courses.get(course_id), store.enrolments(course_id).all(),
                store.sessions(course_id).all())

    try:
        course, enrolments, sessions = await in_thread(screen, read)
    except (StoreError, OSError) as error:
        screen.notify(error_text(error), severity="error", markup=False)
        return
    waiting = next_on_waiting_list(course, enrolments)
    if waiting is None:
        return
    name = _name(screen, waiting)
    if not await screen.app.push_screen_wait(ConfirmScreen(_(
            "A place is free. Enrol {name}, the first on the waiting list?").format(name=name),
            yes=_("Enrol"), no=_("Not now"))):
        return
    start = default_enrolment_date(sessions, dt.date.today())
    changed = dataclasses.replace(waiting, status=EnrolmentStatus.ENROLLED,
                                  enrolled_on=max(start, waiting.enrolled_on or start))
    repo = store.enrolments(course_id)
    await screen.write(lambda: repo.save(changed, expected_version=waiting.version),
                       _("{name} has the place.").format(name=name), select=waiting.id)


def cover_form(enrolment: Enrolment, name: str, store: Store) -> FormScreen:
    def fields(e: Enrolment) -> list[Field]:
        hours = e.substitute_hours
        return [Field("hours", _("Substitute cover hours"), _cover_hours,
                      format_hours(hours) if hours is not None else "")]

    repo = store.enrolments(enrolment.course_id)
    return FormScreen(
        _("Substitute cover for {name}").format(name=name), fields(enrolment),
        editing=Editing(
            _("The enrolment"), enrolment,
            save=lambda values, fresh: repo.save(
                dataclasses.replace(fresh, substitute_hours=values["hours"]),
                expected_version=fresh.version),
            reread=lambda: repo.find(enrolment.id),
            values=lambda fresh: {f.name: f.value for f in fields(fresh)}))


async def edit_cover_hours(screen: CourseScreen, enrolment: Enrolment) -> None:
    if await screen.app.push_screen_wait(
            cover_form(enrolment, _name(screen, enrolment), screen.store)) is not None:
        screen.notify(_("Saved."), markup=False)
        screen.written(select=enrolment.id)


async def remove(screen: CourseScreen, enrolment: Enrolment) -> None:
    store, cid = screen.store, enrolment.course_id
    try:
        hanging = await in_thread(screen, lambda: store.enrolment_dependants(
            cid, enrolment.person_id))
    except (StoreError, OSError) as error:
        screen.notify(error_text(error), severity="error", markup=False)
        return
    question = _("Remove {name} from the course?").format(name=_name(screen, enrolment))
    if hanging.attendance:
        question += " " + ngettext(
            "Their {n} attendance mark in this course is deleted too; to keep it, set the "
            "status to withdrawn instead.",
            "Their {n} attendance marks in this course are deleted too; to keep them, set the "
            "status to withdrawn instead.", hanging.attendance).format(n=hanging.attendance)
    if hanging.ratings or hanging.transfer_notes:
        question += " " + _("So are their learning-goal ratings ({ratings}) and transfer "
                            "notes ({notes}) here.").format(ratings=hanging.ratings,
                                                            notes=hanging.transfer_notes)
    if not await screen.app.push_screen_wait(
            ConfirmScreen(question, yes=_("Remove"), no=_("Keep"), danger=True)):
        return
    if await screen.write(
            lambda: store.remove_enrolment(cid, enrolment.id,
                                           expected_version=enrolment.version),
            _("Removed from the course: {name}").format(name=_name(screen, enrolment))):
        await offer_free_place(screen, cid)
