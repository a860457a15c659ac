"""The reports screen, driven with keys at 80x24 against the real demo database.

The figures on screen must be the figures of ``kuffert report``: both come from
``report_from_store``, and these tests read them back from what the tables render.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from tests.conftest import run_kuffert
from tui.app import KuffertApp
from tui.domain.parse import parse_date
from tui.domain.reports import report_to_json
from tui.screens.reports.drilldown import DrillDownScreen
from tui.screens.reports.screen import FigureTable, ReportsScreen
from tui.store.reporting import report_from_store
from tui.store.store import Store
from tui.widgets.bar_chart import Bar, bar_lines
from tui.widgets.record_table import RecordTable

SIZE = (80, 24)
HORSENS = "prog-horsens-1000"


def run(app: KuffertApp, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.press("6")
            await settle(pilot)
            assert isinstance(app.screen, ReportsScreen)
            await steps(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def lines(widget: Widget) -> list[str]:
    """What the widget draws, line by line, as plain text."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def figure(app: KuffertApp, table_id: str, label: str) -> str:
    """The value drawn at the end of the row whose label is ``label``."""
    table = app.screen.query_one(f"#{table_id}", FigureTable)
    pattern = re.compile(rf"^\s*{re.escape(label)}\s{{2,}}(.+?)\s*$")
    found = [m.group(1) for line in lines(table) if (m := pattern.match(line))]
    assert len(found) == 1, (label, lines(table))
    return found[0]


def test_the_demo_report_on_screen_is_the_report_of_kuffert_report(demo_store: Store) -> None:
    expected = report_to_json(report_from_store(demo_store))
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        trained = int(figure(app, "trained-role", "Uddannet i alt"))
        roles = {
            "leader": int(figure(app, "trained-role", "Leder")),
            "deputy": int(figure(app, "trained-role", "Souschef")),
            "employee": int(figure(app, "trained-role", "Medarbejder")),
            "childminder": int(figure(app, "trained-role", "Dagplejer")),
        }
        held = int(figure(app, "sessions", "Afholdt"))
        postponed = int(figure(app, "sessions", "Udskudt"))
        # The same as the headless report ...
        assert trained == expected["trained_total"]
        assert roles == expected["trained_by_role"]
        assert held == expected["sessions_held"]
        assert postponed == expected["sessions_postponed"]
        # ... and as counted by hand in data/demo.json.
        assert trained == 38
        assert roles == {"leader": 6, "deputy": 2, "employee": 18, "childminder": 12}
        assert (held, postponed) == (15, 3)
        assert figure(app, "sessions", "på grund af: Vejr") == "3"
        assert figure(app, "sessions", "Udskudt, venter stadig på ny dato") == "2"
        assert figure(app, "attendance", "Fremmøde på afholdte dage") == "93,9 % (153 af 163)"
        # 821 h of cover (see tests/test_reports.py) at 250 kr.
        assert figure(app, "cover", "Udgift") == "205.250,00 kr."

        # The chart beside the municipalities draws one bar per row, ending in its number.
        municipalities = expected["trained_by_municipality"]
        assert int(figure(app, "trained-municipality", "Horsens Kommune")) == municipalities[
            "dk-mun-horsens"]
        bars = [b for b in lines(app.screen.query_one("#chart-municipality")) if b.strip()]
        assert len(bars) == len(municipalities)
        assert bars[0].rstrip().endswith(" 22") and "█" in bars[0]
        assert len(bars[0].split()[0]) > len(bars[1].split()[0])  # 22 is longer than 9

        # Attendance by day adds up to the report's attendance.
        days = [figure(app, "attendance-day", f"Dag {n}") for n in range(1, 6)]
        parts = [tuple(int(x) for x in d.split(" af ")) for d in days]
        assert sum(p for p, _w in parts) == expected["attendance"]["part"]
        assert sum(w for _p, w in parts) == expected["attendance"]["whole"]

        scope = str(app.screen.query_one("#reports-scope", Static).content)
        assert "alle programmer, hele tiden" in scope and "Forløb: 6" in scope

    run(app, steps)


