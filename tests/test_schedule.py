"""The schedule generator and the warnings a planner sees."""

from __future__ import annotations

import datetime as dt

import pytest

from tui.domain.courses import Course, PostponeReason, Session, SessionStatus
from tui.domain.rules import validate_session
from tui.domain.schedule import (
    ScheduleError,
    clashes,
    generate,
    holiday_warnings,
    move_session,
    postpone,
    practice_periods,
    waiting_for_new_date,
)
from tui.i18n import set_language

NINE, TEN_TO_FOUR = dt.time(9, 0), dt.time(15, 50)
MON, WED = 0, 2


def five_day_course() -> list[Session]:
    """The 5-day course for childminders as first generated: Mondays, three weeks apart,
    the last day a Wednesday."""
    return generate(
        "dagpleje-2021", days=5, first_date=dt.date(2021, 8, 16), weekday=MON,
        spacing_weeks=3, start=NINE, end=TEN_TO_FOUR, hours=7.4, last_weekday=WED,
        venue="Campus Horsens",
    )


def test_the_generator_places_five_days_three_weeks_apart() -> None:
    sessions = five_day_course()
    assert [s.date for s in sessions] == [
        dt.date(2021, 8, 16), dt.date(2021, 9, 6), dt.date(2021, 9, 27),
        dt.date(2021, 10, 18), dt.date(2021, 11, 10),
    ]
    assert [s.date.weekday() for s in sessions] == [MON, MON, MON, MON, WED]
    assert all(s.course_id == "dagpleje-2021" and s.status is SessionStatus.PLANNED
               and (s.start, s.end, s.hours) == (NINE, TEN_TO_FOUR, 7.4)
               and s.venue == "Campus Horsens" for s in sessions)
    assert [days for _a, _b, days in practice_periods(sessions)] == [21, 21, 21, 23]


def test_the_real_plan_moves_days_of_the_generated_one() -> None:
    sessions = five_day_course()
    real = [dt.date(2021, 8, 16), dt.date(2021, 9, 20), dt.date(2021, 10, 11),
            dt.date(2021, 11, 1), dt.date(2021, 11, 24)]
    moved = [move_session(s, d) for s, d in zip(sessions, real, strict=True)]
    assert [s.date for s in moved] == real
    assert [s.date.strftime("%a") for s in moved] == ["Mon", "Mon", "Mon", "Mon", "Wed"]
    assert [days for _a, _b, days in practice_periods(moved)] == [35, 21, 21, 23]
    assert sessions[1].date == dt.date(2021, 9, 6), "moving returns a copy"


def test_the_first_date_moves_to_the_weekday() -> None:
    # 14 August 2021 is a Saturday; the first Monday after it is the 16th.
    sessions = generate("c", days=2, first_date=dt.date(2021, 8, 14), weekday=MON,
                        spacing_weeks=1, start=NINE, end=TEN_TO_FOUR, hours=None)
    assert [s.date for s in sessions] == [dt.date(2021, 8, 16), dt.date(2021, 8, 23)]
    assert sessions[0].hours is None


@pytest.mark.parametrize("kwargs, words", [
    ({"days": 0}, "at least one day"),
    ({"spacing_weeks": -1}, "0 or more"),
    ({"spacing_weeks": []}, "0 or more"),
    ({"weekday": 7}, "Weekdays are numbered"),
    ({"end": NINE}, "must end after"),
])
def test_impossible_schedules_are_refused_with_a_reason(kwargs: dict, words: str) -> None:
    args = {"days": 5, "first_date": dt.date(2021, 8, 16), "weekday": MON,
            "spacing_weeks": 3, "start": NINE, "end": TEN_TO_FOUR, "hours": 7.4, **kwargs}
    with pytest.raises(ScheduleError) as raised:
        generate("c", **args)
    assert words in str(raised.value)


def test_holidays_are_named_with_their_country() -> None:
    dates = [dt.date(2021, 5, 13), dt.date(2021, 6, 21), dt.date(2021, 8, 16),
             dt.date(2021, 6, 5)]
    warnings = [str(w) for w in holiday_warnings(dates)]
    assert warnings == [
        "13-05-2021 is a holiday in Denmark, Greenland: Ascension Day.",
        "05-06-2021 is a holiday in Denmark: Constitution Day.",
        "21-06-2021 is a holiday in Greenland: National Day.",
    ]
    assert holiday_warnings([dt.date(2021, 6, 21)], countries=("DK",)) == []
    # A warning made in one language reads right after switching to the other.
    found = holiday_warnings([dt.date(2021, 5, 13)])
    set_language("da")
    assert str(found[0]) == "13-05-2021 er helligdag i Danmark, Grønland: Kristi himmelfartsdag."
    assert "Nationaldag" in str(holiday_warnings([dt.date(2021, 6, 21)])[0])


