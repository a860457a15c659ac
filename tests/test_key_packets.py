"""What the terminal driver reads from one packet of bytes: escape and the key typed
after it are two keys; the sequences that start with ESC are still what they were."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bench.bench_attendance import Terminal
from tui.widgets.key_packets import PacketParser


def keys(text: str) -> list[str]:
    parser = PacketParser()
    read = [key.key for key in parser.feed(text)]
    time.sleep(0.15)  # past the escape delay
    return read + [key.key for key in parser.tick()]


@pytest.mark.parametrize(("text", "expected"), [
    ("\x1b2", ["escape", "2"]),             # was "™"
    ("\x1bn", ["escape", "n"]),             # was alt+n
    ("\x1b/ab", ["escape", "slash", "a", "b"]),  # the escape was dropped
    ("x\x1bE", ["x", "escape", "E"]),
    ("\x1b[A", ["up"]),
    ("\x1bOB", ["down"]),
    ("\x1b[1;5C", ["ctrl+right"]),
    ("\x1b\x7f", ["ctrl+w"]),
    ("\x1b", ["escape"]),
    ("\x1b\x1b", ["escape", "escape"]),
])
def test_a_packet_reads_as_the_keys_typed(text: str, expected: list[str]) -> None:
    assert keys(text) == expected


def test_over_a_real_terminal_escape_and_2_in_one_write_go_to_the_courses(
        tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "demo"],
                   capture_output=True, check=True)
    terminal = Terminal([sys.executable, "-m", "tui", "--db", str(db), "--lang", "en"])
    try:
        terminal.wait_for(b"Kuffert", 30, quiet=1.0)
        _write(terminal, b"3", 2.5)
        _write(terminal, b"/avi", 1.5)
        shown = _write(terminal, b"\x1b2", 3.0)
    finally:
        terminal.proc.kill()
        terminal.proc.wait()
    assert "™".encode() not in shown  # not typed into the search
    assert b" Filter" in shown  # the course list's footer


def _write(terminal: Terminal, data: bytes, settle: float) -> bytes:
    os.write(terminal.fd, data)
    shown = b""
    end = time.monotonic() + settle
    while time.monotonic() < end:
        shown += terminal._read(0.05)
    return shown
