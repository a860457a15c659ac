"""Text from a file never drives a terminal or a spreadsheet.

A staff list whose names carry escape sequences (window title, clear screen, leave the
alternate screen, BEL, C1 codes, a bidi override) and spreadsheet formulas goes in
through the real import command; a hand-edited database carries more of the same in a
course, a place and a journal. Then every export, report and listing is made, and none
of them holds an ESC, BEL or C1 character or a live formula.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
import os
import re
from pathlib import Path

import openpyxl
import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from tests.conftest import run_kuffert
from tests.pilot import until
from tui.domain.text import has_controls, json_safe, printable
from tui.store.exports import XLSX_CELL_LIMIT, ExportError, export
from tui.store.store import Store

TITLE = "\x1b]0;pwned\x07"  # sets the terminal window's title
CLEAR = "\x1b[2J"
LEAVE = "\x1b[?1049l"  # leaves the alternate screen a full-screen program draws on
C1_CSI = "\x9b31m"
BIDI = "\u202e"
COURSE = "c-gl-f2-ilulissat-2023"
JOURNALS = "c-horsens-dagpleje"  # the demo course that keeps journals

STAFF_ROWS = [
    ["Navn", "Rolle", "Uddannelse", "Institution", "Sted", "E-mail"],
    [f"Aaja {TITLE}Bech{CLEAR}", "Leder", "Pædagog", "", "", ""],
    [f'=HYPERLINK("http://x";"Klik"){LEAVE}', "Medarbejder", "Ufaglært", "", "", ""],
    ["+Bo\x07 Berg", "Medarbejder", "Ufaglært", "", f"{C1_CSI}Nuuk", ""],
    [f"-Carl {BIDI}nesreteP", "Medarbejder", "Ufaglært", "", "", ""],
    ["@Dina\x1b[1;31m Rød", "Medarbejder", "Ufaglært", "", "", ""],
    ["\tEva Tab", "Medarbejder", "Ufaglært", "", "", ""],
    [f"Navn{TITLE} i overskrift", "Medarbejder", "Ufaglært", "", "", ""],
]
# Excel runs a cell beginning with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
C1 = re.compile("[\x80-\x9f]")


def _no_controls(where: str, text: str, *, escaped: bool = False) -> None:
    assert "\x1b" not in text, (where, text[:200])
    assert "\x07" not in text, where
    assert not C1.search(text), where
    assert BIDI not in text, where
    if not escaped:  # the sequence went as a whole, what it carried too
        assert "pwned" not in text, where


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "k.json"
    assert run_kuffert("demo", db=db).returncode == 0
    staff = folder / "staff.csv"
    with staff.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=";").writerows(STAFF_ROWS)
    imported = run_kuffert("import", "people", str(staff), db=db)
    assert imported.returncode == 0, imported.stderr
    _no_controls("import output", imported.stdout + imported.stderr)
    assert "Control characters" in imported.stdout

    # What an import cannot bring but a hand-edited file or a bundle can.
    store = Store.open(db)
    course = store.courses.get(COURSE)
    store.courses.save(dataclasses.replace(
        course, name=f"=cmd|' /C calc'!A0 {TITLE}Hold", venue=f"{CLEAR}Skolen{LEAVE}"))
    place = store.places.get(course.place_id)
    store.places.save(dataclasses.replace(place, name=f"{C1_CSI}Ilulissat{BIDI}"))
    entries = store.journal_entries(JOURNALS).all()
    store.journal_entries(JOURNALS).save(dataclasses.replace(
        entries[0], author=f"-{TITLE}Ane", text=f"Line one{CLEAR}\n=2+5\nline three\x07"))
    return db


def test_import_keeps_escape_sequences_out_of_the_database(hostile_db: Path) -> None:
    people = Store.open(hostile_db).people.all()
    names = {p.name for p in people}
    assert "Aaja Bech" in names and "+Bo Berg" in names and "-Carl nesreteP" in names
    for person in people:
        _no_controls("person", person.name)
    stored = "".join(path.read_text(encoding="utf-8")
                     for path in Store.open(hostile_db).db.layout.people_files())
    assert "Aaja Bech" in stored
    assert "\\u001b" not in stored and "\\u0007" not in stored


def _csv_cells(path: Path, plain: bool) -> list[list[str]]:
    encoding = "utf-8" if plain else "utf-8-sig"
    text = path.read_text(encoding=encoding)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="," if plain else ";"))


def _assert_no_live_formula(where: str, rows: list[list[str]]) -> int:
    neutralised = 0
    for row in rows:
        for cell in row:
            if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
                neutralised += 1
            # A number, a negative one too, is fine; text must not start a formula.
            assert not cell.startswith(FORMULA_START) or re.fullmatch(
                r"-\d+([.,]\d+)?", cell), (where, cell)
    return neutralised


def test_every_export_and_report_is_free_of_controls_and_formulas(
        hostile_db: Path, tmp_path: Path) -> None:
    neutralised: dict[str, int] = {}
    for kind in ("people", "courses", "sessions", "attendance", "journals"):
        for fmt, extra in (("csv", ()), ("csv", ("--plain",)), ("xlsx", ()), ("json", ()),
                           ("md", ())):
            if fmt == "md" and kind != "journals":
                continue
            out = tmp_path / f"{kind}-{fmt}{'-plain' if extra else ''}.{fmt}"
            done = run_kuffert("export", kind, "--format", fmt, *extra, "--out", str(out),
                               db=hostile_db)
            assert done.returncode == 0, done.stderr
            _no_controls(f"{out.name} messages", done.stdout + done.stderr)
            if fmt == "xlsx":
                book = openpyxl.load_workbook(out)
                for sheet in book.worksheets:
                    for row in sheet.iter_rows():
                        for cell in row:
                            if isinstance(cell.value, str):
                                _no_controls(out.name, cell.value)
                                # Stored as text, never as a formula.
                                assert cell.data_type == "s", (out.name, cell.value)
                continue
            data = out.read_bytes()
            assert b"\x1b" not in data and b"\x07" not in data, out.name
            text = data.decode("utf-8")
            # JSON keeps every value, controls written as \u001b: inert in a terminal.
            _no_controls(out.name, text, escaped=fmt == "json")
            if fmt == "csv":
                neutralised[out.name] = _assert_no_live_formula(
                    out.name, _csv_cells(out, plain=bool(extra)))
            if fmt == "json" and kind == "courses":
                courses = json.loads(text)["tables"]["courses"]
                assert any(c["name"] == f"=cmd|' /C calc'!A0 {TITLE}Hold" for c in courses)
    # Worked out by hand: the people carry "=HYPERLINK", "+Bo", "-Carl" and "@Dina" (the
    # tab before "Eva Tab" went at the import, like any space around a value); "=cmd..."
    # is in the courses export once and in the sessions export once per session (3).
    assert neutralised["people-csv.csv"] == neutralised["people-csv-plain.csv"] == 4
    assert neutralised["courses-csv.csv"] == neutralised["courses-csv-plain.csv"] == 1
    assert neutralised["sessions-csv.csv"] == neutralised["sessions-csv-plain.csv"] == 3
    # The author "-Ane" of the one entry; its text starts "Line one", not a formula.
    assert neutralised["journals-csv.csv"] == neutralised["journals-csv-plain.csv"] == 1

    for args in (("report",), ("report", "--format", "json"), ("report", "--format", "csv"),
                 ("report", "--format", "csv", "--plain")):
        done = run_kuffert(*args, db=hostile_db)
        assert done.returncode == 0, done.stderr
        _no_controls(" ".join(args), done.stdout + done.stderr, escaped="json" in args)
        if "csv" in args:
            plain = "--plain" in args
            rows = list(csv.reader(io.StringIO(done.stdout, newline=""),
                                   delimiter="," if plain else ";"))
            _assert_no_live_formula(" ".join(args), rows)
    for args, name in ((("summary", "--course", COURSE), "s.md"),
                       (("calendar", "--course", COURSE), "c.ics")):
        out = tmp_path / name
        done = run_kuffert(*args, "--out", str(out), db=hostile_db)
        assert done.returncode == 0, done.stderr
        _no_controls(name, out.read_text(encoding="utf-8") + done.stdout + done.stderr)
    listing = run_kuffert("export", "sessions", "--course", "nope", "--out",
                          str(tmp_path / "x.csv"), db=hostile_db)
    _no_controls("an error listing the course ids", listing.stderr)


def test_the_sign_in_sheet_holds_no_control_characters(hostile_db: Path) -> None:
    from tui.store.sheet import collect, render

    store = Store.open(hostile_db)
    session = store.sessions(COURSE).all()[0]
    import io

    from pypdf import PdfReader

    pdf = render(collect(store, COURSE, session.id))
    # The embedded font is binary (any byte may occur in it): read the text back instead.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert text and "pwned" not in text
    assert not any(has_controls(line) for line in text.splitlines()), text


def test_an_xlsx_cell_over_excels_limit_is_refused_in_words(
        hostile_db: Path, tmp_path: Path) -> None:
    store = Store.open(hostile_db)
    entries = store.journal_entries(JOURNALS)
    long_entry = entries.all()[1]
    # 32,767 is Excel's limit; one character more cannot be stored whole.
    entries.save(dataclasses.replace(long_entry, text="a" * (XLSX_CELL_LIMIT + 1)))
    out = tmp_path / "j.xlsx"
    with pytest.raises(ExportError) as caught:
        export(store, "journals", "xlsx", out, course_id=JOURNALS)
    text = str(caught.value)
    assert f"{XLSX_CELL_LIMIT + 1}" in text and "Text" in text and "JSON" in text
    assert "Markdown" in text and "Journal entries" in text
    assert not out.exists() and not list(tmp_path.iterdir())
    done = run_kuffert("export", "journals", "--format", "xlsx", "--course", JOURNALS,
                       "--out", str(out), db=hostile_db)
    assert done.returncode != 0 and "JSON" in done.stderr and not out.exists()
    # The JSON export keeps the whole text.
    export(store, "journals", "json", tmp_path / "j.json", course_id=JOURNALS)
    document = json.loads((tmp_path / "j.json").read_text(encoding="utf-8"))
    texts = [e["text"] for e in document["tables"]["journal_entries"]]
    assert "a" * (XLSX_CELL_LIMIT + 1) in texts
    # Exactly at the limit is fine.
    entries.save(dataclasses.replace(entries.get(long_entry.id), text="b" * XLSX_CELL_LIMIT))
    export(store, "journals", "xlsx", out, course_id=JOURNALS)
    assert out.exists()


def test_the_people_list_shows_a_hostile_name_without_its_sequences(
        hostile_db: Path) -> None:
    from tui.app import KuffertApp
    from tui.domain.people import Person, Qualification, Role
    from tui.screens.registry.people import PeopleScreen
    from tui.screens.registry.people_table import PeopleTable
    from tui.widgets.form import FormScreen

    store = Store.open(hostile_db)
    # As a hand-edited file or a bundle could bring it; the import would have cleaned it.
    store.people.add(Person(name=f"Zakæus {TITLE}Kleist{LEAVE}{C1_CSI}", role=Role.EMPLOYEE,
                            qualification=Qualification.PEDAGOGUE))
    app = KuffertApp(store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.press("3")
            await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
            await pilot.press("slash", *"zak")
            table = app.screen.query_one("#people-table", PeopleTable)
            await until(pilot, lambda: table.row_count == 1)
            await pilot.press("tab")  # to the list: its row is shown beside it
            await pilot.pause()
            shown = [table.shown_cells(key)[0] for key in table.row_ids()]
            assert shown == ["Zakæus Kleist"]
            # What the terminal is sent: the whole screen, through Textual's filters.
            screen = app.export_screenshot()
            _no_controls("the people screen", screen)
            assert "Zakæus&#160;Kleist" in screen  # spaces are &#160; in the SVG
            # Any other widget showing the stored text as it is (the edit form's title
            # and its name field) is caught by the app's last filter.
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, FormScreen))
            await pilot.pause()
            screen = app.export_screenshot()
            _no_controls("the edit form", screen)
            assert "Zakæus" in screen and "Kleist" in screen

    asyncio.run(main())


# --- the pure functions ---------------------------------------------------------------


@pytest.mark.parametrize(("raw", "single", "multi"), [
    ("Anna\x1b]0;pwned\x07 Berg", "Anna Berg", "Anna Berg"),
    ("A\x1b[2JB\x1b[?1049l", "AB", "AB"),
    ("\x9b31mRød\x9b0m", "Rød", "Rød"),
    ("Ab\u202eCD\u2066", "AbCD", "AbCD"),
    ("one\r\ntwo\tthree", "one two three", "one\ntwo\tthree"),
    ("\x1b]2;unended\nnext line", " next line", "\nnext line"),
    ("æøå Ååø", "æøå Ååø", "æøå Ååø"),
    ("x\x00y\x7fz\x85w", "xyz w", "xyz\nw"),
])
def test_printable(raw: str, single: str, multi: str) -> None:
    assert printable(raw) == single
    assert printable(raw, multiline=True) == multi


def test_json_safe_keeps_the_value_but_not_the_raw_control() -> None:
    document = json.dumps({"name": "a\x9bb\u202ec\x1b"}, ensure_ascii=False)
    safe = json_safe(document)
    assert not C1.search(safe) and "\u202e" not in safe and "\x1b" not in safe
    assert json.loads(safe) == {"name": "a\x9bb\u202ec\x1b"}