def test_a_generated_schedule_over_a_holiday_is_warned_about() -> None:
    sessions = generate("c", days=3, first_date=dt.date(2021, 4, 29), weekday=3,
                        spacing_weeks=2, start=NINE, end=TEN_TO_FOUR, hours=None)
    assert [str(w) for w in holiday_warnings(s.date for s in sessions)] == [
        "13-05-2021 is a holiday in Denmark, Greenland: Ascension Day."]


def test_a_trainer_or_venue_busy_elsewhere_is_a_clash() -> None:
    courses = {
        "a": Course(id="a", programme_id="p", name="Form 2, Nuuk", trainers=["Aviaja"],
                    venue="Kulturhuset"),
        "b": Course(id="b", programme_id="p", name="Form 1, Nuuk", trainers=["aviaja "],
                    venue="Skolen"),
        "c": Course(id="c", programme_id="p", name="Form 2, Sisimiut", trainers=["Nuka"],
                    venue="Kulturhuset"),
    }
    day = dt.date(2023, 3, 20)
    mine = Session(id="a1", course_id="a", date=day, start=NINE, end=dt.time(12))
    others = [
        mine,  # the session itself never clashes
        Session(id="b1", course_id="b", date=day, start=dt.time(11), end=dt.time(11, 45)),
        # Starts as mine ends: back to back is not a clash.
        Session(id="b2", course_id="b", date=day, start=dt.time(12), end=dt.time(15)),
        Session(id="c1", course_id="c", date=day),  # no times: the whole day
        Session(id="c2", course_id="c", date=day + dt.timedelta(days=1)),
        Session(id="c3", course_id="c", date=day, status=SessionStatus.POSTPONED,
                postpone_reason=PostponeReason.WEATHER),
    ]
    found = [str(w) for w in clashes([mine], others, courses)]
    assert found == [
        "20-03-2023: Aviaja also teaches Form 1, Nuuk (11:00-11:45).",
        "20-03-2023: Kulturhuset is also booked for Form 2, Sisimiut (all day).",
    ]
    # Given all sessions on both sides, each clash is told once.
    assert len(clashes(others, others, courses)) == 2
    # The same venue name in another town is another building.
    courses["c"].place_id, courses["a"].place_id = "sisimiut", "nuuk"
    assert len(clashes([mine], others, courses)) == 1


def test_postponed_for_weather_with_a_new_date_keeps_the_history() -> None:
    session = five_day_course()[1]
    session.id = "s2"
    old, new = postpone(session, PostponeReason.WEATHER, "Fly aflyst", dt.date(2021, 9, 13))
    assert new is not None and new.id and new.id != old.id
    assert (old.status, old.postpone_reason, old.postpone_note, old.replaced_by) == (
        SessionStatus.POSTPONED, PostponeReason.WEATHER, "Fly aflyst", new.id)
    assert old.date == dt.date(2021, 9, 6)
    assert (new.status, new.date, new.start, new.replaced_by) == (
        SessionStatus.PLANNED, dt.date(2021, 9, 13), NINE, None)
    assert validate_session(old) == [] and validate_session(new) == []
    assert waiting_for_new_date([old, new]) == []
    # The practice period runs to the new date, not the postponed one.
    sessions = five_day_course()
    sessions[1] = old
    assert [days for _a, _b, days in practice_periods([*sessions, new])] == [28, 14, 21, 23]


def test_postponed_without_a_new_date_waits_until_one_is_found() -> None:
    session = Session(id="s3", course_id="c", date=dt.date(2023, 3, 20), start=NINE,
                      end=TEN_TO_FOUR)
    old, new = postpone(session, PostponeReason.WEATHER)
    assert new is None and old.status is SessionStatus.POSTPONED and old.replaced_by is None
    assert waiting_for_new_date([session, old]) == [old]
    later, new = postpone(old, PostponeReason.WEATHER, new_date=dt.date(2023, 4, 3))
    assert new is not None and later.replaced_by == new.id
    with pytest.raises(ScheduleError, match="Only a planned session"):
        postpone(later, PostponeReason.WEATHER)
    with pytest.raises(ScheduleError, match="Describe the reason"):
        postpone(session, PostponeReason.OTHER)
    with pytest.raises(ScheduleError, match="same as the old one"):
        postpone(session, PostponeReason.ILLNESS, new_date=session.date)


def test_the_last_day_may_fall_earlier_in_its_week() -> None:
    sessions = generate("c", days=2, first_date=dt.date(2021, 8, 18), weekday=WED,
                        spacing_weeks=1, start=NINE, end=TEN_TO_FOUR, hours=None,
                        last_weekday=MON)
    assert [s.date for s in sessions] == [dt.date(2021, 8, 18), dt.date(2021, 8, 23)]
