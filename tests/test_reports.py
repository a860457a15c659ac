"""The report's figures, checked against numbers worked out by hand.

The small database below is built through the real store; every expected number in the
tests is counted by hand from it (the comments show the counting), not by calling the
code under test a second way.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import tui.cli.main as cli_main
from tests.conftest import run_kuffert
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
from tui.domain.journals import (
    GoalOutcome,
    GoalRating,
    Journal,
    JournalEntry,
    JournalGoal,
    Phase,
)
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, InstitutionKind, Place, PlaceKind
from tui.domain.programmes import LearningGoal, Programme
from tui.domain.reports import UNKNOWN, report_rows, report_to_json, report_to_text
from tui.i18n import set_language
from tui.store.demo import load_demo
from tui.store.reporting import report_from_store
from tui.store.store import Store

D = dt.date
T = dt.time


def _mark(course: str, session: str, person: str, mark: Mark, **extra: float) -> Attendance:
    return Attendance(id=attendance_id(session, person), course_id=course, session_id=session,
                      person_id=person, mark=mark, **extra)


def build_small_db(path: Path) -> Store:
    """Two municipalities, two courses, seven people. See the module's tests for the sums.

    Places: Nord (T1 town, S1 settlement, S2 settlement), Syd (T2 town).
    Institutions: I1 at T1, I2 at S1, I3 and I4 at T2.
    People:
      A leader, pedagogue, T1/I1          B deputy, unskilled, -/I2 (so S1, Nord)
      C employee, unskilled, T2/I3        D childminder, ped. assistant, no place
      E employee, pedagogue, T2/I3        F employee, unskilled, T1/I1
      G childminder, other, no place, no institution
    Course K1 (programme P, rate 200 kr/h), at T1, at least 2 days:
      s1 01-03-2024 held     s2 15-03-2024 held     s3 01-04-2024 postponed (weather) -> s4
      s4 20-04-2024 held     s5 01-05-2024 cancelled
      enrolled A (7.4 h cover), B (7.4 h), C (completed by hand), D; E withdrew (3 h)
      s1: A B D E present, C absent
      s2: A partial 3 h, B absent, C excused, D absent
      s4: A absent, B present (2 h cover), D absent; C not marked
    Course K2 (programme Q, no rate), at T2, no minimum set:
      t1 10-06-2024 held (no times)   t2 11-06-2024 postponed (illness), no new date
      enrolled F (5 h cover), C, G; A waitlisted
      t1: F present, C absent, G present
    """
    store = Store.open(path)
    store.places.add_many([
        Place(id="M1", name="Kommune Nord", kind=PlaceKind.MUNICIPALITY),
        Place(id="T1", name="Byen", kind=PlaceKind.TOWN, municipality_id="M1"),
        Place(id="S1", name="Bygden", kind=PlaceKind.SETTLEMENT, municipality_id="M1"),
        Place(id="S2", name="Fjeldet", kind=PlaceKind.SETTLEMENT, municipality_id="M1"),
        Place(id="M2", name="Kommune Syd", kind=PlaceKind.MUNICIPALITY),
        Place(id="T2", name="Sydby", kind=PlaceKind.TOWN, municipality_id="M2"),
    ])
    store.institutions.add_many([
        Institution(id="I1", name="Børnehaven Sol", kind=InstitutionKind.KINDERGARTEN,
                    place_id="T1"),
        Institution(id="I2", name="Bygdens dagpleje", kind=InstitutionKind.CHILDMINDING,
                    place_id="S1"),
        Institution(id="I3", name="Vuggestuen Måge", kind=InstitutionKind.NURSERY,
                    place_id="T2"),
        Institution(id="I4", name="Integreret Ø", kind=InstitutionKind.INTEGRATED,
                    place_id="T2"),
    ])
    store.people.add_many([
        Person(id="A", name="Aaja", role=Role.LEADER, qualification=Qualification.PEDAGOGUE,
               place_id="T1", institution_id="I1"),
        Person(id="B", name="Bo", role=Role.DEPUTY, qualification=Qualification.UNSKILLED,
               institution_id="I2"),
        Person(id="C", name="Cæcilie", role=Role.EMPLOYEE,
               qualification=Qualification.UNSKILLED, place_id="T2", institution_id="I3"),
        Person(id="D", name="Dorthe", role=Role.CHILDMINDER,
               qualification=Qualification.PEDAGOGICAL_ASSISTANT),
        Person(id="E", name="Eli", role=Role.EMPLOYEE, qualification=Qualification.PEDAGOGUE,
               place_id="T2", institution_id="I3"),
        Person(id="F", name="Frede", role=Role.EMPLOYEE,
               qualification=Qualification.UNSKILLED, place_id="T1", institution_id="I1"),
        Person(id="G", name="Gry", role=Role.CHILDMINDER, qualification=Qualification.OTHER),
    ])
    store.programmes.add_many([
        Programme(id="P", name="Program P", substitute_hourly_rate=200.0, learning_goals=[
            LearningGoal(key="g1", audience="staff", text="Goal one"),
            LearningGoal(key="g2", audience="staff", text="Goal two"),
        ]),
        Programme(id="Q", name="Program Q"),
    ])
    store.courses.add_many([
        Course(id="K1", programme_id="P", name="Kursus Nord", place_id="T1",
               completion=CompletionRule(min_sessions=2)),
        Course(id="K2", programme_id="Q", name="Kursus Syd", place_id="T2",
               completion=CompletionRule(min_sessions=0)),
    ])
    nine, three = T(9, 0), T(15, 0)
    store.sessions("K1").add_many([
        Session(id="s1", course_id="K1", date=D(2024, 3, 1), start=nine, end=three,
                status=SessionStatus.HELD),
        Session(id="s2", course_id="K1", date=D(2024, 3, 15), start=nine, end=three,
                status=SessionStatus.HELD),
        Session(id="s3", course_id="K1", date=D(2024, 4, 1), start=nine, end=three,
                status=SessionStatus.POSTPONED, postpone_reason=PostponeReason.WEATHER,
                replaced_by="s4"),
        Session(id="s4", course_id="K1", date=D(2024, 4, 20), start=nine, end=three,
                status=SessionStatus.HELD),
        Session(id="s5", course_id="K1", date=D(2024, 5, 1), status=SessionStatus.CANCELLED),
    ])
    store.sessions("K2").add_many([
        Session(id="t1", course_id="K2", date=D(2024, 6, 10), status=SessionStatus.HELD),
        Session(id="t2", course_id="K2", date=D(2024, 6, 11), status=SessionStatus.POSTPONED,
                postpone_reason=PostponeReason.ILLNESS),
    ])
    store.enrolments("K1").add_many([
        Enrolment(id="k1a", course_id="K1", person_id="A", substitute_hours=7.4),
        Enrolment(id="k1b", course_id="K1", person_id="B", substitute_hours=7.4),
        Enrolment(id="k1c", course_id="K1", person_id="C", status=EnrolmentStatus.COMPLETED),
        Enrolment(id="k1d", course_id="K1", person_id="D"),
        Enrolment(id="k1e", course_id="K1", person_id="E", status=EnrolmentStatus.WITHDRAWN,
                  substitute_hours=3.0),
    ])
    store.enrolments("K2").add_many([
        Enrolment(id="k2f", course_id="K2", person_id="F", substitute_hours=5.0),
        Enrolment(id="k2c", course_id="K2", person_id="C"),
        Enrolment(id="k2g", course_id="K2", person_id="G"),
        Enrolment(id="k2a", course_id="K2", person_id="A", status=EnrolmentStatus.WAITLISTED),
    ])
    store.attendance("K1").add_many([
        _mark("K1", "s1", "A", Mark.PRESENT), _mark("K1", "s1", "B", Mark.PRESENT),
        _mark("K1", "s1", "C", Mark.ABSENT), _mark("K1", "s1", "D", Mark.PRESENT),
        _mark("K1", "s1", "E", Mark.PRESENT),
        _mark("K1", "s2", "A", Mark.PARTIAL, hours=3.0), _mark("K1", "s2", "B", Mark.ABSENT),
        _mark("K1", "s2", "C", Mark.EXCUSED), _mark("K1", "s2", "D", Mark.ABSENT),
        _mark("K1", "s4", "A", Mark.ABSENT),
        _mark("K1", "s4", "B", Mark.PRESENT, substitute_hours=2.0),
        _mark("K1", "s4", "D", Mark.ABSENT),
    ])
    store.attendance("K2").add_many([
        _mark("K2", "t1", "F", Mark.PRESENT), _mark("K2", "t1", "C", Mark.ABSENT),
        _mark("K2", "t1", "G", Mark.PRESENT),
    ])
    store.ratings("K1").add_many([
        GoalRating(id="r1", course_id="K1", person_id="A", goal_key="g1", before=2, after=4),
        GoalRating(id="r2", course_id="K1", person_id="B", goal_key="g1", before=3, after=4),
        GoalRating(id="r3", course_id="K1", person_id="D", goal_key="g1", before=1),
        GoalRating(id="r4", course_id="K1", person_id="A", goal_key="g2", before=1, after=2),
    ])
    store.journals("K1").add_many([
        Journal(id="J1", course_id="K1", title="Ro ved frokosten", person_id="A"),
        Journal(id="J2", course_id="K1", group_name="PLF Nord", member_ids=["B", "D"]),
    ])
    store.journal_entries("K1").add_many([
        JournalEntry(id=f"e{phase}", course_id="K1", journal_id="J1", phase=Phase(phase),
                     date=D(2024, 3, phase), text=f"Entry in phase {phase}")
        for phase in (1, 3, 5)
    ])
    store.journal_goals("K1").add_many([
        JournalGoal(id="jg1", course_id="K1", journal_id="J1", text="Alle får ordet",
                    outcome=GoalOutcome.REACHED),
        JournalGoal(id="jg2", course_id="K1", journal_id="J1", text="Færre afbrydelser",
                    outcome=GoalOutcome.PARTLY),
    ])
    return store


@pytest.fixture
def small(tmp_path: Path) -> Store:
    return build_small_db(tmp_path / "k.json")


def test_whole_database(small: Store) -> None:
    report = report_from_store(small)
    # K1 (at least 2 days): A attended s1 and 3 of s2's 6 hours, which is 1.5 days,
    # short of 2; B s1 + s4, C by hand; D only s1. K2 (no minimum, so 1 day): F and G
    # present on t1, C absent.
    assert sorted(report.trained_people) == ["B", "C", "F", "G"]
    assert report.trained_total == 4
    assert {k: sorted(v) for k, v in report.trained_by_role.items()} == {
        "leader": [], "deputy": ["B"], "employee": ["C", "F"], "childminder": ["G"]}
    assert {k: len(v) for k, v in report.trained_by_qualification.items()} == {
        "unskilled": 3, "pedagogical_assistant": 0, "pedagogue": 0, "other": 1}
    # B has no place of their own: their institution I2 is in S1, which is in Nord.
    assert {k: sorted(v) for k, v in report.trained_by_municipality.items()} == {
        "M1": ["B", "F"], "M2": ["C"], UNKNOWN: ["G"]}

    # Participants: K1 A B C D (E withdrew), K2 F C G (A only waitlisted) -> 6 people;
    # unskilled among them B C F.
    assert sorted(report.participants) == ["A", "B", "C", "D", "F", "G"]
    assert (report.unskilled_share.part, report.unskilled_share.whole) == (3, 6)
    assert report.unskilled_share.value == 0.5
    assert (report.pedagogue_share.part, report.pedagogue_share.whole) == (0, 4)
    # Completions per course: K1 2 of 4 (B, C), K2 2 of 3.
    assert (report.completion.part, report.completion.whole) == (4, 7)

    assert sorted(report.sessions_held) == ["s1", "s2", "s4", "t1"]
    assert report.sessions_planned == []
    assert sorted(report.sessions_postponed) == ["s3", "t2"]
    assert report.postponed_by_reason == {"weather": ["s3"], "illness": ["t2"]}
    assert report.postponed_waiting == ["t2"]
    assert report.sessions_cancelled == ["s5"]

    # s1: expected A B C D + E (marked though withdrawn) = 5, present A B D E = 4.
    # s2: expected 4, attended A = 1. s4: expected 4, attended B = 1, C unmarked.
    # t1: expected F C G = 3, attended 2. Total 8 of 16.
    by_session = {k: (v.part, v.whole) for k, v in report.attendance_by_session.items()}
    assert by_session == {"s1": (4, 5), "s2": (1, 4), "s4": (1, 4), "t1": (2, 3)}
    assert (report.attendance.part, report.attendance.whole) == (8, 16)
    assert report.unmarked == [("s4", "C")]
    assert (report.courses["K1"].attendance.part, report.courses["K1"].attendance.whole) \
        == (6, 13)

    # Cover, day by day. K1 has 4 days (s3 lives on as s4), so a share is a quarter of
    # the planned hours. A (7.4 h, share 1.85): s1 present 1.85, s2 partial 3 h capped
    # at the share 1.85, s4 absent 0, s5 cancelled 0 = 3.7. B (share 1.85): s1 1.85,
    # s2 absent 0, s4 booked 2.0 = 3.85. E (withdrew, 3.0 h, share 0.75): present on s1
    # = 0.75. K1 = 8.3 h at 200 kr = 1660 kr. K2 has 2 days (t2 waits for a date): F
    # (5.0 h, share 2.5) present on t1 = 2.5 h, A on the waiting list 0; no rate.
    assert report.courses["K1"].substitute_hours == pytest.approx(8.3)
    assert report.substitute_hours == pytest.approx(10.8)
    assert report.substitute_cost == pytest.approx(1660.0)
    assert report.substitute_hours_unpriced == pytest.approx(2.5)

    reach = {r.municipality_id: r for r in report.reach}
    assert set(reach) == {"M1", "M2"}
    assert sorted(reach["M1"].institutions_reached) == ["I1", "I2"]
    assert sorted(reach["M1"].places_reached) == ["S1", "T1"]
    assert reach["M1"].places_not_reached == ["S2"]
    assert (len(reach["M2"].institutions_reached), len(reach["M2"].institutions_known)) \
        == (1, 2)
    assert reach["M2"].institutions_not_reached == ["I4"]

    # g1 pairs: A 2->4, B 3->4 (D rated only before): 2.5 -> 4.0. g2: A 1->2.
    goals = {g.goal_key: g for g in report.goal_changes}
    assert goals["g1"].rated == 2 and goals["g1"].text == "Goal one"
    assert goals["g1"].before_mean == 2.5 and goals["g1"].after_mean == 4.0
    assert goals["g1"].change == 1.5
    assert goals["g2"].rated == 1 and goals["g2"].change == 1.0

    journals = {j.journal_id: j for j in report.courses["K1"].journals}
    assert journals["J1"].highest_phase is Phase.ACTION
    assert len(journals["J1"].entry_ids) == 3
    assert journals["J1"].goals_by_outcome["reached"] == ["jg1"]
    assert journals["J2"].highest_phase is None


def test_a_period_counts_what_happened_in_it(small: Store) -> None:
    report = report_from_store(small, period=(D(2024, 3, 1), D(2024, 3, 31)))
    # Only K1 has days in March. A never met the rule (1.5 days); B only on 20 April;
    # C's hand-marked completion dates from the last held day, 20 April.
    assert list(report.courses) == ["K1"]
    assert report.trained_people == []
    assert sorted(report.sessions_held) == ["s1", "s2"]
    assert report.sessions_postponed == [] and report.sessions_cancelled == []
    # s1 4 of 5 + s2 1 of 4.
    assert (report.attendance.part, report.attendance.whole) == (5, 9)
    # Cover on s1 and s2 only: A 1.85 + 1.85, B 1.85 + 0, E 0.75 = 6.3.
    assert report.substitute_hours == pytest.approx(6.3)
    # An open end: from 1 April on, B and C (20 April) in K1, F and G in K2.
    later = report_from_store(small, period=(D(2024, 4, 1), None))
    assert sorted(later.trained_people) == ["B", "C", "F", "G"]


def test_programme_and_place_filters(small: Store) -> None:
    q = report_from_store(small, programme_id="Q")
    assert list(q.courses) == ["K2"]
    assert sorted(q.trained_people) == ["F", "G"]
    assert q.postponed_waiting == ["t2"]
    assert q.substitute_cost is None and q.substitute_hours_unpriced == pytest.approx(2.5)
    # A municipality takes in the courses held in its towns: K2 is at T2 in Syd.
    syd = report_from_store(small, place_id="M2")
    assert list(syd.courses) == ["K2"]
    assert list(report_from_store(small, place_id="T1").courses) == ["K1"]
    assert report_from_store(small, place_id="S2").courses == {}


def test_json_and_text(small: Store) -> None:
    report = report_from_store(small)
    data = report_to_json(report)
    json.dumps(data)  # serialisable as it is
    assert data["trained_total"] == 4
    assert data["trained_by_role"] == {"leader": 0, "deputy": 1, "employee": 2,
                                       "childminder": 1}
    assert data["trained_by_municipality"] == {"M1": 2, "M2": 1, "unknown": 1}
    assert (data["sessions_held"], data["sessions_postponed"], data["sessions_cancelled"]) \
        == (4, 2, 1)
    assert data["attendance_rate"] == 0.5
    assert data["substitute_hours"] == 10.8 and data["substitute_cost"] == 1660.0
    assert data["unskilled_share"] == 0.5
    assert sorted(data["ids"]["trained_people"]) == ["B", "C", "F", "G"]
    assert ("trained_by_role", "deputy", 1) in report_rows(report)

    text = report_to_text(report)
    assert "Trained in total: 4" in text
    # Nord has the most trained, so the longest bar (30 marks); Syd half of it.
    nord = next(line for line in text.splitlines() if line.startswith("Kommune Nord"))
    syd = next(line for line in text.splitlines() if line.startswith("Kommune Syd"))
    assert "#" * 30 in nord and nord.rstrip().endswith("2")
    assert syd.count("#") == 15 and syd.rstrip().endswith("1")
    assert "Not yet reached: Fjeldet" in text
    assert "50.0 % (8 of 16)" in text

    set_language("da")
    danish = report_to_text(report)
    assert "50,0 %" in danish and "1.660,00 kr." in danish
    assert "Uddannet i alt: 4" in danish


# --- the command ---------------------------------------------------------------------


@pytest.fixture
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the subcommands in-process, whether or not main.py lists the module yet."""
    if "tui.cli.reporting" not in cli_main.COMMAND_MODULES:
        monkeypatch.setattr(cli_main, "COMMAND_MODULES",
                            [*cli_main.COMMAND_MODULES, "tui.cli.reporting"])
    monkeypatch.setenv("KUFFERT_LANG", "en")
    monkeypatch.setenv("KUFFERT_CONFIG", "/dev/null")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "k.json"
    load_demo(Store.open(path))
    return path


