"""Validation of whole records and the allowed status changes.

Validators return ``(field, reason)`` pairs so a form can put each reason under the field
it is about; an empty list means the record may be saved. They never raise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypeVar

from tui.domain.courses import (
    Attendance,
    CompletionRule,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Mark,
    PhasePlan,
    PostponeReason,
    Session,
    SessionStatus,
)
from tui.domain.journals import GoalRating
from tui.domain.parse import (
    RATING_MAX,
    RATING_MIN,
    HoursText,
    format_date,
    format_time,
    label_of,
    labels_of,
    parse_email,
    parse_name,
    parse_phone,
)
from tui.domain.people import Person
from tui.domain.places import InstitutionKind
from tui.domain.programmes import Programme
from tui.domain.records import LabelledEnum
from tui.i18n import N_, Message, msg, ngettext

S = TypeVar("S", bound=LabelledEnum)
FieldErrors = list[tuple[str, Message]]

# A Danish working day (37 h / 5). Programmes credit a teaching day as a full working day
# for substitute cover even when the timetable is shorter (09:00-15:50 counts as 7.4 h),
# and in Greenland travel to the course town takes the rest of the day.
FULL_WORKING_DAY_HOURS = 7.4
MAX_SESSION_HOURS = 24.0
# Floating-point slack so that hours typed with two decimals match a span exactly.
_EPSILON = 1e-6


def _span_hours(start: dt.time, end: dt.time) -> float:
    return (end.hour * 60 + end.minute - start.hour * 60 - start.minute) / 60


def _required(value: str, field: str, label: str) -> FieldErrors:
    if value.strip():
        return []
    return [(field, msg("{field} is required.", field=msg(label)))]


# --- sessions ------------------------------------------------------------------------


def validate_session(session: Session, *, today: dt.date | None = None) -> FieldErrors:
    """``today`` enables the check that a session is not marked held before its date."""
    errors: FieldErrors = []
    errors += _required(session.course_id, "course_id", N_("Course"))
    if session.start and session.end and session.end <= session.start:
        errors.append(
            (
                "end",
                msg(
                    "The session must end after it starts ({start}).",
                    start=format_time(session.start),
                ),
            )
        )
    if session.hours is not None:
        errors += _session_hours_errors(session, session.hours)
    if session.status is SessionStatus.POSTPONED:
        if session.postpone_reason is None:
            errors.append(("postpone_reason", msg("Say why the session was postponed.")))
        elif session.postpone_reason is PostponeReason.OTHER and not session.postpone_note.strip():
            errors.append(
                ("postpone_note", msg("Describe the reason, since it is not weather or illness."))
            )
    if session.replaced_by and session.replaced_by == session.id:
        errors.append(("replaced_by", msg("A session cannot be replaced by itself.")))
    if session.replaced_by and session.status not in (
        SessionStatus.POSTPONED,
        SessionStatus.CANCELLED,
    ):
        errors.append(
            (
                "replaced_by",
                msg("Only a postponed or cancelled session can point to a new date."),
            )
        )
    if today is not None and session.status is SessionStatus.HELD and session.date > today:
        errors.append(
            (
                "status",
                msg(
                    "The session is on {date}, so it cannot have been held yet.",
                    date=format_date(session.date),
                ),
            )
        )
    return errors


def _session_hours_errors(session: Session, hours: float) -> FieldErrors:
    if hours <= 0:
        return [("hours", msg("The number of hours must be more than 0."))]
    if hours > MAX_SESSION_HOURS:
        return [
            (
                "hours",
                msg(
                    "{hours} hours is more than a day has.",
                    hours=HoursText(hours),
                ),
            )
        ]
    if session.start is None or session.end is None or session.end <= session.start:
        return []
    span = _span_hours(session.start, session.end)
    # Fewer hours than the span is normal (breaks); more is only allowed up to a full
    # working day, which is how programmes credit a teaching day.
    if hours > max(span, FULL_WORKING_DAY_HOURS) + _EPSILON:
        return [
            (
                "hours",
                msg(
                    "{hours} hours do not fit between {start} and {end}, which is {span} hours.",
                    hours=HoursText(hours),
                    start=format_time(session.start),
                    end=format_time(session.end),
                    span=HoursText(span),
                ),
            )
        ]
    return []


def session_hours(session: Session) -> float | None:
    """The hours a session counts for: as recorded, else the span of its timetable."""
    if session.hours is not None:
        return session.hours
    if session.start and session.end and session.end > session.start:
        return _span_hours(session.start, session.end)
    return None


# --- courses and programmes ----------------------------------------------------------


def validate_phase_plan(plan: PhasePlan) -> FieldErrors:
    shares = (plan.before_share, plan.during_share, plan.after_share)
    if any(share < 0 or share > 100 for share in shares):
        return [("phase_plan", msg("Each share of the phase plan must be from 0 to 100 %."))]
    if sum(shares) != 100:
        return [
            (
                "phase_plan",
                msg(
                    "The shares before, during and after must add up to 100 %, not {total} %.",
                    total=sum(shares),
                ),
            )
        ]
    return []


def validate_course(course: Course, *, session_count: int | None = None) -> FieldErrors:
    """``session_count`` enables the check that the completion rule can be met at all."""
    errors: FieldErrors = []
    errors += _required(course.programme_id, "programme_id", N_("Programme"))
    name = parse_name(course.name, N_("Name"))
    if name.error:
        errors.append(("name", name.error))
    if course.reading_pages is not None and course.reading_pages < 0:
        errors.append(("reading_pages", msg("The number of pages cannot be negative.")))
    minimum = course.completion.min_sessions
    min_hours = course.completion.min_hours
    if min_hours is not None and min_hours <= 0:
        errors.append(("completion", msg("The number of hours to attend must be more than 0.")))
    if minimum < 0:
        errors.append(("completion", msg("The number of days to attend cannot be negative.")))
    elif session_count is not None and minimum > session_count:
        errors.append(
            (
                "completion",
                msg(
                    "To complete, participants must attend {minimum} days, "
                    "but the course has only {count}.",
                    minimum=minimum,
                    count=session_count,
                ),
            )
        )
    known_kinds = {kind.value for kind in InstitutionKind}
    for kind in course.eligibility.institution_kinds:
        if kind not in known_kinds:
            errors.append(
                (
                    "eligibility",
                    msg(
                        "Unknown kind of daycare {kind}; choose from: {choices}.",
                        kind=repr(kind),
                        choices=labels_of(InstitutionKind),
                    ),
                )
            )
    errors += validate_phase_plan(course.phase_plan)
    return errors


def validate_programme(programme: Programme) -> FieldErrors:
    errors: FieldErrors = []
    name = parse_name(programme.name, N_("Name"))
    if name.error:
        errors.append(("name", name.error))
    start, end = programme.period_start, programme.period_end
    if start and end and end < start:
        errors.append(
            (
                "period_end",
                msg(
                    "The period cannot end before it starts ({start}).",
                    start=format_date(start),
                ),
            )
        )
    low, high = programme.target_participants, programme.target_max
    if low is not None and high is not None and high < low:
        errors.append(("target_participants", msg(
            "The range must go from the smaller number to the larger, for example "
            "{low}-{high}.", low=high, high=low)))
    if programme.target_participants is not None and programme.target_participants < 0:
        errors.append(
            ("target_participants", msg("The target number of participants cannot be negative."))
        )
    rate = programme.substitute_hourly_rate
    if rate is not None and rate < 0:
        errors.append(("substitute_hourly_rate", msg("The hourly rate cannot be negative.")))
    for field, keys in (
        ("topics", [topic.key for topic in programme.topics]),
        ("forms", [form.key for form in programme.forms]),
        ("learning_goals", [goal.key for goal in programme.learning_goals]),
    ):
        # Keys are how courses and ratings refer to these; a duplicate makes them ambiguous.
        seen: set[str] = set()
        for key in keys:
            if not key.strip():
                errors.append((field, msg("Every entry needs a key.")))
            elif key in seen:
                errors.append((field, msg("The key {key} is used twice.", key=repr(key))))
            seen.add(key)
    return errors


# --- people, enrolments, attendance, ratings -----------------------------------------


def validate_person(person: Person) -> FieldErrors:
    errors: FieldErrors = []
    for field, parsed in (
        ("name", parse_name(person.name, N_("Name"))),
        ("email", parse_email(person.email)),
        ("phone", parse_phone(person.phone)),
    ):
        if parsed.error:
            errors.append((field, parsed.error))
    return errors


def validate_enrolment(
    enrolment: Enrolment, *, eligibility_reasons: list[Message] | None = None
) -> FieldErrors:
    """Pass the result of check_eligibility to require a note when the rule is overridden."""
    errors: FieldErrors = []
    errors += _required(enrolment.course_id, "course_id", N_("Course"))
    errors += _required(enrolment.person_id, "person_id", N_("Person"))
    enrolled, withdrawn = enrolment.enrolled_on, enrolment.withdrawn_on
    if withdrawn and enrolment.status is not EnrolmentStatus.WITHDRAWN:
        errors.append(("withdrawn_on", msg("Only a withdrawn enrolment has a withdrawal date.")))
    if enrolled and withdrawn and withdrawn < enrolled:
        errors.append(
            (
                "withdrawn_on",
                msg(
                    "The withdrawal date cannot be before the enrolment date ({date}).",
                    date=format_date(enrolled),
                ),
            )
        )
    if enrolment.substitute_hours is not None and enrolment.substitute_hours < 0:
        errors.append(("substitute_hours", msg("Substitute cover hours cannot be negative.")))
    if eligibility_reasons and not enrolment.eligibility_override.strip():
        errors.append(
            (
                "eligibility_override",
                msg(
                    "This person does not meet the course's criteria; "
                    "write a note to enrol them anyway."
                ),
            )
        )
    return errors


def validate_attendance(attendance: Attendance, session: Session | None = None) -> FieldErrors:
    """With ``session``, hours are checked against the session's own hours."""
    errors: FieldErrors = []
    hours = attendance.hours
    if attendance.mark is Mark.PARTIAL:
        if hours is None or hours <= 0:
            errors.append(("hours", msg("Say how many hours the participant was there.")))
    elif attendance.mark in (Mark.ABSENT, Mark.EXCUSED) and hours:
        errors.append(("hours", msg("An absent participant has no hours.")))
    if hours is not None and hours < 0:
        errors.append(("hours", msg("The number of hours cannot be negative.")))
    substitute = attendance.substitute_hours
    if substitute is not None and substitute < 0:
        errors.append(("substitute_hours", msg("Substitute cover hours cannot be negative.")))
    if session is None:
        return errors
    if attendance.session_id != session.id or attendance.course_id != session.course_id:
        errors.append(("session_id", msg("This attendance belongs to another session.")))
    available = session_hours(session)
    if hours is not None and available is not None and hours > available + _EPSILON:
        errors.append(
            (
                "hours",
                msg(
                    "{hours} hours is more than the session's {available} hours.",
                    hours=HoursText(hours),
                    available=HoursText(available),
                ),
            )
        )
    if attendance.mark in (Mark.PRESENT, Mark.PARTIAL) and session.status in (
        SessionStatus.POSTPONED,
        SessionStatus.CANCELLED,
    ):
        errors.append(
            (
                "mark",
                msg(
                    "The session's status is {status}, so nobody can have attended it.",
                    status=label_of(session.status),
                ),
            )
        )
    return errors


