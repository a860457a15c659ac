"""Benchmark: the store at national scale against plain TinyDB, and start-up against a
bare Textual app. Prints JSON. Not part of the test run (machines here are noisy, so
every figure is set against a baseline measured in the same run).

    python tests/bench/bench_store.py [--work DIR] [--marks 200] [--plain-marks 5]
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

from tinydb import TinyDB

from tui.domain.courses import Mark
from tui.store.demo import generate_national
from tui.store.store import Store


def summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3),
            "n": len(ordered)}


def bench_kuffert_marks(db: Path, count: int) -> dict[str, float]:
    store = Store.open(db)
    store.people.count()  # a warm process, as the attendance screen is
    courses = [f"c{i}" for i in range(0, 2000, 2000 // 20)]
    samples = []
    for n in range(count):
        course = courses[n % len(courses)]
        start = time.perf_counter()
        store.mark(course, f"{course}s2", f"p{n}", Mark.PRESENT)
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


def build_plain_tinydb(db: Path, plain: Path) -> None:
    """The same data as one TinyDB file, the way TinyDB is used out of the box."""
    tables: dict[str, dict] = {}
    for path in [db, *sorted((db.parent / "national.d" / "people").glob("*.json")),
                 *sorted((db.parent / "national.d" / "courses").glob("*.json"))]:
        for name, docs in json.loads(path.read_text()).items():
            target = tables.setdefault(name, {})
            for i, doc in enumerate(docs.values(), start=len(target) + 1):
                target[str(i)] = doc
    plain.write_text(json.dumps(tables, ensure_ascii=False))


def bench_plain_marks(plain: Path, count: int) -> dict[str, float]:
    tiny = TinyDB(plain)
    table = tiny.table("attendance", cache_size=0)
    samples = []
    for n in range(count):
        start = time.perf_counter()
        table.insert({"course_id": "c1", "session_id": "c1s2", "person_id": f"p{n}",
                      "mark": "present"})
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


STARTUP = r"""
import asyncio, os, sys
os.environ["TEXTUAL_ANIMATIONS"] = "none"
kind, db = sys.argv[1], sys.argv[2]
if kind == "kuffert":
    from pathlib import Path
    from tui.app import KuffertApp
    from tui.store.store import Store
    app = KuffertApp(Store.open(Path(db)), language="da")
else:
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self):
            table = self.query_one(DataTable)
            table.add_columns("Navn", "Status", "Dage")
            for i in range(20):
                table.add_row(f"Hold {i}", "planlagt", "5")

    app = Bare()

async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

asyncio.run(main())
# VmHWM, not ru_maxrss: a forked child inherits its parent's ru_maxrss on Linux.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(int(hwm.split()[1]))
"""


def bench_startup(kind: str, db: Path, runs: int = 5) -> dict[str, float]:
    times, rss = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", STARTUP, kind, str(db)],
                             capture_output=True, text=True, check=True)
        times.append((time.perf_counter() - start) * 1000)
        rss.append(int(out.stdout.strip().splitlines()[-1]) / 1024)
    return {"median_ms": round(statistics.median(times), 1),
            "peak_rss_mib": round(max(rss), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--marks", type=int, default=200)
    parser.add_argument("--plain-marks", type=int, default=5)
    parser.add_argument("--startup-only", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kuffert-bench-"))
    db = work / "national.json"
    result: dict[str, object] = {"database": str(db)}
    if not db.exists():
        start = time.perf_counter()
        result["generated"] = generate_national(Store.open(db))
        result["generate_s"] = round(time.perf_counter() - start, 1)
    plain = work / "plain-tinydb.json"
    if not plain.exists():
        build_plain_tinydb(db, plain)
    result["sizes_mib"] = {
        "kuffert_main": round(db.stat().st_size / 2**20, 1),
        "kuffert_course_file": round((work / "national.d/courses/c1.json").stat().st_size
                                     / 2**20, 2),
        "plain_tinydb": round(plain.stat().st_size / 2**20, 1),
    }
    if args.startup_only:
        result["startup_kuffert_national"] = bench_startup("kuffert", db)
        result["startup_bare_textual"] = bench_startup("bare", db)
        print(json.dumps(result, indent=2))
        return
    kuffert = bench_kuffert_marks(db, args.marks)
    plain_marks = bench_plain_marks(plain, args.plain_marks)
    result["mark_kuffert"] = kuffert
    result["mark_plain_tinydb"] = plain_marks
    result["mark_speedup_median"] = round(plain_marks["median_ms"] / kuffert["median_ms"], 1)
    result["startup_kuffert_national"] = bench_startup("kuffert", db)
    result["startup_bare_textual"] = bench_startup("bare", db)
    result["cpu_count"] = os.cpu_count()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
