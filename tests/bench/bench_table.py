"""Benchmark: every row of issue 13's table, at demo and at national scale, each beside a
baseline measured in the same run. Prints a Markdown table; not part of the test run.

    python tests/bench/bench_table.py [--scale demo|national|both] [--quick]
                                      [--db NATIONAL.json] [--cache DIR] [--fresh]
                                      [--only STEPS] [--slow-disk FACTOR]

How the rows are measured, as a user meets them:

- Screens: the ``kuffert`` command runs in a real 80x24 pty (with --low-bandwidth, as over
  SSH), keys are written as a terminal writes them, and every byte the app writes back is
  counted: in the 3 s after a key, and over 6 s of idleness on each screen. A small
  terminal emulator keeps the screen, so "until the screen shows it" is the moment the
  screen last changed. The baseline is a bare Textual app (header, DataTable, footer) in the
  same pty doing the same thing simply: a cell changed, a list filtered, Textual's own
  command palette over the same course names, a screen with a table pushed.
- Commands (``report``, ``check``, ``erase``): a subprocess, its wall time and peak RSS.
  The baseline is plain TinyDB reading every table of every file of the same database.
- Store writes (a mark, the day's first mark, an erasure): a fresh process timed around
  the call (the scripts of bench_national_store.py), beside the file-system floor: a
  durable write, fsync and rename of the same bytes. ``--slow-disk 2`` makes every fsync
  take twice as long, in the probe and in its floor alike.

The national database is generated once (``kuffert demo --scale national``) into a cache
folder (``--cache``, default ~/.cache/kuffert-bench) and copied for each run, so nothing
measured changes it; ``--db`` names another one, ``--fresh`` makes the cache anew (after
the storage layout changed). Figures are medians of several repeats (``--quick``: fewer);
every wait has a timeout, and a row that could not be measured says why.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench.bench_attendance import (  # noqa: E402
    COLUMNS,
    LINES,
    Terminal,
    compiled_as_installed,
)

KUFFERT = [sys.executable, "-m", "tui"]
MEMORY_CAP = 250 * 2**20
# A brisk typist; typed-ahead keys over SSH come faster still.
TYPING_GAP = 0.1
AFTER_KEY = 3.0
IDLE = 6.0
CTRL_P, ESCAPE, ENTER = b"\x10", b"\x1b", b"\r"
# A screen still reading or computing says so ("Læser personregistret …").
BUSY = re.compile(r"\b(Læser|Beregner|Indlæser)\b[^\n]*…")


class NotMeasured(Exception):
    """A row that could not be measured; the message says why, in the table."""


# --- a terminal screen, enough of one for what Textual writes ---------------------------


class Screen:
    """Cursor moves, text and erasing on an 80x24 grid; colours are ignored. ``version``
    grows whenever a character on the screen changes."""

    def __init__(self, cols: int = COLUMNS, lines: int = LINES) -> None:
        self.cols, self.rows = cols, lines
        self.grid = [[" "] * cols for _ in range(lines)]
        self.row = self.col = 0
        self.version = 0
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        self._pending = ""

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.grid]

    def text(self) -> str:
        return "\n".join(self.lines())

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decode(data)
        self._pending = ""
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                end = _sequence_end(text, i)
                if end is None:
                    self._pending = text[i:]
                    return
                self._control(text[i:end])
                i = end
                continue
            if ch == "\r":
                self.col = 0
            elif ch == "\n":
                self.row = min(self.row + 1, self.rows - 1)
            elif ch == "\b":
                self.col = max(self.col - 1, 0)
            elif ch >= " " and ch != "\x7f":
                self._put(ch)
            i += 1

    def _put(self, ch: str) -> None:
        if unicodedata.combining(ch):
            return
        width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if self.col < self.cols:
            self._set(self.row, self.col, ch)
            if width == 2 and self.col + 1 < self.cols:
                self._set(self.row, self.col + 1, "")
        self.col += width

    def _set(self, row: int, col: int, ch: str) -> None:
        if self.grid[row][col] != ch:
            self.grid[row][col] = ch
            self.version += 1

    def _clear(self, row: int, start: int, end: int) -> None:
        for col in range(start, end):
            self._set(row, col, " ")

    def _control(self, seq: str) -> None:
        if len(seq) < 3 or seq[1] != "[":
            return
        final, body = seq[-1], seq[2:-1]
        if body.startswith("?"):
            if body == "?1049h" or body == "?1049l":  # into or out of the alternate screen
                for row in range(self.rows):
                    self._clear(row, 0, self.cols)
            return
        args = [int(a) if a.isdigit() else 0 for a in body.split(";")] if body else []
        first = args[0] if args else 0
        step = first or 1
        if final in "Hf":
            self.row = min(max(step, 1), self.rows) - 1
            self.col = min(max(args[1] if len(args) > 1 and args[1] else 1, 1), self.cols) - 1
        elif final == "A":
            self.row = max(self.row - step, 0)
        elif final == "B":
            self.row = min(self.row + step, self.rows - 1)
        elif final == "C":
            self.col = min(self.col + step, self.cols - 1)
        elif final == "D":
            self.col = max(self.col - step, 0)
        elif final == "G":
            self.col = min(step, self.cols) - 1
        elif final == "d":
            self.row = min(step, self.rows) - 1
        elif final == "K":
            start, end = {0: (self.col, self.cols), 1: (0, self.col + 1)}.get(first, (0, self.cols))
            self._clear(self.row, start, end)
        elif final == "J":
            rows = {0: range(self.row + 1, self.rows), 1: range(self.row)}.get(
                first, range(self.rows))
            if first == 0:
                self._clear(self.row, self.col, self.cols)
            for row in rows:
                self._clear(row, 0, self.cols)


def _sequence_end(text: str, start: int) -> int | None:
    """Where the escape sequence at ``start`` ends, or None while it is incomplete."""
    if start + 1 >= len(text):
        return None
    kind = text[start + 1]
    if kind == "[":
        for i in range(start + 2, len(text)):
            if "@" <= text[i] <= "~":
                return i + 1
        return None
    if kind == "]":
        for i in range(start + 2, len(text)):
            if text[i] == "\x07":
                return i + 1
            if text[i] == "\x1b" and i + 1 < len(text) and text[i + 1] == "\\":
                return i + 2
        return None
    if kind in "()":
        return start + 3 if start + 2 < len(text) else None
    return start + 2


ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()].|.)")


def plain(raw: bytes) -> str:
    """Everything a program wrote, without escape sequences (a traceback after exit)."""
    return ESCAPES.sub(b"", raw).decode("utf-8", "replace")


# --- a program in a pty -----------------------------------------------------------------


@dataclass
class Window:
    bytes: int
    first_ms: float | None  # the first byte after the key
    shown_ms: float | None  # the screen's last change in the window: the result is shown


@contextlib.contextmanager
def environ(extra: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class Pty:
    """bench_attendance's Terminal, its output kept on a Screen with the times it came."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.spawned = time.perf_counter()
        with environ(env or {}):
            self.term = Terminal(argv)
        self.screen = Screen()
        self.raw = bytearray()
        self.last_byte = self.changed_at = self.spawned

    @property
    def pid(self) -> int:
        return self.term.proc.pid

    def alive(self) -> bool:
        return self.term.proc.poll() is None

    def read(self, wait: float) -> int:
        data = self.term._read(wait)
        if not data:
            if not self.alive():
                time.sleep(min(wait, 0.05))  # a closed pty is always "ready"
            return 0
        now = time.perf_counter()
        version = self.screen.version
        self.raw += data
        self.screen.feed(data)
        self.last_byte = now
        if self.screen.version != version:
            self.changed_at = now
        return len(data)

    def write(self, key: bytes) -> float:
        sent = time.perf_counter()
        os.write(self.term.fd, key)
        return sent

    def window(self, seconds: float, since: float | None = None) -> Window:
        """Bytes and the screen's changes from ``since`` (now) for ``seconds``."""
        start = time.perf_counter() if since is None else since
        end = start + seconds
        total, first, changed = 0, None, None
        while (now := time.perf_counter()) < end:
            version = self.screen.version
            got = self.read(min(0.05, end - now))
            if got:
                total += got
                first = first if first is not None else self.last_byte
                if self.screen.version != version:
                    changed = self.changed_at
        ms = lambda t: None if t is None else round((t - start) * 1000, 1)  # noqa: E731
        return Window(total, ms(first), ms(changed))

    def press(self, key: bytes, seconds: float = AFTER_KEY) -> Window:
        return self.window(seconds, since=self.write(key))

    def settle(self, what: str, *, quiet: float = 2.5, timeout: float = 120.0,
               ready: Callable[[Screen], bool] | None = None) -> float:
        """Until ``ready`` holds and the screen's text has not changed for ``quiet``; the
        time of its last change. (A blinking cursor writes bytes but changes no text.)"""
        started = time.perf_counter()
        deadline = started + timeout
        while True:
            self.read(0.05)
            now = time.perf_counter()
            calm = now - max(self.changed_at, started)
            if (ready is None or ready(self.screen)) and calm >= quiet:
                return self.changed_at
            if not self.alive() and now - self.last_byte >= 0.5:
                raise NotMeasured(f"kuffert ended while waiting for {what}: "
                                  + _tail(plain(bytes(self.raw))))
            if now > deadline:
                raise NotMeasured(f"{what} not shown within {timeout:.0f} s")

    def press_and_settle(self, key: bytes, what: str, **kwargs: object) -> float | None:
        """Milliseconds from the key to the screen's last change (None: it did not change)."""
        sent = self.write(key)
        changed = self.settle(what, **kwargs)  # type: ignore[arg-type]
        return round((changed - sent) * 1000, 1) if changed > sent else None

    def peak_rss_mb(self) -> float | None:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    def close(self) -> None:
        if self.alive():
            self.term.close()  # ctrl+q, then a kill after 10 s
        else:
            with contextlib.suppress(OSError):
                os.close(self.term.fd)
        self.term.proc.wait()


