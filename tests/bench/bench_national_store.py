"""Benchmark: the store operations of a national database that should cost what the work
costs, not what the database weighs. Prints JSON; not part of the test run.

    python tests/bench/bench_national_store.py [--db national.json] [--runs 3]

Without --db a national database is generated (kuffert demo --scale national) in a
temp folder; with --db it is copied there first (an older schema is migrated by the
copy's first open, and the migration is timed). Every figure comes with a floor
measured in the same run, so a loaded machine shows as a higher floor, not as a slower
Kuffert:

- a write's floor is a durable write of the same bytes (write, fsync, rename, fsync);
- a read's floor is a bare Python process reading the bytes the command reads;
- the report's "from records" is the same report counted from every record, as before
  the figures were kept (tests/test_report_figures.py checks they agree).

Times are medians of --runs runs; "peak_rss_mb" is the process's maximum resident set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tui.domain.courses import Attendance, Course, Enrolment, Mark, Session, attendance_id
from tui.store import backup, daily_backup
from tui.store.store import Store


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# Run as ``python -c PEAK CODE ARGS...``: runs CODE, then says the process's peak RSS
# (VmHWM, which an exec starts afresh; a fork's rusage would count the benchmark's own).
PEAK = r"""
import atexit, os, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            os.write(2, ("\nPEAK_KB %s\n" % line.split()[1]).encode())
atexit.register(_peak)
code = sys.argv[1]
sys.argv = ["-c", *sys.argv[2:]]
exec(compile(code, "<measured>", "exec"), {"__name__": "__main__"})
"""

KUFFERT = "from tui.cli.main import main\nraise SystemExit(main())"


def measured(argv: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of ``[code, *args]`` run by a fresh Python."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"{argv[1:]} failed: {done.stderr[-2000:]}")
    peak = [line for line in done.stderr.splitlines() if line.startswith("PEAK_KB ")]
    return took, int(peak[-1].split()[1]) / 1024


def median_run(argv: list[str], runs: int) -> dict[str, float]:
    samples = [measured(argv) for _ in range(runs)]
    return {"s": round(statistics.median(s for s, _ in samples), 2),
            "peak_rss_mb": round(max(m for _, m in samples), 1)}


def kuffert(db: Path, *args: str) -> list[str]:
    return [KUFFERT, "--db", str(db), "--lang", "en", *args]


def run(code: str, *args: str) -> dict:
    """A fresh process, as a user's next command is; it prints one JSON object."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# With KUFFERT_BENCH_SLOW_DISK=F every fsync takes F times as long as the disk takes (the
# rest of the time asleep): a slower disk, in a probe and in the floor beside it alike.
SLOW_DISK = "KUFFERT_BENCH_SLOW_DISK"
SLOWED = r"""
import os, time
_factor = float(os.environ.get("KUFFERT_BENCH_SLOW_DISK") or 1)
if _factor > 1 and not getattr(os.fsync, "slowed", False):
    _real_fsync = os.fsync
    def _slow_fsync(fd, _real=_real_fsync, _factor=_factor):
        t = time.perf_counter()
        _real(fd)
        time.sleep((time.perf_counter() - t) * (_factor - 1))
    _slow_fsync.slowed = True
    os.fsync = _slow_fsync
"""


def slow_the_disk() -> None:
    """In this process too (for the floors), as SLOWED does in a probe."""
    exec(SLOWED, {})


# Counting the files a step opens: each os.open of a data file.
COUNT_OPENS = SLOWED + r"""
import os
_opened = []
_real_open = os.open
def _counting(path, *a, **k):
    name = os.fspath(path)
    if name.endswith(".json") and ".backups" not in name:
        _opened.append(name)
    return _real_open(path, *a, **k)
"""

FIRST_MARK = r"""
import json, sys, time
from pathlib import Path
from tui.domain.courses import Mark
from tui.store import daily_backup
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
course, session, one, other = sys.argv[2:6] if len(sys.argv) > 5 else ("c10", *sys.argv[2:5])
store.people.count()
t = time.perf_counter(); store.mark(course, session, one, Mark.ABSENT)
first = time.perf_counter() - t
t = time.perf_counter(); store.mark(course, session, other, Mark.ABSENT)
second = time.perf_counter() - t
t = time.perf_counter(); daily_backup.settle(); finished = time.perf_counter() - t
print(json.dumps({"first_ms": round(first * 1000, 1), "second_ms": round(second * 1000, 1),
                  "backup_finished_after_ms": round(finished * 1000, 1)}))
"""

