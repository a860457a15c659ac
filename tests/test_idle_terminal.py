"""What Kuffert writes to a real terminal: nothing while a screen is idle, and a mark's
cell and totals (not the whole screen) after a key. Over SSH every repaint is bytes on a
slow link; windows are long enough (5 s idle, 3 s after a key) to catch every repaint."""

from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from tests.bench.bench_attendance import Terminal


def _bytes_within(terminal: Terminal, seconds: float) -> int:
    written = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        written += len(terminal._read(0.05))
    return written


# What each screen shows last, from the demo data (the same in Danish and English; the
# reports' is a programme's share of its target).
COURSES, PROVIDER, PARTICIPANT = b"Tasiilaq", b"VIA University College", b"Anja Thomsen"
SECTIONS = ((b"1", "overview", b""), (b"2", "courses", COURSES),
            (b"3", "people", b"Aviaja"), (b"4", "programmes", b"01-01-2022"),
            (b"5", "places", b"Aappilattoq"), (b"6", "reports", b"(34 %)"))


def _kuffert(db: Path) -> Terminal:
    """Kuffert on ``db`` in a real 80x24 pty, as over SSH."""
    return Terminal([sys.executable, "-m", "tui", "--db", str(db), "--low-bandwidth"])


# Each screen in a Kuffert of its own, reached by these keys (each with what it shows
# last): a course and its attendance grid are screens on top of others, which once made
# the whole screen repaint every 2 s.
IDLE_SCREENS = {
    **{section: ((key, marker),) for key, section, marker in SECTIONS},
    "course": ((b"2", COURSES), (b"\r", PROVIDER)),
    "attendance": ((b"2", COURSES), (b"\r", PROVIDER), (b"a", PARTICIPANT)),
}


def _reach_all(terminals: dict[str, Terminal],
               keys: Mapping[str, tuple[tuple[bytes, bytes], ...]]) -> None:
    """Each Kuffert to its screen by its keys, side by side: a key once the screen before
    it has drawn what it shows last (data a worker fills in) and been still for half a
    second (for the dashboard, a second). Waiting for that, not a fixed 2.5-3 s, is what
    the idle window after it needs."""
    by_fd = {t.fd: screen for screen, t in terminals.items()}
    steps = {screen: [(b"", b"Kuffert", 1.0), *((key, marker, 0.5)
                                                for key, marker in keys[screen])]
             for screen in terminals}
    written = {screen: bytearray() for screen in terminals}
    last = dict.fromkeys(terminals, time.monotonic())
    deadline = time.monotonic() + 90
    while any(steps.values()):
        ready, _w, _x = select.select(list(by_fd), [], [], 0.05)
        now = time.monotonic()
        for fd in ready:
            with contextlib.suppress(OSError):
                written[by_fd[fd]] += os.read(fd, 1 << 16)
                last[by_fd[fd]] = now
        for screen, left in steps.items():
            if left and left[0][1] in written[screen] and now - last[screen] >= left[0][2]:
                left.pop(0)
                if left:
                    written[screen].clear()
                    os.write(terminals[screen].fd, left[0][0])
                    last[screen] = now
        if now > deadline:
            raise TimeoutError({screen: bytes(written[screen][-200:])
                                for screen, left in steps.items() if left})


def test_every_section_and_the_course_screen_write_nothing_while_idle(
        demo_folder: Path) -> None:
    # All eight idle at once, each for the whole 5 s: an idle Kuffert takes no CPU, so
    # this is the same look at each as one after another, in an eighth of the time.
    db = demo_folder / "k.json"
    terminals = {screen: _kuffert(db) for screen in IDLE_SCREENS}
    by_fd = {t.fd: screen for screen, t in terminals.items()}
    try:
        _reach_all(terminals, IDLE_SCREENS)
        found = dict.fromkeys(terminals, 0)
        end = time.monotonic() + 5.0
        while (left := end - time.monotonic()) > 0:
            ready, _w, _x = select.select(list(by_fd), [], [], min(left, 0.05))
            for fd in ready:
                with contextlib.suppress(OSError):
                    found[by_fd[fd]] += len(os.read(fd, 1 << 16))
    finally:
        for running in terminals.values():
            running.proc.kill()
            running.proc.wait()
    assert found == dict.fromkeys(found, 0), found


def test_a_mark_repaints_its_cell_and_totals_not_the_screen(demo_folder: Path) -> None:
    terminal = _kuffert(demo_folder / "k.json")
    try:
        _reach_all({"attendance": terminal}, IDLE_SCREENS)
        costs = []
        for key in (b"f", b"k", b"t", b"k", b"m"):  # mark, back up, mark again ...
            os.write(terminal.fd, key)
            if key == b"k":
                terminal.drain()
            else:
                costs.append(_bytes_within(terminal, 3.0))
    finally:
        terminal.proc.kill()
        terminal.proc.wait()
    # A full 80x24 repaint is about 18 KB; a mark with its totals is under 1 KB here.
    assert max(costs) < 4000, costs
