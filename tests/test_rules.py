"""Record validation, status transitions, eligibility and completion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import Enum
from typing import Any

import pytest

from tui import i18n
from tui.domain.courses import (
    Attendance,
    CompletionRule,
    Course,
    CourseStatus,
    EligibilityRule,
    Enrolment,
    EnrolmentStatus,
    Mark,
    PhasePlan,
    PostponeReason,
    Session,
    SessionStatus,
)
from tui.domain.journals import GoalRating
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import InstitutionKind
from tui.domain.programmes import CourseForm, Depth, Programme, Topic
from tui.domain.rules import (
    COURSE_TRANSITIONS,
    ENROLMENT_TRANSITIONS,
    SESSION_TRANSITIONS,
    FieldErrors,
    can_transition_course,
    can_transition_enrolment,
    can_transition_session,
    check_eligibility,
    completes,
    completion_still_reachable,
    next_statuses,
    session_hours,
    validate_attendance,
    validate_course,
    validate_enrolment,
    validate_person,
    validate_phase_plan,
    validate_programme,
    validate_rating,
    validate_session,
)


@pytest.fixture
def danish() -> Iterator[None]:
    i18n.set_language("da")
    try:
        yield
    finally:
        i18n.set_language("en")


def fields(errors: FieldErrors) -> list[str]:
    # Rendering every reason proves each one formats without a missing placeholder.
    assert all(str(reason).strip() for _, reason in errors)
    return [field for field, _ in errors]


def day(start: str = "09:00", end: str = "15:50", **kwargs: Any) -> Session:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    defaults: dict[str, Any] = {"id": "s1", "course_id": "c1", "date": dt.date(2026, 11, 24)}
    return Session(start=dt.time(h1, m1), end=dt.time(h2, m2), **(defaults | kwargs))


# --- sessions ------------------------------------------------------------------------


def test_valid_session_with_the_programmes_full_day() -> None:
    # 09:00-15:50 is credited as a 7.4-hour working day in the 5-day course.
    assert validate_session(day(hours=7.4)) == []
    assert validate_session(day(hours=6.0)) == []  # breaks
    assert validate_session(day(hours=6 + 50 / 60)) == []


def test_session_end_after_start() -> None:
    assert fields(validate_session(day("15:50", "09:00"))) == ["end"]
    assert fields(validate_session(day("09:00", "09:00"))) == ["end"]


def test_session_hours_must_fit() -> None:
    assert fields(validate_session(day("08:00", "18:00", hours=10.5))) == ["hours"]
    assert validate_session(day("08:00", "18:00", hours=10.0)) == []
    assert fields(validate_session(day(hours=0))) == ["hours"]
    assert fields(validate_session(day(hours=25))) == ["hours"]


def test_session_hours_reason_in_words() -> None:
    [(_, reason)] = validate_session(day("08:00", "18:00", hours=10.5))
    assert str(reason) == "10.5 hours do not fit between 08:00 and 18:00, which is 10 hours."


def test_session_without_times_only_checks_hours() -> None:
    session = Session(id="s1", course_id="c1", date=dt.date(2026, 11, 24), hours=7.4)
    assert validate_session(session) == []
    assert session_hours(session) == 7.4
    assert session_hours(day()) == pytest.approx(6 + 50 / 60)


def test_postponed_session_needs_a_reason() -> None:
    postponed = day(status=SessionStatus.POSTPONED)
    assert fields(validate_session(postponed)) == ["postpone_reason"]
    postponed.postpone_reason = PostponeReason.WEATHER
    assert validate_session(postponed) == []
    postponed.postpone_reason = PostponeReason.OTHER
    assert fields(validate_session(postponed)) == ["postpone_note"]
    postponed.postpone_note = "The plane to Qaqortoq was cancelled"
    assert validate_session(postponed) == []


def test_replacement_pointer() -> None:
    assert "replaced_by" in fields(
        validate_session(
            day(
                status=SessionStatus.POSTPONED,
                postpone_reason=PostponeReason.WEATHER,
                replaced_by="s1",
            )
        )
    )
    assert fields(validate_session(day(replaced_by="s2"))) == ["replaced_by"]
    moved = day(
        status=SessionStatus.POSTPONED, postpone_reason=PostponeReason.WEATHER, replaced_by="s2"
    )
    assert validate_session(moved) == []


def test_session_not_held_before_its_date() -> None:
    held = day(status=SessionStatus.HELD)
    assert fields(validate_session(held, today=dt.date(2026, 11, 23))) == ["status"]
    assert validate_session(held, today=dt.date(2026, 11, 24)) == []
    assert validate_session(held) == []


def test_session_needs_course() -> None:
    assert fields(validate_session(day(course_id=" "))) == ["course_id"]


# --- courses and programmes ----------------------------------------------------------


def course(**kwargs: Any) -> Course:
    defaults: dict[str, Any] = {"id": "c1", "programme_id": "p1", "name": "5-day course"}
    return Course(**(defaults | kwargs))


def test_valid_course() -> None:
    assert validate_course(course(reading_pages=200), session_count=5) == []


def test_course_fields() -> None:
    assert fields(validate_course(course(name="  "))) == ["name"]
    assert fields(validate_course(course(programme_id=""))) == ["programme_id"]
    assert fields(validate_course(course(reading_pages=-1))) == ["reading_pages"]
    assert fields(validate_course(course(completion=CompletionRule(min_sessions=-1)))) == [
        "completion"
    ]


def test_completion_rule_must_be_reachable() -> None:
    five_of_four = course(completion=CompletionRule(min_sessions=5))
    assert fields(validate_course(five_of_four, session_count=4)) == ["completion"]
    assert validate_course(five_of_four, session_count=5) == []
    assert validate_course(five_of_four) == []


def test_course_institution_kinds_must_be_known() -> None:
    rule = EligibilityRule(institution_kinds=["nursery", "school"])
    [(field, reason)] = validate_course(course(eligibility=rule))
    assert field == "eligibility"
    assert "'school'" in str(reason)


def test_phase_plan_shares() -> None:
    assert validate_phase_plan(PhasePlan()) == []
    assert validate_phase_plan(PhasePlan(before_share=0, during_share=100, after_share=0)) == []
    [(field, reason)] = validate_phase_plan(PhasePlan(before_share=30))
    assert field == "phase_plan"
    assert "not 110 %" in str(reason)
    assert fields(validate_phase_plan(PhasePlan(before_share=-10, during_share=60))) == [
        "phase_plan"
    ]
    assert fields(validate_course(course(phase_plan=PhasePlan(after_share=40)))) == ["phase_plan"]


def programme(**kwargs: Any) -> Programme:
    defaults: dict[str, Any] = {"id": "p1", "name": "Initiative 3"}
    return Programme(**(defaults | kwargs))


def test_valid_programme() -> None:
    assert (
        validate_programme(
            programme(
                period_start=dt.date(2026, 8, 1),
                period_end=dt.date(2026, 8, 1),
                target_participants=0,
                substitute_hourly_rate=250.0,
            )
        )
        == []
    )


def test_programme_fields() -> None:
    backwards = programme(period_start=dt.date(2026, 8, 1), period_end=dt.date(2026, 7, 31))
    assert fields(validate_programme(backwards)) == ["period_end"]
    assert fields(validate_programme(programme(target_participants=-1))) == ["target_participants"]
    assert fields(validate_programme(programme(substitute_hourly_rate=-1))) == [
        "substitute_hourly_rate"
    ]
    assert fields(validate_programme(programme(name=""))) == ["name"]


def test_programme_keys_unique() -> None:
    topics = [Topic(key="lm", name="Learning environment"), Topic(key="lm", name="Again")]
    forms = [CourseForm(key="", name="Form 1", audience="leaders", depth=Depth.OVERVIEW)]
    assert fields(validate_programme(programme(topics=topics, forms=forms))) == [
        "topics",
        "forms",
    ]


# --- people, enrolments, attendance, ratings -----------------------------------------


def person(**kwargs: Any) -> Person:
    defaults: dict[str, Any] = {
        "id": "pe1",
        "name": "Aviaja Lynge",
        "role": Role.EMPLOYEE,
        "qualification": Qualification.PEDAGOGICAL_ASSISTANT,
    }
    return Person(**(defaults | kwargs))


def test_person() -> None:
    assert validate_person(person(email="aviaja@example.gl", phone="+299 32 10 00")) == []
    assert fields(validate_person(person(name="", email="nope", phone="x"))) == [
        "name",
        "email",
        "phone",
    ]


def test_enrolment() -> None:
    assert validate_enrolment(Enrolment(course_id="c1", person_id="pe1")) == []
    assert fields(validate_enrolment(Enrolment(course_id="", person_id=""))) == [
        "course_id",
        "person_id",
    ]
    early = Enrolment(
        course_id="c1",
        person_id="pe1",
        status=EnrolmentStatus.WITHDRAWN,
        enrolled_on=dt.date(2026, 8, 1),
        withdrawn_on=dt.date(2026, 7, 1),
    )
    assert fields(validate_enrolment(early)) == ["withdrawn_on"]
    dated = Enrolment(course_id="c1", person_id="pe1", withdrawn_on=dt.date(2026, 9, 1))
    assert fields(validate_enrolment(dated)) == ["withdrawn_on"]
    negative = Enrolment(course_id="c1", person_id="pe1", substitute_hours=-1)
    assert fields(validate_enrolment(negative)) == ["substitute_hours"]


def test_enrolment_override_needs_a_note() -> None:
    reasons = check_eligibility(
        person(qualification=Qualification.UNSKILLED), five_day(), "nursery"
    )
    enrolment = Enrolment(course_id="c1", person_id="pe1")
    assert fields(validate_enrolment(enrolment, eligibility_reasons=reasons)) == [
        "eligibility_override"
    ]
    enrolment.eligibility_override = "Agreed with the leader: finishes PA training in June"
    assert validate_enrolment(enrolment, eligibility_reasons=reasons) == []


def attendance(mark: Mark, hours: float | None = None, **kwargs: Any) -> Attendance:
    defaults: dict[str, Any] = {"course_id": "c1", "session_id": "s1", "person_id": "pe1"}
    return Attendance(mark=mark, hours=hours, **(defaults | kwargs))


def test_attendance_marks() -> None:
    assert validate_attendance(attendance(Mark.PRESENT)) == []
    assert validate_attendance(attendance(Mark.ABSENT)) == []
    assert validate_attendance(attendance(Mark.PARTIAL, 3.5)) == []
    assert fields(validate_attendance(attendance(Mark.PARTIAL))) == ["hours"]
    assert fields(validate_attendance(attendance(Mark.PARTIAL, 0))) == ["hours"]
    assert fields(validate_attendance(attendance(Mark.EXCUSED, 2))) == ["hours"]
    assert fields(validate_attendance(attendance(Mark.PRESENT, -1))) == ["hours"]
    assert fields(validate_attendance(attendance(Mark.PRESENT, substitute_hours=-1))) == [
        "substitute_hours"
    ]


def test_attendance_against_its_session() -> None:
    session = day(hours=7.4)
    assert validate_attendance(attendance(Mark.PARTIAL, 7.4), session) == []
    [(field, reason)] = validate_attendance(attendance(Mark.PARTIAL, 8), session)
    assert field == "hours"
    assert str(reason) == "8 hours is more than the session's 7.4 hours."
    # Without recorded hours the timetable's span is the limit.
    assert fields(validate_attendance(attendance(Mark.PARTIAL, 7), day())) == ["hours"]
    other = attendance(Mark.PRESENT, session_id="s2")
    assert fields(validate_attendance(other, session)) == ["session_id"]


def test_nobody_attends_a_cancelled_session() -> None:
    cancelled = day(status=SessionStatus.CANCELLED)
    assert fields(validate_attendance(attendance(Mark.PRESENT), cancelled)) == ["mark"]
    assert validate_attendance(attendance(Mark.EXCUSED), cancelled) == []


def test_rating() -> None:
    rating = GoalRating(course_id="c1", person_id="pe1", goal_key="g1", before=1, after=5)
    assert validate_rating(rating) == []
    assert validate_rating(GoalRating(course_id="c1", person_id="pe1", goal_key="g1")) == []
    bad = GoalRating(course_id="c1", person_id="pe1", goal_key="", before=0, after=6)
    assert fields(validate_rating(bad)) == ["goal_key", "before", "after"]


# --- status transitions --------------------------------------------------------------

C = CourseStatus
COURSE_ALLOWED = {
    (C.PLANNED, C.RUNNING),
    (C.PLANNED, C.POSTPONED),
    (C.PLANNED, C.CANCELLED),
    (C.RUNNING, C.COMPLETED),
    (C.RUNNING, C.POSTPONED),
    (C.RUNNING, C.CANCELLED),
    (C.POSTPONED, C.PLANNED),
    (C.POSTPONED, C.RUNNING),
    (C.POSTPONED, C.CANCELLED),
    (C.CANCELLED, C.PLANNED),
    (C.COMPLETED, C.RUNNING),
}

S = SessionStatus
SESSION_ALLOWED = {
    (S.PLANNED, S.HELD),
    (S.PLANNED, S.POSTPONED),
    (S.PLANNED, S.CANCELLED),
    (S.HELD, S.PLANNED),
    (S.POSTPONED, S.PLANNED),
    (S.CANCELLED, S.PLANNED),
}

E = EnrolmentStatus
ENROLMENT_ALLOWED = {
    (E.ENROLLED, E.WAITLISTED),
    (E.ENROLLED, E.WITHDRAWN),
    (E.ENROLLED, E.COMPLETED),
    (E.WAITLISTED, E.ENROLLED),
    (E.WAITLISTED, E.WITHDRAWN),
    (E.WITHDRAWN, E.ENROLLED),
    (E.WITHDRAWN, E.WAITLISTED),
    (E.COMPLETED, E.ENROLLED),
}


@pytest.mark.parametrize(
    ("statuses", "allowed", "check"),
    [
        (CourseStatus, COURSE_ALLOWED, can_transition_course),
        (SessionStatus, SESSION_ALLOWED, can_transition_session),
        (EnrolmentStatus, ENROLMENT_ALLOWED, can_transition_enrolment),
    ],
    ids=["course", "session", "enrolment"],
)
def test_transition_tables(statuses: type[Enum], allowed: set[tuple[Any, Any]], check: Any) -> None:
    for old in statuses:
        for new in statuses:
            refusal = check(old, new)
            if old == new or (old, new) in allowed:
                assert refusal is None, (old, new)
            else:
                assert refusal is not None and str(refusal).strip(), (old, new)


def test_transition_tables_cover_every_status() -> None:
    assert set(COURSE_TRANSITIONS) == set(CourseStatus)
    assert set(SESSION_TRANSITIONS) == set(SessionStatus)
    assert set(ENROLMENT_TRANSITIONS) == set(EnrolmentStatus)


def test_refusal_says_where_it_can_go() -> None:
    refusal = can_transition_course(C.PLANNED, C.COMPLETED)
    assert str(refusal) == (
        "A course cannot go from Planned to Completed. "
        "From Planned it can go to: Running, Postponed, Cancelled."
    )


def test_refusal_in_danish(danish: None) -> None:
    refusal = can_transition_session(S.HELD, S.CANCELLED)
    assert str(refusal) == (
        "En undervisningsdag kan ikke skifte fra »Afholdt« til »Aflyst«. "
        "Fra »Afholdt« kan den skifte til: Planlagt."
    )


def test_next_statuses_for_a_menu() -> None:
    assert next_statuses(SESSION_TRANSITIONS, S.PLANNED) == list(SessionStatus)
    assert next_statuses(COURSE_TRANSITIONS, C.COMPLETED) == [C.RUNNING, C.COMPLETED]


# --- eligibility and completion ------------------------------------------------------


def five_day() -> Course:
    """The 5-day course: trained pedagogical assistants in childminding or a nursery."""
    return course(
        eligibility=EligibilityRule(
            qualifications=[Qualification.PEDAGOGICAL_ASSISTANT],
            institution_kinds=[InstitutionKind.CHILDMINDING.value, InstitutionKind.NURSERY.value],
        ),
        completion=CompletionRule(min_sessions=4),
    )


@pytest.mark.parametrize("kind", [InstitutionKind.NURSERY, InstitutionKind.CHILDMINDING, "nursery"])
def test_pedagogical_assistant_in_nursery_or_childminding_is_eligible(
    kind: InstitutionKind | str,
) -> None:
    assert check_eligibility(person(), five_day(), kind) == []
    childminder = person(role=Role.CHILDMINDER)
    assert check_eligibility(childminder, five_day(), kind) == []


def test_kindergarten_is_not_eligible() -> None:
    [reason] = check_eligibility(person(), five_day(), InstitutionKind.KINDERGARTEN)
    assert str(reason) == (
        "The course is for staff in Nursery, Childminding; this person works in Kindergarten."
    )


def test_pedagogue_is_not_eligible() -> None:
    pedagogue = person(qualification=Qualification.PEDAGOGUE)
    [reason] = check_eligibility(pedagogue, five_day(), InstitutionKind.NURSERY)
    assert "Pedagogical assistant" in str(reason)
    assert "Pedagogue" in str(reason)


def test_every_reason_is_listed(danish: None) -> None:
    unskilled = person(qualification=Qualification.UNSKILLED)
    reasons = [str(r) for r in check_eligibility(unskilled, five_day(), None)]
    assert reasons == [
        "Forløbet kræver uddannelsen: Pædagogisk assistent. Personen er registreret som: Ufaglært.",
        "Forløbet er for ansatte i: Vuggestue, Dagpleje. Personen er ikke knyttet til et "
        "dagtilbud.",
    ]


def test_role_rule() -> None:
    form_1 = course(eligibility=EligibilityRule(roles=[Role.LEADER, Role.DEPUTY]))
    assert check_eligibility(person(role=Role.DEPUTY), form_1, None) == []
    [reason] = check_eligibility(person(), form_1, None)
    assert str(reason) == (
        "The course is for Leader, Deputy leader; this person is registered as Employee."
    )


def test_empty_rule_admits_everyone() -> None:
    assert check_eligibility(person(), course(), None) == []


def test_completion_four_of_five() -> None:
    rule = CompletionRule(min_sessions=4)
    assert not completes(3, rule)
    assert completes(4, rule)
    assert completes(5, rule)


def test_completion_still_reachable() -> None:
    rule = CompletionRule(min_sessions=4)
    # Missed day 1 and 2 of 5: three days left, at most three attended.
    assert not completion_still_reachable(0, 3, rule)
    # Missed day 1 only: four left, all four are needed.
    assert completion_still_reachable(0, 4, rule)
    assert completion_still_reachable(2, 2, rule)
    assert not completion_still_reachable(2, 1, rule)
    assert completion_still_reachable(4, 0, rule)
    assert completion_still_reachable(4, -1, rule)
