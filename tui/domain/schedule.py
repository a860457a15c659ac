"""Schedules: generating a course's sessions, and the warnings a planner needs to see.

Pure functions over Session and Course records; the caller reads and saves them. A
generated plan is a starting point: real plans move single days (a holiday, a campus
booking), which ``move_session`` and ``postpone`` handle without losing history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tui.domain.courses import Course, CourseStatus, PostponeReason, Session, SessionStatus
from tui.domain.parse import JoinedText, format_date, format_time, label_of
from tui.i18n import N_, Message, _, language, msg

COUNTRY_NAMES: dict[str, str] = {"DK": N_("Denmark"), "GL": N_("Greenland")}

# Sessions that take up a day in someone's calendar; a postponed or cancelled one does not.
_ACTIVE = (SessionStatus.PLANNED, SessionStatus.HELD)


class ScheduleError(ValueError):
    """A schedule request that cannot be carried out; ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


# --- lazily rendered parameters ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalisedName:
    """A name the holidays library gave in both languages; shown in the current one."""

    da: str
    en: str

    def __str__(self) -> str:
        return self.da if language() == "da" else self.en


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """A session's time of day, or "all day" when it has no times."""

    start: dt.time | None
    end: dt.time | None

    def __str__(self) -> str:
        if self.start is None or self.end is None:
            return _("all day")
        return f"{format_time(self.start)}-{format_time(self.end)}"


# --- generating ----------------------------------------------------------------------


def generate(
    course_id: str,
    *,
    days: int,
    first_date: dt.date,
    weekday: int,
    spacing_weeks: int | Sequence[int],
    start: dt.time,
    end: dt.time,
    hours: float | None,
    last_weekday: int | None = None,
    place_id: str | None = None,
    venue: str = "",
) -> list[Session]:
    """``days`` planned sessions on ``weekday``, ``spacing_weeks`` apart.

    ``spacing_weeks`` is one gap for all, or one gap per pair of days (the 5-day course
    runs 5, 3 and 3 weeks apart); the last gap repeats when there are fewer. A gap of 0
    puts the next day on the following day, so a course of three days in a row (a
    trainer's visit to a settlement) is one run too.
    ``first_date`` moves forward to the next ``weekday`` if it falls on another day.
    ``last_weekday`` puts the last day on another weekday of the same week (the 5-day
    course ends on a Wednesday after four Mondays). Holidays are not skipped: the
    planner sees them through ``holiday_warnings`` and decides, as with a real plan.
    """
    if days < 1:
        raise ScheduleError(msg("A course needs at least one day."))
    gaps = [spacing_weeks] if isinstance(spacing_weeks, int) else list(spacing_weeks)
    if not gaps or any(gap < 0 for gap in gaps):
        raise ScheduleError(msg("Give the weeks between the days as 0 or more."))
    for day in (weekday, last_weekday):
        if day is not None and not 0 <= day <= 6:
            raise ScheduleError(msg("Weekdays are numbered 0 (Monday) to 6 (Sunday)."))
    if end <= start:
        raise ScheduleError(
            msg("The session must end after it starts ({start}).", start=format_time(start))
        )
    first = first_date + dt.timedelta(days=(weekday - first_date.weekday()) % 7)
    dates = [first]
    for i in range(1, days):
        gap = gaps[min(i - 1, len(gaps) - 1)]
        dates.append(dates[-1] + (dt.timedelta(weeks=gap) if gap else dt.timedelta(days=1)))
    if last_weekday is not None and days > 1 and gaps[min(days - 2, len(gaps) - 1)] > 0:
        # Within the same week, and sessions are at least a week apart, so the last day
        # still comes after the one before it even on an earlier weekday.
        dates[-1] += dt.timedelta(days=last_weekday - weekday)
    return [
        Session(
            course_id=course_id,
            date=date,
            start=start,
            end=end,
            hours=hours,
            place_id=place_id,
            venue=venue,
        )
        for date in dates
    ]


# --- holidays ------------------------------------------------------------------------


def _holiday_table(code: str, years: list[int], lang: str) -> Mapping[dt.date, str]:
    # Imported here: the holiday calendars take a tenth of a second to load, and most
    # users of this module (the screens' error handling among them) never need them.
    import holidays

    probe = holidays.country_holidays(code, years=years)
    supported = getattr(probe, "supported_languages", ())
    wanted = {"da": "da", "en": "en_US"}[lang]
    # Optional holidays count: Greenland's National Day and Denmark's Constitution Day
    # are optional in the library but daycare staff are off work on them.
    categories = getattr(probe, "supported_categories", ("public",))
    if wanted in supported:
        return holidays.country_holidays(code, years=years, language=wanted,
                                         categories=categories)
    return holidays.country_holidays(code, years=years, categories=categories)


