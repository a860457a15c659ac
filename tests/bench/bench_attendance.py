"""Benchmark: the attendance screen in a real terminal, against a bare Textual DataTable.

Runs each app in a pseudo-terminal of 80x24, sends keys as a user's terminal would, and
counts the bytes the app writes back and the time until the screen is updated (the
last byte before the output goes quiet). Prints JSON. Not part of the test run.

    python tests/bench/bench_attendance.py [--work DIR] [--presses 50] [--people 5000]

Targets: a cursor move costs at most twice the bare app's bytes; a mark with its totals
at most 1000 bytes; the median key-to-update at national scale at most 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COLUMNS, LINES = 80, 24
# The output is taken as finished after this long without a byte.
QUIET = 0.030


def compiled_as_installed(*sources: Path) -> None:
    """Write the bytecode of the ``tui`` package in each source folder (the working
    tree by default), as ``pip install`` does. Measured from an editable install with
    PYTHONDONTWRITEBYTECODE set (as on these machines), every start compiled every
    module again: a cost no installed copy pays, and the bare app's Textual does not."""
    import compileall

    for source in sources or (ROOT,):
        compileall.compile_dir(str(source / "tui"), quiet=1)
DOWN, UP = b"\x1b[B", b"\x1b[A"
BIG_COURSE = "c-big"


# --- the apps, run in the child process -------------------------------------------------


def serve_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(f"Col {c}" for c in range(6)))
            for r in range(25):
                table.add_row(*(f"Cell {r},{c}" for c in range(6)))
            table.focus()

    Bare().run()


def serve_kuffert(db: str, course: str) -> None:
    from tui.app import KuffertApp
    from tui.screens.attendance.screen import AttendanceScreen
    from tui.store.store import Store

    store = Store.open(Path(db))

    class Runner(KuffertApp):
        """The real app (its watcher follows others' changes), opened on the grid."""

        def on_mount(self) -> None:
            super().on_mount()
            self.push_screen(AttendanceScreen(store, course))

    Runner(store, language="da").run()


# --- driving a child in a pty -----------------------------------------------------------


@dataclass
class Press:
    bytes: int
    first_ms: float | None
    done_ms: float | None


class Terminal:
    def __init__(self, argv: list[str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none",
               "COLUMNS": str(COLUMNS), "LINES": str(LINES)}
        env.pop("NO_COLOR", None)

        def controlling_tty() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     preexec_fn=controlling_tty, close_fds=True)
        os.close(slave)
        self.fd = master
        os.set_blocking(master, False)
        self.seen = bytearray()

    def _read(self, wait: float) -> bytes:
        ready, _w, _x = select.select([self.fd], [], [], wait)
        if not ready:
            return b""
        try:
            return os.read(self.fd, 1 << 16)
        except OSError:
            return b""

    def wait_for(self, marker: bytes, timeout: float, quiet: float = 0.5) -> None:
        """Until ``marker`` was drawn and the screen then stayed still for ``quiet``."""
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < deadline:
            data = self._read(0.05)
            if data:
                self.seen += data
                last = time.monotonic()
            elif marker in self.seen and time.monotonic() - last > quiet:
                return
        raise TimeoutError(f"{marker!r} not shown; got {bytes(self.seen[-400:])!r}")

    def drain(self, quiet: float = 0.3) -> None:
        last = time.monotonic()
        while time.monotonic() - last < quiet:
            if self._read(0.02):
                last = time.monotonic()

    def press(self, key: bytes, first_timeout: float = 1.0) -> Press:
        start = time.perf_counter()
        os.write(self.fd, key)
        total = 0
        first = done = None
        while True:
            wait = first_timeout if first is None else QUIET
            data = self._read(wait)
            now = time.perf_counter()
            if not data:
                break
            total += len(data)
            first = first if first is not None else now
            done = now
        ms = lambda t: None if t is None else round((t - start) * 1000, 2)  # noqa: E731
        return Press(total, ms(first), ms(done))

    def close(self) -> None:
        try:
            os.write(self.fd, b"\x11")  # ctrl+q
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self.fd)


def spawn(*args: str) -> Terminal:
    return Terminal([sys.executable, str(Path(__file__).resolve()), "--serve", *args])


# --- measuring --------------------------------------------------------------------------


def summary(presses: list[Press]) -> dict[str, float | int | None]:
    sizes = [p.bytes for p in presses]
    done = [p.done_ms for p in presses if p.done_ms is not None]
    first = [p.first_ms for p in presses if p.first_ms is not None]
    return {
        "n": len(presses),
        "bytes_median": statistics.median(sizes),
        "bytes_mean": round(statistics.fmean(sizes), 1),
        "bytes_max": max(sizes),
        "first_byte_ms_median": round(statistics.median(first), 2) if first else None,
        "update_ms_median": round(statistics.median(done), 2) if done else None,
        "update_ms_p95": round(sorted(done)[int(0.95 * (len(done) - 1))], 2) if done else None,
    }


def moves(term: Terminal, count: int, block: int = 8) -> list[Press]:
    """Cursor moves down within the visible rows (up again between blocks, unmeasured),
    so neither app scrolls."""
    out: list[Press] = []
    while len(out) < count:
        for _ in range(min(block, count - len(out))):
            out.append(term.press(DOWN))
        for _ in range(block):
            term.press(UP)
    return out


