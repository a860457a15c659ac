"""The collector rests while a bulk read runs (tui.store.bulk), in any number of threads
at once, and is as it was when the last one is done."""

from __future__ import annotations

import gc
import threading

from tui.store.bulk import collector_paused


def test_the_collector_rests_inside_and_comes_back_after_the_last_reader() -> None:
    assert gc.isenabled()
    inside, leave = threading.Event(), threading.Event()

    def other_reader() -> None:
        with collector_paused():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other_reader)
    with collector_paused():
        assert not gc.isenabled()
        thread.start()
        inside.wait(10)
    # This reader is done, the other is still reading: no collection yet.
    assert not gc.isenabled()
    leave.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_brings_the_collector_back() -> None:
    try:
        with collector_paused():
            raise ValueError("a broken record")
    except ValueError:
        pass
    assert gc.isenabled()
