"""The printable sign-in sheet and the `kuffert sheet` command."""

from __future__ import annotations

import argparse
import io
import os
import stat
from pathlib import Path

import pypdf
import pytest

from tui.cli import sheet as cli_sheet
from tui.domain.attendance import Grid
from tui.i18n import set_language
from tui.store.demo import load_demo
from tui.store.sheet import SheetData, SheetRow, collect, pdf_text, render, write_sheet
from tui.store.store import Store

COURSE = "c-horsens-dagpleje"
SESSION = "s-horsens-dagpleje-1"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store.open(tmp_path_factory.mktemp("sheet") / "k.json")
    load_demo(s)
    return s


def shown(pdf: bytes) -> list[str]:
    """What each page of the PDF shows, as a PDF reader extracts it."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_sheet_for_a_demo_session(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    set_language("da")
    count = write_sheet(store, COURSE, SESSION, out, compress=False)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert count == 12
    (page,) = shown(data)
    for text in ("Susanne Kjær", "Dagplejen Horsens, område Nord", "mandag 16-08-2021",
                 "09:00–15:50", "Campus Horsens", "5-dages læringsforløb for dagplejen 2021",
                 "Timer", "Underskrift"):
        assert text in page, text
    # Twelve enrolled, then five numbered blank rows for walk-ins: 13 to 17.
    lines = page.splitlines()
    assert lines[lines.index("13") - 1].startswith("12 ")  # right after the twelfth
    assert [n for n in ("13", "14", "15", "16", "17", "18") if n in lines] == [
        "13", "14", "15", "16", "17"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_sheet_rows_follow_the_grids_order(store: Store) -> None:
    data = collect(store, COURSE, SESSION)
    names = {p.id: p.name for p in store.people.all()}
    grid = Grid(store.sessions(COURSE).all(), store.enrolments(COURSE).all(), names, [],
                store.courses.get(COURSE).completion)
    assert [row.name for row in data.rows] == [names[p] for p in grid.person_ids
                                               if grid.cell(p, SESSION).expected]


def test_an_existing_file_is_replaced_and_made_private(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"old")
    out.chmod(0o644)
    write_sheet(store, COURSE, SESSION, out)
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_long_lists_break_pages_and_repeat_the_heading() -> None:
    rows = tuple(SheetRow(f"Deltager {i:03d} Ærø", "Vuggestuen Ukaliusaq") for i in range(70))
    data = SheetData("Kursusform 2 – personale, Qaqortoq 2023", "tirsdag 21-03-2023",
                     "09:00–15:00", "Qaqortoq", "Naja Lynge", "", rows)
    pages = shown(render(data, compress=False))
    assert len(pages) >= 3
    assert all("Kursusform 2 – personale, Qaqortoq 2023" in page for page in pages)
    assert any("Deltager 069 Ærø" in page for page in pages)


def test_names_print_in_their_own_letters_and_only_what_no_font_has_is_reduced() -> None:
    rows = (SheetRow("Ĉeĥa ĸuupik Bőrge\tŁucja", "Illu 中"),)
    (page,) = shown(render(SheetData("Kursus", "d", "t", "p", "", "", rows)))
    assert "Ĉeĥa ĸuupik Bőrge Łucja" in page
    assert "Illu ?" in page  # no Chinese in the font
    # A letter the font lacks becomes its base letter when the font has that.
    assert pdf_text("Ĉe", covered={ord("C"), ord("e")}) == "Ce"


def test_a_name_of_20000_characters_is_cut_to_its_cell() -> None:
    rows = (SheetRow("Å" + "x" * 19_999, "Vuggestuen " * 2_000),)
    (page,) = shown(render(SheetData("Kursus", "d", "t", "p", "", "", rows)))
    row = next(line for line in page.splitlines() if line.startswith("1 Åx"))
    name, institution = row.removeprefix("1 ").split(" ", 1)
    assert name.endswith("…") and len(name) < 60
    assert institution.endswith("…") and len(institution) < 60


def _run(store: Store, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    cli_sheet.register(sub, lambda p: None)
    args = parser.parse_args(list(argv))
    return args.handler(args, store)


def test_command_writes_the_sheet(store: Store, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "day1.pdf"
    assert _run(store, "sheet", SESSION, "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert str(out) in capsys.readouterr().out


def test_command_refuses_an_unknown_session(store: Store, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    assert _run(store, "sheet", "s-nope", "--out", str(out)) == 1
    assert "s-nope" in capsys.readouterr().err
    assert not out.exists()