def sentence(lines: list[str], before: list[str]) -> str | None:
    """The first line that is new on the screen and reads as a sentence."""
    for line, old in zip(lines, before, strict=True):
        words = line.split()
        if line != old and len(words) >= 3 and re.search(r"\w[.!]( |$)", line):
            return " ".join(words)
    return None


def _tail(text: str, size: int = 300) -> str:
    return " ".join(text.split())[-size:]


@contextlib.contextmanager
def running(argv: list[str], env: dict[str, str] | None = None) -> Iterator[Pty]:
    pty = Pty(argv, env)
    try:
        yield pty
    finally:
        pty.close()


# --- the bare Textual app: the baseline of every screen row -----------------------------


def serve_bare(names_file: str, courses_file: str, grid_rows: int) -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.command import Hit, Hits, Provider
    from textual.screen import Screen as TextualScreen
    from textual.widgets import DataTable, Footer, Header, Input

    names = Path(names_file).read_text(encoding="utf-8").splitlines()
    courses = Path(courses_file).read_text(encoding="utf-8").splitlines()

    class Courses(Provider):
        async def search(self, query: str) -> Hits:
            matcher = self.matcher(query)
            for name in courses:
                score = matcher.match(name)
                if score > 0:
                    yield Hit(score, matcher.highlight(name), lambda: None, text=name)

    class Grid(TextualScreen[None]):
        BINDINGS = [Binding("escape", "app.pop_screen", "Back")]  # noqa: RUF012

        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Navn", *(f"Dag {d}" for d in range(1, 6)), "I alt")
            for name in names[:grid_rows]:
                table.add_row(name, *"✓✓✓✓✓", "5/5")
            table.focus()

    class Bare(App[None]):
        COMMANDS = {Courses}  # noqa: RUF012
        TITLE = "Bare"
        BINDINGS = [  # noqa: RUF012
            Binding("t", "mark", "Mark"), Binding("k", "up", "Up"),
            Binding("slash", "search", "Search"), Binding("a", "grid", "Grid"),
        ]

        def compose(self) -> ComposeResult:
            yield Header()
            yield Input(placeholder="Search", id="search")
            yield DataTable(id="table", cursor_type="cell")
            yield Footer()

        def on_mount(self) -> None:
            search = self.query_one(Input)
            search.display = False
            search.cursor_blink = False
            table = self.query_one("#table", DataTable)
            table.add_columns("Navn", "Status", "Dage")
            for i in range(20):
                table.add_row(f"Hold {i}", "planlagt", "5")
            table.focus()

        def action_mark(self) -> None:
            table = self.query_one("#table", DataTable)
            at = table.cursor_coordinate
            table.update_cell_at(at, "÷" if table.get_cell_at(at) == "✓" else "✓")
            table.move_cursor(row=at.row + 1)

        def action_up(self) -> None:
            table = self.query_one("#table", DataTable)
            table.move_cursor(row=max(table.cursor_coordinate.row - 1, 0))

        def action_search(self) -> None:
            search = self.query_one(Input)
            search.display = True
            search.focus()

        def on_input_changed(self, event: Input.Changed) -> None:
            query = event.value.lower()
            table = self.query_one("#table", DataTable)
            table.clear()
            for name in [n for n in names if query in n.lower()][:20]:
                table.add_row(name, "", "")

        def action_grid(self) -> None:
            self.push_screen(Grid())

    Bare().run()