# The demo, counted by hand from data/demo.json:
# - trained: Nuuk 8 and Qaqortoq 8 (9 enrolled each, one missed a day of two),
#   Horsens childminding 11 and nursery 11 (12 each, 4 of 5 days); Ilulissat has held
#   one of its two days and Tasiilaq none, so 38. Leaders 6, deputies 2, employees 18,
#   childminders 12; 22 of them in Horsens.
# - sessions: 15 held, Ilulissat's day 2 and Tasiilaq's two days postponed by weather.
# - attendance: 153 present or partial of 163 marks on held days.
# - cover: 24 Horsens enrolments x 37 h = 888 h planned, 7.4 h a day; each course has
#   4 absent or excused days (-29.6 h) and one partial day of 3.5 h (-3.9 h), so
#   888 - 2 x 33.5 = 821 h at 250 kr.
# - unskilled: 17 of the 54 enrolled.
DEMO_FIGURES = {
    "trained_total": 38,
    "trained_by_role": {"leader": 6, "deputy": 2, "employee": 18, "childminder": 12},
    "sessions_held": 15,
    "sessions_postponed": 3,
    "sessions_cancelled": 0,
    "attendance_rate": round(153 / 163, 4),
    "substitute_hours": 821.0,
    "unskilled_share": round(17 / 54, 4),
}


