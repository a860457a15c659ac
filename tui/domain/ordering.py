"""The order names are listed in: Danish alphabetical order, numbers by their value."""

from __future__ import annotations

import re
import unicodedata

# Danish alphabet order puts æ, ø, å after z (and in that order, unlike code points);
# ä, ö are filed as æ, ø as Danish phone books do. Characters from the top of the BMP
# sort after every letter a name can otherwise contain.
_DANISH_TAIL = str.maketrans(
    {"æ": "\uffe0", "ä": "\uffe0", "ø": "\uffe1", "ö": "\uffe1", "å": "\uffe2"}
)


def name_key(name: str) -> str:
    """Sort key for people's names in Danish order, ignoring case and other accents."""
    if name.isascii():
        # No accents to fold and no Danish letters to move: the same key, without the
        # two normalisations and a look at each character (2,000 course names sorted
        # for the first screenful; most are plain ASCII, as "Hold 12").
        return name.casefold()
    folded = unicodedata.normalize("NFC", name).casefold().translate(_DANISH_TAIL)
    return "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))


SortKey = tuple[tuple[int, int | str], ...]
_DIGITS = re.compile(r"(\d+)", re.ASCII)


def natural_key(text: str) -> SortKey:
    """Sort "Hold 2" before "Hold 10", and ignore case."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in _DIGITS.split(name_key(text)) if part
    )
