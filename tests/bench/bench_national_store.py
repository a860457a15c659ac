"""Benchmark: the store operations of a national database that should cost what the work
costs, not what the database weighs. Prints JSON; not part of the test run.

    python tests/bench/bench_national_store.py [--db national.json]

Without --db a national database is generated (kuffert demo --scale national) in a
temp folder. Each figure comes with the file-system floor measured in the same run.
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
from tui.store import backup
from tui.store.store import Store


def ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def run(code: str, *args: str, timeout: float | None = None) -> dict:
    """A fresh process, as a user's next command is; it prints one JSON object."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, check=True, timeout=timeout)
    return json.loads(done.stdout.strip().splitlines()[-1])


FIRST_MARK = r"""
import json, sys, time
from pathlib import Path
from tui.domain.courses import Mark
from tui.store.store import Store
db, course, session, one, other = sys.argv[1:6]
store = Store.open(Path(db))
store.people.count
t = time.perf_counter(); store.mark(course, session, one, Mark.PRESENT)
first = (time.perf_counter() - t) * 1000
t = time.perf_counter(); store.mark(course, session, other, Mark.PRESENT)
second = (time.perf_counter() - t) * 1000
print(json.dumps({"first_ms": round(first, 1), "second_ms": round(second, 1)}))
"""

GRID_PEOPLE = r"""
import json, sys, time
from pathlib import Path
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
t = time.perf_counter(); people = store.course_people(sys.argv[2])
print(json.dumps({"ms": round((time.perf_counter() - t) * 1000, 1), "people": len(people)}))
"""

ERASE = r"""
import json, sys, time
from pathlib import Path
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
with store.transaction():
    pass
person = sys.argv[2]
def files():
    found = {}
    for path in Path(sys.argv[1]).parent.rglob("*.json"):
        if ".backups" not in str(path):
            st = path.stat()
            found[str(path)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return found
before = files()
t = time.perf_counter(); courses = store.courses_naming(person)
store.erase_person(person)
ms = round((time.perf_counter() - t) * 1000, 1)
# What the erasure rewrote: the file-system floor is a durable write of the same bytes.
written = [v[2] for k, v in files().items() if before.get(k) != v]
print(json.dumps({"ms": ms, "courses": len(courses), "written_bytes": written}))
"""


def a_day_passes(db: Path) -> None:
    """Every backup made a day older, so the next write is the day's first again."""
    layout = Store.open(db).db.layout
    for name, taken in backup.names(layout):
        older = (taken - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H%M%S")
        (layout.backups / name).rename(layout.backups / older)


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


def marks_in_big_course(store: Store, cid: str, count: int, days: int = 40) -> list[float]:
    """Milliseconds per mark, each one changing a stored mark of the big course."""
    samples = []
    for n in range(count):
        t = time.perf_counter()
        store.mark(cid, f"{cid}s{n % days}", f"p{n}", (Mark.ABSENT, Mark.PRESENT)[n % 2])
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kuffert-national-"))
    if args.db is None:
        db = work / "national.json"
        subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "demo", "--scale",
                        "national"], check=True, capture_output=True)
    else:
        db = work / "national.json"
        shutil.copy2(args.db, db)
        shutil.copytree(args.db.with_name(args.db.stem + ".d"), work / "national.d")
    result: dict[str, object] = {}
    size = sum(p.stat().st_size for p in work.rglob("*.json"))
    result["database_mb"] = round(size / 1e6, 1)

    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "check"], check=True,
                   capture_output=True)
    result["check_s"] = round(time.perf_counter() - t, 2)

    # The first write ever takes the first backup (a full copy, once).
    store = Store.open(db)
    t = time.perf_counter()
    with store.transaction():
        pass
    result["first_backup_ever_s"] = round(time.perf_counter() - t, 2)
    # Then a day passes: the day's first mark takes a backup of what changed since.
    a_day_passes(db)
    result["days_first_mark"] = run(FIRST_MARK, str(db), "c10", "c10s2", "p4242", "p4243")

    result["open_one_course_grid_people"] = run(GRID_PEOPLE, str(db), "c77")
    person = Store.open(db).enrolments("c5").all()[0].person_id
    result["erase_one_person"] = run(ERASE, str(db), person)

    store = Store.open(db)
    cid = big_course(store)
    file_size = store.db.layout.course(cid).stat().st_size
    samples = marks_in_big_course(store, cid, 30)
    result["mark_in_400x40"] = {"median_ms": round(statistics.median(samples), 1),
                                "file_mb": round(file_size / 1e6, 2),
                                "floor_same_size_ms": floor(file_size, work)}
    print(json.dumps(result, indent=2))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
