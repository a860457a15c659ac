"""Marks shown in the grid before the store has them: what each cell shows meanwhile,
what it held before, and which marks were made at this desk.

A mark is in the grid at once and in the file a moment later (see writer.py). Until its
write is answered, a cell is *pending*: others' changes to it are left alone (ours will
land last), a full re-read carries its provisional record over, and a failed write
returns it to its last confirmed record if the store cannot even say what it holds.
"""

from __future__ import annotations

from collections import Counter

from tui.domain.courses import Attendance
from tui.screens.attendance.writer import Cell


class PendingMarks:
    def __init__(self) -> None:
        self._writes: Counter[Cell] = Counter()
        self._provisional: dict[Cell, Attendance | None] = {}
        self._confirmed: dict[Cell, Attendance | None] = {}
        # Cells marked here: if someone else overwrites one, the user is told.
        self._mine: set[Cell] = set()

    def __contains__(self, cell: object) -> bool:
        return bool(self._writes.get(cell))  # type: ignore[call-overload]

    def begin(self, cell: Cell, current: Attendance | None,
              shown: Attendance | None) -> None:
        """A write of ``cell`` is on its way; the grid shows ``shown`` meanwhile."""
        if not self._writes[cell]:
            self._confirmed[cell] = current
        self._writes[cell] += 1
        self._provisional[cell] = shown
        self._mine.add(cell)

    def answered(self, cell: Cell, stored: Attendance | None, *, failed: bool,
                 unknown: bool) -> tuple[bool, Attendance | None]:
        """One write of ``cell`` answered. Returns whether the grid should now show a
        record (False: a later write of the same cell is still on its way and wins),
        and which one."""
        self._writes[cell] -= 1
        if self._writes[cell] > 0:
            return False, None
        del self._writes[cell]
        self._provisional.pop(cell, None)
        confirmed = self._confirmed.pop(cell, None)
        if failed:
            self._mine.discard(cell)
            if unknown:
                return True, confirmed
        return True, stored

    def provisional(self) -> list[tuple[Cell, Attendance | None]]:
        """What pending cells show: a re-read of the file does not have them yet."""
        return list(self._provisional.items())

    def overwritten(self, cell: Cell, before: Attendance | None,
                    after: Attendance | None) -> bool:
        """Whether a mark made here was just replaced from elsewhere (told once)."""
        if cell not in self._mine or cell in self:
            return False
        if before == after or (before is not None and after is not None
                               and (before.version, before.updated_at)
                               == (after.version, after.updated_at)):
            return False
        self._mine.discard(cell)
        return True
