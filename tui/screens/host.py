"""What a screen may ask of the application that holds it.

Screens never import the app (that was five import cycles): they see it through this
protocol, and ``tui.app.KuffertApp`` is the one class that fulfils it. A test can hold
screens in any App that has these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tui.screens.live import Watcher
    from tui.store.store import Store
    from tui.views.overview import FirstRead


class Host(Protocol):
    store: Store
    watcher: Watcher
    # Over a slow link (SSH, --low-bandwidth) screens leave out what only decorates.
    low_bandwidth: bool

    def take_first_read(self) -> FirstRead | None:
        """What the dashboard shows first, if it was read before the app started; once."""
        ...

    def open_course(self, course_id: str, tab: str | None = None) -> None: ...

    def open_attendance(self, course_id: str) -> None: ...

    def open_journals(self, course_id: str) -> None: ...

    def search_journals(self, query: str) -> None: ...

    def open_conflicts(self) -> None: ...

    def load_demo(self) -> dict[str, int]: ...

    async def action_section(self, mode: str) -> None: ...

    async def action_dashboard(self) -> None: ...

    def action_help(self) -> None: ...
