"""Substitute cover (vikardækning): the hours an institution is funded to cover for staff
away on the course. One rule, used by the grid, the reports and the course summary, so
the figure a funder is sent is the figure the coordinator saw.

The enrolment's cover hours are the plan for the whole course; each of the course's days
takes an equal share of it (a day moved to a new date is counted once, at its new date).
What a day then costs follows attendance, because a substitute is only paid for while
the person is away on the course.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from tui.domain.courses import Attendance, Enrolment, EnrolmentStatus, Mark, Session, SessionStatus
from tui.domain.expectation import expected
from tui.i18n import N_

COVER_RULE = N_(
    "Cover counts enrolled people only (not the waiting list), day by day: each day of "
    "the course takes an equal share of the person's planned cover hours; a day attended "
    "or not yet marked costs that share, a partial day its hours (at most the share), an "
    "absent, excused, cancelled or postponed day nothing. Hours booked on a day replace "
    "the rule for that day."
)

_NO_COVER = frozenset({SessionStatus.POSTPONED, SessionStatus.CANCELLED})


def course_days(sessions: Iterable[Session]) -> int:
    """The days the planned cover is spread over: a day with a new date counts there."""
    return sum(1 for s in sessions if s.replaced_by is None)


def day_share(enrolment: Enrolment, days: int) -> float:
    if not enrolment.substitute_hours or days <= 0:
        return 0.0
    return enrolment.substitute_hours / days


def day_cover(enrolment: Enrolment, session: Session, mark: Attendance | None,
              share: float) -> float:
    """The cover hours one person's one day costs (see COVER_RULE)."""
    if enrolment.status is EnrolmentStatus.WAITLISTED:
        return 0.0
    if mark is not None and mark.substitute_hours is not None:
        return mark.substitute_hours
    if session.status in _NO_COVER:
        return 0.0
    # Someone who came was away from work, whatever their enrolment says (a withdrawn
    # person's last day); a day not yet marked costs its share only if they are due.
    if mark is None:
        return share if expected(enrolment, session) else 0.0
    if mark.mark is Mark.PRESENT:
        return share
    if mark.mark is Mark.PARTIAL:
        return min(mark.hours or 0.0, share)
    return 0.0  # absent or excused


def costs_nothing(enrolment: Enrolment, marks: Mapping[str, Attendance],
                  share: float) -> bool:
    """Whether ``day_cover`` is 0 on every day, seen without going day by day: no share
    to cost, no hours booked on a mark, no partial day of negative hours. Most national
    enrolments plan no cover; asking each of their days cost a check half a second."""
    if enrolment.status is EnrolmentStatus.WAITLISTED:
        return True
    if share:
        return False
    return all(m.substitute_hours is None
               and not (m.mark is Mark.PARTIAL and (m.hours or 0.0) < 0)
               for m in marks.values())


def cover_hours(enrolment: Enrolment, sessions: Collection[Session],
                marks: Mapping[str, Attendance],
                in_scope: Collection[str] | None = None) -> float:
    """One enrolment's cover over the course's ``sessions`` (all of them: the share
    depends on how many days there are); ``marks`` are the person's, by session id.
    ``in_scope`` limits the sum to those session ids (a report's period)."""
    share = day_share(enrolment, course_days(sessions))
    total = 0.0
    for session in sessions:
        if in_scope is not None and session.id not in in_scope:
            continue
        total += day_cover(enrolment, session, marks.get(session.id), share)
    return round(total, 2)
