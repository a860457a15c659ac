"""Memory that runs out is said in words, and nothing is lost.

A real process with its address space capped (RLIMIT_AS) reads a registry too large
for the cap; it must stop with a message, not a traceback, and leave every file as it
was, the change it was making unsaved.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.domain.people import Person, Qualification, Role
from tui.store.store import Store

CAPPED = r"""
import resource, sys
from pathlib import Path
# Everything the command imports, before the cap.
import tui.cli.main, tui.cli.reporting, tui.store.exports, tui.store.reporting
import tui.store.people_import, tui.domain.report_files

def size() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise SystemExit("no /proc")

resource.setrlimit(resource.RLIMIT_AS, (size() + int(sys.argv[2]) * 2**20,) * 2)
raise SystemExit(tui.cli.main.main(sys.argv[3:] + ["--db", sys.argv[1]]))
"""


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.json")) if ".backups" not in str(p)}


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crowded") / "k.json"
    store = Store.open(db)
    store.people.add_many([
        Person(id=f"p{n}", name=f"Deltager {n} " + "æ" * 60, role=Role.EMPLOYEE,
               qualification=Qualification.UNSKILLED) for n in range(60_000)])
    return db


# Megabytes above what the process holds once its modules are loaded: enough to start,
# too little for 60,000 people (the report reads only a few fields of each, and one of
# the registry's files at a time, so it needs the least).
@pytest.mark.parametrize(("command", "megabytes"), [
    (["export", "people", "--out", "{out}"], 40),
    (["report"], 4),
    (["check"], 40),
])
def test_a_command_out_of_memory_says_so_and_loses_nothing(
        crowded: Path, tmp_path: Path, command: list[str], megabytes: int) -> None:
    if sys.platform != "linux":
        pytest.skip("the cap needs Linux")
    out = tmp_path / "people.csv"
    before = _digest(crowded.parent)
    args = [a.replace("{out}", str(out)) for a in command]
    env = {**os.environ, "KUFFERT_LANG": "en", "KUFFERT_CONFIG": os.devnull}
    done = subprocess.run([sys.executable, "-c", CAPPED, str(crowded), str(megabytes), *args],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1, (done.returncode, done.stdout[-500:], done.stderr[-2000:])
    assert "ran out of memory" in done.stderr and "Nothing was lost" in done.stderr
    assert "Traceback" not in done.stderr
    assert _digest(crowded.parent) == before
    assert not out.exists()
    # Given the memory, the same command works.
    roomy = subprocess.run([sys.executable, "-c", CAPPED, str(crowded), "2000", *args],
                           capture_output=True, text=True, timeout=120, env=env)
    assert roomy.returncode == 0, roomy.stderr[-2000:]
