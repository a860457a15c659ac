"""What Kuffert writes to a real terminal: nothing while a screen is idle, and a mark's
cell and totals (not the whole screen) after a key. Over SSH every repaint is bytes on a
slow link; windows are long enough (5 s idle, 3 s after a key) to catch every repaint."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bench.bench_attendance import Terminal


def _settle(terminal: Terminal, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        terminal._read(0.05)


def _bytes_within(terminal: Terminal, seconds: float) -> int:
    written = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        written += len(terminal._read(0.05))
    return written


def _press(terminal: Terminal, key: bytes, settle: float) -> None:
    os.write(terminal.fd, key)
    _settle(terminal, settle)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """Kuffert on the demo database in a real 80x24 pty, as over SSH."""
    db = tmp_path / "k.json"
    subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "demo"],
                   capture_output=True, check=True)
    running = Terminal([sys.executable, "-m", "tui", "--db", str(db), "--low-bandwidth"])
    try:
        running.wait_for(b"Kuffert", 30, quiet=1.0)
        yield running
    finally:
        running.proc.kill()
        running.proc.wait()


def test_every_section_and_the_course_screen_write_nothing_while_idle(
        terminal: Terminal) -> None:
    found = {}
    for key, section in ((b"1", "overview"), (b"2", "courses"), (b"3", "people"),
                         (b"4", "programmes"), (b"5", "places"), (b"6", "reports")):
        _press(terminal, key, 2.5)
        found[section] = _bytes_within(terminal, 5.0)
    # A course opened from the list, and its attendance grid: screens on top of others,
    # which once made the whole screen repaint every 2 s.
    _press(terminal, b"2", 2.5)
    _press(terminal, b"\r", 3.0)
    found["course"] = _bytes_within(terminal, 5.0)
    _press(terminal, b"a", 3.0)
    found["attendance"] = _bytes_within(terminal, 5.0)
    assert found == dict.fromkeys(found, 0), found


def test_a_mark_repaints_its_cell_and_totals_not_the_screen(terminal: Terminal) -> None:
    for key, wait in ((b"2", 2.5), (b"\r", 3.0), (b"a", 3.0)):
        _press(terminal, key, wait)
    costs = []
    for key in (b"f", b"k", b"t", b"k", b"m"):  # mark, back up, mark again ...
        os.write(terminal.fd, key)
        costs.append(_bytes_within(terminal, 3.0))
    # A full 80x24 repaint is about 18 KB; a mark with its totals is under 1 KB here.
    assert max(costs[0::2]) < 4000, costs
