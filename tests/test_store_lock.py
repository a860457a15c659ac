"""The write lock: every writer gets its turn on a busy machine, a waiting user is told
who is writing, and removing the lock file does not let a second writer in."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_store_concurrency import WRITER
from tui.store.errors import LockTimeout
from tui.store.store import Store

BURNER = "while True: pass"

# Holds the write lock until its stdin closes, after saying so on stdout.
HOLDER = r"""
import sys
from pathlib import Path
from tui.store.store import Store

store = Store.open(Path(sys.argv[1]))
with store.transaction():
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_eight_writers_beside_two_cpu_burners_all_get_their_turn(tmp_path: Path) -> None:
    db = tmp_path / "shared.json"
    Store.open(db).people.count()
    burners = [subprocess.Popen([sys.executable, "-c", BURNER]) for _ in range(2)]
    try:
        writers = [
            # 100 commits each: 800 turns at the lock while two burners hold both cores
            # (and slow the rest of the suite beside it).
            subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(w), "100"],
                             stderr=subprocess.PIPE, text=True)
            for w in range(8)
        ]
        errors = []
        for writer in writers:
            _, err = writer.communicate(timeout=600)
            if writer.returncode:
                errors.append(err[-400:])
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    assert errors == [], errors  # none refused for waiting
    people = Store.open(db).people.all()
    assert {p.id for p in people} == {f"w{w}n{n}" for w in range(8) for n in range(100)}


def _hold(db: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def _let_go(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=60)


def test_a_waiting_writer_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    Store.open(db).people.count()
    holder = _hold(db)
    try:
        waiting = Store.open(db, lock_timeout=0.5)
        with pytest.raises(LockTimeout) as refused, waiting.transaction():
            pass
        text = str(refused.value)
        assert f"process {holder.pid}" in text and "@" in text
        assert "may be hung" in text
        os.kill(holder.pid, signal.SIGSTOP)
        try:
            with pytest.raises(LockTimeout) as refused, waiting.transaction():
                pass
            assert "stopped" in str(refused.value)
        finally:
            os.kill(holder.pid, signal.SIGCONT)
    finally:
        _let_go(holder)
    with waiting.transaction():
        pass  # free again


def test_removing_the_lock_file_does_not_let_a_second_writer_in(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    Store.open(db).people.count()
    holder = _hold(db)
    try:
        (tmp_path / "k.lock").unlink()
        second = Store.open(db, lock_timeout=1)
        started = time.monotonic()
        with pytest.raises(LockTimeout), second.transaction():
            pass
        assert time.monotonic() - started >= 0.9
    finally:
        _let_go(holder)
    with second.transaction():
        pass


def test_the_lock_notes_a_holder_that_died_and_the_next_writer_tidies_up(
        tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    store = Store.open(db)
    with store.transaction():
        pass  # this process has swept once; only a dead holder makes it look again
    holder = _hold(db)
    stale = tmp_path / ".k.json.0123456789abcdef.kuffert-tmp"
    stale.write_bytes(b"half a file")
    holder.kill()
    holder.wait()
    with store.transaction():
        pass
    assert not stale.exists()
    assert b"pid" not in (tmp_path / "k.lock").read_bytes()  # free, and says so
