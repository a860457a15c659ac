"""Shown instead of the screens while the terminal is smaller than they can be laid out in:
a sentence saying how big it must be, not a layout broken into pieces."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import _

MIN_WIDTH, MIN_HEIGHT = 60, 20


def too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


class TooSmallScreen(ModalScreen[None]):
    """Keys do nothing here (the app refuses its actions meanwhile), so nothing typed into
    the hidden screen can act on what the user cannot see; the screens beneath keep
    everything, and come back as they were when the window grows."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen > Static { width: 100%; height: auto; text-align: center; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-text")

    def on_mount(self) -> None:
        self.show(self.app.size)

    def show(self, size: Size) -> None:
        self.query_one(Static).update(
            _("The window is {w}×{h}. Kuffert needs at least {mw}×{mh}: make it larger "
              "(nothing is lost meanwhile), or press ctrl+q to leave.").format(
                w=size.width, h=size.height, mw=MIN_WIDTH, mh=MIN_HEIGHT))
