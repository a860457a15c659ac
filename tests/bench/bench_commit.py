"""Benchmark: what one commit costs against the file-system floor, and how long writers
wait for the lock on a busy machine. Prints JSON; not part of the test run.

    python tests/bench/bench_commit.py [--marks 200] [--writers 8] [--writes 200]

- floor: the least a durable replace of the same course file can cost (write a new file,
  fsync it, rename it, fsync the folder), timed in the same run;
- mark: one attendance mark through the store (lock, holder note, one-file commit);
- two files: a change to a course header and one of its sessions (commit record path);
- lock wait: writers x writes beside two CPU-burning processes; the longest and the 99th
  percentile wait per write, and how many writes gave up.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tui.domain.courses import Mark
from tui.store.demo import load_demo
from tui.store.store import Store


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    at = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {"median_ms": round(statistics.median(ordered), 3), "p95_ms": round(at(0.95), 3),
            "p99_ms": round(at(0.99), 3), "max_ms": round(ordered[-1], 3), "n": len(ordered)}


def floor(path: Path, count: int) -> dict[str, float]:
    data = path.read_bytes()
    samples = []
    for n in range(count):
        start = time.perf_counter()
        temp = path.with_name(f".floor{n}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        os.replace(temp, path.with_name("floor.json"))
        dfd = os.open(path.parent, os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


def marks(store: Store, course: str, count: int) -> dict[str, float]:
    sessions = [s.id for s in store.sessions(course).all()]
    people = [e.person_id for e in store.enrolments(course).all()]
    samples = []
    for n in range(count):
        mark = (Mark.PRESENT, Mark.ABSENT)[n % 2]
        start = time.perf_counter()
        store.mark(course, sessions[n % len(sessions)], people[n % len(people)], mark)
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


def two_files(store: Store, course: str, count: int) -> dict[str, float]:
    samples = []
    for n in range(count):
        header = store.courses.get(course)
        session = store.sessions(course).all()[0]
        start = time.perf_counter()
        with store.transaction():
            header.venue = f"Lokale {n}"
            store.courses.save(header)
            session.place_id = None
            store.sessions(course).save(session)
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


WRITER = r"""
import json, sys, time
from pathlib import Path
from tui.domain.people import Person, Qualification, Role
from tui.store.errors import LockTimeout
from tui.store.store import Store
db, worker, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
store = Store.open(db)
waits, refused = [], 0
for n in range(count):
    start = time.perf_counter()
    try:
        with store.transaction():
            waits.append((time.perf_counter() - start) * 1000)
            store.people.add(Person(id=f"w{worker}n{n}", name="W", role=Role.EMPLOYEE,
                                    qualification=Qualification.UNSKILLED))
    except LockTimeout:
        refused += 1
print(json.dumps({"waits": waits, "refused": refused}))
"""


def lock_waits(folder: Path, writers: int, writes: int) -> dict[str, object]:
    db = folder / "lock.json"
    Store.open(db).people.count()
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    started = time.perf_counter()
    try:
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(w), str(writes)],
                                  stdout=subprocess.PIPE, text=True) for w in range(writers)]
        results = [json.loads(p.communicate()[0]) for p in procs]
    finally:
        for burner in burners:
            burner.kill()
    waits = [w for r in results for w in r["waits"]]
    per_writer_max = [round(max(r["waits"]), 1) for r in results]
    return {"writes": len(waits), "refused": sum(r["refused"] for r in results),
            "stored": Store.open(db).people.count(), "wall_s": round(time.perf_counter()
                                                                    - started, 1),
            "wait": summary(waits), "longest_wait_per_writer_ms": per_writer_max}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--marks", type=int, default=200)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kuffert-bench-"))
    store = Store.open(folder / "k.json")
    load_demo(store)
    store = Store.open(folder / "k.json")
    course = "c-horsens-vuggestue"
    with store.transaction():
        pass  # the day's backup, outside the figures
    result = {
        "floor_replace_course_file": floor(store.db.layout.course(course), args.marks),
        "mark": marks(store, course, args.marks),
        "two_file_change": two_files(store, course, max(20, args.marks // 4)),
        "lock_8x200_two_burners": lock_waits(folder, args.writers, args.writes),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
