"""A writer killed at any moment leaves the database as it was before or after the write.

Two kinds of test, as SQLite does it: a fault injected at each step of a write (before
and after the data fsync, the rename and the folder fsync), and SIGKILL at random moments.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tui.store.store import Store

SETUP = r"""
import sys, datetime as dt
from pathlib import Path
from tui.domain.courses import Course, Enrolment, Mark, Session
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
with store.transaction():
    store.programmes.add(Programme(id="prog", name="Programme"))
    store.courses.add(Course(id="course", programme_id="prog", name="Course"))
    store.sessions("course").add(Session(id="day1", course_id="course",
                                         date=dt.date(2021, 8, 16)))
    store.people.add_many([Person(id=f"person{n}", name=f"Person {n}", role=Role.EMPLOYEE,
                                  qualification=Qualification.UNSKILLED) for n in range(5000)])
    # Enrolled, as the people a trainer marks are: a mark then changes one file (a mark
    # of someone new to the course also updates their file of the index: a two-file
    # change, tested in test_store_commit.py).
    store.enrolments("course").add_many([
        Enrolment(id=f"e{n}", course_id="course", person_id=f"person{n}")
        for n in range(2000)])
# Someone already marked, so the day is held: a mark then changes no summary either.
store.mark("course", "day1", "person4999", Mark.PRESENT)
"""

# Marks attendance for person 0, 1, 2, ... and says so after each durable write.
MARKER = r"""
import os, signal, sys
from pathlib import Path
from tui.domain.courses import Mark
from tui.store import daily_backup, files
from tui.store.store import Store

db, start = Path(sys.argv[1]), int(sys.argv[2])
fault = sys.argv[3] if len(sys.argv) > 3 else ""

def inject(name):
    # fault is "before:fsync#2": kill the process just before the 2nd os.fsync call.
    real = getattr(os, name)
    when, _, target = fault.partition(":")
    target, _, nth = target.partition("#")
    if target != name:
        return
    calls = [0]
    def wrapper(*args, **kwargs):
        calls[0] += 1
        strike = calls[0] == int(nth or 1)
        if strike and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if strike and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(files.os, name, wrapper)

store = Store.open(db)
with store.transaction():
    pass  # the day's backup is begun here, and finished before any fault is armed
daily_backup.settle()
if fault:
    for name in ("write", "fsync", "replace"):
        inject(name)
n = start
while True:
    print(f"begin {n}", flush=True)
    store.mark("course", "day1", f"person{n}", Mark.PRESENT)
    print(f"done {n}", flush=True)
    n += 1
"""


def _setup(tmp_path: Path) -> Path:
    db = tmp_path / "k.json"
    subprocess.run([sys.executable, "-c", SETUP, str(db)], check=True)
    return db


def _marked(db: Path) -> set[str]:
    raw = json.loads((db.parent / "k.d" / "courses" / "course.json").read_text())
    return {doc["person_id"] for doc in raw.get("attendance", {}).values()} - {"person4999"}


def _expect_before_or_after(db: Path, output: str) -> int:
    lines = output.split()
    begun = [int(x) for k, x in zip(lines[::2], lines[1::2], strict=False) if k == "begin"]
    done = [int(x) for k, x in zip(lines[::2], lines[1::2], strict=False) if k == "done"]
    committed = {f"person{n}" for n in done}
    marked = _marked(db)
    before = {f"person{n}" for n in range(max(begun, default=-1))}
    after = before | ({f"person{max(begun)}"} if begun else set())
    assert committed <= marked
    assert marked in (before, after), (sorted(marked), begun[-3:], done[-3:])
    return len(marked)


# The steps of one durable write, in order: write the temp file, fsync it, rename it over
# the old file, fsync the folder. Up to the rename the old state must survive; from the
# rename on, the new one.
FAULTS = {
    "before:write": "before", "after:write": "before",
    "before:fsync#1": "before", "after:fsync#1": "before",
    "before:replace": "before", "after:replace": "after",
    "before:fsync#2": "after", "after:fsync#2": "after",
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_at_each_step_of_a_write(tmp_path: Path, fault: str) -> None:
    db = _setup(tmp_path)
    proc = subprocess.run([sys.executable, "-c", MARKER, str(db), "0", fault],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    count = _expect_before_or_after(db, proc.stdout)
    assert count == (1 if FAULTS[fault] == "after" else 0)
    check = run_kuffert("check", db=db)
    assert check.returncode == 0, check.stderr
    # The database keeps working: the next writer succeeds where the killed one stopped.
    again = subprocess.Popen([sys.executable, "-c", MARKER, str(db), "100"],
                             stdout=subprocess.PIPE, text=True)
    assert again.stdout is not None
    while "done 101" not in again.stdout.readline():
        pass
    again.kill()
    again.wait()
    assert {"person100", "person101"} <= _marked(db)


# 100 kills in all, in chunks on databases of their own, so xdist can run them side by side
# (one run of 100 took 48-79 s, the longest test of the suite).
CHUNKS = 4


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_killed_at_random_moments_100_times(tmp_path: Path, chunk: int) -> None:
    db = _setup(tmp_path)
    rng = random.Random(20211124 + chunk)
    start = 0
    kills = 0
    while kills < 100 // CHUNKS:
        proc = subprocess.Popen([sys.executable, "-c", MARKER, str(db), str(start)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        # Wait for the first write to begin, then strike somewhere in the next few.
        first = proc.stdout.readline()
        assert first.startswith("begin"), first
        time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        kills += 1
        start = _expect_before_or_after(db, first + rest)
        check = run_kuffert("check", db=db)
        assert check.returncode == 0, check.stderr
    assert Store.open(db).attendance("course").count() == start + 1  # and person4999
