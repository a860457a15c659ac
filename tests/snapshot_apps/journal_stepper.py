"""A PLF group's journal on a fresh demo database, for the stepper's snapshot (and to
look at by hand: ``python tests/snapshot_apps/journal_stepper.py``).

It opens on phase 8 (evaluation), the furthest the group has written: the strip shows
the phases with entries ticked and the current one in brackets, then the goals with
their evaluations and the summary.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from tui.app import KuffertApp
from tui.screens.journals.journal import JournalScreen
from tui.store.demo import load_demo
from tui.store.store import Store

COURSE = "c-horsens-vuggestue"
JOURNAL = "j-hd-vg-plf"

# Not a TemporaryDirectory: the snapshot plugin keeps only `app` from this module, and
# the folder would vanish with the module's globals while the app still reads it.
_folder = Path(tempfile.mkdtemp(prefix="kuffert-snapshot-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
store = Store.open(_folder / "kuffert.json")
load_demo(store)


class JournalApp(KuffertApp):
    def on_mount(self) -> None:
        self.push_screen(JournalScreen(COURSE, JOURNAL))


# A long poll interval: the snapshot must not depend on when a poll happens to run.
app = JournalApp(store, language="da", display_path="demo/kuffert.json", poll_interval=3600)

if __name__ == "__main__":
    app.run()
