"""The attendance grid's rules: who is expected, totals, incremental updates, undo, keys."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time

import pytest

from tui.domain.attendance import (
    PRIMARY_KEYS,
    Grid,
    MarkAction,
    MarkChange,
    MarkState,
    UndoStack,
    default_session_column,
    expected,
    mark_keys,
    name_key,
    ordered_enrolments,
)
from tui.domain.courses import (
    Attendance,
    CompletionRule,
    Enrolment,
    EnrolmentStatus,
    Mark,
    Session,
    SessionStatus,
    attendance_id,
)

COURSE = "c-5day"
DAYS = [dt.date(2021, 8, 16), dt.date(2021, 9, 20), dt.date(2021, 10, 11),
        dt.date(2021, 11, 1), dt.date(2021, 11, 24)]
RULE = CompletionRule(min_sessions=4)


def session(n: int, status: SessionStatus = SessionStatus.HELD) -> Session:
    return Session(id=f"s{n}", course_id=COURSE, date=DAYS[n - 1],
                   start=dt.time(9), end=dt.time(15, 50), hours=7.4, status=status)


def enrol(pid: str, **kw) -> Enrolment:
    kw.setdefault("enrolled_on", dt.date(2021, 6, 14))
    return Enrolment(id=f"e-{pid}", course_id=COURSE, person_id=pid, **kw)


def mark(pid: str, n: int, m: Mark, hours: float | None = None) -> Attendance:
    return Attendance(id=attendance_id(f"s{n}", pid), course_id=COURSE, session_id=f"s{n}",
                      person_id=pid, mark=m, hours=hours)


SESSIONS = [session(n) for n in range(1, 6)]
NAMES = {"anja": "Anja Thomsen", "birthe": "Birthe Kristensen", "oeste": "Øste Ærø",
         "aase": "Åse Andersen", "aeble": "Æble Ås", "zara": "Zara Berg"}


# --- expected -----------------------------------------------------------------------


def test_sessions_before_enrolment_or_after_withdrawal_are_not_expected() -> None:
    late = enrol("anja", enrolled_on=DAYS[2])
    assert [expected(late, s) for s in SESSIONS] == [False, False, True, True, True]
    left = enrol("anja", status=EnrolmentStatus.WITHDRAWN, withdrawn_on=DAYS[1])
    assert [expected(left, s) for s in SESSIONS] == [True, True, False, False, False]


def test_postponed_sessions_and_waitlisted_people_are_not_expected() -> None:
    assert not expected(enrol("anja"), session(2, SessionStatus.POSTPONED))
    assert not expected(enrol("anja"), session(2, SessionStatus.CANCELLED))
    assert expected(enrol("anja"), session(2, SessionStatus.PLANNED))
    waiting = enrol("anja", status=EnrolmentStatus.WAITLISTED)
    assert not any(expected(waiting, s) for s in SESSIONS)


def test_not_expected_sessions_never_count_as_absence() -> None:
    late = enrol("anja", enrolled_on=DAYS[1])
    marks = [mark("anja", 1, Mark.ABSENT)] + [mark("anja", n, Mark.PRESENT) for n in (2, 3, 4, 5)]
    grid = Grid(SESSIONS, [late], NAMES, marks, RULE)
    totals = grid.person_totals("anja")
    assert totals.days_missed == 0
    assert totals.days_attended == 4 and totals.completes
    assert not grid.cell("anja", "s1").expected
    assert grid.session_totals("s1").expected == 0
    assert grid.session_totals("s1").rate is None


# --- totals -------------------------------------------------------------------------


def test_two_absences_out_of_five_with_four_required_cannot_complete() -> None:
    marks = [mark("anja", 1, Mark.ABSENT), mark("anja", 2, Mark.EXCUSED),
             mark("anja", 3, Mark.PRESENT)]
    grid = Grid(SESSIONS, [enrol("anja")], NAMES, marks, RULE)
    totals = grid.person_totals("anja")
    assert totals.days_missed == 2
    assert totals.remaining == 2
    assert not totals.completes
    assert not totals.still_reachable


def test_one_absence_is_still_reachable_until_marked() -> None:
    grid = Grid(SESSIONS, [enrol("anja")], NAMES, [mark("anja", 1, Mark.ABSENT)], RULE)
    totals = grid.person_totals("anja")
    assert not totals.completes and totals.still_reachable and totals.remaining == 4


def test_a_partial_day_counts_by_its_hours_toward_completion() -> None:
    marks = [mark("anja", n, Mark.PRESENT) for n in (1, 2, 3)] + [
        mark("anja", 4, Mark.PARTIAL, 3.7)]
    grid = Grid(SESSIONS, [enrol("anja")], NAMES, marks, RULE)
    totals = grid.person_totals("anja")
    assert totals.days_attended == 4
    # 3.7 of the day's 7.4 hours is half a day: 3.5 days, short of the rule's 4.
    assert totals.day_credit == pytest.approx(3.5)
    assert totals.hours_attended == pytest.approx(3 * 7.4 + 3.7)
    assert not totals.completes and totals.still_reachable  # day 5 can still make it
    cell = grid.cell("anja", "s4")
    assert cell.mark is Mark.PARTIAL and cell.hours == 3.7 and cell.expected
    assert grid.cell("anja", "s5").mark is None


def test_cover_follows_attendance_day_by_day() -> None:
    planned = Grid(SESSIONS, [enrol("anja", substitute_hours=37.0)], NAMES, [], RULE)
    assert planned.person_totals("anja").substitute_hours == 37.0  # 5 days of 7.4
    marks = [
        # Hours booked on day 1 replace that day's share (7.4) with 3.0.
        dataclasses.replace(mark("anja", 1, Mark.PRESENT), substitute_hours=3.0),
        mark("anja", 2, Mark.ABSENT),  # costs nothing
        mark("anja", 3, Mark.PARTIAL, 2.5),  # its hours: 2.5
        mark("anja", 4, Mark.PRESENT),  # the share: 7.4
    ]  # day 5 not marked yet: the share, 7.4
    grid = Grid(SESSIONS, [enrol("anja", substitute_hours=37.0)], NAMES, marks, RULE)
    assert grid.person_totals("anja").substitute_hours == pytest.approx(3.0 + 2.5 + 7.4 + 7.4)
    waiting = Grid(SESSIONS, [enrol("anja", substitute_hours=37.0,
                                    status=EnrolmentStatus.WAITLISTED)], NAMES, [], RULE)
    assert waiting.person_totals("anja").substitute_hours == 0.0


def test_session_totals() -> None:
    people = [enrol("anja"), enrol("birthe"), enrol("zara", enrolled_on=DAYS[1]),
              enrol("aase", status=EnrolmentStatus.WAITLISTED)]
    marks = [mark("anja", 1, Mark.PRESENT), mark("birthe", 1, Mark.PARTIAL, 2.0),
             mark("zara", 2, Mark.ABSENT)]
    grid = Grid(SESSIONS, people, NAMES, marks, RULE)
    first = grid.session_totals("s1")
    assert (first.present, first.expected, first.marked) == (2, 2, 2)
    assert first.rate == 1.0
    second = grid.session_totals("s2")
    assert (second.present, second.expected, second.marked) == (0, 3, 1)
    assert second.rate == 0.0
    assert grid.unmarked("s2") == ["anja", "birthe"]


def test_postponed_sessions_are_columns_that_count_for_nothing() -> None:
    sessions = [*SESSIONS[:1], session(2, SessionStatus.POSTPONED), *SESSIONS[2:]]
    grid = Grid(sessions, [enrol("anja")], NAMES, [], RULE)
    assert grid.session_ids == ["s1", "s2", "s3", "s4", "s5"]
    assert grid.person_totals("anja").remaining == 4
    assert grid.session_totals("s2").expected == 0


def test_rows_are_in_danish_name_order() -> None:
    grid = Grid(SESSIONS, [enrol(pid) for pid in NAMES], NAMES, [], RULE)
    assert [NAMES[p] for p in grid.person_ids] == [
        "Anja Thomsen", "Birthe Kristensen", "Zara Berg", "Æble Ås", "Øste Ærø", "Åse Andersen"]
    assert name_key("åse") > name_key("øste") > name_key("æble") > name_key("zara")
    unnamed = ordered_enrolments([enrol("x-unknown"), enrol("anja")], NAMES)
    assert [e.person_id for e in unnamed] == ["anja", "x-unknown"]


# --- incremental updates ------------------------------------------------------------


def _everything(grid: Grid) -> tuple:
    return ({p: grid.person_totals(p) for p in grid.person_ids},
            {s: grid.session_totals(s) for s in grid.session_ids},
            {(p, s): grid.cell(p, s) for p in grid.person_ids for s in grid.session_ids})


def test_incremental_apply_equals_a_full_rebuild() -> None:
    rng = random.Random(7)
    people = [enrol(f"p{i:02d}", enrolled_on=rng.choice([None, *DAYS])) for i in range(12)]
    names = {e.person_id: f"Person {e.person_id}" for e in people}
    sessions = [*SESSIONS[:2], session(3, SessionStatus.POSTPONED), *SESSIONS[3:]]
    grid = Grid(sessions, people, names, [], RULE)
    records: dict[tuple[str, str], Attendance] = {}
    for _ in range(300):
        pid = rng.choice(people).person_id
        n = rng.randint(1, 5)
        choice = rng.choice([*Mark, None])
        if choice is None:
            grid.clear(pid, f"s{n}")
            records.pop((pid, f"s{n}"), None)
        else:
            record = mark(pid, n, choice, 2.5 if choice is Mark.PARTIAL else None)
            grid.apply(record)
            records[(pid, f"s{n}")] = record
    rebuilt = Grid(sessions, people, names, records.values(), RULE)
    assert _everything(grid) == _everything(rebuilt)


def test_a_large_grid_builds_and_updates_fast() -> None:
    sessions = [Session(id=f"s{i}", course_id=COURSE, date=dt.date(2024, 1, 1)
                        + dt.timedelta(days=7 * i), hours=7.4) for i in range(40)]
    people = [enrol(f"p{i:03d}", enrolled_on=None) for i in range(400)]
    names = {e.person_id: f"Navn {e.person_id}" for e in people}
    marks = [Attendance(id=attendance_id(s.id, e.person_id), course_id=COURSE,
                        session_id=s.id, person_id=e.person_id, mark=Mark.PRESENT)
             for e in people for s in sessions[:20]]
    started = time.perf_counter()
    grid = Grid(sessions, people, names, marks, CompletionRule(min_sessions=32))
    built = time.perf_counter() - started
    started = time.perf_counter()
    for e in people:
        grid.apply(dataclasses.replace(marks[0], id="", person_id=e.person_id,
                                       session_id="s25", mark=Mark.ABSENT))
    per_mark = (time.perf_counter() - started) / len(people)
    # Generous bounds for a slow CI machine; in practice ~50 ms and ~20 µs.
    assert built < 1.0
    assert per_mark < 0.002
    assert grid.session_totals("s25").marked == 400
    assert grid.person_totals("p000").days_attended == 20


# --- default column -----------------------------------------------------------------


def test_default_column_is_today_else_next_else_last() -> None:
    assert default_session_column(SESSIONS, DAYS[2]) == 2
    assert default_session_column(SESSIONS, DAYS[2] + dt.timedelta(days=1)) == 3
    assert default_session_column(SESSIONS, dt.date(2020, 1, 1)) == 0
    assert default_session_column(SESSIONS, dt.date(2030, 1, 1)) == 4
    postponed = [*SESSIONS[:2], session(3, SessionStatus.POSTPONED), *SESSIONS[3:]]
    assert default_session_column(postponed, DAYS[2]) == 3
    assert default_session_column([], DAYS[0]) == 0


# --- undo ---------------------------------------------------------------------------


def change(pid: str, n: int, before: Mark | None, after: Mark | None) -> MarkChange:
    return MarkChange(COURSE, f"s{n}", pid, before and MarkState(before),
                      after and MarkState(after))


def test_undo_and_redo_three_steps() -> None:
    stack = UndoStack()
    steps = [change("anja", 1, None, Mark.PRESENT), change("anja", 1, Mark.PRESENT, Mark.ABSENT),
             change("birthe", 1, None, Mark.EXCUSED)]
    for step in steps:
        stack.record(step)
    assert len(stack) == 3
    assert [stack.undo().changes for _ in range(3)] == [(s,) for s in reversed(steps)]
    assert stack.undo() is None and not stack.can_undo
    assert [stack.redo().changes for _ in range(3)] == [(s,) for s in steps]
    assert stack.redo() is None
    stack.undo()
    stack.record(change("zara", 2, None, Mark.PRESENT))
    assert not stack.can_redo  # a new action clears what was undone


def test_everyone_present_is_one_step() -> None:
    stack = UndoStack()
    stack.record(change("anja", 1, None, Mark.ABSENT))
    with stack.group("all present"):
        for pid in ("anja", "birthe", "zara"):
            stack.record(change(pid, 2, None, Mark.PRESENT))
        stack.record(change("aase", 2, Mark.PRESENT, Mark.PRESENT))  # no change: dropped
    assert len(stack) == 2
    step = stack.undo()
    assert step.label == "all present"
    assert [c.person_id for c in step.changes] == ["anja", "birthe", "zara"]
    assert all(c.before is None for c in step.changes)
    assert stack.undo().changes[0].after == MarkState(Mark.ABSENT)


def test_undo_keeps_at_least_fifty_steps_and_at_most_its_limit() -> None:
    stack = UndoStack()
    for i in range(250):
        stack.record(change(f"p{i}", 1, None, Mark.PRESENT))
    assert len(stack) == 200
    assert stack.undo().changes[0].person_id == "p249"


def test_change_from_what_the_store_returns() -> None:
    saved = mark("anja", 1, Mark.PARTIAL, 3.5)
    c = MarkChange.from_saved(saved, mark("anja", 1, Mark.ABSENT))
    assert c.before == MarkState(Mark.ABSENT) and c.after == MarkState(Mark.PARTIAL, 3.5)
    assert MarkChange.from_saved(saved, None).before is None


# --- keys ---------------------------------------------------------------------------


def test_both_languages_letters_work_in_either_ui_without_collisions() -> None:
    keys = mark_keys()
    for lang in ("da", "en"):
        assert keys[lang]["t"] is keys[lang]["p"] is MarkAction.PRESENT
        assert keys[lang]["f"] is keys[lang]["a"] is MarkAction.ABSENT
        assert keys[lang]["m"] is keys[lang]["e"] is MarkAction.EXCUSED
        assert keys[lang]["d"] is MarkAction.PARTIAL
        assert keys[lang]["x"] is keys[lang]["space"] is MarkAction.CLEAR
    assert next(iter(keys["da"])) == "t" and next(iter(keys["en"])) == "p"
    assert set(PRIMARY_KEYS["da"]) == set(MarkAction)
    assert MarkAction.PARTIAL.mark is Mark.PARTIAL and MarkAction.CLEAR.mark is None
