"""Who is expected at a session: the one answer the grid, the sign-in sheet, the
completion rule, cover and the reports share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tui.domain.courses import Enrolment, EnrolmentStatus, Session, SessionStatus

# Sessions that did not take place on their date: nobody can be absent from them.
NOT_HELD = frozenset({SessionStatus.POSTPONED, SessionStatus.CANCELLED})


def expected(enrolment: Enrolment, session: Session) -> bool:
    """Whether the person should have been at the session, so a missing mark is absence.

    Boundary days count: someone enrolled or withdrawn on the day of a session was
    expected at it. A withdrawn enrolment without a date is expected nowhere, since we
    cannot tell where the withdrawal falls; marks already given still count as attended.
    """
    if session.status in NOT_HELD:
        return False
    if enrolment.status is EnrolmentStatus.WAITLISTED:
        return False
    if enrolment.enrolled_on is not None and session.date < enrolment.enrolled_on:
        return False
    if enrolment.status is EnrolmentStatus.WITHDRAWN and enrolment.withdrawn_on is None:
        return False
    return not (enrolment.withdrawn_on is not None and session.date > enrolment.withdrawn_on)




def default_enrolment_date(sessions: Iterable[Session], today: dt.date) -> dt.date:
    """The date a new enrolment starts from, unless the user types another.

    Enrolling before or on the first day, or after the last (a course entered
    afterwards), means from the start: stamping today would leave every past day with
    nobody expected. Only someone joining a running course joins from today.
    """
    days = sorted(s.date for s in sessions if s.status not in NOT_HELD)
    if not days or today <= days[0] or today > days[-1]:
        return days[0] if days else today
    return today
