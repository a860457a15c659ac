"""A course's sessions as an iCalendar file for Outlook, Google Calendar and phones.

Each session keeps one UID for life and the record's version as SEQUENCE, so importing
the file again after a change (a storm postpones a day) updates the event in the
participants' calendars instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

import icalendar

from tui import __version__
from tui.domain.courses import Course, Session, SessionStatus
from tui.domain.parse import format_date, format_time, label_of
from tui.domain.places import Place, distinct_names
from tui.domain.rules import session_hours
from tui.domain.text import printable
from tui.i18n import _
from tui.store.exports import UnknownCourse
from tui.store.store import Store

UID_DOMAIN = "kuffert"
PRODID = f"-//Kuffert//Kuffert {__version__}//DA"

# Greenland keeps its own clock (and summer time rules) three to four hours behind.
TIME_ZONES = {"GL": "America/Nuuk"}
DEFAULT_TIME_ZONE = "Europe/Copenhagen"


def time_zone_for(place: Place | None) -> ZoneInfo:
    country = place.country if place else ""
    return ZoneInfo(TIME_ZONES.get(country, DEFAULT_TIME_ZONE))


def _stamp(record_time: str) -> dt.datetime:
    try:
        stamp = dt.datetime.fromisoformat(record_time)
    except ValueError:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _location(session: Session, course: Course, names: Mapping[str, str]) -> str:
    place = names.get(session.place_id or course.place_id or "", "")
    parts = [session.venue or course.venue, place]
    return ", ".join(p for p in parts if p)


def _when(session: Session, zone: ZoneInfo) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    if session.start is not None:
        start = dt.datetime.combine(session.date, session.start, tzinfo=zone)
        if session.end is not None and session.end > session.start:
            return start, dt.datetime.combine(session.date, session.end, tzinfo=zone)
        hours = session_hours(session)
        if hours:
            return start, start + dt.timedelta(hours=hours)
    # Without a timetable the day is blocked as a whole: calendars show it on top.
    return session.date, session.date + dt.timedelta(days=1)


def _description(session: Session, course: Course, by_id: Mapping[str, Session]) -> str:
    lines: list[str] = []
    if session.status is SessionStatus.POSTPONED:
        reason = str(label_of(session.postpone_reason)) if session.postpone_reason else ""
        lines.append(_("Postponed ({reason}).").format(reason=reason) if reason
                     else _("Postponed."))
        if session.postpone_note:
            lines.append(session.postpone_note)
        new = by_id.get(session.replaced_by or "")
        if new is not None:
            when = format_date(new.date)
            if new.start is not None:
                when += " " + format_time(new.start)
            lines.append(_("New date: {date}").format(date=when))
        else:
            lines.append(_("A new date has not been set yet."))
    elif session.status is SessionStatus.CANCELLED:
        lines.append(_("Cancelled."))
        if session.postpone_note:
            lines.append(session.postpone_note)
    if session.practice_task and session.status in (SessionStatus.PLANNED, SessionStatus.HELD):
        lines.append(_("Practice task afterwards: {task}").format(task=session.practice_task))
    if course.trainers:
        lines.append(_("Trainers: {names}").format(names=", ".join(course.trainers)))
    elif course.provider:
        lines.append(_("Provider: {name}").format(name=course.provider))
    return "\n".join(lines)


def build_calendar(
    course: Course, sessions: Sequence[Session], places: Mapping[str, Place]
) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", printable(course.name))
    by_id = {s.id: s for s in sessions}
    # A namesake settlement carries its municipality, as everywhere a place is named.
    names = distinct_names(places.values())
    for session in sorted(sessions, key=lambda s: (s.date, s.start or dt.time.min, s.id)):
        place = places.get(session.place_id or course.place_id or "")
        start, end = _when(session, time_zone_for(place))
        event = icalendar.Event()
        event.add("uid", f"{session.id}@{UID_DOMAIN}")
        event.add("sequence", session.version)
        stamp = _stamp(session.updated_at)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        if session.status is SessionStatus.POSTPONED:
            summary = _("Postponed: {course}").format(course=course.name)
        elif session.status is SessionStatus.CANCELLED:
            summary = _("Cancelled: {course}").format(course=course.name)
        else:
            summary = course.name
        event.add("summary", printable(summary))
        # Postponed days stay in the file as cancelled, so calendars drop the old date.
        cancelled = session.status in (SessionStatus.POSTPONED, SessionStatus.CANCELLED)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if location := _location(session, course, names):
            event.add("location", printable(location))
        if description := _description(session, course, by_id):
            event.add("description", printable(description, multiline=True))
        calendar.add_component(event)
    # VTIMEZONE blocks let older Outlook versions place the times right.
    if hasattr(calendar, "add_missing_timezones"):
        calendar.add_missing_timezones()
    return calendar


def course_calendar(store: Store, course_id: str) -> bytes:
    course = store.courses.find(course_id)
    if course is None:
        raise UnknownCourse(course_id, [c.id for c in store.courses.all()])
    places = {p.id: p for p in store.places.all()}
    return build_calendar(course, store.sessions(course_id).all(), places).to_ical()
