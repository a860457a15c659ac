"""Nothing typed into a journal entry is lost: it is saved a moment after the typing
pauses, and at once on leaving. A killed process (a dropped SSH connection) loses at most
the last couple of seconds."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.journals import JournalEntry, Phase
from tui.screens.journals.entry import AUTOSAVE_SECONDS, EntryScreen
from tui.screens.journals.journal import JournalScreen
from tui.screens.journals.listing import JournalsScreen
from tui.store.store import Store
from tui.widgets.changed_underneath import ChangedUnderneathScreen

ROOT = Path(__file__).resolve().parents[1]
COURSE = "c-horsens-dagpleje"
# The first journal in the course's list, by title; its last phase written is 2.
JOURNAL = "j-hd-dp-05"


@pytest.fixture
def db(demo_folder: Path) -> Path:
    return demo_folder / "k.json"


def entries(db: Path) -> list[JournalEntry]:
    """What another process sees: a store opened afresh on the file."""
    return Store.open(db).journal_entries(COURSE).where(journal_id=JOURNAL)


def texts(db: Path) -> list[str]:
    return [e.text for e in entries(db)]


# The child is a real Kuffert process driven by keys; the test kills it with SIGKILL,
# as a dropped connection or a power cut would, with no chance to clean up.
CHILD = r"""
import asyncio, os, sys
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from pathlib import Path
from tui.app import KuffertApp
from tui.store.store import Store

db, course, text = sys.argv[1:4]

async def main():
    app = KuffertApp(Store.open(Path(db)), language="en", poll_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        app.open_journals(course)
        await pilot.pause()
        await pilot.press("enter")   # the first journal
        await pilot.pause()
        await pilot.press("n")       # a new entry
        await pilot.pause()
        await pilot.press(*["space" if c == " " else c for c in text])
        await pilot.pause(3)
        print("typed", flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""


def test_typed_text_survives_a_killed_process(db: Path) -> None:
    text = "Killed but kept"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), COURSE, text],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        deadline = time.monotonic() + 60
        line = ""
        assert child.stdout is not None
        while time.monotonic() < deadline and "typed" not in line:
            line = child.stdout.readline()
            if not line and child.poll() is not None:
                raise AssertionError(child.stderr.read() if child.stderr else "child died")
        assert "typed" in line
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    (entry,) = [e for e in entries(db) if e.text == text]
    assert entry.phase is Phase.KNOWLEDGE and entry.cycle == 1
    assert entry.author == "Pia Rasmussen"


def run(db: Path, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def main() -> None:
        app = KuffertApp(Store.open(db), language="en", poll_interval=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            app.open_journals(COURSE)
            await pilot.pause()
            assert isinstance(app.screen, JournalsScreen)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, JournalScreen)
            await steps(pilot)

    asyncio.run(main())


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#entry-status", Static).render())


def test_autosave_a_moment_after_typing_while_the_app_runs(db: Path) -> None:
    before = len(texts(db))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, EntryScreen)
        await type_text(pilot, "First words")
        assert "saves in a moment" in status(pilot)
        await pilot.pause(AUTOSAVE_SECONDS + 0.5)
        # Read by another store while this app still runs: the text is in the file.
        assert "First words" in texts(db)
        assert status(pilot).startswith("Saved ")
        (entry,) = [e for e in entries(db) if e.text == "First words"]
        # More typing updates the same entry instead of adding another.
        await type_text(pilot, " more")
        await pilot.pause(AUTOSAVE_SECONDS + 0.5)
        (again,) = [e for e in entries(db) if e.id == entry.id]
        assert again.text == "First words more" and again.version == entry.version + 1
        assert len(texts(db)) == before + 1

    run(db, steps)


def test_leaving_saves_at_once_and_an_empty_entry_is_not_kept(db: Path) -> None:
    before = texts(db)

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: nothing stored
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert texts(db) == before
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Gone fast")
        await pilot.press("escape")  # well before the autosave
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert "Gone fast" in texts(db)
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Quit now")
        # The app quits with the editor open and the autosave not yet due.

    run(db, steps)
    assert "Quit now" in texts(db)


def test_editing_keeps_the_entry_and_a_parallel_change_is_not_overwritten(db: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, JournalScreen) and screen.phase is Phase.KNOWLEDGE
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        await type_text(pilot, " Also")
        await pilot.pause(AUTOSAVE_SECONDS + 0.5)
        (edited,) = [e for e in entries(db) if e.phase is Phase.KNOWLEDGE]
        assert edited.text.endswith("Dem vil jeg prøve af. Also")
        assert edited.id == "je-hd-dp-05-02"
        # Someone else saves the same entry meanwhile, from another process.
        other = Store.open(db)
        theirs = other.journal_entries(COURSE).get(edited.id)
        theirs.text = "Their version"
        other.journal_entries(COURSE).save(theirs, expected_version=theirs.version)
        await type_text(pilot, " Mine")
        await pilot.pause(AUTOSAVE_SECONDS + 0.5)
        # The automatic save does not write over theirs; it says so, and waits.
        assert [e.text for e in entries(db) if e.phase is Phase.KNOWLEDGE] == ["Their version"]
        assert "saved this entry at" in status(pilot) and "ctrl+s" in status(pilot)
        # ctrl+s shows their text beside mine; m keeps mine, on top of their version.
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChangedUnderneathScreen))
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)][:2] == ["Text", "Their version"]
        await pilot.press("m")
        await until(pilot, lambda: status(pilot).startswith("Saved "))
        (kept,) = [e for e in entries(db) if e.phase is Phase.KNOWLEDGE]
        assert kept.text == edited.text + " Mine" and kept.version == theirs.version + 2

    run(db, steps)


ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def _drain(fd: int, quiet: float = 0.6, limit: float = 15, shown: str = "") -> None:
    """Read the terminal until the program has been quiet for a moment and, if
    ``shown`` is given, has drawn that text: on a busy machine keys typed ahead wait
    for the screens before them, and a quiet moment does not say they have arrived."""
    end = time.monotonic() + limit
    seen = b""
    wanted = shown.encode()
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            if wanted in ESCAPES.sub(b"", seen):
                return
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        seen += chunk


def test_a_dropped_connection_saves_what_was_typed_before_the_autosave(db: Path) -> None:
    """The real program in a real terminal; SIGHUP is what a dropped SSH link sends.
    Kuffert leaves through its own exit and saves the entry at once, well before the
    autosave delay would have."""
    text = "Hung up but kept"
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none", "KUFFERT_CONFIG": os.devnull,
           "TERM": "xterm-256color"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the kuffert command itself
        os.chdir(ROOT)
        os.execvpe(sys.executable, [sys.executable, "-m", "tui", "--db", str(db),
                                    "--lang", "en"], env)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        _drain(fd, quiet=1.5)
        # Courses table, the first course, its journals, the first journal, a new entry.
        for keys in (b"\t\t", b"\r", b"j", b"\r", b"n"):
            os.write(fd, keys)
            _drain(fd)
        os.write(fd, text.encode())
        # In the entry before the link drops (on time, well within the autosave delay).
        _drain(fd, quiet=0.2, limit=30, shown=text)
        assert AUTOSAVE_SECONDS >= 2
        os.kill(pid, signal.SIGHUP)
        _drain(fd, quiet=0.5, limit=5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    assert text in [e.text for e in Store.open(db).journal_entries(
        "c-horsens-dagpleje").all()]
