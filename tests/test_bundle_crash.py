"""A merge killed at any step leaves the office database as before or wholly merged.

The merge writes the people file, a course file and the main file in one transaction. A
fault is injected before and after each os.fsync, os.replace and os.unlink call of the
merge (SIGKILL, so nothing is tidied); the next process that opens the database must see
the office as it was or with the whole bundle merged, never a part of it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.field_trip import PASS, change_field, change_office, contents, make_office, open_copy
from tests.field_trip import take_out as take_out_bundle
from tui.store import sync
from tui.store.store import Store

MERGER = r"""
import os, signal, sys
from collections import Counter
from pathlib import Path
from tui.store import sync
from tui.store.bundle import read_bundle
from tui.store.store import Store

db, bundle, phrase, fault = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
store = Store.open(db)
with store.transaction():
    pass  # the day's backup is taken here, before any fault is armed
data = read_bundle(bundle, phrase)
calls = Counter()

def arm(name):
    real = getattr(os, name)
    when, _, target = fault.partition(":")
    target, _, nth = target.partition("#")
    def wrapper(*args, **kwargs):
        calls[name] += 1
        strike = name == target and calls[name] == int(nth or 0)
        if strike and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if strike and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(os, name, wrapper)

for name in ("fsync", "replace", "unlink", "rename"):
    arm(name)
sync.merge_changes(store, data, str(bundle))
print(" ".join(f"{k}={v}" for k, v in sorted(calls.items())), flush=True)
"""

# Whatever the next process does on opening (finish or undo an interrupted commit).
REOPEN = r"""
import sys
from pathlib import Path
from tui.store.store import Store
store = Store.open(Path(sys.argv[1]))
store.verify()
store.tidy()
"""


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, timeout=120)


def test_a_kill_at_each_step_of_a_merge_leaves_before_or_after(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office" / "k.json")
    take_out_bundle(office, tmp_path / "out.kuf")
    field = open_copy(tmp_path / "out.kuf", tmp_path / "field" / "k.json")
    change_field(field)
    change_office(office)
    bundle = tmp_path / "back.kuf"
    sync.export_changes(field, bundle, PASS)
    # Today's backup is taken now, so every copy below starts from the same state.
    with office.transaction():
        pass
    before = contents(office)

    clean = tmp_path / "clean"
    shutil.copytree(tmp_path / "office", clean)
    counted = _run(MERGER, str(clean / "k.json"), str(bundle), PASS, "none:none")
    assert counted.returncode == 0, counted.stderr
    after = contents(Store.open(clean / "k.json"))
    assert after != before
    calls = dict(pair.split("=") for pair in counted.stdout.split())
    points = [f"{when}:{name}#{n}" for name, count in calls.items()
              for n in range(1, int(count) + 1) for when in ("before", "after")]
    assert len(points) >= 12  # three files: each at least an fsync, a rename and a folder fsync

    outcomes = {"before": 0, "after": 0}
    for point in points:
        copy = tmp_path / point.replace(":", "-").replace("#", "-")
        shutil.copytree(tmp_path / "office", copy)
        killed = _run(MERGER, str(copy / "k.json"), str(bundle), PASS, point)
        assert killed.returncode == -9, (point, killed.stderr)
        reopened = _run(REOPEN, str(copy / "k.json"))
        assert reopened.returncode == 0, (point, reopened.stderr)
        found = contents(Store.open(copy / "k.json"))
        assert found in (before, after), point
        outcomes["before" if found == before else "after"] += 1
        # Merging again after the crash finishes the job exactly once.
        again = _run(MERGER, str(copy / "k.json"), str(bundle), PASS, "none:none")
        assert again.returncode == 0, (point, again.stderr)
        assert contents(Store.open(copy / "k.json")) == after, point
    print(f"{len(points)} kill points: {outcomes}")
    assert outcomes["before"] and outcomes["after"]