def validate_rating(rating: GoalRating) -> FieldErrors:
    errors: FieldErrors = []
    errors += _required(rating.goal_key, "goal_key", N_("Learning goal"))
    for field, value in (("before", rating.before), ("after", rating.after)):
        if value is not None and not RATING_MIN <= value <= RATING_MAX:
            errors.append(
                (
                    field,
                    msg(
                        "Give a rating from {minimum} to {maximum}, where {maximum} is best.",
                        minimum=RATING_MIN,
                        maximum=RATING_MAX,
                    ),
                )
            )
    return errors


# --- status transitions --------------------------------------------------------------

# Backward moves exist because people make mistakes: a course marked completed too early
# is reopened, a session marked held by accident goes back to planned.
COURSE_TRANSITIONS: Mapping[CourseStatus, frozenset[CourseStatus]] = {
    CourseStatus.PLANNED: frozenset(
        {CourseStatus.RUNNING, CourseStatus.POSTPONED, CourseStatus.CANCELLED}
    ),
    CourseStatus.RUNNING: frozenset(
        {CourseStatus.COMPLETED, CourseStatus.POSTPONED, CourseStatus.CANCELLED}
    ),
    CourseStatus.POSTPONED: frozenset(
        {CourseStatus.PLANNED, CourseStatus.RUNNING, CourseStatus.CANCELLED}
    ),
    CourseStatus.CANCELLED: frozenset({CourseStatus.PLANNED}),
    CourseStatus.COMPLETED: frozenset({CourseStatus.RUNNING}),
}

