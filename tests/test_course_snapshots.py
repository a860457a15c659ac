"""What the course list and a course look like at 80x24, in Danish. Regenerate after a
deliberate change with ``pytest tests/test_course_snapshots.py --snapshot-update`` and
look at the SVGs (``tests/__snapshots__/test_course_snapshots/``) before keeping them."""

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
    # The screens read the store in workers; the picture is taken once they are done.
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_course_list(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "course_list.py", terminal_size=SIZE, run_before=settled)


def test_course_days_with_practice_periods(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "course_screen.py", terminal_size=SIZE, run_before=settled)


def test_course_overview(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "course_screen.py", terminal_size=SIZE, run_before=settled,
                        press=["left_square_bracket"])


def test_course_participants(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "course_screen.py", terminal_size=SIZE, run_before=settled,
                        press=["right_square_bracket"])
