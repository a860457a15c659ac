"""What every screen of one course's journals shares: the files it follows, reading
them in a worker, and the course's name in the header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol, TypeVar

from rich.cells import cell_len
from textual.binding import BindingType

from tui.i18n import _
from tui.screens import live
from tui.screens.base import EXPECTED, TypeAheadScreen, error_text, in_thread
from tui.screens.journals.reading import NOTHING, Parts
from tui.store.store import Store
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable, clip
from tui.widgets.type_ahead import FollowsFocus

R = TypeVar("R")
D = TypeVar("D", bound="Readable")


class Readable(Protocol):
    """What a screen shows, read again in the parts that changed."""

    def read(self: D, store: Store, parts: Parts) -> D: ...

# The header holds "Kuffert — " and this, centred: at 80 columns some 52 cells are left,
# and the end of a course name ("…, Nuuk 2022") is what tells courses apart.
TITLE_WIDTH = 52


class CourseJournalScreen(TypeAheadScreen[Any]):
    """A screen about one course's journals: it follows the course's own file, the
    people file (for names) and the main file (for the course's name). Keys typed
    before its first read wait for it, and so do keys typed after one that opens a
    form (``dialog_flow``): they go into the form."""

    def __init__(self, course_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.course_id = course_id
        self._unread = NOTHING
        self._has_read = False
        self.hold_until(lambda: self._has_read)

    def watched(self) -> frozenset[str]:
        return frozenset({live.course(self.course_id), live.PEOPLE, live.MAIN})

    def parts(self, changes: live.Changes) -> Parts:
        """The files ``changes`` name, in the terms of a read."""
        return Parts(course_file=live.course(self.course_id) in changes,
                     people=live.PEOPLE in changes, main=live.MAIN in changes)

    def read_again(self, parts: Parts, data: D, shown: Callable[[D], object]) -> None:
        """Read ``parts`` of ``data`` again in a worker and show the result. A read that a
        newer one replaces is dropped: the newer one reads its parts too."""
        self._unread = self._unread | parts
        wanted, store = self._unread, self.store

        def done(fresh: D) -> None:
            self._unread = NOTHING
            shown(fresh)

        self.mark_read()
        self.run_store(lambda: data.read(store, wanted), done, group="read",
                       failed=self.cannot_read)

    def show_course(self, name: str, template: str = "{course}") -> None:
        """The course's name in the header, in ``template`` (already translated), cut
        in the middle to fit."""
        room = TITLE_WIDTH - cell_len(template.replace("{course}", ""))
        shown = template.format(course=clip(name, max(room, 12), "middle"))
        if shown != self.sub_title:
            self.sub_title = shown

    async def first_read(self, work: Callable[[], R]) -> R | None:
        """The screen's first read, awaited in ``on_mount``, in a thread. The keys typed
        meanwhile (over a slow link) are held, and go once what the caller shows from
        the result has been drawn: they then do what they would have one at a time."""
        self.mark_read()
        try:
            found = await in_thread(self, work)
        except EXPECTED as error:
            self.let_keys_go()
            self.cannot_read(error_text(error))
            return None
        # Left, or the app closing, meanwhile: nothing is shown any more.
        if self.gone:
            return None
        self._has_read = True
        self.call_after_refresh(self.keys_ready)
        return found

    def cannot_read(self, text: str) -> None:
        self.notify(text, title=_("Kuffert cannot read the database."), severity="error",
                    timeout=15, markup=False)


class CellTable(FollowsFocus, RecordTable):
    """A table of participants by stage (transfer forms, ratings): the cursor is on a
    cell, on the first stage to begin with, and stays in its column when the rows are
    drawn again (after someone's change). Its own enter binding does the work, so that
    it runs after the moves typed before it."""

    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, columns: tuple[Column, ...], *, id: str) -> None:
        super().__init__(columns, id=id)
        translate_bindings(self)
        self.cursor_type = "cell"
        self._placed = False

    def _render_rows(self, kept: str | None = None, old_row: int | None = None) -> None:
        # Drawing the rows puts the cursor in the first column (the names); it goes
        # back to its stage, and at first to the first stage, where enter opens a form.
        column = self.cursor_coordinate.column if self._placed else 1
        super()._render_rows(kept, old_row)
        if self.row_count and len(self.specs) > column:
            self._placed = True
            self.move_cursor(column=column, animate=False)
