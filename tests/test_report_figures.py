"""The report from each course's kept figures is the report from every record.

``slow_report`` below reads every record of every course and counts, as the report did
before the figures were kept; the report the commands and screens get
(``report_from_store``) reads the kept figures. They must agree on the demo data, on the
hand-counted database of test_reports.py, after every kind of change, after a change by
another process and after a bundle merge.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.field_trip import PASS, change_field, make_office, open_copy, take_out
from tests.test_reports import build_small_db
from tui.domain.courses import (
    Attendance,
    CompletionRule,
    Course,
    Enrolment,
    EnrolmentStatus,
    Mark,
    PostponeReason,
    Session,
    SessionStatus,
    attendance_id,
)
from tui.domain.journals import GoalRating, JournalEntry, Phase
from tui.domain.people import Person, Qualification, Role
from tui.domain.reports import Report, build_report, report_to_json, report_to_text
from tui.store import figures, sync
from tui.store.bundle import read_bundle
from tui.store.reporting import report_from_store, report_with_days
from tui.store.storage import FIRST_TABLE_START
from tui.store.store import Store

D = dt.date
TABLES = ("sessions", "enrolments", "attendance", "ratings", "journals", "journal_entries",
          "journal_goals")


def slow_report(store: Store, **filters: Any) -> Report:
    """Every record of every course, counted."""
    courses = store.courses.all()
    per = {t: {c.id: getattr(store, t)(c.id).all() for c in courses} for t in TABLES}
    return build_report(
        store.programmes.all(), courses, per["sessions"], per["enrolments"],
        per["attendance"], store.people.all(), store.institutions.all(), store.places.all(),
        per["ratings"], per["journals"], per["journal_entries"], per["journal_goals"],
        **filters)


def filters_for(store: Store) -> list[dict[str, Any]]:
    dates = sorted({s.date for c in store.courses.all() for s in store.sessions(c.id).all()})
    middle = dates[len(dates) // 2] if dates else D(2024, 1, 1)
    found: list[dict[str, Any]] = [{}, {"period": (None, middle)}, {"period": (middle, None)},
                                   {"period": (middle, middle)}]
    found += [{"programme_id": p.id} for p in store.programmes.all()]
    found += [{"place_id": p.id} for p in store.places.all()[:6]]
    return found


def assert_kept_and_same(store: Store) -> None:
    """Every course with a file keeps current figures, the ones its records give, and
    the report from them is the report from the records, under every filter."""
    for course in store.courses.all():
        if not store.db.layout.course(course.id).exists():
            continue
        kept = figures.kept(store, course.id)
        assert kept is not None, course.id
        assert figures.decode_facts(course.id, kept) == figures.from_records(
            store, course.id, course.completion), course.id
    for chosen in filters_for(store):
        fast, slow = report_from_store(store, **chosen), slow_report(store, **chosen)
        assert fast == slow, chosen
        assert report_to_json(fast) == report_to_json(slow)
        assert report_to_text(fast) == report_to_text(slow)


def test_the_demo_report_from_the_figures_is_the_report_from_the_records(
        demo_store: Store) -> None:
    assert_kept_and_same(demo_store)
    # The figures are the first line of each course file, read without the rest.
    course = demo_store.courses.all()[0]
    assert demo_store.db.layout.course(course.id).read_bytes().startswith(FIRST_TABLE_START)


def test_the_hand_counted_report_from_the_figures(tmp_path: Path) -> None:
    small = build_small_db(tmp_path / "k.json")
    assert_kept_and_same(small)
    # Two of the counts test_reports.py works out by hand (B attended s1 and s4, C was
    # completed by hand; cover 3.7 + 3.85 + 0.75 h), now from the kept figures.
    report = report_from_store(small)
    assert report.courses["K1"].completed == ["B", "C"]
    assert report.courses["K1"].substitute_hours == pytest.approx(8.3)


def test_the_figures_follow_every_kind_of_change(tmp_path: Path) -> None:
    store = build_small_db(tmp_path / "k.json")
    changes = [
        lambda: store.mark("K1", "s4", "C", Mark.PRESENT),          # a mark where none was
        lambda: store.mark("K1", "s1", "A", Mark.PARTIAL, 2.5),     # a mark changed
        lambda: store.attendance("K1").delete(attendance_id("s2", "D")),  # cleared
        lambda: store.mark("K2", "t1", "A", Mark.PRESENT),          # the waiting list came
        lambda: store.mark("K1", "s4", "F", Mark.PRESENT),          # not enrolled at all
        lambda: store.enrolments("K1").save(dataclass_replace(
            store.enrolments("K1").get("k1d"), status=EnrolmentStatus.WITHDRAWN,
            withdrawn_on=D(2024, 3, 10), substitute_hours=4.0)),
        lambda: store.attendance("K1").save(dataclass_replace(
            store.attendance("K1").get(attendance_id("s1", "B")), substitute_hours=6.0)),
        lambda: store.sessions("K1").save(dataclass_replace(
            store.sessions("K1").get("s2"), status=SessionStatus.POSTPONED,
            postpone_reason=PostponeReason.ILLNESS)),
        lambda: store.sessions("K1").add(Session(id="s6", course_id="K1", date=D(2024, 5, 8))),
        lambda: store.mark("K1", "s6", "A", Mark.PRESENT),          # a planned day is held
        lambda: store.attendance("K1").delete(attendance_id("s6", "A")),  # ... and not
        lambda: store.courses.save(dataclass_replace(
            store.courses.get("K1"), completion=CompletionRule(min_hours=6.0))),
        lambda: store.ratings("K2").add(GoalRating(course_id="K2", person_id="F",
                                                   goal_key="g9", before=1, after=3)),
        lambda: store.journal_entries("K1").add(JournalEntry(
            course_id="K1", journal_id="J2", phase=Phase.ACTION, text="ny")),
        lambda: store.erase_person("B"),
        lambda: store.delete_course("K2"),
    ]
    for change in changes:
        change()
        assert_kept_and_same(store)


def dataclass_replace(record: Any, **fields: Any) -> Any:
    import dataclasses

    return dataclasses.replace(record, **fields)


@pytest.mark.parametrize("seed", range(12))
def test_marks_followed_cell_by_cell_give_what_the_records_give(tmp_path: Path,
                                                                 seed: int) -> None:
    """Random marks, clears, cover hours and day changes; after each, the figures kept
    by following the cells are the figures worked out from every record."""
    rnd = random.Random(seed)
    store = build_small_db(tmp_path / "k.json")
    cid = "K1"
    people = ["A", "B", "C", "D", "E", "F", "G"]
    for _step in range(25):
        sessions = [s.id for s in store.sessions(cid).all()]
        kind = rnd.random()
        with store.transaction():
            for _cell in range(rnd.choice((1, 1, 1, 3))):
                sid, pid = rnd.choice(sessions), rnd.choice(people)
                if kind < 0.55:
                    mark = rnd.choice(list(Mark))
                    store.mark(cid, sid, pid, mark, rnd.choice((1.0, 3.5, 9.0))
                               if mark is Mark.PARTIAL else None)
                elif kind < 0.8:
                    store.attendance(cid).delete(attendance_id(sid, pid))
                elif kind < 0.9:
                    found = store.attendance(cid).find(attendance_id(sid, pid))
                    if found is not None:
                        store.attendance(cid).save(dataclass_replace(
                            found, substitute_hours=rnd.choice((None, 0.0, 2.0))))
                else:
                    session = store.sessions(cid).get(sid)
                    store.sessions(cid).save(dataclass_replace(
                        session, status=rnd.choice(list(SessionStatus))))
        assert figures.kept(store, cid) == figures.encode_facts(
            figures.from_records(store, cid, store.courses.get(cid).completion))
    assert_kept_and_same(store)


MARK_ELSEWHERE = r"""
import sys
from pathlib import Path
from tui.domain.courses import Mark
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
store.mark("K1", "s4", "C", Mark.PRESENT)
store.mark("K2", "t1", "C", Mark.PARTIAL, 2.0)
"""


def test_a_change_by_another_process_is_in_the_next_report(tmp_path: Path) -> None:
    store = build_small_db(tmp_path / "k.json")
    before = report_from_store(store)
    subprocess.run([sys.executable, "-c", MARK_ELSEWHERE, str(store.path)], check=True)
    after = report_from_store(store)
    # C came on s4 (was not marked): K1 has one more attended, and C is marked there.
    assert (after.courses["K1"].attendance.part
            == before.courses["K1"].attendance.part + 1)
    assert ("s4", "C") in before.unmarked and ("s4", "C") not in after.unmarked
    assert_kept_and_same(store)


def test_a_bundle_merge_brings_the_figures_up_to_date(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office" / "k.json")
    take_out(office, tmp_path / "out.kuf")
    field = open_copy(tmp_path / "out.kuf", tmp_path / "field" / "k.json")
    assert_kept_and_same(field)
    change_field(field)
    sync.export_changes(field, tmp_path / "back.kuf", PASS)
    before = report_from_store(office).courses["c1"]
    sync.merge_changes(office, read_bundle(tmp_path / "back.kuf", PASS), "back.kuf")
    after = report_from_store(office).courses["c1"]
    # The walk-in w1 (enrolled and present on d2 in the field) now takes part.
    assert "w1" not in before.participants and "w1" in after.participants
    assert_kept_and_same(office)


def test_a_big_course_whose_figures_outrun_the_first_look_is_read_in_full(
        tmp_path: Path) -> None:
    """A course of 320 people: its figures' line is longer than the bytes a report first
    reads of each course file, so they are read again, far enough."""
    store = build_small_db(tmp_path / "k.json")
    people = [f"big{n}" for n in range(320)]
    days = [f"bigs{d}" for d in range(4)]
    with store.transaction():
        store.people.add_many([Person(id=p, name=f"Deltager {p}", role=Role.EMPLOYEE,
                                      qualification=Qualification.UNSKILLED)
                               for p in people])
        store.courses.add(Course(id="BIG", programme_id="P", name="Stort hold"))
        store.sessions("BIG").add_many([
            Session(id=sid, course_id="BIG", date=D(2024, 2, 1) + dt.timedelta(n),
                    status=SessionStatus.HELD) for n, sid in enumerate(days)])
        store.enrolments("BIG").add_many([
            Enrolment(id=f"e{p}", course_id="BIG", person_id=p) for p in people])
        store.attendance("BIG").add_many([
            Attendance(id=attendance_id(sid, p), course_id="BIG", session_id=sid,
                       person_id=p, mark=Mark.PRESENT if n % 3 else Mark.ABSENT)
            for sid in days for n, p in enumerate(people)])
    head = store.db.layout.course("BIG").read_bytes()
    assert head.find(b"\n", len(FIRST_TABLE_START)) > figures._HEAD
    assert_kept_and_same(Store.open(store.path))


def test_a_course_without_figures_is_counted_from_its_records(tmp_path: Path) -> None:
    """An older database, or a file edited by hand without its figures: the report
    still counts the course, from its records."""
    store = build_small_db(tmp_path / "k.json")
    path = store.db.layout.course("K1")
    lines = path.read_bytes().split(b"\n")
    assert lines[1] == b'"figures":{'
    path.write_bytes(b"\n".join([b"{", *lines[4:]]))  # the figures table gone
    assert figures.kept(Store.open(store.path), "K1") is None
    store = Store.open(store.path)
    assert report_from_store(store) == slow_report(store)


def slow_days(store: Store, report: Report) -> list[tuple[int, list[str], int, int]]:
    """Day n of every course, from each course's sessions: its days set held, in date
    order, numbered; each with the report's attendance on it (as the reports screen
    counted them)."""
    days: dict[int, tuple[list[str], list[int]]] = {}
    for course_id in report.courses:
        held = sorted((s for s in store.sessions(course_id).all()
                       if s.status is SessionStatus.HELD),
                      key=lambda s: (s.date, s.start or dt.time.min, s.id))
        for number, session in enumerate(held, start=1):
            ratio = report.attendance_by_session.get(session.id)
            if ratio is not None:
                ids, sums = days.setdefault(number, ([], [0, 0]))
                ids.append(session.id)
                sums[0] += ratio.part
                sums[1] += ratio.whole
    return [(n, days[n][0], *days[n][1]) for n in sorted(days)]


@pytest.mark.parametrize("period", [None, (D(2021, 9, 1), None)])
def test_the_day_chart_comes_from_the_figures_too(demo_store: Store, period) -> None:
    shown = report_with_days(demo_store, period=period)
    assert shown.report == slow_report(demo_store, period=period)
    assert [(d.number, d.sessions, d.attended, d.expected) for d in shown.days] == \
        slow_days(demo_store, shown.report)
    assert shown.days  # the demo has held days
    for course in demo_store.courses.all():
        for session in demo_store.sessions(course.id).all():
            assert shown.session_courses[session.id] == course.id


def test_a_course_added_without_records_needs_no_file(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "k.json")
    from tui.domain.programmes import Programme

    with store.transaction():
        store.programmes.add(Programme(id="p", name="P"))
        store.courses.add(Course(id="c", programme_id="p", name="C"))
    assert not store.db.layout.course("c").exists()
    assert report_from_store(store) == slow_report(store)
    store.enrolments("c").add(Enrolment(course_id="c", person_id="nobody"))
    store.attendance("c").add(Attendance(course_id="c", session_id="x", person_id="nobody",
                                         mark=Mark.PRESENT))
    assert report_from_store(store) == slow_report(store)


def test_figures_left_behind_by_a_hand_edit_are_found_and_repaired(tmp_path: Path) -> None:
    from tests.conftest import run_kuffert

    store = build_small_db(tmp_path / "k.json")
    path = store.db.layout.course("K1")
    # By hand, B's absence on s2 becomes presence; the figures on the first line stay.
    text = path.read_text(encoding="utf-8")
    line = next(row for row in text.split("\n") if row.startswith(' "s2.B":'))
    path.write_text(text.replace(line, line.replace('"absent"', '"present"')),
                    encoding="utf-8")
    found = run_kuffert("check", db=store.path)
    assert found.returncode == 1 and "do not match its records" in found.stderr
    assert "K1" in found.stderr and "--repair" in found.stderr
    repaired = run_kuffert("check", "--repair", db=store.path)
    assert repaired.returncode == 0, repaired.stderr
    assert "Rewrote what is kept of 1 course." in repaired.stdout
    store = Store.open(store.path)
    assert_kept_and_same(store)
    # s2 now: A partial and B present attended, of the 4 expected.
    assert report_from_store(store).attendance_by_session["s2"].part == 2
