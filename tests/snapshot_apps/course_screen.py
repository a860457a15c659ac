"""The 5-day course for childminders opened on its days from the course list, for
snapshot tests (by hand: ``python tests/snapshot_apps/course_screen.py``)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from tui.app import KuffertApp
from tui.store.demo import load_demo
from tui.store.store import Store

COURSE = "c-horsens-dagpleje"

# Not a TemporaryDirectory: the snapshot plugin keeps only `app` from this module.
_folder = Path(tempfile.mkdtemp(prefix="kuffert-snapshot-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
store = Store.open(_folder / "kuffert.json")
load_demo(store)


class CourseApp(KuffertApp):
    async def on_mount(self) -> None:
        await self.switch_mode("courses")
        self.open_course(COURSE, tab="sessions")


app = CourseApp(store, language="da", display_path="demo/kuffert.json", poll_interval=3600)

if __name__ == "__main__":
    app.run()
