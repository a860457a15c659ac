from __future__ import annotations

import os
import shutil
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


@pytest.fixture(autouse=True)
def _settle_through_replaced_workers(monkeypatch: pytest.MonkeyPatch):
    """``app.workers.wait_for_complete()`` as the tests mean it: until the work is done.

    Textual's own raises WorkerCancelled when a screen has replaced a read still under
    way with a newer one (an exclusive worker, as after a change elsewhere), and
    WorkerError for a worker started a moment later than the call: both are the app at
    work, and on a busy CI machine they made tests fail at random. A worker that failed
    is still raised.
    """
    import asyncio
    import time

    from textual.worker import WorkerFailed, WorkerState
    from textual.worker_manager import WorkerManager

    async def wait_for_complete(self: WorkerManager, workers=None) -> None:
        chosen = None if workers is None else list(workers)
        deadline = time.monotonic() + 60
        while True:
            now = list(self) if chosen is None else chosen
            for worker in now:
                if worker.state is WorkerState.ERROR and worker.error is not None:
                    raise WorkerFailed(worker.error)
            if all(worker.is_finished for worker in now):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"workers still running after 60 s: {now}")
            await asyncio.sleep(0.005)

    monkeypatch.setattr(WorkerManager, "wait_for_complete", wait_for_complete)
    yield


# Pilot's press waits, after every key, until the process has used (almost) no CPU for one
# whole slice of Textual's SLEEP_GRANULARITY (1/50 s), twice: about 80 ms a key of which
# 10 ms is the app's own work, and most of the suite's time. A 10 ms slice still waits
# for the key to be handled (the test is idle only once the app is); it halves the wait.
# Snapshot tests keep Textual's own pace, as their pictures were taken with it.
PILOT_SLICE = 0.01


@pytest.fixture(autouse=True)
def _pilot_pace(request: pytest.FixtureRequest):
    import textual._wait as wait

    if "snap_compare" in request.fixturenames:
        yield
        return
    saved = wait.SLEEP_GRANULARITY, wait.SLEEP_IDLE
    wait.SLEEP_GRANULARITY, wait.SLEEP_IDLE = PILOT_SLICE, PILOT_SLICE / 20
    yield
    wait.SLEEP_GRANULARITY, wait.SLEEP_IDLE = saved


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database built once per session (per xdist worker), only ever copied."""
    from tui.store.demo import load_demo
    from tui.store.store import Store

    folder = tmp_path_factory.mktemp("demo-template") / "db"
    load_demo(Store.open(folder / "k.json"))
    return folder


@pytest.fixture
def demo_folder(_demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo database's files in the test's own folder (``db/k.json`` and
    its ``k.d``), never shared with another test. Loading the demo cost 0.2-0.7 s a test."""
    folder = tmp_path / "db"
    shutil.copytree(_demo_template, folder)
    return folder


@pytest.fixture
def demo_store(demo_folder: Path):
    """A real database in the test's folder, holding the shipped demo programmes."""
    from tui.store.store import Store

    return Store.open(demo_folder / "k.json")


@pytest.fixture
def kuffert():
    return run_kuffert