def holiday_warnings(
    dates: Iterable[dt.date], countries: Sequence[str] = ("DK", "GL")
) -> list[Message]:
    """One warning per date that is a holiday, naming it and the countries it is in."""
    wanted = sorted(set(dates))
    if not wanted:
        return []
    years = sorted({d.year for d in wanted})
    tables = {
        code: (_holiday_table(code, years, "da"), _holiday_table(code, years, "en"))
        for code in countries
    }
    warnings: list[Message] = []
    for date in wanted:
        # The same holiday in both countries is one warning naming both.
        by_name: dict[str, tuple[LocalisedName, list[str]]] = {}
        for code, (danish, english) in tables.items():
            name_da = danish.get(date)
            if name_da is None:
                continue
            name = LocalisedName(da=name_da, en=english.get(date, name_da))
            by_name.setdefault(name_da, (name, []))[1].append(code)
        for name, codes in by_name.values():
            warnings.append(
                msg(
                    "{date} is a holiday in {countries}: {holiday}.",
                    date=format_date(date),
                    countries=JoinedText(tuple(_country(code) for code in codes)),
                    holiday=name,
                )
            )
    return warnings


def _country(code: str) -> Message:
    return msg(COUNTRY_NAMES[code]) if code in COUNTRY_NAMES else msg(code)


# --- clashes -------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _minutes(t: dt.time | None, default: int) -> int:
    return default if t is None else t.hour * 60 + t.minute


def _overlap(a: Session, b: Session) -> bool:
    # A session without times is taken to fill the day, so it clashes with anything.
    return _minutes(a.start, 0) < _minutes(b.end, 24 * 60) and _minutes(
        b.start, 0
    ) < _minutes(a.end, 24 * 60)


def _identity(session: Session) -> object:
    return session.id or id(session)


def clashes(
    sessions: Iterable[Session],
    other_sessions: Iterable[Session],
    courses_by_id: Mapping[str, Course],
) -> list[Message]:
    """Warnings where a trainer or a venue of ``sessions`` is busy with another session.

    ``other_sessions`` may include ``sessions`` themselves (all sessions of all
    courses, say): a session never clashes with itself and each clash is told once.
    A session's venue and place fall back to its course's.
    """
    others = [s for s in other_sessions if s.status in _ACTIVE]
    by_date: dict[dt.date, list[Session]] = {}
    for other in others:
        by_date.setdefault(other.date, []).append(other)
    seen: set[tuple[str, frozenset[object], str]] = set()
    warnings: list[Message] = []
    for session in sessions:
        if session.status not in _ACTIVE:
            continue
        course = courses_by_id.get(session.course_id)
        trainers = {_fold(t): t for t in (course.trainers if course else []) if t.strip()}
        venue, place = _venue_of(session, course)
        for other in by_date.get(session.date, []):
            if _identity(other) == _identity(session) or not _overlap(session, other):
                continue
            other_course = courses_by_id.get(other.course_id)
            pair = frozenset({_identity(session), _identity(other)})
            other_name = other_course.name if other_course else other.course_id
            time = TimeSpan(other.start, other.end)
            for trainer in (other_course.trainers if other_course else []):
                key = _fold(trainer)
                if key in trainers and ("trainer", pair, key) not in seen:
                    seen.add(("trainer", pair, key))
                    warnings.append(
                        msg(
                            "{date}: {trainer} also teaches {course} ({time}).",
                            date=format_date(session.date),
                            trainer=trainers[key],
                            course=other_name,
                            time=time,
                        )
                    )
            other_venue, other_place = _venue_of(other, other_course)
            same_place = place is None or other_place is None or place == other_place
            if (venue and _fold(venue) == _fold(other_venue) and same_place
                    and ("venue", pair, _fold(venue)) not in seen):
                seen.add(("venue", pair, _fold(venue)))
                warnings.append(
                    msg(
                        "{date}: {venue} is also booked for {course} ({time}).",
                        date=format_date(session.date),
                        venue=venue,
                        course=other_name,
                        time=time,
                    )
                )
    return warnings


