"""Escape and the key after it, arriving in one packet, stay two keys.

A terminal sends Escape as the byte ESC, and Alt+key as ESC followed by the key: the
two are told apart only by time. Textual waits a tenth of a second after an ESC; over
SSH a user's "escape 2" comes in one packet, well inside that, and Textual then reads
"ESC 2" as one key: "™" (its table of macOS Option keys), "alt+n", or a plain "/" with
the escape dropped. Kuffert binds no Alt key, so here ESC and a printable character
after it are always Escape and that character, as the user typed them.

Sequences that start with ESC and go on (arrows, function keys, mouse, paste), ESC ESC,
and ESC with a control character (Alt+backspace, shift+tab) are read as before.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver

ESC = "\x1b"
# What may follow ESC to start a longer sequence: CSI, SS3, and the sequences of a few
# terminals' Alt-less keypads (ESC O A is an arrow in application mode).
INTRODUCERS = frozenset("[O")


class PacketParser(XTermParser):
    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if (len(sequence) == 2 and sequence[0] == ESC and sequence[1] not in INTRODUCERS
                and sequence[1].isprintable()):
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence[1])
            return
        yield from super()._sequence_to_key_events(sequence, alt)


class PacketDriver(linux_driver.LinuxDriver):
    """The Linux terminal driver, reading keys with ``PacketParser``."""

    parser = PacketParser

    def run_input_thread(self) -> None:
        # The driver makes its parser from its module's name for it, at the start of
        # this thread; Textual has no other way to give it another. Only Kuffert's one
        # app runs in the process.
        linux_driver.XTermParser = self.parser  # type: ignore[misc]
        super().run_input_thread()