def marks_in_place(term: Terminal, count: int) -> list[Press]:
    """Mark, which moves down, then back up unmeasured; present and absent take turns
    so every mark really changes the cell and its person's totals."""
    out = []
    for n in range(count):
        out.append(term.press(b"t" if n % 2 == 0 else b"f"))
        term.press(b"k")
    return out


def marks_down_a_column(term: Terminal, count: int) -> list[Press]:
    """The real thing: one key a person straight down an unmarked column."""
    return [term.press(b"t") for _ in range(count)]


def bench_bare(presses: int) -> dict[str, object]:
    term = spawn("bare")
    try:
        term.wait_for(b"Cell 0,0", timeout=30)
        return {"move": summary(moves(term, presses))}
    finally:
        term.close()


def bench_kuffert(db: Path, course: str, presses: int, *, down_a_column: bool = False
                  ) -> dict[str, object]:
    term = spawn("kuffert", str(db), course)
    try:
        term.wait_for(b"Dage", timeout=180)
        result: dict[str, object] = {"move": summary(moves(term, presses))}
        result["mark"] = summary(marks_in_place(term, presses))
        if down_a_column:
            term.drain()
            result["mark_down_a_column"] = summary(marks_down_a_column(term, presses))
        return result
    finally:
        term.close()


# --- databases --------------------------------------------------------------------------


def demo_db(folder: Path) -> Path:
    from tui.store.demo import load_demo
    from tui.store.store import Store

    path = folder / "demo.json"
    store = Store.open(path)
    load_demo(store)
    with store.transaction():
        store.attendance("c-horsens-dagpleje").delete_where(
            lambda d: d.get("session_id") == "s-horsens-dagpleje-5")
    return path


def national_db(folder: Path, people: int, courses: int) -> Path:
    """A reduced national programme plus one 400-person, 40-session course whose first
    20 sessions are marked and whose 21st is today (so it opens on an empty column)."""
    from tui.domain.courses import (
        Attendance,
        CompletionRule,
        Course,
        CourseStatus,
        Enrolment,
        Mark,
        Session,
        attendance_id,
    )
    from tui.store.demo import generate_national
    from tui.store.store import Store

    path = folder / "national.json"
    store = Store.open(path)
    generate_national(store, scale={"people": people, "courses": courses})
    first = dt.date.today() - dt.timedelta(weeks=20)
    sessions = [Session(id=f"big-s{k}", course_id=BIG_COURSE,
                        date=first + dt.timedelta(weeks=k), hours=7.4) for k in range(40)]
    enrolments = [Enrolment(id=f"big-e{i}", course_id=BIG_COURSE, person_id=f"p{i}")
                  for i in range(400)]
    marks = [Attendance(id=attendance_id(s.id, f"p{i}"), course_id=BIG_COURSE,
                        session_id=s.id, person_id=f"p{i}",
                        mark=Mark.PRESENT if (i + k) % 9 else Mark.ABSENT)
             for k, s in enumerate(sessions[:20]) for i in range(400)]
    with store.transaction():
        store.courses.add_many([Course(
            id=BIG_COURSE, programme_id="national", name="Stort hold, 400 deltagere",
            status=CourseStatus.RUNNING, completion=CompletionRule(min_sessions=32))])
    with store.transaction():
        store.sessions(BIG_COURSE).add_many(sessions)
        store.enrolments(BIG_COURSE).add_many(enrolments)
        store.attendance(BIG_COURSE).add_many(marks)
    return path


# --- main -------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--serve":
        if argv[2] == "bare":
            serve_bare()
        else:
            serve_kuffert(argv[3], argv[4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--courses", type=int, default=200)
    args = parser.parse_args(argv[1:])
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    # A fresh folder each run: the demo loader refuses a database that holds data.
    work = Path(tempfile.mkdtemp(prefix="kuffert-bench-", dir=args.work))

    started = time.perf_counter()
    demo = demo_db(work)
    national = national_db(work, args.people, args.courses)
    built_s = round(time.perf_counter() - started, 1)

    bare = bench_bare(args.presses)
    runs = {
        "demo_course_12x5": bench_kuffert(demo, "c-horsens-dagpleje", args.presses),
        "national_course_50x5": bench_kuffert(national, "c0", args.presses),
        "national_big_course_400x40": bench_kuffert(national, BIG_COURSE, args.presses,
                                                    down_a_column=True),
    }
    bare_move = bare["move"]["bytes_median"]  # type: ignore[index]
    worst_move = max(r["move"]["bytes_median"] for r in runs.values())  # type: ignore[index]
    worst_mark = max(r["mark"]["bytes_median"] for r in runs.values())  # type: ignore[index]
    national_ms = max(
        summary["update_ms_median"]  # type: ignore[index]
        for name, r in runs.items() if name.startswith("national")
        for summary in r.values())
    report = {
        "terminal": f"{COLUMNS}x{LINES}",
        "scale": {"people": args.people, "courses": args.courses, "big_course": "400x40"},
        "database_built_s": built_s,
        "bare_datatable_25x6": bare,
        "kuffert": runs,
        "per_move_bytes": {"bare": bare_move, "kuffert_worst": worst_move,
                           "ratio": round(worst_move / bare_move, 2) if bare_move else None},
        "per_mark_bytes_worst_median": worst_mark,
        "national_key_to_update_ms_worst_median": national_ms,
        "targets": {
            "move_bytes_at_most_2x_bare": worst_move <= 2 * bare_move,
            "mark_bytes_at_most_1000": worst_mark <= 1000,
            "national_update_at_most_50ms": national_ms <= 50,
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