SESSION_TRANSITIONS: Mapping[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.PLANNED: frozenset(
        {SessionStatus.HELD, SessionStatus.POSTPONED, SessionStatus.CANCELLED}
    ),
    SessionStatus.HELD: frozenset({SessionStatus.PLANNED}),
    SessionStatus.POSTPONED: frozenset({SessionStatus.PLANNED}),
    SessionStatus.CANCELLED: frozenset({SessionStatus.PLANNED}),
}

ENROLMENT_TRANSITIONS: Mapping[EnrolmentStatus, frozenset[EnrolmentStatus]] = {
    EnrolmentStatus.ENROLLED: frozenset(
        {EnrolmentStatus.WAITLISTED, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED}
    ),
    EnrolmentStatus.WAITLISTED: frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN}),
    EnrolmentStatus.WITHDRAWN: frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED}),
    EnrolmentStatus.COMPLETED: frozenset({EnrolmentStatus.ENROLLED}),
}


def _check_transition(
    table: Mapping[S, frozenset[S]], old: S, new: S, refusal: str
) -> Message | None:
    if old == new or new in table[old]:
        return None
    # Listed in the enum's order so the hint reads the same every time.
    allowed = [status for status in type(old) if status in table[old]]
    return msg(refusal, old=label_of(old), new=label_of(new), allowed=labels_of(allowed))


