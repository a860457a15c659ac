"""Text from a file made safe to show: no control characters, no escape sequences.

Names, places and headings come from files anyone may have written (a staff list from a
municipality, a hand-edited database, a bundle). A terminal obeys escape sequences in
what it is sent (set the window title, clear the screen, leave the alternate screen),
and C1 codes (U+0080-U+009F) are the same commands in one character. Bidirectional
overrides make a name read differently from what it holds. None of these is ever part
of a real name, so they are removed before stored text is shown or exported.

An escape sequence goes as a whole (``\\x1b[2J`` leaves nothing, not ``[2J``), so what
remains reads as the text was meant.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# ESC followed by: CSI (ESC [ ... final byte), OSC/DCS/SOS/PM/APC strings (ended by
# BEL or ESC \; an unended one by the end of its line, so the rest of a journal entry
# is kept), or one more character.
_ESCAPE = re.compile(
    r"\x1b(?:"
    r"\[[0-?]*[ -/]*[@-~]?"
    r"|[\]PX^_][^\n]*?(?:\x07|\x1b\\|\x9c|(?=\n)|$)"
    r"|[ -/]*[0-~]?"
    r")",
)
# The same as single C1 characters: CSI, and OSC/DCS/SOS/PM/APC strings up to ST or BEL.
_C1_SEQUENCE = re.compile(
    r"\x9b[0-?]*[ -/]*[@-~]?|[\x9d\x90\x98\x9e\x9f][^\n]*?(?:\x07|\x9c|\x1b\\|(?=\n)|$)",
)
# Bidirectional embeddings, overrides and isolates, and the Arabic letter mark.
_BIDI = "\u202a-\u202e\u2066-\u2069\u061c"
# Every C0 control but tab and newline, DEL, C1, and the bidi controls.
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}\u2028\u2029]")


def has_controls(text: str) -> bool:
    """True if ``text`` holds anything ``printable`` would change (tab, newline too)."""
    # isprintable() is False for every character we remove (Cc, Cf, Zl, Zp), and fast.
    return not text.isprintable() and _UNSAFE.search(text) is not None


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` without control characters or escape sequences.

    ``multiline`` keeps newlines and tabs (journal text, notes, a whole Markdown or
    report document); otherwise each line break or tab becomes a space, for a table
    cell or a label.
    """
    if not has_controls(text):
        return text  # almost every text: nothing to do
    text = _LINE_BREAKS.sub("\n", text)
    text = _ESCAPE.sub("", text)
    text = _C1_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def masked(text: str, blank: Callable[[str], str]) -> str:
    """``text`` with each escape sequence replaced by ``blank(sequence)``, then without
    any other control character.

    For text already laid out in terminal cells: ``blank`` gives as many spaces as the
    sequence's visible characters took, so every column stays where it was, and what
    the sequence carried (a window title, say) is not shown.
    """
    if not has_controls(text):
        return text
    text = _ESCAPE.sub(lambda found: blank(found.group()), text)
    text = _C1_SEQUENCE.sub(lambda found: blank(found.group()), text)
    return _CONTROL.sub("", text)


_JSON_UNSAFE = re.compile(f"[\\x7f-\\x9f{_BIDI}\u2028\u2029]")


def json_safe(document: str) -> str:
    """A JSON text with the controls ``json.dumps`` leaves raw written as ``\\uXXXX``.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 but not DEL, C1 or the bidi
    controls; escaped, they are kept (JSON is the export that keeps every value) and
    yet cannot act on a terminal that shows the file. Only valid on a JSON document:
    these characters can only occur inside its strings.
    """
    return _JSON_UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", document)


def fold(text: str) -> str:
    """What a search compares: NFC (a pasted decomposed "å" is one letter), no case, and
    runs of spaces as one. "aa" still does not find "å": they are different letters."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
