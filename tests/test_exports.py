"""Exports and calendars, read back the way a spreadsheet or a calendar app reads them."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat
from pathlib import Path

import icalendar
import openpyxl
import pytest

import tui.cli.main as cli_main
from tui.domain.courses import Course, PostponeReason, Session, SessionStatus
from tui.domain.ordering import name_key
from tui.domain.places import Place, PlaceKind
from tui.store.calendar import build_calendar, course_calendar
from tui.store.codec import decode
from tui.store.demo import load_demo
from tui.store.exports import (
    Column,
    ExportError,
    Table,
    UnknownCourse,
    csv_cell,
    export,
    journals_markdown,
    write_xlsx,
)
from tui.store.store import COURSE_TABLES, Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store.open(tmp_path_factory.mktemp("demo") / "k.json")
    load_demo(store)
    return store


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _danish_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def test_xlsx_has_real_dates_and_numbers(demo: Store, tmp_path: Path) -> None:
    out = tmp_path / "sessions.xlsx"
    assert export(demo, "sessions", "xlsx", out) == 19
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    date_col, hours_col = header.index("Date") + 1, header.index("Hours") + 1
    first = sheet.cell(row=2, column=date_col)
    assert isinstance(first.value, dt.datetime) and first.number_format == "dd-mm-yyyy"
    assert first.value.date() == dt.date(2022, 9, 13)
    hours = [sheet.cell(row=r, column=hours_col).value for r in range(2, sheet.max_row + 1)]
    assert all(isinstance(h, int | float) for h in hours) and 7.4 in hours
    assert sheet.column_dimensions["C"].width > 20  # course names are long

    marks = tmp_path / "attendance.xlsx"
    export(demo, "attendance", "xlsx", marks, course_id="c-horsens-dagpleje")
    sheet = openpyxl.load_workbook(marks).active
    header = [c.value for c in sheet[1]]
    partial = [row for row in sheet.iter_rows(min_row=2, values_only=True)
               if row[header.index("Attendance")] == "Partly present"]
    assert partial and partial[0][header.index("Hours")] == 3.5


def test_danish_csv_opens_in_excel(demo: Store, tmp_path: Path) -> None:
    out = tmp_path / "people.csv"
    export(demo, "people", "csv", out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _danish_rows(out)
    assert rows[0][:3] == ["Id", "Name", "Role"]
    assert len(rows) == 55
    assert any(row[1] == "Mette Sørensen" for row in rows)
    # By name, in Danish order (the registry's files keep people in no order of theirs).
    names = [row[1] for row in rows[1:]]
    assert names == sorted(names, key=name_key) and names != sorted(names, reverse=True)

    sessions = tmp_path / "sessions.csv"
    export(demo, "sessions", "csv", sessions, course_id="c-horsens-dagpleje")
    rows = _danish_rows(sessions)
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Date"] == "16-08-2021" and first["Hours"] == "7,4"
    assert first["Venue"] == "Campus Horsens"
    assert "Iagttag ét barn" in first["Practice task"]


def test_plain_csv(demo: Store, tmp_path: Path) -> None:
    out = tmp_path / "sessions.csv"
    export(demo, "sessions", "csv", out, course_id="c-horsens-dagpleje", plain=True)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["Date"] == "2021-08-16" and rows[0]["Hours"] == "7.4"
    assert len(rows) == 5


def test_json_round_trips(demo: Store, tmp_path: Path) -> None:
    for kind, tables in [("people", ["people"]), ("courses", ["courses"]),
                         ("sessions", ["sessions"]), ("attendance", ["attendance"]),
                         ("journals", ["journals", "journal_entries", "journal_goals"])]:
        out = tmp_path / f"{kind}.json"
        export(demo, kind, "json", out)
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["kuffert_export"] == kind
        for table in tables:
            if table in ("people", "courses"):
                cls, stored = type(getattr(demo, table).all()[0]), getattr(demo, table).all()
            else:
                cls = COURSE_TABLES[table]
                stored = [r for c in demo.courses.all() for r in getattr(demo, table)(c.id).all()]
            reread = [decode(cls, d["id"], d) for d in data["tables"][table]]
            assert sorted(reread, key=lambda r: r.id) == sorted(stored, key=lambda r: r.id)
            assert reread, table


def test_journals_as_markdown(demo: Store, tmp_path: Path) -> None:
    out = tmp_path / "journals.md"
    assert export(demo, "journals", "md", out, course_id="c-horsens-vuggestue") == 1
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 5-dages læringsforløb for vuggestuer 2021")
    assert "## Hvordan får de stille børn plads ved frokosten?" in text
    for heading in ("#### 1. Wonder", "#### 3. Goals", "#### 8. Evaluation"):
        assert heading in text
    assert text.index("#### 1. Wonder") < text.index("#### 3. Goals")
    assert "Tre-fire børn får næsten aldrig ordet ved frokostbordet." in text
    # Goals are listed in phase 3 and evaluated in phase 8.
    goal = "Hvert barn ved bordet får mindst én gang"
    assert text.count(goal) == 2 and "**Reached**" in text
    assert "1 of 2 goals reached." in text
    # One journal of the whole course, or all courses'.
    one, count = journals_markdown(demo, journal_id="j-hd-dp-01")
    assert count == 1 and "Tryghed ved aflevering om morgenen" in one
    _, count = journals_markdown(demo)
    assert count == 3


def test_exports_are_private_and_atomic(demo: Store, tmp_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        stale = tmp_path / "people.csv"
        stale.write_text("old")
        os.chmod(stale, 0o644)
        for fmt, name in [("csv", "people.csv"), ("xlsx", "people.xlsx"),
                          ("json", "people.json")]:
            export(demo, "people", fmt, tmp_path / name)
            assert _mode(tmp_path / name) == 0o600, name
        export(demo, "journals", "md", tmp_path / "j.md")
        assert _mode(tmp_path / "j.md") == 0o600
        # A file planted at the temp name an older Kuffert used is neither reused (its
        # mode would pass on) nor written through.
        planted = tmp_path / f".s.csv.{os.getpid()}.tmp"
        planted.write_text("half")
        os.chmod(planted, 0o666)
        export(demo, "sessions", "csv", tmp_path / "s.csv")
        assert _mode(tmp_path / "s.csv") == 0o600
        assert planted.read_text() == "half" and _mode(planted) == 0o666
    finally:
        os.umask(old_umask)
    left = [p for p in tmp_path.glob(".*.tmp") if p != planted]
    assert not left, "a temp file was left behind"


def test_an_interrupted_export_leaves_no_file(demo: Store, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []

    def stop_halfway(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 3:
            raise KeyboardInterrupt

    out = tmp_path / "attendance.csv"
    with pytest.raises(KeyboardInterrupt):
        export(demo, "attendance", "csv", out, progress=stop_halfway)
    assert not out.exists() and not list(tmp_path.glob(".*"))
    assert seen == [(1, 6), (2, 6), (3, 6)]


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    # The plain dialect too (issue 10): any spreadsheet may open it.
    assert csv_cell("=1+1", plain=True) == "'=1+1"
    assert csv_cell("-5 kr.", plain=True) == "'-5 kr." and csv_cell("@x") == "'@x"
    assert csv_cell(-5) == "-5" and csv_cell(-2.5, plain=True) == "-2.5"  # numbers stay
    assert csv_cell(7.4) == "7,4" and csv_cell(7.4, plain=True) == "7.4"
    assert csv_cell(dt.date(2026, 11, 24)) == "24-11-2026"
    out = tmp_path / "t.xlsx"
    write_xlsx([Table("T", [Column("Name"), Column("Day", "date")],
                      [["=1+1", dt.date(2026, 1, 2)]])], out, database=None)
    cell = openpyxl.load_workbook(out).active["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_export_mistakes(demo: Store, tmp_path: Path) -> None:
    with pytest.raises(UnknownCourse) as caught:
        export(demo, "sessions", "csv", tmp_path / "x.csv", course_id="no-such-course")
    assert "no-such-course" in str(caught.value) and "c-horsens-dagpleje" in str(caught.value)
    with pytest.raises(ExportError):
        export(demo, "people", "md", tmp_path / "x.md")
    assert not list(tmp_path.iterdir())


def test_export_command(demo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    if "tui.cli.reporting" not in cli_main.COMMAND_MODULES:
        monkeypatch.setattr(cli_main, "COMMAND_MODULES",
                            [*cli_main.COMMAND_MODULES, "tui.cli.reporting"])
    monkeypatch.setenv("KUFFERT_LANG", "en")
    monkeypatch.setenv("KUFFERT_CONFIG", os.devnull)
    db = str(demo.path)
    out = tmp_path / "a.xlsx"
    assert cli_main.main(["export", "attendance", "--format", "xlsx", "--out", str(out),
                          "--db", db]) == 0
    assert "(records: 163)" in capsys.readouterr().out and out.exists()
    assert cli_main.main(["export", "sessions", "--course", "nope", "--out",
                          str(tmp_path / "s.csv"), "--db", db]) == 1
    assert "There is no course with the id nope" in capsys.readouterr().err
    assert cli_main.main(["export", "people", "--format", "md", "--out",
                          str(tmp_path / "p.md"), "--db", db]) == 2
    assert "only for journals" in capsys.readouterr().err
    assert cli_main.main(["export", "people", "--out", str(tmp_path / "no" / "p.csv"),
                          "--db", db]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and ".tmp" not in err
    ics = tmp_path / "hold.ics"
    assert cli_main.main(["calendar", "--course", "c-gl-f2-ilulissat-2023", "--out", str(ics),
                          "--db", db]) == 0
    assert "(sessions: 3)" in capsys.readouterr().out
    assert _mode(ics) == 0o600


# --- calendars -----------------------------------------------------------------------


def test_course_calendar(demo: Store) -> None:
    calendar = icalendar.Calendar.from_ical(course_calendar(demo, "c-gl-f2-ilulissat-2023"))
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 3
    day1 = events["s-gl-f2-ilulissat-1@kuffert"]
    start = day1.decoded("dtstart")
    assert start == dt.datetime(2023, 4, 18, 9, 0, tzinfo=start.tzinfo)
    assert str(start.tzinfo) == "America/Nuuk" and start.utcoffset() == dt.timedelta(hours=-2)
    assert day1.decoded("dtend").hour == 15
    assert str(day1["status"]) == "CONFIRMED" and int(day1["sequence"]) == 1
    assert str(day1["location"]) == "Børnehaven Nattoralik, Ilulissat"
    assert "Kursusform 2 – personale, Ilulissat 2023" in str(day1["summary"])
    postponed = events["s-gl-f2-ilulissat-2@kuffert"]
    assert str(postponed["status"]) == "CANCELLED"
    assert "16-05-2023" in str(postponed["description"])
    assert any(c.name == "VTIMEZONE" for c in calendar.subcomponents)

    horsens = icalendar.Calendar.from_ical(course_calendar(demo, "c-horsens-dagpleje"))
    first = horsens.walk("VEVENT")[0].decoded("dtstart")
    assert str(first.tzinfo) == "Europe/Copenhagen"
    with pytest.raises(UnknownCourse):
        course_calendar(demo, "nope")


def test_calendar_all_day_cancelled_and_updates() -> None:
    places = {"gl": Place(id="gl", name="Tasiilaq", kind=PlaceKind.TOWN)}
    course = Course(id="k", programme_id="p", name="Hold", place_id="gl", venue="Salen")
    sessions = [
        Session(id="a", course_id="k", date=dt.date(2026, 3, 2), version=4),
        Session(id="b", course_id="k", date=dt.date(2026, 3, 3),
                status=SessionStatus.CANCELLED),
        Session(id="c", course_id="k", date=dt.date(2026, 3, 4), start=dt.time(9),
                hours=2.5, status=SessionStatus.POSTPONED,
                postpone_reason=PostponeReason.ILLNESS),
    ]
    parsed = icalendar.Calendar.from_ical(build_calendar(course, sessions, places).to_ical())
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    whole_day = events["a@kuffert"]
    assert whole_day.decoded("dtstart") == dt.date(2026, 3, 2)
    assert whole_day.decoded("dtend") == dt.date(2026, 3, 3)
    assert int(whole_day["sequence"]) == 4
    assert str(events["b@kuffert"]["status"]) == "CANCELLED"
    waiting = events["c@kuffert"]
    assert str(waiting["status"]) == "CANCELLED"
    assert "not been set" in str(waiting["description"])
    assert waiting.decoded("dtend") - waiting.decoded("dtstart") == dt.timedelta(hours=2.5)
    assert str(whole_day["location"]) == "Salen, Tasiilaq"