GRID_PEOPLE = COUNT_OPENS + r"""
import json, sys, time
from pathlib import Path
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
os.open = _counting
t = time.perf_counter(); people = store.course_people(sys.argv[2])
took = time.perf_counter() - t
os.open = _real_open
print(json.dumps({"ms": round(took * 1000, 1), "people": len(people),
                  "people_files_read": sum("/people/" in p for p in _opened)}))
"""

ERASE = COUNT_OPENS + r"""
import json, sys, time
from pathlib import Path
from tui.store import daily_backup
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
with store.transaction():
    pass
daily_backup.settle()  # the day's backup is not the erasure's cost
person = sys.argv[2]
def files():
    found = {}
    for path in Path(sys.argv[1]).parent.rglob("*.json"):
        if ".backups" not in str(path):
            st = path.stat()
            found[str(path)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return found
before = files()
os.open = _counting
t = time.perf_counter(); courses = store.courses_naming(person)
store.erase_person(person)
took = time.perf_counter() - t
os.open = _real_open
# What the erasure rewrote: the file-system floor is a durable write of the same bytes.
after = files()
print(json.dumps({"ms": round(took * 1000, 1), "courses": len(courses),
                  "written_bytes": [v[2] for k, v in after.items() if before.get(k) != v],
                  "written": sorted(Path(k).parent.name + "/" + Path(k).name
                                    for k, v in after.items() if before.get(k) != v),
                  "files_opened": sorted({Path(p).parent.name + "/" + Path(p).name
                                          for p in _opened})}))
"""

# The store's side of the screens, at national scale: peak RSS of a process doing it.
PEOPLE_SCREEN = r"""
import sys, unicodedata
from pathlib import Path
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
people = store.people.all()
folded = [unicodedata.normalize("NFKD", p.name).casefold() for p in people]
hits = [p for p, f in zip(people, folded) if "naja" in f]
print(len(people), len(hits))
"""

GRID = r"""
import sys
from pathlib import Path
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
cid = sys.argv[2]
names = {pid: p.name for pid, p in store.course_people(cid).items()}
sessions, enrolments = store.sessions(cid).all(), store.enrolments(cid).all()
marks = store.attendance(cid).all()
print(len(names), len(sessions), len(enrolments), len(marks))
"""

# What the report reads, read by a bare process: the main file, the first 64 kB of
# each course file, every people file.
READ_FLOOR = r"""
import os, sys
from pathlib import Path
db = Path(sys.argv[1]); folder = db.with_name(db.stem + ".d")
total = len(db.read_bytes())
for path in sorted((folder / "people").glob("*.json")):
    total += len(path.read_bytes())
head = sys.argv[2] == "heads"
for path in sorted((folder / "courses").glob("*.json")):
    with open(path, "rb") as f:
        total += len(f.read(65536) if head else f.read())
print(total)
"""