# --- what the database holds, read in a fresh process -----------------------------------

FACTS = r"""
import json, sys
from pathlib import Path
from tui.domain.courses import Enrolment
from tui.store.store import Store
db, names_file, courses_file = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
marking, wanted = int(sys.argv[4]), int(sys.argv[5])
store = Store.open(db)
courses = sorted(store.courses.all(), key=lambda c: c.id)
people = store.people.all()
Path(names_file).write_text("\n".join(p.name for p in people), encoding="utf-8")
Path(courses_file).write_text("\n".join(c.name for c in courses), encoding="utf-8")
# A course for marks and a grid: the first with enough people and a session, else the
# one with the most people (the demo's courses are smaller than a full run's marks).
marked = None
for c in courses:
    sessions, enrolled = store.sessions(c.id).all(), store.enrolments(c.id).all()
    if sessions and enrolled and len(enrolled) > len((marked or {}).get("people", ())):
        marked = {"id": c.id, "sessions": [s.id for s in sessions],
                  "people": [e.person_id for e in enrolled]}
        if len(enrolled) >= marking:
            break
# People named in exactly two course files, for the erasures; where there are too few
# (the demo), people of one course are enrolled in a second one.
twice = []
for c in courses:
    for e in store.enrolments(c.id).all():
        if e.person_id not in twice and len(store.courses_naming(e.person_id)) == 2:
            twice.append(e.person_id)
    if len(twice) >= wanted:
        break
if len(twice) < wanted and len(courses) >= 2:
    first, second = courses[0].id, courses[-1].id
    in_second = {e.person_id for e in store.enrolments(second).all()}
    with store.transaction():
        for e in store.enrolments(first).all():
            if len(twice) >= wanted:
                break
            if e.person_id in in_second or len(store.courses_naming(e.person_id)) != 1:
                continue
            store.enrolments(second).add(Enrolment(id=f"bench-{e.person_id}",
                                                   course_id=second, person_id=e.person_id))
            twice.append(e.person_id)
first_names = sorted({p.name.split()[0] for p in people if len(p.name.split()[0]) >= 5})
print(json.dumps({
    "people": len(people), "courses": len(courses), "marked": marked, "twice": twice,
    "query": first_names[len(first_names) // 2] if first_names else "Anne",
}))
"""

PLAIN_TINYDB_READ = r"""
import sys
from pathlib import Path
from tinydb import TinyDB
from tinydb.storages import JSONStorage
from tinydb.table import Table

class Records(Table):
    document_id_class = str  # Kuffert's ids are words, not TinyDB's numbers

TinyDB.table_class = Records
folder = Path(sys.argv[1])
records = 0
for path in sorted(folder.rglob("*.json")):
    if any(part.endswith(".backups") for part in path.parts):
        continue
    db = TinyDB(path, storage=JSONStorage, access_mode="r")
    for name in db.tables():
        table = db.table(name, cache_size=0)
        records += sum(1 for _ in table.all())
    db.close()
print(records)
"""

# A command's wall time and peak RSS, from a small parent process: a child forked from a
# big one would report the big one's RSS (Linux keeps the high-water mark across exec).
TIMED = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=float(sys.argv[1]))
    code, err = done.returncode, done.stderr.decode("utf-8", "replace")[-400:]
except subprocess.TimeoutExpired:
    code, err = "timeout", ""
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"s": seconds, "rss_mb": rss, "code": code, "err": err}))
"""

BIG_COURSE = r"""
import json, shutil, statistics, sys, time
from pathlib import Path
from tinydb import TinyDB
from tests.bench.bench_national_store import big_course, marks_in_big_course
from tui.domain.people import Person, Qualification, Role
from tui.store.store import Store
db, count = Path(sys.argv[1]), int(sys.argv[2])
store = Store.open(db)
missing = [f"p{n}" for n in range(400) if f"p{n}" not in store.people.find_many(
    {f"p{n}" for n in range(400)})]
with store.transaction():
    store.people.add_many([Person(id=p, name=f"Deltager {p}", role=list(Role)[0],
                                  qualification=list(Qualification)[0]) for p in missing])
cid = big_course(store)
path = store.db.layout.course(cid)
samples = marks_in_big_course(store, cid, count)
# Plain TinyDB on the same course data (int ids, its own JSON storage, no fsync).
tables = json.loads(path.read_text(encoding="utf-8"))
plain_path = db.parent / "plain-big.json"
plain_path.write_text(json.dumps({t: {str(i): d for i, d in enumerate(docs.values(), 1)}
                                  for t, docs in tables.items()}), encoding="utf-8")