def next_statuses(table: Mapping[S, frozenset[S]], old: S) -> list[S]:
    """The statuses a screen may offer after ``old`` (including staying), in enum order."""
    return [status for status in type(old) if status == old or status in table[old]]


def can_transition_course(old: CourseStatus, new: CourseStatus) -> Message | None:
    return _check_transition(
        COURSE_TRANSITIONS,
        old,
        new,
        N_("A course cannot go from {old} to {new}. From {old} it can go to: {allowed}."),
    )


def can_transition_session(old: SessionStatus, new: SessionStatus) -> Message | None:
    return _check_transition(
        SESSION_TRANSITIONS,
        old,
        new,
        N_("A session cannot go from {old} to {new}. From {old} it can go to: {allowed}."),
    )


def can_transition_enrolment(old: EnrolmentStatus, new: EnrolmentStatus) -> Message | None:
    return _check_transition(
        ENROLMENT_TRANSITIONS,
        old,
        new,
        N_("An enrolment cannot go from {old} to {new}. From {old} it can go to: {allowed}."),
    )


# --- eligibility and completion ------------------------------------------------------


def check_eligibility(
    person: Person, course: Course, institution_kind: InstitutionKind | str | None
) -> list[Message]:
    """Why ``person`` falls outside the course's rule; empty means eligible.

    ``institution_kind`` is the kind of the person's institution, None when the person
    is not linked to one (the caller looks it up; the domain does not read the store).
    """
    rule = course.eligibility
    reasons: list[Message] = []
    if rule.roles and person.role not in rule.roles:
        reasons.append(
            msg(
                "The course is for {allowed}; this person is registered as {actual}.",
                allowed=labels_of(rule.roles),
                actual=label_of(person.role),
            )
        )
    if rule.qualifications and person.qualification not in rule.qualifications:
        reasons.append(
            msg(
                "The course requires the qualification {allowed}; this person is {actual}.",
                allowed=labels_of(rule.qualifications),
                actual=label_of(person.qualification),
            )
        )
    if rule.institution_kinds:
        allowed_kinds = [kind for kind in InstitutionKind if kind.value in rule.institution_kinds]
        if institution_kind is None:
            reasons.append(
                msg(
                    "The course is for staff in {allowed}; this person has no institution.",
                    allowed=labels_of(allowed_kinds),
                )
            )
        elif str(institution_kind) not in rule.institution_kinds:
            reasons.append(
                msg(
                    "The course is for staff in {allowed}; this person works in {actual}.",
                    allowed=labels_of(allowed_kinds),
                    actual=_institution_kind_label(institution_kind),
                )
            )
    return reasons


def _institution_kind_label(kind: InstitutionKind | str) -> Message | str:
    try:
        return label_of(InstitutionKind(kind))
    except ValueError:
        return str(kind)


def day_credit(attendance: Attendance, session: Session) -> tuple[float, float]:
    """What one mark earns toward completion: (days, hours).

    A partial day is the share of the day its hours are (of the session's hours, or of a
    working day when the session has none), so half an hour is never a whole day.
    """
    full = session_hours(session)
    if attendance.mark is Mark.PRESENT:
        return 1.0, full or 0.0
    if attendance.mark is Mark.PARTIAL:
        hours = max(attendance.hours or 0.0, 0.0)
        return min(hours / (full or FULL_WORKING_DAY_HOURS), 1.0), hours
    return 0.0, 0.0


def completes(days: float, rule: CompletionRule, hours: float = 0.0) -> bool:
    """Whether ``days`` (partial days as shares) or ``hours`` attended meet the rule."""
    if rule.min_hours is not None:
        return hours + _EPSILON >= rule.min_hours
    return days + _EPSILON >= rule.min_sessions


def completion_still_reachable(days: float, remaining: int, rule: CompletionRule,
                               hours: float = 0.0, remaining_hours: float = 0.0) -> bool:
    """False once too much is missed: the coordinator can act before the last day.

    ``remaining`` days (``remaining_hours`` for a rule in hours) are still unmarked.
    """
    if rule.min_hours is not None:
        return hours + max(remaining_hours, 0.0) + _EPSILON >= rule.min_hours
    return days + max(remaining, 0) + _EPSILON >= rule.min_sessions


def completion_text(rule: CompletionRule) -> str:
    """The rule in words, for reports and summaries."""
    if rule.min_hours is not None:
        return str(msg("at least {hours} hours attended", hours=HoursText(rule.min_hours)))
    return ngettext("at least {count} day attended", "at least {count} days attended",
                    max(rule.min_sessions, 1)).format(count=max(rule.min_sessions, 1))
