"""A footer that is rebuilt only when the keys it shows change.

Textual's Footer rebuilds itself (a widget per key, mounted and styled anew) every time
its screen says the bindings may have changed: twice for each change of focus and once
when the screen comes to the front. A screen that holds typed-ahead keys moves the
focus to its key catcher and back to its table as it opens, so the attendance grid's
footer was rebuilt six times on the way to the grid, 15-20 ms each at 80x24, each
followed by a layout and a repaint of the footer, though it showed the same keys every
time. Here a rebuild that would show the same keys is skipped, and the signals that
come while one is waiting make no second one.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer, rebuilt only when what it would show differs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[object, ...] | None = None
        self._waiting = False

    def compose(self) -> ComposeResult:
        # With its keys from the start, in the screen's first paint: Footer waits for the
        # first signal, which comes after the first paint, and a second layout and
        # paint followed it. The screen's and the app's keys are known by now; those of
        # the widget that will have the focus are looked at when it has it.
        self._bindings_ready = True
        self._shown = self._keys_shown()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._waiting:
            self._waiting = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._waiting = False
        if not self.is_attached:
            return
        shown = self._keys_shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys_shown(self) -> tuple[object, ...]:
        """Everything Footer.compose reads from the bindings, in its order."""
        app = self.app
        keys = tuple(
            (binding.key, app.get_key_display(binding), binding.description, binding.action,
             binding.group, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            palette = palette and (app.get_key_display(palette[1]), *palette[1:])
        return keys, palette