def _venue_of(session: Session, course: Course | None) -> tuple[str, str | None]:
    venue = session.venue.strip() or (course.venue.strip() if course else "")
    place = session.place_id or (course.place_id if course else None)
    return venue, place


# --- practice periods ----------------------------------------------------------------


def _order(session: Session) -> tuple[dt.date, dt.time]:
    return session.date, session.start or dt.time.min


def practice_periods(sessions: Iterable[Session]) -> list[tuple[Session, Session, int]]:
    """The practice periods between consecutive held or planned sessions.

    Each is ``(after_session, next_session, days)`` with ``days`` the calendar days
    from one session to the next (21 for sessions three weeks apart). Postponed and
    cancelled sessions are left out: the period runs to the day that replaced them.
    """
    active = sorted((s for s in sessions if s.status in _ACTIVE), key=_order)
    return [(a, b, (b.date - a.date).days) for a, b in itertools.pairwise(active)]


# --- moving and postponing -----------------------------------------------------------


def move_session(session: Session, new_date: dt.date) -> Session:
    """The session on another date: a correction of the plan, so no history is kept.

    Use ``postpone`` when a session that was due could not take place.
    """
    return dataclasses.replace(session, date=new_date)


def postpone(
    session: Session,
    reason: PostponeReason,
    note: str = "",
    new_date: dt.date | None = None,
) -> tuple[Session, Session | None]:
    """``(old, new)``: the old session kept as postponed history, and its new date.

    Without ``new_date`` the old session waits (``replaced_by`` None) until a date is
    found; calling this again on the waiting session with a date completes it.
    The new session is a planned copy with a fresh id, so attendance and history stay
    with the day they belong to.
    """
    waiting = session.status is SessionStatus.POSTPONED and session.replaced_by is None
    if session.status is not SessionStatus.PLANNED and not waiting:
        raise ScheduleError(
            msg(
                "Only a planned session can be postponed; this one is {status}.",
                status=label_of(session.status),
            )
        )
    if reason is PostponeReason.OTHER and not note.strip():
        raise ScheduleError(
            msg("Describe the reason, since it is not weather or illness.")
        )
    if new_date is not None and new_date == session.date:
        raise ScheduleError(
            msg("The new date is the same as the old one ({date}).",
                date=format_date(session.date))
        )
    new: Session | None = None
    if new_date is not None:
        new = dataclasses.replace(
            session,
            # Random like the store's ids: offline laptops must never collide.
            id=uuid.uuid4().hex[:16],
            version=0,
            created_at="",
            updated_at="",
            updated_by="",
            date=new_date,
            status=SessionStatus.PLANNED,
            postpone_reason=None,
            postpone_note="",
            replaced_by=None,
        )
    old = dataclasses.replace(
        session,
        status=SessionStatus.POSTPONED,
        postpone_reason=reason,
        postpone_note=note.strip(),
        replaced_by=new.id if new else None,
    )
    return old, new


def waiting_for_new_date(sessions: Iterable[Session]) -> list[Session]:
    """Postponed sessions that still have no new date (the dashboard lists these)."""
    return sorted(
        (s for s in sessions if s.status is SessionStatus.POSTPONED and s.replaced_by is None),
        key=_order,
    )


# --- copying a course ----------------------------------------------------------------


def copy_course(course: Course, sessions: Iterable[Session], *, name: str,
                offset: dt.timedelta, new_id: Callable[[], str]) -> tuple[Course, list[Session]]:
    """Next year's run: the course planned again with its days moved by ``offset``.

    The days that were (or will be) taught are copied as planned days, each keeping its
    weekday when the offset is whole weeks; a postponed day lives on in its new date and a
    cancelled one is left behind. People, marks and journals stay with the old run.
    """
    copy = dataclasses.replace(
        course, id=new_id(), version=0, created_at="", updated_at="", updated_by="",
        name=name, status=CourseStatus.PLANNED,
        trainers=list(course.trainers), topic_keys=list(course.topic_keys))
    days = [
        dataclasses.replace(
            s, id=new_id(), version=0, created_at="", updated_at="", updated_by="",
            course_id=copy.id, date=s.date + offset,
            status=SessionStatus.PLANNED, postpone_reason=None, postpone_note="",
            replaced_by=None)
        for s in sorted(sessions, key=lambda s: (s.date, s.start or dt.time.min))
        if s.status in (SessionStatus.PLANNED, SessionStatus.HELD)
    ]
    return copy, days
