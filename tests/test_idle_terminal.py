"""What Kuffert writes to a real terminal: nothing while a screen is idle, and a mark's
cell and totals (not the whole screen) after a key. Over SSH every repaint is bytes on a
slow link; windows are long enough (5 s idle, 3 s after a key) to catch every repaint."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bench.bench_attendance import Terminal


def _bytes_within(terminal: Terminal, seconds: float) -> int:
    written = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        written += len(terminal._read(0.05))
    return written


def _show(terminal: Terminal, key: bytes, marker: bytes = b"", quiet: float = 0.5) -> None:
    """Press ``key``; return once ``marker`` (data a worker fills in: the last thing the
    screen draws) has been written and then nothing for ``quiet`` seconds. Waiting for
    that, not a fixed 2.5-3 s, is what the idle window after it needs."""
    os.write(terminal.fd, key)
    written = bytearray()
    deadline = time.monotonic() + 30
    last = time.monotonic()
    while True:
        data = terminal._read(0.05)
        now = time.monotonic()
        if data:
            written += data
            last = now
        elif marker in written and now - last >= quiet:
            return
        if now > deadline:
            raise TimeoutError(f"{marker!r} not shown; got {bytes(written[-400:])!r}")


# What each screen shows last, from the demo data (the same in Danish and English).
COURSES, PROVIDER, PARTICIPANT = b"Tasiilaq", b"VIA University College", b"Anja Thomsen"
SECTIONS = ((b"1", "overview", b""), (b"2", "courses", COURSES),
            (b"3", "people", b"Aviaja"), (b"4", "programmes", b"01-01-2022"),
            (b"5", "places", b"Aappilattoq"), (b"6", "reports", "\u2588".encode()))


@pytest.fixture
def terminal(demo_folder: Path) -> Iterator[Terminal]:
    """Kuffert on (a copy of) the demo database in a real 80x24 pty, as over SSH."""
    db = demo_folder / "k.json"
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
    for key, section, marker in SECTIONS:
        _show(terminal, key, marker)
        found[section] = _bytes_within(terminal, 5.0)
    # A course opened from the list, and its attendance grid: screens on top of others,
    # which once made the whole screen repaint every 2 s.
    _show(terminal, b"2", COURSES)
    _show(terminal, b"\r", PROVIDER)
    found["course"] = _bytes_within(terminal, 5.0)
    _show(terminal, b"a", PARTICIPANT)
    found["attendance"] = _bytes_within(terminal, 5.0)
    assert found == dict.fromkeys(found, 0), found


def test_a_mark_repaints_its_cell_and_totals_not_the_screen(terminal: Terminal) -> None:
    for key, marker in ((b"2", COURSES), (b"\r", PROVIDER), (b"a", PARTICIPANT)):
        _show(terminal, key, marker)
    costs = []
    for key in (b"f", b"k", b"t", b"k", b"m"):  # mark, back up, mark again ...
        os.write(terminal.fd, key)
        costs.append(_bytes_within(terminal, 3.0))
    # A full 80x24 repaint is about 18 KB; a mark with its totals is under 1 KB here.
    assert max(costs[0::2]) < 4000, costs
