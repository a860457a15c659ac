"""The printable sign-in sheet of the day under the grid's cursor, written to a PDF."""

from __future__ import annotations

import os
from pathlib import Path

from tui.domain.courses import Session
from tui.i18n import _, ngettext
from tui.screens.base import StoreWork


class SheetAction:
    """Writes the sheet in a worker (building a PDF takes a while on an old laptop) and
    tells where it went; ``busy`` counts sheets on their way."""

    def __init__(self, screen: StoreWork, course_id: str, folder: Path | None) -> None:
        self.screen = screen
        self.course_id = course_id
        self.folder = folder
        self.busy = 0
        self.last: Path | None = None

    def write(self, session: Session) -> None:
        store, course_id, folder = self.screen.store, self.course_id, self.folder

        def work() -> tuple[Path, int]:
            # Imported here: the PDF library is only needed on the day a sheet is printed.
            from tui.store.sheet import write_sheet

            path = sheet_path(folder, course_id, session)
            return path, write_sheet(store, course_id, session.id, path)

        self.screen.notify(_("Writing the sign-in sheet …"))
        self.busy += 1
        self.screen.run_store(work, self._written, failed=self._failed,
                              group="attendance-sheet", exclusive=False)

    def _written(self, result: tuple[Path, int]) -> None:
        self.busy -= 1
        path, count = result
        self.screen.notify(ngettext("Sign-in sheet with {count} person written to {path}",
                                    "Sign-in sheet with {count} people written to {path}",
                                    count).format(count=count, path=display_path(path)),
                           title=_("Sign-in sheet"), timeout=15)
        self.last = path

    def _failed(self, text: str) -> None:
        self.busy -= 1
        self.screen.notify(text, title=_("The sign-in sheet was not written"),
                           severity="error", timeout=15)


def sheet_path(folder: Path | None, course_id: str, session: Session) -> Path:
    """Where the sheet goes: the given folder, else the home folder if it can be
    written to (a shared server account may not allow it), else the current folder."""
    name = f"kuffert-{course_id}-{session.date.isoformat()}.pdf"
    if folder is not None:
        return folder / name
    home = Path.home()
    return (home if os.access(home, os.W_OK) else Path.cwd()) / name


def display_path(path: Path) -> str:
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)