def test_filtering_to_horsens_in_2021_shows_22_trained(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("f")
        await pilot.pause()
        # Programme: open the list, All programmes -> the 1000-day programme (by name).
        await pilot.press("enter", "down", "enter", "tab")
        await pilot.press(*"01-01-2021", "tab", *"31-12-2021", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.filters.programme_id == HORSENS

        period = (parse_date("01-01-2021").value, parse_date("31-12-2021").value)
        expected = report_to_json(report_from_store(demo_store, programme_id=HORSENS,
                                                    period=period))
        assert expected["trained_total"] == 22
        assert figure(app, "trained-role", "Uddannet i alt") == "22"
        assert figure(app, "trained-role", "Leder") == "0"
        assert figure(app, "trained-role", "Dagplejer") == str(
            expected["trained_by_role"]["childminder"])
        scope = str(app.screen.query_one("#reports-scope", Static).content)
        assert "1000-dagesprogrammet" in scope and "01-01-2021 – 31-12-2021" in scope

    run(app, steps)


def test_enter_on_leaders_lists_the_six_leaders(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")
    leaders = report_from_store(demo_store).trained_by_role["leader"]
    names = {p.id: p.name for p in demo_store.people.all()}

    async def steps(pilot: Pilot[None]) -> None:
        table = app.screen.query_one("#trained-role", FigureTable)
        assert app.screen.focused is table and table.cursor_row == 0  # Leder
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillDownScreen)
        listed = app.screen.query_one("#drill-table", RecordTable)
        assert listed.row_count == 6
        shown = [str(listed.get_row_at(row)[0]) for row in range(listed.row_count)]
        assert sorted(shown) == sorted(names[pid] for pid in leaders)
        assert all(str(listed.get_row_at(row)[1]) == "Leder"
                   for row in range(listed.row_count))
        title = str(app.screen.query_one("#drill-title", Static).content)
        assert title == "Uddannede: Leder (6)"

        # "/" searches as you type; escape goes back to the same figure.
        await pilot.press("slash", *"nuuk")
        await pilot.pause()
        assert 0 < listed.row_count < 6
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.focused is table and table.cursor_row == 0

    run(app, steps)


def test_the_cursor_runs_from_one_table_into_the_next(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        roles = app.screen.query_one("#trained-role", FigureTable)
        for _ in range(roles.row_count):
            await pilot.press("down")
        await pilot.pause()
        qualifications = app.screen.query_one("#trained-qualification", FigureTable)
        assert app.screen.focused is qualifications and qualifications.cursor_row == 0
        await pilot.press("up")
        assert app.screen.focused is roles and roles.cursor_row == roles.row_count - 1
        # Far down, the screen has scrolled with the cursor.
        for _ in range(12):
            await pilot.press("down")
        await pilot.pause()
        focused = app.screen.focused
        assert isinstance(focused, FigureTable) and focused.id != "trained-role"
        assert app.screen.query_one("#reports-body").scroll_y > 0
        # A row of sessions drills down to sessions.
        sessions = app.screen.query_one("#sessions", FigureTable)
        sessions.focus()
        sessions.move_cursor(row=2)  # Udskudt
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillDownScreen)
        rows = app.screen.query_one("#drill-table", RecordTable)
        assert rows.row_count == 3
        assert all("Vejr" in str(rows.get_row_at(r)[3]) for r in range(3))

    run(app, steps)


def test_r_saves_the_report_as_kuffert_report_writes_it(
        demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    out = tmp_path / "r.json"
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("r")
        await pilot.pause()
        # Format: Text -> JSON; then the file (each key costs a test a tenth of a second).
        await pilot.press("enter", "down", "enter", "tab", *"~/r.json", "ctrl+s")
        await settle(pilot)
        assert any(str(out) in n.message for n in app._notifications)

    run(app, steps)
    assert out.stat().st_mode & 0o777 == 0o600
    cli = run_kuffert("report", "--format", "json", db=demo_store.path)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(cli.stdout)


def test_without_colour_the_report_still_reads(demo_store: Store,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = KuffertApp(demo_store, language="en")

    async def steps(pilot: Pilot[None]) -> None:
        assert app.no_color
        assert figure(app, "trained-role", "Trained in total") == "38"
        assert figure(app, "trained-role", "Leader") == "6"
        # Every action has a key with an id, so that users can move it.
        ids = {b.binding.id for b in app.screen.active_bindings.values()}
        assert {"reports.filter", "reports.drilldown", "reports.export",
                "reports.export_report"} <= ids

    run(app, steps)


def test_bars_are_shapes_with_their_numbers() -> None:
    drawn = bar_lines([Bar("Horsens", 22), Bar("Kujalleq", 9), Bar("Nul", 0)], 40)
    assert all(len(line) <= 40 for line in drawn)
    assert drawn[0].startswith("Horsens ") and drawn[0].endswith(" 22")
    assert drawn[0].count("█") > drawn[1].count("█") > 0
    assert "█" not in drawn[2] and drawn[2].endswith(" 0")
    # Too narrow for bars: the numbers are still there.
    assert bar_lines([Bar("A", 1), Bar("B", 2)], 4, labels=False) == ["1", "2"]
    # Shares are drawn against the whole: a half is half the bar's room.
    half = bar_lines([Bar("", 0.5, "50 %")], 25, labels=False, full=1.0)[0]
    assert half.count("█") == 10 and half.endswith(" 50 %")


def test_coming_back_to_the_reports_shows_others_changes(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")
    leader = report_from_store(demo_store).trained_by_role["leader"][0]

    async def steps(pilot: Pilot[None]) -> None:
        assert figure(app, "trained-role", "Leder") == "6"
        await pilot.press("1")
        await pilot.pause()
        # Another user, another process: erased from the same database files.
        Store.open(demo_store.path).erase_person(leader)
        await pilot.press("6")
        await settle(pilot)
        assert figure(app, "trained-role", "Leder") == "5"
        assert figure(app, "trained-role", "Uddannet i alt") == "37"

    run(app, steps)
