"""The Kuffert application: a thin shell that holds the store and pushes screens."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import signal
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.driver import Driver
from textual.filter import LineFilter
from textual.geometry import Size
from textual.screen import Screen

from tui.i18n import N_, _, set_language
from tui.screens.base import KuffertScreen, error_text
from tui.screens.home.commands import KuffertCommands
from tui.screens.home.dashboard import DashboardScreen
from tui.screens.live import DataChanged, Watcher
from tui.store.errors import StoreError
from tui.store.store import Store
from tui.views.overview import FirstRead
from tui.widgets.keys import translate_bindings, translate_textual_bindings
from tui.widgets.terminal_safe import ControlFilter
from tui.widgets.too_small import TooSmallScreen, too_small

STYLES = Path(__file__).parent / "styles"
# Seconds after the start before every stored record is decoded once (see _verify).
VERIFY_AFTER = 1.0


class KuffertApp(App[None]):
    # Every screen's styles: the stylesheet is parsed once, at start.
    CSS_PATH: ClassVar[list[str | Path]] = sorted(STYLES.glob("*.tcss"))
    TITLE = "Kuffert"
    # The top-level sections. Only the dashboard is imported at start; the others are
    # imported the first time the user goes there.
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "dashboard": DashboardScreen,
        "courses": lambda: _screen("courses.listing", "CoursesScreen")(),
        "people": lambda: _screen("registry.people", "PeopleScreen")(),
        "programmes": lambda: _screen("registry.programmes", "ProgrammesScreen")(),
        "places": lambda: _screen("registry.places", "PlacesScreen")(),
        "reports": lambda: _screen("reports.screen", "ReportsScreen")(),
    }
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {KuffertCommands}
    # Ids let a user move any of these keys with App.set_keymap.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", N_("Keys"), id="help"),
        Binding("ctrl+p", "command_palette", N_("Find"), id="command_palette",
                priority=True),
        Binding("q", "quit", N_("Quit"), id="quit"),
        # Priority, so focus moves the moment tab is read: keys typed right after it
        # (a burst over SSH) then go to the next field, not the one being left.
        Binding("tab", "focus_next", show=False, priority=True, id="focus_next"),
        Binding("shift+tab", "focus_previous", show=False, priority=True,
                id="focus_previous"),
        Binding("1", "section('dashboard')", N_("Overview"), id="go.dashboard", show=False),
        Binding("2", "section('courses')", N_("Courses"), id="go.courses", show=False),
        Binding("3", "section('people')", N_("People"), id="go.people", show=False),
        Binding("4", "section('programmes')", N_("Programmes"), id="go.programmes",
                show=False),
        Binding("5", "section('places')", N_("Places"), id="go.places", show=False),
        Binding("6", "section('reports')", N_("Reports"), id="go.reports", show=False),
        # ctrl+q quits from anywhere, also from a text field where q is a letter.
        Binding("ctrl+q", "quit", N_("Quit"), id="quit_anywhere", show=False, priority=True),
    ]

    def __init__(
        self,
        store: Store,
        language: str = "da",
        *,
        display_path: str | None = None,
        # How often the screen in front looks for others' changes: a stat per file it
        # shows, so following a colleague's work costs nothing an idle screen would feel.
        poll_interval: float = 1.0,
        keymap: Mapping[str, str] | None = None,
        low_bandwidth: bool = False,
        watcher: Watcher | None = None,
        first_read: FirstRead | None = None,
    ) -> None:
        set_language(language)
        translate_textual_bindings()
        super().__init__()
        translate_bindings(self)
        # The [keys] table of the settings file: binding id -> keys.
        self.set_keymap(dict(keymap or {}))
        # Over a slow link every blink of a cursor is a repaint sent down the wire.
        self.low_bandwidth = low_bandwidth
        self.store = store
        self.watcher = watcher or Watcher(store)
        self._first_read = first_read
        self.poll_interval = poll_interval
        self.sub_title = display_path or _short(store.path)
        self._control_filter = ControlFilter()
        # The stylesheet is first parsed and applied as the app starts, with the CSS as
        # it is now: the first section's screen needs no restyle of everything either.
        self._css_refreshed_at = self._css_update_count
        # A broken record found after the start: why the app left (the CLI says so).
        self.refused: StoreError | None = None

    def take_first_read(self) -> FirstRead | None:
        first, self._first_read = self._first_read, None
        return first

    def get_driver_class(self) -> type[Driver]:
        # Escape and the key typed after it stay two keys when they share a packet.
        found = super().get_driver_class()
        if found.__name__ == "LinuxDriver":
            from tui.widgets.key_packets import PacketDriver

            return PacketDriver
        return found

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Whatever else is on, no control character in stored text reaches the terminal.
        return [*super().get_line_filters(), self._control_filter]

    def refresh_css(self, animate: bool = True) -> None:
        # Textual restyles every widget of every screen when a section's screen is first
        # made (a new screen counts as behind the stylesheet), though nothing changed
        # since the last restyle: a full reparse on the way to the first paint, and
        # again at each section's first visit. A theme or variable change moves the count.
        if self._css_refreshed_at == self._css_update_count:
            for screen in self.screen_stack:
                screen._css_update_count = self._css_update_count
            return
        super().refresh_css(animate)
        self._css_refreshed_at = self._css_update_count

    def on_mount(self) -> None:
        # A dropped SSH connection sends SIGHUP. Python's default would end the process
        # on the spot; leaving through exit() lets screens save what is being typed
        # (journal entries) and the attendance writer finish its queue.
        with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.exit)
        self.set_interval(self.poll_interval, self._look_for_changes)
        self.set_timer(VERIFY_AFTER, self._verify)
        self._fit(self.size)

    def _verify(self) -> None:
        # A hand-broken record is named, and the app leaves before anything is written
        # over it. Decoded before the first paint, every record cost a tenth of a second
        # of start-up at national scale; the first screenful is read before the start,
        # so a broken one there is refused before the terminal is taken.
        def verify() -> None:
            try:
                self.store.verify()
            except StoreError as error:
                self.call_from_thread(self._refuse, error)

        self.run_worker(verify, thread=True, group="verify")

    def _refuse(self, error: StoreError) -> None:
        self.refused = error
        self.exit(return_code=1)

    def _front(self) -> Screen[Any] | None:
        # Not self.screen: while the app starts or shuts down the stack can be empty,
        # and a timer or a key then met a ScreenStackError.
        stack = self.screen_stack
        return stack[-1] if stack else None

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        showing = next((s for s in self.screen_stack if isinstance(s, TooSmallScreen)), None)
        if too_small(size):
            if showing is None:
                self.push_screen(TooSmallScreen())
            else:
                showing.show(size)
        elif showing is not None and self._front() is showing:
            self.pop_screen()

    def _handle_exception(self, error: Exception) -> None:
        # Running out of memory is the machine's limit, not a bug: on a low-end laptop a
        # national report can meet it. Store work in a thread reports it on screen
        # (tui.screens.base); met on the UI thread, it has stopped a screen, so leave in
        # words rather than with Textual's traceback. Every change is already on disk.
        if isinstance(error, MemoryError):
            self._return_code = 1
            self.exit(return_code=1, message=error_text(error))
            return
        super()._handle_exception(error)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the window is too small nothing acts on the hidden screens; leaving does.
        if isinstance(self._front(), TooSmallScreen) and action not in ("quit",):
            return False
        return super().check_action(action, parameters)

    def _look_for_changes(self) -> None:
        # Only the screen in front: one beneath catches up when it is shown again.
        screen = self._front()
        if isinstance(screen, KuffertScreen) and screen.following:
            changes = screen.pending_changes()
            if changes:
                screen.post_message(DataChanged(changes))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.low_bandwidth and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False  # type: ignore[attr-defined]

    async def action_section(self, mode: str) -> None:
        await self.switch_mode(mode)

    # -- screens opened on a record ---------------------------------------------------------

    def open_course(self, course_id: str, tab: str | None = None) -> None:
        self.push_screen(_screen("courses.course", "CourseScreen")(self.store, course_id, tab=tab))

    def open_attendance(self, course_id: str) -> None:
        self.push_screen(_screen("attendance.screen", "AttendanceScreen")(self.store, course_id))

    def open_journals(self, course_id: str) -> None:
        self.push_screen(_screen("journals.listing", "JournalsScreen")(course_id))

    def search_journals(self, query: str) -> None:
        self.push_screen(_screen("journals.search", "JournalSearchScreen")(query))

    def open_conflicts(self) -> None:
        self.push_screen(_screen("sync.conflicts", "ConflictsScreen")())

    def load_demo(self) -> dict[str, int]:
        from tui.store.demo import load_demo

        return load_demo(self.store)

    async def action_dashboard(self) -> None:
        await self.switch_mode("dashboard")

    def action_help(self) -> None:
        from tui.screens.home.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(
                placeholder=_("Find a screen, programme or course …"), id="--command-palette"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Textual's own entries are English and partly duplicate ours; these are the
        # ones that make sense here, in the user's language.
        yield SystemCommand(_("Quit"), _("Leave Kuffert; everything is already saved"),
                            self.action_quit)
        yield SystemCommand(_("Colour theme"), _("Choose the colours of the screen"),
                            self.action_change_theme)


def _screen(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"tui.screens.{module}"), name)


def _short(path: Path) -> str:
    """The path as the user would type it: the home folder as ~ leaves room on 80 columns."""
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)
