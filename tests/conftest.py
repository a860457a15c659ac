from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.i18n import set_language

# Tests read messages in English unless they switch; the Danish catalogue has its own.
set_language("en")


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("en")


def run_kuffert(*args: str, db: Path | None = None, input: str | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a real process, as a user or a script runs it."""
    argv = [sys.executable, "-m", "tui", *args]
    if db is not None:
        argv += ["--db", str(db)]
    full_env = {**os.environ, "KUFFERT_LANG": "en", "KUFFERT_CONFIG": os.devnull, **(env or {})}
    return subprocess.run(argv, capture_output=True, text=True, input=input, env=full_env,
                          timeout=120)


@pytest.fixture
def demo_store(tmp_path: Path):
    """A real database in the test's folder, holding the shipped demo programmes."""
    from tui.store.demo import load_demo
    from tui.store.store import Store

    store = Store.open(tmp_path / "db" / "k.json")
    load_demo(store)
    return store


@pytest.fixture
def kuffert():
    return run_kuffert
