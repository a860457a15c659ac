"""Fuzz the data files through every command and print the figures (not a test).

    python tests/bench/fuzz_store.py [N]     # N fuzzed databases (default 300)
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import test_store_fuzz as fuzz
from tui.store.demo import load_demo
from tui.store.store import Store


def run(n: int) -> None:
    base = Path(tempfile.mkdtemp())
    demo = base / "demo"
    load_demo(Store.open(demo / "k.json"))
    course, session = fuzz._ids(demo)
    refused = tracebacks = changed = runs = 0
    for seed in range(n):
        rng = random.Random(seed)
        folder = base / f"s{seed}"
        shutil.copytree(demo, folder)
        mutate = fuzz._mutate_record if seed % 3 else fuzz._mutate_text
        mutation = mutate(rng, folder)
        before = fuzz._files(folder)
        codes = []
        for argv in fuzz._commands(folder, course, session):
            code, said = fuzz._run(argv)
            runs += 1
            if code is None or "Traceback" in said:
                tracebacks += 1
                print("traceback:", mutation, argv[2:], said[-300:])
            codes.append(code)
        refused += codes[0] != 0
        changed += fuzz._files(folder) != before
        shutil.rmtree(folder)
    shutil.rmtree(base)
    print(f"{n} fuzzed databases, {runs} command runs: {refused} refused by check, "
          f"{tracebacks} tracebacks, {changed} with a file changed")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