def _check_demo(data: dict) -> None:
    for key, value in DEMO_FIGURES.items():
        assert data[key] == value, key
    assert data["trained_by_municipality"]["dk-mun-horsens"] == 22
    assert data["substitute_cost"] == 821 * 250


def test_demo_report_in_process(wired: None, demo_db: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["report", "--format", "json", "--db", str(demo_db)]) == 0
    _check_demo(json.loads(capsys.readouterr().out))
    assert cli_main.main(["report", "--db", str(demo_db)]) == 0
    text = capsys.readouterr().out
    assert "Trained in total: 38" in text and "Horsens Kommune" in text
    assert cli_main.main(["report", "--format", "csv", "--db", str(demo_db)]) == 0
    assert "trained_total;;38" in capsys.readouterr().out
    assert cli_main.main(["report", "--programme", "prog-horsens-1000", "--from",
                          "01-01-2021", "--to", "31-12-2021", "--format", "json",
                          "--db", str(demo_db)]) == 0
    assert json.loads(capsys.readouterr().out)["trained_total"] == 22


@pytest.mark.skipif("tui.cli.reporting" not in cli_main.COMMAND_MODULES,
                    reason="tui.cli.reporting is not yet in COMMAND_MODULES")
def test_demo_report_as_a_command(demo_db: Path) -> None:
    result = run_kuffert("report", "--format", "json", db=demo_db)
    assert result.returncode == 0, result.stderr
    _check_demo(json.loads(result.stdout))
    bad = run_kuffert("report", "--from", "31-02-2023", db=demo_db)
    assert bad.returncode == 2 and "--from" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("args, words", [
    (["--from", "2023-13-01"], ["--from", "month 13", "24-11-2026"]),
    (["--from", "yesterday"], ["--from", "is not a date", "24-11-2026"]),
    (["--to", "31-02-2023"], ["--to", "There is no 31 February 2023"]),
    (["--from", "01-06-2023", "--to", "01-01-2023"], ["before it starts"]),
    (["--programme", "nope"], ["no programme with the id nope", "prog-gl-3"]),
    (["--place", "nowhere"], ["no place with the id nowhere"]),
])
def test_report_mistakes_are_explained(wired: None, demo_db: Path, args: list[str],
                                       words: list[str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["report", *args, "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, err
    assert "Traceback" not in err
