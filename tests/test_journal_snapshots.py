"""The journal's phase stepper at 80x24. Regenerate after a deliberate change with
``pytest tests/test_journal_snapshots.py --snapshot-update`` and look at the SVGs before
keeping them (``tests/__snapshots__/test_journal_snapshots/``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot

from tui.widgets.phase_stepper import stepper_text

APPS = Path(__file__).parent / "snapshot_apps"
SIZE = (80, 24)
SnapCompare = Callable[..., bool]


async def settled(pilot: Pilot[None]) -> None:
    # The journal is read in a worker; on a busy machine the worker may not have started
    # when the first wait returns, and keys pressed then met an empty screen.
    for _ in range(250):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if getattr(pilot.app.screen, "journal", None) is not None:
            break
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_journal_on_its_evaluation_phase(snap_compare: SnapCompare) -> None:
    assert snap_compare(APPS / "journal_stepper.py", terminal_size=SIZE, run_before=settled)


def test_journal_on_its_goals_phase(snap_compare: SnapCompare) -> None:
    async def back_to_goals(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press(*["left"] * 5)
        await settled(pilot)

    assert snap_compare(APPS / "journal_stepper.py", terminal_size=SIZE,
                        run_before=back_to_goals)


def test_the_strip_names_every_phase_when_there_is_room() -> None:
    from tui.domain.journals import Phase

    wide = stepper_text(Phase.GOALS, {Phase.WONDER}, 200).plain
    assert wide.startswith("1 Wonder ✓ › 2 Knowledge › [3 Goals] › 4 Planning")
    narrow = stepper_text(Phase.GOALS, {Phase.WONDER}, 78).plain
    assert narrow == "1✓ › 2 › [3 Goals] › 4 › 5 › 6 › 7 › 8 › 9"
    tiny = stepper_text(Phase.IMPLEMENTATION, set(Phase), 30).plain
    assert tiny == "1✓›2✓›3✓›4✓›5✓›6✓›7✓›8✓›[9 Implementation ✓]"
