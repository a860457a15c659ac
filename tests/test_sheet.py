"""The printable sign-in sheet and the `kuffert sheet` command."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

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


def pdf_bytes_of(text: str) -> bytes:
    # Uncompressed, the core fonts' text sits in the file in their encoding (cp1252).
    return pdf_text(text).encode("cp1252")


def test_sheet_for_a_demo_session(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    set_language("da")
    count = write_sheet(store, COURSE, SESSION, out, compress=False)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert count == 12
    for text in ("Susanne Kjær", "Dagplejen Horsens, område Nord", "mandag 16-08-2021",
                 "09:00–15:50", "Campus Horsens", "5-dages læringsforløb for dagplejen 2021"):
        assert pdf_bytes_of(text) in data, text
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
    pdf = render(data, compress=False)
    pages = pdf.count(b"/Type /Page\n")
    assert pages >= 3
    assert pdf.count(pdf_bytes_of("Kursusform 2 – personale, Qaqortoq 2023")) >= pages
    assert pdf_bytes_of("Deltager 069 Ærø") in pdf


def test_text_outside_the_core_fonts_is_reduced_not_refused() -> None:
    assert pdf_text("Ĉeĥa ĸ\tæøå “–”") == "Ceha ? æøå “–”"


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
