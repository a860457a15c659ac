"""An idle screen writes nothing to the terminal: over SSH every repaint is bytes on a
slow link. Measured in a real pty, over 5 s of idleness per screen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.bench.bench_attendance import Terminal

IDLE = 5.0


def _settle(terminal: Terminal, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        terminal._read(0.05)


def _bytes_while_idle(terminal: Terminal) -> int:
    written = 0
    end = time.monotonic() + IDLE
    while time.monotonic() < end:
        written += len(terminal._read(0.05))
    return written


def test_every_section_and_the_course_screen_write_nothing_while_idle(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "demo"],
                   capture_output=True, check=True)
    terminal = Terminal([sys.executable, "-m", "tui", "--db", str(db), "--low-bandwidth"])
    try:
        terminal.wait_for(b"Kuffert", 30, quiet=1.0)
        found = {}
        for key, section in ((b"1", "overview"), (b"2", "courses"), (b"3", "people"),
                             (b"4", "programmes"), (b"5", "places"), (b"6", "reports")):
            os.write(terminal.fd, key)
            _settle(terminal, 2.5)
            found[section] = _bytes_while_idle(terminal)
        # A course opened from the list, and its attendance grid: screens on top of
        # others, which once made the whole screen repaint every 2 s.
        os.write(terminal.fd, b"2")
        _settle(terminal, 2.5)
        os.write(terminal.fd, b"\r")
        _settle(terminal, 3.0)
        found["course"] = _bytes_while_idle(terminal)
        os.write(terminal.fd, b"a")
        _settle(terminal, 3.0)
        found["attendance"] = _bytes_while_idle(terminal)
    finally:
        terminal.proc.kill()
        terminal.proc.wait()
    assert found == dict.fromkeys(found, 0), found


def test_a_mark_repaints_its_cell_and_totals_not_the_screen(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "demo"],
                   capture_output=True, check=True)
    terminal = Terminal([sys.executable, "-m", "tui", "--db", str(db), "--low-bandwidth"])
    try:
        terminal.wait_for(b"Kuffert", 30, quiet=1.0)
        for key, wait in ((b"2", 2.5), (b"\r", 3.0), (b"a", 3.0)):
            os.write(terminal.fd, key)
            _settle(terminal, wait)
        costs = []
        for key in (b"f", b"k", b"t", b"k", b"m"):  # mark, back up, mark again ...
            os.write(terminal.fd, key)
            written, end = 0, time.monotonic() + 3.0  # every repaint the key causes
            while time.monotonic() < end:
                written += len(terminal._read(0.05))
            costs.append(written)
    finally:
        terminal.proc.kill()
        terminal.proc.wait()
    # A full 80x24 repaint is about 18 KB; a mark with its totals is under 1 KB here.
    assert max(costs[0::2]) < 4000, costs
