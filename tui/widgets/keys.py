"""Key bindings in the user's language, and a summary of them for the help screen."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from tui.i18n import N_, _


def translate_bindings(node: DOMNode) -> None:
    """Translate the descriptions of ``node``'s bindings (written with ``N_()``).

    BINDINGS are class attributes, built at import, before the language is chosen; each
    node gets its own copy of them when it is created, which is where this translates.
    """
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            dataclasses.replace(b, description=_(b.description)) if b.description else b
            for b in bindings
        ]


# Textual's own bindings that a footer shows (a choice's open list, the command palette),
# in English in Textual; N_ puts them in Kuffert's catalogue.
TEXTUAL_TEXTS = (N_("Dismiss menu"), N_("Exit the command palette"))
_textual_originals: dict[type, dict[str, list[Binding]]] = {}


def translate_textual_bindings() -> None:
    """Put Textual's own footer texts into the current language (call after setting it).

    Their classes keep merged bindings that every new widget copies, so those are
    rewritten, always from the originals, so that a change of language works both ways.
    """
    from textual.command import CommandPalette
    from textual.widgets._select import SelectOverlay

    for cls in (SelectOverlay, CommandPalette):
        merged = cls._merged_bindings
        if merged is None:
            continue
        originals = _textual_originals.setdefault(
            cls, {k: list(v) for k, v in merged.key_to_bindings.items()})
        for key, bindings in originals.items():
            merged.key_to_bindings[key] = [
                dataclasses.replace(b, description=_(b.description)) if b.description else b
                for b in bindings]


@dataclass(frozen=True, slots=True)
class KeyLine:
    keys: str
    description: str


def key_lines(app: App[object], screen: Screen[object]) -> list[KeyLine]:
    """The keys active on ``screen``, as remapped by the keymap, one line per action.

    Only bindings with an id are listed: those are Kuffert's own actions, the ones a
    keymap can move. Textual's widget keys (arrows and the like) are told in words.
    Lines are in alphabetical order of what they do, which stays put when keys move.
    """
    grouped: dict[tuple[str, str], list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.id is None or not binding.description or binding.system:
            continue
        shown = app.get_key_display(dataclasses.replace(binding, key=key))
        keys = grouped.setdefault((binding.action, binding.description), [])
        if shown not in keys:
            keys.append(shown)
    lines = [
        KeyLine(", ".join(sorted(keys, key=lambda k: (len(k), k))), description)
        for (_action, description), keys in grouped.items()
    ]
    return sorted(lines, key=lambda line: line.description.casefold())


def key_for(screen: Screen[object], binding_id: str) -> str:
    """The key that runs ``binding_id`` on ``screen`` now, as the keymap has it, for
    texts like "press n to add one" that must stay true after a remap."""
    for key, active in screen.active_bindings.items():
        if active.binding.id == binding_id:
            return screen.app.get_key_display(dataclasses.replace(active.binding, key=key))
    return ""
