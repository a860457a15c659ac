"""Benchmark: start-up to the filled dashboard, against a bare Textual app (a header, a
table of 25 rows and a footer), both in a real 80x24 pty. Prints JSON. Not a test.

    python tests/bench/bench_startup.py [--demo DB] [--national DB] [--runs 5]
                                        [--baseline SOURCE]

Without ``--demo`` a demo database is made in a temporary folder; a national one is
slow to make, so it is measured only when given (``kuffert demo --scale national --db
X`` makes one; build it once and reuse it).

"Filled" is the last byte written before the screen goes quiet for a second, after the
dashboard's course count ("Forløb (") is on the screen: the first screenful and what
fills in after it. Peak RSS is the child's VmHWM at that point. Goal: time and peak
RSS at most 1.3x and 1.5x the bare app's, at both scales.

``--baseline`` names the source folder of another version (``git archive main | tar
-x -C DIR``), measured in the same turns: the figures before and after a change.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_attendance import ROOT, Terminal, compiled_as_installed

QUIET = 1.0


def serve_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        TITLE = "Bare"

        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(f"Col {c}" for c in range(5)))
            for r in range(25):
                table.add_row(*(f"Cell {r},{c}" for c in range(5)))
            table.focus()

    Bare().run()


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def once(argv: list[str], marker: bytes, timeout: float = 120) -> tuple[float, int]:
    """Seconds from spawning to the last byte before quiet, and the peak RSS in kB."""
    start = time.perf_counter()
    term = Terminal(argv)
    seen = bytearray()
    last = start
    try:
        while time.perf_counter() - start < timeout:
            data = term._read(0.02)
            now = time.perf_counter()
            if data:
                seen += data
                last = now
            elif marker in seen and now - last > QUIET:
                return last - start, peak_rss_kb(term.proc.pid)
        raise TimeoutError(f"{marker!r} not shown: {bytes(seen[-300:])!r}")
    finally:
        term.close()


def measure(apps: dict[str, tuple[list[str], bytes]], runs: int) -> dict[str, dict[str, float]]:
    """Each app ``runs`` times, taking turns, so that a busy moment on a shared machine
    falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in apps}
    rss: dict[str, list[int]] = {name: [] for name in apps}
    for _ in range(runs):
        for name, (argv, marker) in apps.items():
            seconds, kb = once(argv, marker)
            times[name].append(seconds)
            rss[name].append(kb)
    return {name: {"seconds_median": round(statistics.median(times[name]), 3),
                   "peak_rss_mb_median": round(statistics.median(rss[name]) / 1024, 1)}
            for name in apps}


def kuffert(db: Path, source: Path | None = None) -> list[str]:
    command = [sys.executable, "-m", "tui", "--db", str(db), "--lang", "da"]
    # Ahead of the installed package on the path: that version's tui is imported.
    return ["env", f"PYTHONPATH={source}", *command] if source else command


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", choices=["bare"])
    parser.add_argument("--demo", type=Path)
    parser.add_argument("--national", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    if args.serve == "bare":
        serve_bare()
        return
    os.environ["KUFFERT_CONFIG"] = os.devnull
    os.chdir(tempfile.gettempdir())  # not a source folder: the versions come by the path
    with tempfile.TemporaryDirectory() as tmp:
        demo = args.demo
        if demo is None:
            demo = Path(tmp) / "demo.json"
            subprocess.run([*kuffert(demo), "demo"], check=True, capture_output=True)
        apps = {"bare": ([sys.executable, str(Path(__file__).resolve()), "--serve", "bare"],
                         b"Cell 0,0")}
        for scale, db in (("demo", demo), ("national", args.national)):
            if db is not None:
                apps[scale] = (kuffert(db), "Forløb (".encode())
                if args.baseline:
                    apps[f"{scale} (baseline)"] = (kuffert(db, args.baseline.resolve()),
                                                   "Forløb (".encode())
        compiled_as_installed(ROOT, *([args.baseline.resolve()] if args.baseline else []))
        result = measure(apps, args.runs)
        bare = result["bare"]
        for scale, figures in result.items():
            if scale != "bare":
                figures["time_vs_bare"] = round(figures["seconds_median"]
                                                / bare["seconds_median"], 2)
                figures["rss_vs_bare"] = round(figures["peak_rss_mb_median"]
                                               / bare["peak_rss_mb_median"], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
