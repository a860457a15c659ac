"""Fault injection at each step of a write, as SQLite's crash tests do it.

An operation runs in a forked child. Every call that makes a change durable or visible
(``os.fsync``, ``os.replace``, ``os.rename``, ``os.unlink``, ``os.rmdir``) is counted, and
the child is killed with SIGKILL just before or just after the Nth of them. Random kills
alone rarely hit the moment between two renames that would leave a change half done.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

STEPS = ("fsync", "replace", "rename", "unlink", "rmdir")


@dataclass(frozen=True)
class KillPoint:
    when: str  # "before" or "after"
    step: int  # the Nth durable call of the operation, counted from 1

    def __str__(self) -> str:
        return f"{self.when}#{self.step}"


def _arm(kill: KillPoint | None, log: list[str]) -> None:
    for name in STEPS:
        real = getattr(os, name)

        def wrapper(*args, _real=real, _name=name, **kwargs):
            log.append(_name)
            strike = kill is not None and len(log) == kill.step
            if strike and kill.when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            result = _real(*args, **kwargs)
            if strike and kill.when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        setattr(os, name, wrapper)


def run_in_child(operation: Callable[[], object], kill: KillPoint | None = None) -> int:
    """Run ``operation`` in a forked child; returns its wait status. With ``kill=None``
    the child runs to the end and reports how many durable calls it made (the exit code
    is the count, so keep operations under 250 steps)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        log: list[str] = []
        try:
            _arm(kill, log)
            operation()
        except BaseException:
            os._exit(255)
        os._exit(min(len(log), 250))
    _, status = os.waitpid(pid, 0)
    return status


def count_steps(operation: Callable[[], object]) -> int:
    status = run_in_child(operation)
    assert os.WIFEXITED(status), status
    steps = os.WEXITSTATUS(status)
    assert steps != 255, "the operation failed without a fault"
    return steps


def kill_points(steps: int) -> list[KillPoint]:
    return [KillPoint(when, n) for n in range(1, steps + 1) for when in ("before", "after")]


def copy_database(template: Path, target: Path) -> Path:
    """A fresh copy of a database folder for one kill point."""
    shutil.copytree(template, target, symlinks=True)
    return target