def floor(size: int, folder: Path) -> float:
    data = os.urandom(size)
    samples = []
    for n in range(20):
        t = time.perf_counter()
        fd = os.open(folder / f".f{n}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        os.replace(folder / f".f{n}", folder / "floor")
        dfd = os.open(folder, os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
        samples.append((time.perf_counter() - t) * 1000)
    os.unlink(folder / "floor")
    return round(statistics.median(samples), 2)


def big_course(store: Store, people: int = 400, days: int = 40) -> str:
    cid = "big400x40"
    person_ids = [f"p{n}" for n in range(people)]
    with store.transaction():
        store.courses.add(Course(id=cid, programme_id=store.programmes.all()[0].id,
                                 name="400 x 40"))
        store.sessions(cid).add_many([Session(id=f"{cid}s{d}", course_id=cid,
                                              date=dt.date(2024, 1, 1) + dt.timedelta(d))
                                      for d in range(days)])
        store.enrolments(cid).add_many([Enrolment(id=f"{cid}e{p}", course_id=cid,
                                                  person_id=p) for p in person_ids])
        store.attendance(cid).add_many([
            Attendance(id=attendance_id(f"{cid}s{d}", p), course_id=cid,
                       session_id=f"{cid}s{d}", person_id=p, mark=Mark.PRESENT)
            for d in range(days) for p in person_ids])
    return cid


def a_day_passes(db: Path) -> None:
    """Every backup made a day older, so the next write is the day's first again."""
    layout = Store.open(db).db.layout
    for name, taken in backup.names(layout):
        older = (taken - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H%M%S")
        (layout.backups / name).rename(layout.backups / older)


def marks_in_big_course(store: Store, cid: str, count: int, days: int = 40) -> list[float]:
    """Milliseconds per mark, each one changing a stored mark of the big course."""
    samples = []
    for n in range(count):
        t = time.perf_counter()
        store.mark(cid, f"{cid}s{n % days}", f"p{n}", (Mark.ABSENT, Mark.PRESENT)[n % 2])
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def report_from_records(db: Path) -> float:
    """The report counted from every record (what kuffert report did before)."""
    from tests.test_report_figures import slow_report

    store = Store.open(db)
    t = time.perf_counter()
    slow_report(store)
    return round(time.perf_counter() - t, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kuffert-national-"))
    db = work / "national.json"
    result: dict[str, object] = {}
    if args.db is None:
        subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "demo", "--scale",
                        "national"], check=True, capture_output=True)
    else:
        shutil.copy2(args.db, db)
        shutil.copytree(args.db.with_name(args.db.stem + ".d"), work / "national.d")
        t = time.perf_counter()
        Store.open(db, backups=False)  # migrates an older schema, if it is one
        result["open_and_migrate_s"] = round(time.perf_counter() - t, 2)
    size = sum(p.stat().st_size for p in work.rglob("*.json"))
    result["database_mb"] = round(size / 1e6, 1)
    bare = median_run(["pass"], args.runs)

    result["report"] = {
        "text": median_run(kuffert(db, "report"), args.runs),
        "json": median_run(kuffert(db, "report", "--format", "json"), args.runs),
        "floor_read_same_files": median_run([READ_FLOOR, str(db), "heads"], args.runs),
        "bare_python": bare,
        "from_records_in_process_s": report_from_records(db),
    }
    result["check"] = {
        **median_run(kuffert(db, "check"), max(1, args.runs - 1)),
        "floor_read_every_file": median_run([READ_FLOOR, str(db), "whole"], args.runs),
    }

    # The first write ever takes the first backup (a full copy, once).
    store = Store.open(db)
    t = time.perf_counter()
    with store.transaction():
        pass
    daily_backup.settle()
    result["first_backup_ever_s"] = round(time.perf_counter() - t, 2)
    # Then a day passes: the day's first mark begins a backup, finished beside it.
    for name, taken in backup.names(store.db.layout):
        older = (taken - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H%M%S")
        (store.db.layout.backups / name).rename(store.db.layout.backups / older)
    # The day's first mark, in a fresh process; then the first mark of another fresh
    # process later that day (the backup taken): "as fast as any other mark".
    # Enrolled people, marked already: a mark changes the course's file alone.
    enrolled = [e.person_id for e in Store.open(db).enrolments("c10").all()]
    result["days_first_mark"] = run(FIRST_MARK, str(db), "c10s2", *enrolled[:2])
    result["a_later_process_first_mark"] = run(FIRST_MARK, str(db), "c10s3", *enrolled[2:4])

    course = "c77"
    result["open_one_course_grid_people"] = run(GRID_PEOPLE, str(db), course)
    person = Store.open(db).enrolments("c5").all()[0].person_id
    erase = run(ERASE, str(db), person)
    layout = Store.open(db).db.layout
    touched = [layout.main, layout.person_file(person),
               *(layout.course(c) for c in ("c5",))]
    erase["floor_write_same_files_ms"] = round(sum(
        floor(p.stat().st_size, work) for p in touched if p.exists()), 2)
    result["erase_one_person"] = erase

    store = Store.open(db)
    cid = big_course(store)
    file_size = store.db.layout.course(cid).stat().st_size
    samples = []
    for n in range(30):
        t = time.perf_counter()
        store.mark(cid, f"{cid}s{n % 40}", f"p{n}", (Mark.ABSENT, Mark.PRESENT)[n % 2])
        samples.append((time.perf_counter() - t) * 1000)
    result["mark_in_400x40"] = {"median_ms": round(statistics.median(samples), 1),
                                "file_mb": round(file_size / 1e6, 2),
                                "floor_same_size_ms": floor(file_size, work)}
    daily_backup.settle()

    result["memory_peak_rss_mb"] = {
        "people_screen_list_and_search": round(measured([PEOPLE_SCREEN, str(db)])[1], 1),
        "grid_400_people": round(measured([GRID, str(db), cid])[1], 1),
        "report_text": result["report"]["text"]["peak_rss_mb"],  # type: ignore[index]
        "bare_python": bare["peak_rss_mb"],
    }
    print(json.dumps(result, indent=2))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
