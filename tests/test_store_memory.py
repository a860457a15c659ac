"""When memory runs out while a file is read, Kuffert says that memory ran out: not that
the file is broken (which would send the user to restore a backup for nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A real process under a real cap: the people file's text is in memory, and the cap
# leaves too little room to parse it.
CHILD = r"""
import resource
from pathlib import Path
from tui.store.errors import CorruptDatabase
from tui.store.storage import decode_tables

docs = b",".join(b'"p%d":{"name":"Person %d","ids":[1,2,3]}' % (i, i) for i in range(400000))
raw = b'{"people":{' + docs + b'}}'
size = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status")
            if line.startswith("VmSize"))
limit = size + 80 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    decode_tables(Path("people.json"), raw)
except MemoryError:
    print("memory ran out")
except CorruptDatabase as error:
    print("broken:", error)
else:
    print("parsed")
"""


def test_a_full_memory_is_not_a_broken_file() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip() == "memory ran out", (done.stdout, done.stderr[-2000:])