plain = TinyDB(plain_path).table("attendance", cache_size=0)
plain_ms = []
for n in range(max(3, count // 5)):
    t = time.perf_counter()
    plain.update({"mark": ("absent", "present")[n % 2]}, doc_ids=[n + 1])
    plain_ms.append((time.perf_counter() - t) * 1000)
print(json.dumps({"ms": samples, "plain_ms": plain_ms, "size": path.stat().st_size}))
"""

PLAIN_GRID = r"""
import json, sys, time
from pathlib import Path
from tinydb import TinyDB
from tinydb.storages import JSONStorage
from tinydb.table import Table

class Records(Table):
    document_id_class = str

TinyDB.table_class = Records
t = time.perf_counter()
db = TinyDB(sys.argv[1], storage=JSONStorage, access_mode="r")
people = {d.get("person_id") for d in db.table("enrolments", cache_size=0).all()}
print(json.dumps({"ms": round((time.perf_counter() - t) * 1000, 1), "people": len(people)}))
"""


def code_json(code: str, *args: str, timeout: float = 600) -> dict:
    """Run ``code`` in a fresh interpreter (as a user's next command is); its last line."""
    try:
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        raise NotMeasured(f"no answer within {timeout:.0f} s") from e
    if done.returncode != 0:
        raise NotMeasured(_tail(done.stderr or done.stdout, 240))
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(argv: list[str], timeout: float) -> dict:
    found = code_json(TIMED, str(timeout), *argv, timeout=timeout + 30)
    if found["code"] == "timeout":
        raise NotMeasured(f"not done within {timeout:.0f} s")
    if found["code"] != 0:
        raise NotMeasured(f"exit {found['code']}: {_tail(found['err'], 200)}")
    return found


# --- the table ---------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    scale: str
    figure: str
    baseline: str
    goal: str
    met: bool | None = None

    def cells(self) -> list[str]:
        met = {True: "yes", False: "no", None: "—"}[self.met]
        return [self.what, self.scale, self.figure, self.baseline, self.goal, met]


def median(values: list[float]) -> float:
    return statistics.median(values)


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return fmt_s(value / 1000)
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def fmt_s(value: float) -> str:
    return f"{value:.2f} s"


def fmt_b(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} B"


def print_table(rows: list[Row]) -> None:
    head = ["what", "scale", "figure", "baseline (same run)", "goal", "met?"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(c.replace("|", "/") for c in row.cells()) + " |")


# --- one scale ---------------------------------------------------------------------------


@dataclass
class Run:
    scale: str
    db: Path
    work: Path
    quick: bool
    facts: dict = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    people_names: set[str] = field(default_factory=set)
    course_names: list[str] = field(default_factory=list)
    course_prefixes: set[str] = field(default_factory=set)
    people_rss: float | None = None  # the People screen's peak, uncapped

    @property
    def repeats(self) -> int:
        return 2 if self.quick else 5

    @property
    def slow(self) -> float:
        """How much longer a national screen may take to appear."""
        return 4.0 if self.scale == "national" else 1.0

    def add(self, what: str, figure: str, baseline: str, goal: str,
            met: bool | None = None) -> None:
        self.rows.append(Row(what, self.scale, figure, baseline, goal, met))

    def missing(self, what: str, why: object, goal: str) -> None:
        self.add(what, f"not measured: {why}", "—", goal)

    # -- the programs --------------------------------------------------------------------

    def kuffert(self, *extra: str) -> list[str]:
        return [*KUFFERT, "--db", str(self.db), "--lang", "da", "--low-bandwidth", *extra]

    def bare(self) -> list[str]:
        grid = len(self.facts.get("marked", {}).get("people", [])) or 20
        return [sys.executable, str(Path(__file__).resolve()), "--serve-bare",
                str(self.work / "names.txt"), str(self.work / "courses.txt"), str(grid)]

    def dashboard_filled(self, screen: Screen) -> bool:
        text = screen.text()
        return any(prefix in text for prefix in self.course_prefixes)

    @staticmethod
    def not_busy(screen: Screen) -> bool:
        return BUSY.search(screen.text()) is None

    @staticmethod
    def bare_ready(screen: Screen) -> bool:
        return "Hold 0" in screen.text()

    def people_shown(self, screen: Screen) -> bool:
        for line in screen.lines():
            words = line.split()
            if any(" ".join(words[i:i + 2]) in self.people_names for i in range(len(words))):
                return True
        return False

    # -- preparing -----------------------------------------------------------------------

    def prepare(self) -> None:
        # Four people per first-mark repeat; one erasure per repeat and one by the command.
        self.facts = code_json(FACTS, str(self.db), str(self.work / "names.txt"),
                               str(self.work / "courses.txt"), str(4 * self.repeats),
                               str(self.repeats + 1))
        names = (self.work / "names.txt").read_text(encoding="utf-8").splitlines()
        self.people_names = set(names)
        courses = (self.work / "courses.txt").read_text(encoding="utf-8").splitlines()
        self.course_prefixes = {name[:12] for name in courses}
        self.course_names = courses
        # Today's backup taken now, so no screen's first write copies the database, and
        # finished before anything is timed: it is made in the background, and at national
        # scale its copying ran beside the start-up's first repeats (1.07x to 1.51x).
        code_json("import sys; from pathlib import Path; from tui.store import daily_backup\n"
                  "from tui.store.store import Store\n"
                  "s = Store.open(Path(sys.argv[1]))\nwith s.transaction(): pass\n"
                  "daily_backup.settle()\nprint(1)", str(self.db))

    # -- rows ----------------------------------------------------------------------------

    def measure(self, only: set[str] | None = None) -> None:
        steps = [self.startup, self.screens, self.search, self.palette, self.memory_cap,
                 self.report_and_check, self.grid_people, self.first_mark, self.erase,
                 self.big_course_mark]
        for step in steps:
            if only and step.__name__ not in only:
                continue
            started = time.perf_counter()
            try:
                step()
            except Exception as e:  # one broken step must not lose the other rows
                self.missing(step.__name__, f"{type(e).__name__}: {_tail(str(e), 200)}", "—")
            self.timings[step.__name__] = round(time.perf_counter() - started, 1)
            print(f"  {self.scale}: {step.__name__} done in "
                  f"{self.timings[step.__name__]:.0f} s", file=sys.stderr, flush=True)

    def startup(self) -> None:
        what = "start-up to the filled dashboard vs the bare app"
        goal = "≤ 1.3x the bare app's time; peak RSS ≤ 1.5x"
        times: dict[str, list[float]] = {"kuffert": [], "bare": []}
        rss: dict[str, list[float]] = {"kuffert": [], "bare": []}
        try:
            for _ in range(self.repeats):  # taking turns, so both meet the same load
                for kind, argv, ready in (("kuffert", self.kuffert(), self.dashboard_filled),
                                          ("bare", self.bare(), self.bare_ready)):
                    with running(argv) as pty:
                        changed = pty.settle(f"the {kind} start-up", quiet=1.5,
                                             timeout=60 * self.slow, ready=ready)
                        times[kind].append((changed - pty.spawned) * 1000)
                        rss[kind].append(pty.peak_rss_mb() or 0.0)
        except NotMeasured as e:
            self.missing(what, e, goal)
            return
        k_ms, b_ms = median(times["kuffert"]), median(times["bare"])
        k_mb, b_mb = median(rss["kuffert"]), median(rss["bare"])
        self.add(what, f"{fmt_ms(k_ms)} ({k_ms / b_ms:.2f}x); peak RSS {k_mb:.0f} MB "
                 f"({k_mb / b_mb:.2f}x)",
                 f"bare app {fmt_ms(b_ms)}, {b_mb:.0f} MB", goal,
                 k_ms <= 1.3 * b_ms and k_mb <= 1.5 * b_mb)

    def screens(self) -> None:
        """The top-level sections, the course screen and its grid left idle; opening the
        grid; a mark's bytes. One kuffert session and one bare one."""
        idle: dict[str, list[int]] = {}
        opened: dict[str, float | None] = {}
        grid_ms: list[float] = []
        marks: list[int] = []
        problem = None
        try:
            with running(self.kuffert()) as pty:
                pty.settle("the dashboard", quiet=1.5, timeout=60 * self.slow,
                           ready=self.dashboard_filled)
                for key, name in ((b"1", "overview"), (b"2", "courses"), (b"3", "people"),
                                  (b"4", "programmes"), (b"5", "places"),
                                  (b"6", "reports")):
                    ready = (lambda s: self.people_shown(s) and self.not_busy(s)) \
                        if name == "people" else self.not_busy
                    opened[name] = pty.press_and_settle(
                        key, f"the {name} section", quiet=2.5, timeout=120 * self.slow,
                        ready=ready)
                    idle[name] = self.idle_windows(pty)
                pty.press_and_settle(b"2", "the course list", timeout=60 * self.slow,
                                     ready=self.not_busy)
                pty.press_and_settle(ENTER, "the course screen", timeout=60 * self.slow,
                                     ready=self.not_busy)
                idle["course screen"] = self.idle_windows(pty)
                for n in range(self.repeats):
                    if n:
                        pty.press_and_settle(ESCAPE, "the course screen again",
                                             timeout=60 * self.slow)
                    shown = pty.press_and_settle(b"a", "the attendance grid", quiet=1.5,
                                                 timeout=60 * self.slow, ready=self.not_busy)
                    if shown is not None:
                        grid_ms.append(shown)
                idle["attendance grid"] = self.idle_windows(pty)
                # Present and absent take turns (k goes back up), so each mark changes
                # the cell and its person's totals.
                for n in range(self.repeats):
                    marks.append(pty.press(b"f" if n % 2 == 0 else b"t").bytes)
                    pty.press(b"k", 1.0)
        except NotMeasured as e:
            problem = e
        try:
            bare_idle, bare_grid, bare_marks = self.bare_screens()
        except NotMeasured as e:  # kuffert's figures still stand, without their baseline
            print(f"  the bare app: {e}", file=sys.stderr)
            bare_idle, bare_grid, bare_marks = None, [], []
        goal = "0 B"
        for name, windows in idle.items():
            self.add(f"{name} left idle, bytes per 6 s", self.idle_text(windows),
                     f"bare app {fmt_b(bare_idle)}", goal, windows[-1] == 0)
        if problem is not None and len(idle) < 8:
            self.missing("screens left idle (the rest)", problem, goal)
        if opened.get("reports") is not None:
            ms = opened["reports"]
            self.add("reports screen: key to the figures shown", fmt_ms(ms),
                     "—", "≤ 1.5 s (as `kuffert report`)", ms <= 1500)
        goal = "≤ 1,000 B"
        if marks:
            self.add("bytes per attendance mark, 3 s after the key (demo course grid)"
                     if self.scale == "demo" else
                     "bytes per attendance mark, 3 s after the key (a 50-person course)",
                     f"{fmt_b(median(marks))} (max {fmt_b(max(marks))})",
                     f"bare app, one cell: {fmt_b(median(bare_marks) if bare_marks else None)}",
                     goal,
                     median(marks) <= 1000)
        else:
            self.missing("bytes per attendance mark", problem, goal)
        goal = "≤ 50 ms more than the bare app"
        if grid_ms:
            bare_ms = median(bare_grid) if bare_grid else None
            self.add("open one course's grid: key to grid shown", fmt_ms(median(grid_ms)),
                     f"bare app pushing a table: {fmt_ms(bare_ms)}", goal,
                     None if bare_ms is None else median(grid_ms) <= bare_ms + 50)
        else:
            self.missing("open one course's grid: key to grid shown", problem, goal)

    def idle_windows(self, pty: Pty) -> list[int]:
        """6 s of idleness; when that caught a late paint, 6 s more."""
        first = pty.window(IDLE).bytes
        return [first] if first == 0 else [first, pty.window(IDLE).bytes]

    @staticmethod
    def idle_text(windows: list[int]) -> str:
        if len(windows) == 1:
            return fmt_b(windows[0])
        return f"{fmt_b(windows[1])} (the 6 s before: {fmt_b(windows[0])})"

    def bare_screens(self) -> tuple[int, list[float], list[int]]:
        grid: list[float] = []
        marks: list[int] = []
        with running(self.bare()) as pty:
            pty.settle("the bare app", quiet=1.5, timeout=60, ready=self.bare_ready)
            idle = pty.window(IDLE).bytes
            for n in range(self.repeats):
                if n:
                    pty.press_and_settle(ESCAPE, "the bare table", quiet=1.0, timeout=30)
                shown = pty.press_and_settle(b"a", "the bare grid", quiet=1.5, timeout=30)
                grid.append(shown or 0.0)
            pty.press_and_settle(ESCAPE, "the bare table", quiet=1.0, timeout=30)
            for _ in range(self.repeats):
                marks.append(pty.press(b"t").bytes)
                pty.press(b"k", 1.0)
        return idle, grid, marks

    def search(self) -> None:
        what = "people search, per keystroke"
        goal = "≤ 1,000 B, ≤ 50 ms"
        query = self.facts["query"]
        keys = query[:3] if self.quick else query
        try:
            with running(self.kuffert()) as pty:
                pty.settle("the dashboard", quiet=1.5, timeout=60 * self.slow,
                           ready=self.dashboard_filled)
                pty.press_and_settle(b"3", "the people list", quiet=1.5,
                                     timeout=120 * self.slow, ready=self.people_shown)
                pty.press_and_settle(b"/", "the search field", quiet=1.0, timeout=30)
                typed = [pty.press(ch.encode()) for ch in keys]
                self.people_rss = pty.peak_rss_mb()
            with running(self.bare()) as pty:
                pty.settle("the bare app", quiet=1.5, timeout=60, ready=self.bare_ready)
                pty.press_and_settle(b"/", "the bare search field", quiet=1.0, timeout=30)
                bare = [pty.press(ch.encode()) for ch in keys]
        except NotMeasured as e:
            self.missing(what, e, goal)
            return
        size = median([w.bytes for w in typed])
        shown = median([w.shown_ms or 0.0 for w in typed])
        self.add(f"{what} (typing »{keys}«)",
                 f"{fmt_b(size)}, {fmt_ms(shown)} until shown",
                 f"bare app filtering {self.facts['people']:,} names: "
                 f"{fmt_b(median([w.bytes for w in bare]))}, "
                 f"{fmt_ms(median([w.shown_ms or 0.0 for w in bare]))}",
                 goal, size <= 1000 and shown <= 50)

    def palette(self) -> None:
        what = "command palette, last key to the course found"
        goal = "≤ 100 ms, every key echoed (≤ 100 ms)"
        name = self.palette_course()
        query = name if len(name) <= 20 else self.unique_tail(name)
        try:
            with running(self.kuffert()) as pty:
                pty.settle("the dashboard", quiet=1.5, timeout=60 * self.slow,
                           ready=self.dashboard_filled)
                kuffert = [self.find_in_palette(pty, query, name)
                           for _ in range(self.repeats)]
            with running(self.bare()) as pty:
                pty.settle("the bare app", quiet=1.5, timeout=60, ready=self.bare_ready)
                bare = [self.find_in_palette(pty, query, name) for _ in range(self.repeats)]
        except NotMeasured as e:
            self.missing(what, e, goal)
            return
        found = [f for f, _ in kuffert if f is not None]
        echo = [e for _, echoes in kuffert for e in echoes]
        bare_found = [f for f, _ in bare if f is not None]
        bare_echo = [e for _, echoes in bare for e in echoes]
        slowest = max(echo) if echo else None
        if slowest is None or slowest == float("inf"):
            echo_text = "some keys never echoed"
        else:
            echo_text = f"keys echoed in {fmt_ms(median(echo))} (slowest {fmt_ms(slowest)})"
        if len(found) < len(kuffert):
            figure = f"course not found in {len(kuffert) - len(found)} of {len(kuffert)}"
            if found:
                figure += f"; else {fmt_ms(median(found))}"
        else:
            figure = fmt_ms(median(found))
        self.add(f"{what} (typing »{query}«)", f"{figure}; {echo_text}",
                 f"Textual's palette over the same {len(self.course_names):,} names: "
                 f"{fmt_ms(median(bare_found)) if bare_found else 'not found'}, echoed in "
                 f"{fmt_ms(median(bare_echo)) if bare_echo else '—'} "
                 f"(slowest {fmt_ms(max(bare_echo)) if bare_echo else '—'})",
                 goal, bool(found) and len(found) == len(kuffert) and median(found) <= 100
                 and slowest is not None and slowest <= 100)

    def palette_course(self) -> str:
        names = self.course_names
        wanted = "Hold 1234"
        return wanted if wanted in names else names[len(names) // 2]

    def unique_tail(self, name: str) -> str:
        words = name.split()
        for start in range(len(words) - 1, -1, -1):
            tail = " ".join(words[start:])
            if sum(tail.lower() in n.lower() for n in self.course_names) == 1:
                return tail
        return name

    def find_in_palette(self, pty: Pty, query: str, name: str
                        ) -> tuple[float | None, list[float]]:
        """ctrl+p, the query typed at a brisk pace: ms from the last key until the course
        is listed, and each key's ms until the field shows it (inf: never)."""
        pty.press_and_settle(CTRL_P, "the command palette", quiet=1.0, timeout=30)
        before = pty.screen.lines()
        sent: list[float] = []
        frames: list[tuple[float, list[str]]] = []
        for ch in query:
            sent.append(pty.write(ch.encode()))
            end = sent[-1] + TYPING_GAP
            while time.perf_counter() < end:
                version = pty.screen.version
                if pty.read(0.01) and pty.screen.version != version:
                    frames.append((pty.changed_at, pty.screen.lines()))
        # Then until the screen has been still for a second (5 s at most).
        end = sent[-1] + 5.0
        while (now := time.perf_counter()) < end and now - max(pty.changed_at, sent[-1]) < 1:
            version = pty.screen.version
            if pty.read(0.05) and pty.screen.version != version:
                frames.append((pty.changed_at, pty.screen.lines()))
        final = pty.screen.lines()
        field_rows = [r for r, line in enumerate(final) if query in line and line != before[r]]
        pty.press_and_settle(ESCAPE, "the palette closed", quiet=1.0, timeout=30)
        if not field_rows:
            return None, [float("inf")] * len(query)
        field = field_rows[0]
        echoes = []
        for n, at in enumerate(sent):
            typed = query[:n + 1]
            if typed.endswith(" "):
                continue  # a space at the end of the field shows no text
            shown = next((t for t, lines in frames if t >= at and typed in lines[field]), None)
            echoes.append(float("inf") if shown is None else round((shown - at) * 1000, 1))

        def found_in(lines: list[str]) -> bool:
            """The whole query in the field, and the course the first hit below it."""
            below = [line.strip() for line in lines[field + 1:] if line.strip()]
            return query in lines[field] and bool(below) and below[0].startswith(name)

        found = next((t for t, lines in frames if t >= sent[-1] and found_in(lines)), None)
        return (None if found is None else round((found - sent[-1]) * 1000, 1)), echoes

    def memory_cap(self) -> None:
        what = "People screen under a 250 MB memory cap (RLIMIT_AS)"
        goal = "works, or says in words that memory ran out"
        # glibc reserves 64 MB of address space per thread arena; two arenas keep the cap
        # about memory in use rather than reservations.
        env = {"MALLOC_ARENA_MAX": "2"}
        try:
            with running(self.capped(self.kuffert()), env) as pty:
                outcome = self.capped_outcome(pty)
            with running(self.capped(self.bare()), env) as pty:
                try:
                    pty.settle("the bare app", quiet=1.5, timeout=60, ready=self.bare_ready)
                    bare = "starts and shows its table"
                except NotMeasured as e:
                    bare = f"fails: {e}"
        except NotMeasured as e:
            self.missing(what, e, goal)
            return
        rss = self.people_rss
        figure = outcome + (f" (uncapped, its peak RSS is {rss:.0f} MB)" if rss else "")
        self.add(what, figure, f"bare app under the same cap: {bare}", goal,
                 outcome.startswith(("works", "a message")))

    @staticmethod
    def capped(argv: list[str]) -> list[str]:
        limit = ("import os, resource, sys; "
                 f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP})); "
                 "os.execv(sys.argv[1], sys.argv[1:])")
        return [sys.executable, "-c", limit, *argv]

    def capped_outcome(self, pty: Pty) -> str:
        def verdict() -> str | None:
            text = pty.screen.text()
            lowered = text.lower()
            if "Traceback" in text or "MemoryError" in text:
                return "a traceback on the screen"
            if "hukommelse" in lowered or "memory" in lowered:
                line = next(ln for ln in pty.screen.lines()
                            if "hukommelse" in ln.lower() or "memory" in ln.lower())
                return f"a message: »{' '.join(line.split())[:90]}«"
            if not pty.alive():
                after = plain(bytes(pty.raw))
                if "Traceback" in after or "MemoryError" in after:
                    return "ended with a traceback (" + _tail(after, 80) + ")"
                return f"ended (exit {pty.term.proc.returncode}) without a word"
            return None

        try:
            pty.settle("the dashboard", quiet=1.5, timeout=60 * self.slow,
                       ready=lambda s: self.dashboard_filled(s) or verdict() is not None)
        except NotMeasured:
            return verdict() or "no dashboard within the time"
        if (found := verdict()) is not None:
            return "at start-up: " + found
        before = pty.screen.lines()
        sent = pty.write(b"3")
        wait = 30 * self.slow
        while (now := time.perf_counter()) < sent + wait:
            pty.read(0.1)
            if (found := verdict()) is not None:
                return found
            calm = now - max(pty.changed_at, sent)
            if self.people_shown(pty.screen) and calm > 2:
                return "works: the people list is shown"
            if calm > 5 and self.not_busy(pty.screen) and pty.screen.lines() != before:
                # Still, no list and not reading: whatever it says instead.
                said = sentence(pty.screen.lines(), before)
                return (f"no list; it says »{said}«, not that memory ran out" if said
                        else "no list and no message")
        return f"hangs: no list and no message in {wait:.0f} s"

    def report_and_check(self) -> None:
        plain_rows = self.plain_tinydb()
        for command, goal, limit_s, limit_mb in (
                ("report", "≤ 1.5 s, ≤ 100 MB", 1.5, 100.0), ("check", "≤ 5 s", 5.0, None)):
            what = f"`kuffert {command}`"
            try:
                runs = [timed([*KUFFERT, command, "--db", str(self.db), "--lang", "da"],
                              timeout=300 * self.slow)
                        for _ in range(max(1, self.repeats - 2))]
            except NotMeasured as e:
                self.missing(what, e, goal)
                continue
            s, mb = median([r["s"] for r in runs]), max(r["rss_mb"] for r in runs)
            met = s <= limit_s and (limit_mb is None or mb <= limit_mb)
            self.add(what, f"{fmt_s(s)}, peak RSS {mb:.0f} MB", plain_rows, goal, met)

    def plain_tinydb(self) -> str:
        try:
            runs = [timed([sys.executable, "-c", PLAIN_TINYDB_READ, str(self.db.parent)],
                          timeout=300) for _ in range(max(1, self.repeats - 2))]
        except NotMeasured as e:
            return f"plain TinyDB: {e}"
        return (f"plain TinyDB reading every table: {fmt_s(median([r['s'] for r in runs]))}, "
                f"{max(r['rss_mb'] for r in runs):.0f} MB")

    def grid_people(self) -> None:
        from tests.bench.bench_national_store import GRID_PEOPLE

        what = "open one course's grid: its people read (store call)"
        goal = "≤ 50 ms"
        marked = self.facts.get("marked")
        if not marked:
            self.missing(what, "no course with people and sessions", goal)
            return
        try:
            runs = [code_json(GRID_PEOPLE, str(self.db), marked["id"])
                    for _ in range(self.repeats)]
            course_file = self.db.parent / f"{self.db.stem}.d" / "courses" / \
                f"{marked['id']}.json"
            plain_runs = [code_json(PLAIN_GRID, str(course_file)) for _ in range(self.repeats)]
        except NotMeasured as e:
            self.missing(what, e, goal)
            return
        ms = median([r["ms"] for r in runs])
        self.add(f"{what}, {runs[0]['people']} people", fmt_ms(ms),
                 f"plain TinyDB reading the course's enrolments: "
                 f"{fmt_ms(median([r['ms'] for r in plain_runs]))}", goal, ms <= 50)

    def first_mark(self) -> None:
        from tests.bench.bench_national_store import FIRST_MARK, a_day_passes, floor

        what = "the day's first mark vs a process's first mark (store call)"
        goal = "as fast as any other mark (≤ 1.5x)"
        marked = self.facts.get("marked")
        if not marked:
            self.missing(what, "no course with people and sessions", goal)
            return
        # Each mark on a (person, day) not marked before in the run: two pairs of people
        # on one day each a repeat.
        people = marked["people"]
        pairs = [(sid, people[i], people[i + 1]) for sid in marked["sessions"]
                 for i in range(0, len(people) - 1, 2)]
        # A process's first write pays for itself (modules, the course file read): the
        # day's first mark is compared with a process's first mark on a day whose backup
        # is taken, each in a fresh process, and with the mark after it.
        day_first, process_first, normal = [], [], []
        try:
            for n in range(self.repeats):
                (day, one, two), (later, three, four) = pairs[2 * n:2 * n + 2]
                found = code_json(FIRST_MARK, str(self.db), marked["id"], day, one, two)
                process_first.append(found["first_ms"])
                a_day_passes(self.db)
                found = code_json(FIRST_MARK, str(self.db), marked["id"], later, three,
                                  four)
                day_first.append(found["first_ms"])
                normal.append(found["second_ms"])
        except (NotMeasured, OSError, ValueError) as e:
            self.missing(what, e, goal)
            return
        size = (self.db.parent / f"{self.db.stem}.d" / "courses" / f"{marked['id']}.json"
                ).stat().st_size
        f_ms, p_ms, n_ms = median(day_first), median(process_first), median(normal)
        self.add(what, f"{fmt_ms(f_ms)} ({f_ms / p_ms:.1f}x)",
                 f"a process's first mark, the backup taken: {fmt_ms(p_ms)}; the mark "
                 f"after it {fmt_ms(n_ms)}; floor {fmt_ms(floor(size, self.work))} "
                 f"({size / 1e3:,.0f} kB file)", goal, f_ms <= 1.5 * p_ms)

    def erase(self) -> None:
        from tests.bench.bench_national_store import ERASE, floor

        what = "erase one person named in 2 course files (store call)"
        goal = "≤ 50 ms"
        twice = list(self.facts.get("twice", []))
        if len(twice) < 2:
            self.missing(what, "no person named in exactly 2 course files", goal)
            return
        cli_person = twice.pop()
        runs = []
        try:
            for person in twice[:self.repeats]:
                runs.append(code_json(ERASE, str(self.db), person))
        except NotMeasured as e:
            self.missing(what, e, goal)
            return
        written = runs[0]["written_bytes"]
        floors = [floor(size, self.work) for size in written]
        ms = median([r["ms"] for r in runs])
        slowed = float(os.environ.get("KUFFERT_BENCH_SLOW_DISK") or 1)
        self.add(what + (f", fsync {slowed:g}x as slow" if slowed > 1 else ""),
                 f"{fmt_ms(ms)} ({runs[0]['courses']} course files named; "
                 f"runs {', '.join(fmt_ms(r['ms']) for r in runs)})",
                 f"floor for the {len(written)} files it rewrote "
                 f"({sum(written) / 1e6:.2f} MB: {', '.join(runs[0]['written'])}): "
                 f"{fmt_ms(sum(floors))}", goal, ms <= 50)
        try:
            cli = timed([*KUFFERT, "erase", "--yes", cli_person, "--db", str(self.db),
                         "--lang", "da"], timeout=120 * self.slow)
            start = timed([*KUFFERT, "--version"], timeout=60)
        except NotMeasured as e:
            self.missing("`kuffert erase --yes` (the whole command)", e, "—")
            return
        self.add("`kuffert erase --yes` (the whole command)",
                 f"{fmt_s(cli['s'])}, peak RSS {cli['rss_mb']:.0f} MB",
                 f"`kuffert --version`: {fmt_s(start['s'])}", "—")

    def big_course_mark(self) -> None:
        from tests.bench.bench_national_store import floor

        what = "a mark in a 400 x 40 course (store call)"
        goal = "≤ 30 ms"
        try:
            found = code_json(BIG_COURSE, str(self.db), str(10 if self.quick else 30))
        except NotMeasured as e:
            self.missing(what, e, goal)
            return
        ms = median(found["ms"])
        self.add(what, f"{fmt_ms(ms)} ({found['size'] / 1e6:.1f} MB file)",
                 f"floor {fmt_ms(floor(found['size'], self.work))}; plain TinyDB "
                 f"{fmt_ms(median(found['plain_ms']))} (no fsync)", goal, ms <= 30)


# --- databases ---------------------------------------------------------------------------


def demo_database(folder: Path) -> Path:
    db = folder / "kuffert.json"
    done = subprocess.run([*KUFFERT, "demo", "--db", str(db)], capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"kuffert demo failed: {done.stderr[-400:]}")
    return db


def national_cache(cache: Path, fresh: bool) -> Path:
    folder = cache / "national"
    db = folder / "kuffert.json"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not db.exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"generating the national database into {folder} (once) …", file=sys.stderr,
              flush=True)
        started = time.perf_counter()
        done = subprocess.run([*KUFFERT, "demo", "--scale", "national", "--db", str(db)],
                              capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise SystemExit(f"kuffert demo --scale national failed: {done.stderr[-400:]}")
        print(f"  generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return db


def copy_database(db: Path, folder: Path) -> Path:
    """The database's files (not its backups) under ``folder``, named kuffert.*."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "kuffert.json"
    shutil.copy2(db, target)
    family = db.with_name(db.stem + ".d")
    if family.is_dir():
        shutil.copytree(family, folder / "kuffert.d")
    return target


STEPS = ("startup", "screens", "search", "palette", "memory_cap", "report_and_check",
         "grid_people", "first_mark", "erase", "big_course_mark")


def measure_scale(scale: str, source: Path | None, work: Path, quick: bool,
                  only: set[str] | None) -> Run:
    folder = work / scale
    folder.mkdir(parents=True)
    db = demo_database(folder / "db") if source is None else \
        copy_database(source, folder / "db")
    run = Run(scale, db, folder, quick)
    compiled_as_installed()
    run.prepare()
    run.measure(only)
    return run


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--serve-bare":
        serve_bare(argv[2], argv[3], int(argv[4]))
        return 0
    parser = argparse.ArgumentParser(
        description="Every row of issue 13's table, at demo and at national scale, each "
                    "beside a baseline measured in the same run.")
    parser.add_argument("--scale", choices=("demo", "national", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter typing")
    parser.add_argument("--db", type=Path, help="a national database to copy and measure")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                        / "kuffert-bench", help="where the national database is kept")
    parser.add_argument("--fresh", action="store_true", help="generate the cache anew")
    parser.add_argument("--work", type=Path, default=None, help="folder for the copies")
    parser.add_argument("--slow-disk", type=float, default=1.0, metavar="FACTOR",
                        help="make every fsync take FACTOR times as long (in the probes "
                             "and the floors beside them): a slower disk")
    parser.add_argument("--only", type=lambda v: set(v.split(",")), default=None,
                        help="only these steps, comma-separated: " + ", ".join(STEPS))
    args = parser.parse_args(argv[1:])

    # The user's own settings and database stay out of it; Danish, as a user sees it.
    os.environ.update({"KUFFERT_CONFIG": os.devnull, "KUFFERT_LANG": "da",
                       "PYTHONPATH": os.pathsep.join(
                           p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)})
    os.environ.pop("KUFFERT_DB", None)
    if args.slow_disk > 1:
        from tests.bench.bench_national_store import SLOW_DISK, slow_the_disk

        os.environ[SLOW_DISK] = str(args.slow_disk)
        slow_the_disk()
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kuffert-table-", dir=args.work))
    started, load = time.perf_counter(), os.getloadavg()[0]
    runs = []
    try:
        scales = ("demo", "national") if args.scale == "both" else (args.scale,)
        for scale in scales:
            source = None
            if scale == "national":
                source = args.db or national_cache(args.cache, args.fresh)
            begun = time.perf_counter()
            runs.append(measure_scale(scale, source, work, args.quick, args.only))
            runs[-1].timings["total"] = round(time.perf_counter() - begun, 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print(f"Issue 13's table: {COLUMNS}x{LINES} pty, {os.cpu_count()} CPUs, load "
          f"{load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end; medians of "
          f"{runs[0].repeats if runs else 0} repeats; the run took {elapsed / 60:.1f} min.\n")
    for run in runs:
        f = run.facts
        print(f"- {run.scale}: {f.get('people', 0):,} people, {f.get('courses', 0):,} courses, "
              f"measured in {run.timings['total'] / 60:.1f} min")
    print()
    print_table([row for run in runs for row in run.rows])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
