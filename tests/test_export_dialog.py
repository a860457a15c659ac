"""The export dialog, opened with x on the reports screen and driven with its keys."""

from __future__ import annotations

import asyncio
import csv
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from tui.app import KuffertApp
from tui.screens.reports.screen import ReportsScreen
from tui.store.store import Store
from tui.widgets.export_dialog import ExportDialog

SIZE = (80, 24)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The dialog suggests ~/kuffert-<what>.<ext>; a test must not write in the real home.
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def run(app: KuffertApp, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("6")
            await settle(pilot)
            assert isinstance(app.screen, ReportsScreen)
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, ExportDialog)
            await steps(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def messages(app: KuffertApp) -> list[str]:
    return [n.message for n in app._notifications]


def test_people_exported_as_danish_csv_with_the_dialogs_keys(
        demo_store: Store, home: Path) -> None:
    app = KuffertApp(demo_store, language="da")
    out = home / "kuffert-people.csv"

    async def steps(pilot: Pilot[None]) -> None:
        dialog = app.screen
        # What: open the list, to Courses and back to People.
        await pilot.press("enter", "down", "enter")
        assert dialog.query_one("#export-kind", Select).value == "courses"
        assert dialog.query_one("#export-path", Input).value == "~/kuffert-courses.csv"
        await pilot.press("enter", "up", "enter")
        assert dialog.query_one("#export-kind", Select).value == "people"
        # Format: Danish Excel CSV is the first; markdown is offered for journals only.
        await pilot.press("tab", "enter", "enter")
        assert dialog.query_one("#export-format", Select).value == "csv"
        formats = [value for _label, value in dialog._format_options("people")]
        assert "md" not in formats
        assert dialog.query_one("#export-path", Input).value == "~/kuffert-people.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        told = messages(app)
        assert any(str(out) in m and "54" in m for m in told), told

    run(app, steps)
    assert out.stat().st_mode & 0o777 == 0o600
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0][:4] == ["Id", "Navn", "Rolle", "Uddannelse"]
    assert len(rows) - 1 == len(demo_store.people.all())
    text = "".join(";".join(row) for row in rows)
    assert {"æ", "ø", "å"} <= set(text)
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf\xef\xbb\xbf")  # one mark only
    assert [p.name for p in home.iterdir()] == ["kuffert-people.csv"]  # no temp file left


def test_a_bad_path_is_explained_in_words_and_nothing_is_written(
        demo_store: Store, home: Path, tmp_path: Path) -> None:
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        dialog = app.screen
        # The file field, three fields down; typing replaces the suggested path.
        await pilot.press("tab", "tab", "tab", *"~/nej/x.csv", "enter")
        await settle(pilot)
        assert app.screen is dialog  # still open, for another try
        status = str(dialog.query_one("#export-status", Static).content)
        assert "Mappen" in status and "findes ikke" in status and "nej" in status
        assert any("findes ikke" in m for m in messages(app))

        # A folder is not a file either.
        await pilot.press("ctrl+u", *"~", "ctrl+s")
        await settle(pilot)
        assert "er en mappe" in str(dialog.query_one("#export-status", Static).content)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)

    run(app, steps)
    assert list(home.iterdir()) == []
    assert not (home / "nej").exists()


def test_the_database_itself_is_refused_as_the_file_to_write(
        demo_store: Store, home: Path) -> None:
    app = KuffertApp(demo_store, language="en")
    main = demo_store.path
    people = demo_store.db.layout.people_files()[0]
    before = {path: path.read_bytes() for path in (main, people)}

    async def steps(pilot: Pilot[None]) -> None:
        dialog = app.screen
        await pilot.press("tab", "tab", "tab")  # to the file field
        for target in (main, people):
            # A refused path leaves the focus in the file field, for another try.
            assert app.focused is dialog.query_one("#export-path", Input)
            await pilot.press("ctrl+u", *str(target), "ctrl+s")
            await settle(pilot)
            assert app.screen is dialog  # not even the "replace it?" question
            status = str(dialog.query_one("#export-status", Static).content)
            assert str(target) in status and "database's own file" in status, status
        await pilot.press("escape")

    run(app, steps)
    assert {path: path.read_bytes() for path in (main, people)} == before
