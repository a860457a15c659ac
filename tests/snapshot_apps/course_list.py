"""The course list (section 2) on a fresh demo database, for snapshot tests (and to look
at by hand: ``python tests/snapshot_apps/course_list.py``)."""

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

# Not a TemporaryDirectory: the snapshot plugin keeps only `app` from this module, and
# the folder would vanish with the module's globals while the app still reads it.
_folder = Path(tempfile.mkdtemp(prefix="kuffert-snapshot-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
store = Store.open(_folder / "kuffert.json")
load_demo(store)


class CourseListApp(KuffertApp):
    async def on_mount(self) -> None:
        await self.switch_mode("courses")


# The header shows a fixed path and nothing polls: the picture must not depend on when.
app = CourseListApp(store, language="da", display_path="demo/kuffert.json", poll_interval=3600)

if __name__ == "__main__":
    app.run()
