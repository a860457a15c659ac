"""What the screens look like at 80x24. Regenerate after a deliberate change with
``pytest tests/test_snapshots.py --snapshot-update`` and look at the SVGs before keeping
them (``tests/__snapshots__/test_snapshots/``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot

APPS = Path(__file__).parent / "snapshot_apps"
SIZE = (80, 24)
SnapCompare = Callable[..., bool]


async def settled(pilot: Pilot[None]) -> None:
    # The dashboard reads the store in a worker; the picture is taken once it is done.
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_dashboard_with_demo_data(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "demo_dashboard.py", terminal_size=SIZE, run_before=settled)


def test_help_over_dashboard(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "demo_dashboard.py", terminal_size=SIZE, run_before=settled,
                        press=["question_mark"])


def test_empty_database(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "empty_database.py", terminal_size=SIZE, run_before=settled)


async def attendance_grid(pilot: Pilot[None]) -> None:
    await settled(pilot)
    pilot.app.open_attendance("c-horsens-dagpleje")  # type: ignore[attr-defined]
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_attendance_grid(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "demo_dashboard.py", terminal_size=SIZE,
                        run_before=attendance_grid)


def test_attendance_grid_without_colour(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "demo_no_color.py", terminal_size=SIZE,
                        run_before=attendance_grid)
