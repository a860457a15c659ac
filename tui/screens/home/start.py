"""What the dashboard shows first, read before the app starts.

Nothing is on the screen yet, so reading here keeps no one waiting; it saves the
worker's round trip and a second paint, which over SSH is the start-up a user feels.
The watcher looks at the files before they are read, so a change made while the app
starts is shown at its first look.
"""

from __future__ import annotations

from tui.screens import live
from tui.store.store import Store
from tui.views.overview import FirstRead, Targets, read_overview, read_targets

# Courses decoded for the first paint, and put in the table at a time: a screenful and
# a few more, however many thousand a national database holds.
FIRST = 60


def read_first(store: Store, watcher: live.Watcher) -> FirstRead:
    seen = watcher.look([live.MAIN, live.PEOPLE])
    overview = read_overview(store, FIRST)
    targets = Targets()
    if overview.complete and not overview.empty:
        # On a big database the rest of the list is read after the first paint, and
        # the targets after it, as the dashboard does it itself.
        targets = read_targets(store)
        seen.update(watcher.look(live.course(cid) for cid in
                                 targets.course_files | overview.course_files))
    return FirstRead(overview, targets, seen)
