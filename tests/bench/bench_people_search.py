"""Benchmark: searching the people register, one key at a time, in a real terminal.

Runs Kuffert on a database in an 80x24 pseudo-terminal with ``--low-bandwidth``, opens
the People section, types a search one key at a time and counts, per key, the bytes
written in the 3 s after it and the time from the key to the last byte of its repaint.
The baseline is a bare Textual app (a search field above a table) typing the same keys:
what echoing a key costs anyway. It also prints the People screen's peak memory (RSS of
the process, from /proc) after the register is read. Prints JSON. Not part of the tests.

    python tests/bench/bench_people_search.py --db /tmp/nat/k.json [--query 'nivi 12']

Build the national database once with ``kuffert demo --scale national --db PATH``.
Targets (issue 13): <= 50 ms and <= 1,000 bytes per key at national scale, and the
People screen within 250 MB RSS; under an address-space cap (``--caps``, prlimit --as)
where memory runs out, a message in words instead of a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_attendance import Terminal

WINDOW = 3.0  # seconds after each key in which every byte counts
QUIET = 0.030  # the repaint is taken as done after this long without a byte


def serve_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            # No blink, as Kuffert with --low-bandwidth: each blink is a repaint.
            search = Input(id="q")
            search.cursor_blink = False
            yield search
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Name", "Role", "Qualification", "Institution", "Place")
            for r in range(25):
                table.add_row(f"Person {r}", "Leader", "Pedagogue", f"Daycare {r}", "Nuuk")
            self.query_one(Input).focus()

    Bare().run()


def press(term: Terminal, key: bytes) -> dict[str, float | int | None]:
    start = time.perf_counter()
    os.write(term.fd, key)
    total, last = 0, None
    end = start + WINDOW
    while time.perf_counter() < end:
        data = term._read(0.02)
        if data:
            total += len(data)
            last = time.perf_counter()
    return {"bytes": total, "done_ms": None if last is None else round((last - start) * 1000, 1)}


def rss_mb(pid: int) -> dict[str, float]:
    """Now and at the peak (VmHWM) of the process tree's main process."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return found


def summary(presses: list[dict[str, float | int | None]]) -> dict[str, object]:
    sizes = [int(p["bytes"] or 0) for p in presses]
    done = [float(p["done_ms"]) for p in presses if p["done_ms"] is not None]
    return {"per_key": presses, "bytes_median": statistics.median(sizes),
            "bytes_max": max(sizes),
            "done_ms_median": round(statistics.median(done), 1) if done else None,
            "done_ms_max": max(done) if done else None}


def bench_bare(query: str) -> dict[str, object]:
    term = Terminal([sys.executable, __file__, "--serve-bare"])
    try:
        term.wait_for(b"Person 0", 30, quiet=1.0)
        return summary([press(term, c.encode()) for c in query])
    finally:
        term.close()


def bench_kuffert(db: Path, query: str) -> dict[str, object]:
    os.environ.setdefault("KUFFERT_CONFIG", os.devnull)
    term = Terminal([sys.executable, "-m", "tui", "--db", str(db), "--lang", "en",
                     "--low-bandwidth"])
    try:
        term.wait_for(b"Kuffert", 120, quiet=1.0)
        started = time.perf_counter()
        os.write(term.fd, b"3")
        term.seen.clear()
        term.wait_for(b"000 people.", 300, quiet=2.0)
        opened_s = round(time.perf_counter() - started - 2.0, 1)
        memory = rss_mb(term.proc.pid)
        os.write(term.fd, b"/")
        term.drain(1.0)
        keys = summary([press(term, c.encode()) for c in query])
        # Back to the whole register: the longest list to draw again.
        keys["clear"] = press(term, b"\x15")  # ctrl+u empties the field
        return {"open_s": opened_s, "memory_mb": memory, "search": keys}
    finally:
        term.close()


def under_a_cap(db: Path, cap_mb: int) -> str:
    """What the People screen says when the process may map only ``cap_mb`` (prlimit
    --as): the register read runs out of memory before the screen does."""
    import re
    import shutil

    prlimit = shutil.which("prlimit")
    if prlimit is None:
        return "prlimit not found"
    term = Terminal([prlimit, f"--as={cap_mb * 1024 * 1024}", sys.executable, "-m", "tui",
                     "--db", str(db), "--lang", "en", "--low-bandwidth"])
    try:
        term.wait_for(b"Kuffert", 120, quiet=1.0)
        os.write(term.fd, b"3")
        term.seen.clear()
        end = time.monotonic() + 30
        while time.monotonic() < end and term.proc.poll() is None:
            data = term._read(0.2)
            if data:
                term.seen += data
            elif b"memory" in term.seen or b"000 people." in term.seen:
                break
        text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b" ", bytes(term.seen)).decode(
            "utf-8", "replace")
        if term.proc.poll() is not None or "Traceback" in text:
            return "crashed: " + " ".join(text.split())[-300:]
        if "memory" in text:
            return "said: " + " ".join(text.split("memory", 1)[0].split()[-8:]) + " memory …"
        return "read the register within the cap"
    finally:
        term.close()


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--serve-bare":
        serve_bare()
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    # A name and a municipality's number, as the national demo names them.
    parser.add_argument("--query", default="nivi 12")
    parser.add_argument("--caps", default="300,700",
                        help="address-space caps in MB to run the People screen under")
    args = parser.parse_args(argv[1:])
    bare = bench_bare(args.query)
    kuffert = bench_kuffert(args.db, args.query)
    search = kuffert["search"]
    assert isinstance(search, dict)
    caps = {f"{cap} MB": under_a_cap(args.db, int(cap)) for cap in args.caps.split(",") if cap}
    report = {
        "terminal": "80x24, --low-bandwidth",
        "memory_caps": caps,
        "query": args.query,
        "bare_input_and_table": bare,
        "kuffert_people": kuffert,
        "targets": {
            "key_at_most_50ms": (search["done_ms_median"] or 0) <= 50,
            "key_at_most_1000_bytes": search["bytes_median"] <= 1000,
            "rss_at_most_250mb": kuffert["memory_mb"].get("VmHWM", 0) <= 250,  # type: ignore[union-attr]
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
