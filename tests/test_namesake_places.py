"""Two settlements of one name (Greenland has two Aappilattoq and two Tasiusaq) are told
apart by their municipality in every file a user gets from the real commands: the
sign-in sheet, the calendar, the course summary, the exports and the report."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import run_kuffert
from tests.pilot import until
from tests.test_courses_screen import open_course, rows, run
from tui.app import KuffertApp
from tui.domain.courses import Course, Enrolment, Session
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.screens.registry.people import PeopleScreen
from tui.screens.registry.people_table import PeopleTable
from tui.store.shipped_places import add_places, shipped
from tui.store.store import Store

# The shipped ids and municipality names (data/places_gl.json).
KUJALLEQ_AAPPILATTOQ = "gl-set-aappilattoq-kujalleq"
AVANNAATA_TASIUSAQ = "gl-set-tasiusaq-avannaata"
AAPPILATTOQ = "Aappilattoq (Kommune Kujalleq)"
TASIUSAQ = "Tasiusaq (Avannaata Kommunia)"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A course held in Aappilattoq (Kujalleq) whose second day is in Tasiusaq
    (Avannaata), no venue typed, so the place alone says where."""
    store = Store.open(tmp_path / "k.json")
    add_places(store, shipped("places_gl.json"))
    store.programmes.add(Programme(id="p", name="Initiativ 3"))
    store.courses.add(Course(id="c", programme_id="p", name="Kursus i bygderne",
                             place_id=KUJALLEQ_AAPPILATTOQ))
    store.sessions("c").add_many([
        Session(id="s1", course_id="c", date=dt.date(2026, 3, 2), start=dt.time(9),
                end=dt.time(15)),
        Session(id="s2", course_id="c", date=dt.date(2026, 3, 3), start=dt.time(9),
                end=dt.time(15), place_id=AVANNAATA_TASIUSAQ)])
    store.people.add(Person(id="p1", name="Naja Lynge", role=Role.EMPLOYEE,
                            qualification=Qualification.UNSKILLED,
                            place_id=AVANNAATA_TASIUSAQ))
    store.enrolments("c").add(Enrolment(course_id="c", person_id="p1",
                                        enrolled_on=dt.date(2026, 2, 1)))
    return store.path


def ok(*args: str, db: Path) -> None:
    done = run_kuffert(*args, db=db)
    assert done.returncode == 0, done.stderr


def test_the_sign_in_sheet_names_the_municipality(db: Path, tmp_path: Path) -> None:
    for session, place in (("s1", AAPPILATTOQ), ("s2", TASIUSAQ)):
        out = tmp_path / f"{session}.pdf"
        ok("sheet", session, "--out", str(out), db=db)
        (page,) = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages]
        assert place in page


def test_the_calendar_locations_name_the_municipality(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.ics"
    ok("calendar", "--course", "c", "--out", str(out), db=db)
    # Unfolded: a long iCalendar line continues on the next after a space.
    text = out.read_text(encoding="utf-8").replace("\r\n ", "")
    locations = [line for line in text.splitlines() if line.startswith("LOCATION")]
    assert locations == [f"LOCATION:{AAPPILATTOQ}", f"LOCATION:{TASIUSAQ}"]


def test_the_course_summary_names_the_municipality(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.md"
    ok("summary", "--course", "c", "--out", str(out), db=db)
    assert AAPPILATTOQ in out.read_text(encoding="utf-8")


def test_the_exports_name_the_municipality(db: Path, tmp_path: Path) -> None:
    found: dict[str, list[dict[str, str]]] = {}
    for table in ("courses", "sessions", "people"):
        out = tmp_path / f"{table}.csv"
        ok("export", table, "--plain", "--out", str(out), db=db)
        found[table] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    (course,) = found["courses"]
    assert AAPPILATTOQ in course.values()
    # Day 1 is held at the course's place, day 2 at its own.
    assert [next(v for v in s.values() if v in (AAPPILATTOQ, TASIUSAQ))
            for s in found["sessions"]] == [AAPPILATTOQ, TASIUSAQ]
    (person,) = found["people"]
    assert TASIUSAQ in person.values()


def test_the_report_filtered_to_a_namesake_names_its_municipality(db: Path) -> None:
    done = run_kuffert("report", "--place", KUJALLEQ_AAPPILATTOQ, db=db)
    assert done.returncode == 0, done.stderr
    assert f"place {AAPPILATTOQ}" in done.stdout


def test_the_register_and_the_course_days_name_the_municipality(db: Path) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, PeopleScreen)
                    and app.screen.query_one(PeopleTable).row_count)
        # Naja's own place is the Tasiusaq in Avannaata, cut in the middle to the column's
        # 12 cells: the first 5, an ellipsis, the last 6 ("Tasiu" … "munia)"); the other
        # Tasiusaq would end "alleq)".
        assert app.screen.query_one(PeopleTable).shown_cells("p1")[-1] == "Tasiu…munia)"
        await open_course(app, pilot, "bygderne")
        await pilot.press("right_square_bracket")  # the days
        await until(pilot, lambda: app.screen.active_tab == "sessions"
                    and app.screen.focused is app.screen.query_one("#sessions-table")
                    and list(rows(app, "sessions-table")) == ["s1", "practice:s1", "s2"])

        def detail() -> str:
            return str(app.screen.query_one("#session-detail", Static).render())

        # The table's narrow Place column is cut; the line under it names the day's place
        # in full: day 1 at the course's place, day 2 (after the practice row) at its own.
        await until(pilot, lambda: AAPPILATTOQ in detail())
        await pilot.press("down", "down")
        await until(pilot, lambda: TASIUSAQ in detail())

    run(Store.open(db), steps)
