"""TinyDB storage for one JSON file: cached by file identity, written only in transactions.

Plain TinyDB reads and rewrites its whole file on every operation. Here a file is parsed
once and kept while its identity (inode, size, mtime) is unchanged, so a read costs a
``stat``; a change by another process replaces the inode and is seen by the next read.
Writes are buffered in the transaction and committed by it (see commit.py).
"""

from __future__ import annotations

import errno
import json
import mmap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from tui.i18n import msg
from tui.store.bulk import collector_paused
from tui.store.errors import CorruptDatabase, OutOfMemory
from tui.store.files import PRIVATE, lstat_regular, read_regular
from tui.store.ids import new_id

Tables = dict[str, dict[str, dict[str, Any]]]


# Written first in its file, so that its first record can be read without the rest (a
# course's report figures: a report reads 2,000 of them).
FIRST_TABLE = "figures"
FIRST_TABLE_START = b'{\n"' + FIRST_TABLE.encode() + b'":{\n '


Lines = dict[str, dict[str, bytes]]


def encode_tables(tables: Tables, lines: Lines | None = None,
                  changed: dict[str, Any] | None = None) -> tuple[bytes, Lines]:
    """The file's bytes, and each record's line (to give back as ``lines`` next time,
    with the records ``changed`` since: only those are encoded again)."""
    # One record a line, so that a person repairing a file by hand sees where a record
    # starts. orjson encodes a 400 x 40 course (16,000 marks) in 8 ms where the standard
    # library took 66 ms, and that encoding is part of every mark; a mark re-encodes
    # only its own record (3 ms less again).
    parts = [b"{"]
    if FIRST_TABLE in tables:
        tables = {FIRST_TABLE: tables[FIRST_TABLE],
                  **{k: v for k, v in tables.items() if k != FIRST_TABLE}}
    made: Lines = {}
    for t_index, (name, docs) in enumerate(tables.items()):
        parts.append((b"," if t_index else b"") + b"\n" + _dumps(name) + b":{")
        known = (lines or {}).get(name, {})
        stale = (changed or {}).get(name, {})
        table_lines = made[name] = {}
        for doc_id, doc in docs.items():
            line = None if doc_id in stale else known.get(doc_id)
            if line is None:
                line = _dumps(doc_id) + b":" + _dumps(doc)
            table_lines[doc_id] = line
        if table_lines:
            parts.append(b"\n " + b",\n ".join(table_lines.values()))
        parts.append(b"\n}")
    parts.append(b"\n}\n")
    return b"".join(parts), made


def _dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):
        # Beyond orjson's range (an integer of more than 64 bits typed into a file by
        # hand): the standard library writes it as it was read.
        return json.dumps(value, ensure_ascii=False).encode("utf-8")


def first_record(raw: bytes) -> tuple[str, Any] | None:
    """The first record of ``FIRST_TABLE`` from the start of a file as Kuffert writes it;
    None when the start does not look so (then read the whole file)."""
    if not raw.startswith(FIRST_TABLE_START):
        return None
    end = raw.find(b"\n", len(FIRST_TABLE_START))
    if end < 0:
        return None
    line = raw[len(FIRST_TABLE_START):end].rstrip(b",")
    try:
        found = orjson.loads(b"{" + line + b"}")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(found, dict) or len(found) != 1:
        return None
    return next(iter(found.items()))


# What a parsed file may take, as a multiple of its size (a national main file: 10x).
PARSE_ROOM = 16


def room_to_parse(size: int) -> None:
    """Raise MemoryError unless there is room to parse ``size`` bytes of JSON.

    orjson crashes the process (a segfault) when memory runs out while it builds the
    objects, instead of raising: under a capped address space one run in five of
    ``kuffert check`` died so (tests/test_memory.py). Asking for the room first, as a
    mapping that is never touched (so it costs no memory, only address space) and given
    back at once, turns that into the MemoryError the store reports in words.
    """
    try:
        probe = mmap.mmap(-1, max(size * PARSE_ROOM, mmap.PAGESIZE))
    except OSError as error:
        if error.errno == errno.ENOMEM:
            raise MemoryError("no room to parse the file") from None
        raise
    probe.close()


def decode_tables(path: Path, raw: bytes) -> Tables:
    # Decoded to text first, though orjson checks the UTF-8 itself: under a memory cap
    # Python then fails here with MemoryError, where orjson could crash the process
    # (tests/test_memory.py: a segfault under 40 MB without it).
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CorruptDatabase(path, msg("it is not UTF-8 text"), line) from None
    if not text.strip():
        raise CorruptDatabase(path, msg("it is empty"))
    room_to_parse(len(raw))
    try:
        # The collector rests meanwhile: the parse makes tens of thousands of dicts and
        # strings, which set off pass after pass over everything alive (every module's
        # objects at start-up), two thirds of parsing the national main file (60 ms).
        with collector_paused():
            data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if "memory" in error.msg.lower():
            # orjson says so when it cannot allocate: the file is sound, memory ran out.
            raise MemoryError(error.msg) from None
        if "depth limit" in error.msg:
            raise CorruptDatabase(path, msg("it is nested too deeply to be Kuffert's")) from None
        raise CorruptDatabase(
            path, msg("broken JSON at column {column} ({error})", column=error.colno,
                      error=error.msg), error.lineno
        ) from None
    if not isinstance(data, dict):
        raise CorruptDatabase(path, msg("the top level is not a JSON object"))
    for name, docs in data.items():
        if not isinstance(docs, dict):
            raise CorruptDatabase(path, msg("table '{table}' is not an object", table=name))
        for doc_id, doc in docs.items():
            if not isinstance(doc, dict):
                raise CorruptDatabase(
                    path, msg("record '{id}' in table '{table}' is not an object",
                              id=doc_id, table=name)
                )
    return data


Identity = tuple[int, int, int]


def file_identity(path: Path | None) -> Identity | None:
    """Changes whenever the file is replaced; a link or FIFO planted there is refused."""
    if path is None:
        return None
    st = lstat_regular(path)
    return None if st is None else (st.st_ino, st.st_size, st.st_mtime_ns)


class JSONFile(Storage):
    """One database file. ``in_transaction`` tells whether writes may be buffered;
    ``source`` says where the file's committed content is to be read from (a prepared
    temp file while a change is being committed, None once it is deleted)."""

    def __init__(self, path: Path, in_transaction: Callable[[], bool],
                 source: Callable[[Path], Path | None], mode: int = PRIVATE):
        self.path = path
        self.mode = mode
        self._in_transaction = in_transaction
        self._source = source
        self._identity: Identity | None = None
        self._data: Tables | None = None
        self.dirty = False
        # Writes in this transaction (see _File.changes).
        self.writes = 0
        # Each record's encoded line as the file last written holds it (see encoded).
        self._lines: Lines | None = None
        self._pending_lines: Lines | None = None

    def read(self, keep: bool = True) -> Tables | None:
        """The file's tables, from the cache while the file is unchanged. ``keep=False``
        reads a file that is not cached without caching it (a pass over all 256 people
        files keeps none of them: 70 MB at national scale)."""
        if self.dirty:
            return self._data
        # A writer may rename the prepared file into place between our two looks: then
        # look again, where it is now (a few times at most; each look is a stat).
        for _attempt in range(5):
            source = self._source(self.path)
            if source is None:
                break
            identity = file_identity(source)
            if identity is None:
                if source != self.path:
                    continue  # the prepared file was just renamed into place
                break
            if identity == self._identity and self._data is not None:
                return self._data
            try:
                found = read_regular(source)
                if found is None:
                    continue
                raw, st = found
                # The old tables go first: kept while the new ones are decoded, a national
                # people file was in memory twice (some 130 MB more at the peak).
                self._data = None
                data = decode_tables(self.path, raw)
            except MemoryError:
                raise OutOfMemory(self.path) from None
            if not keep:
                return data
            self._data, self._lines = data, None
            self._identity = (st.st_ino, st.st_size, st.st_mtime_ns)
            return self._data
        self._identity, self._data = None, None
        return None

    def write(self, data: Tables) -> None:
        if not self._in_transaction():
            raise RuntimeError("database writes must happen inside Database.transaction()")
        self._data = data
        self.dirty = True
        self.writes += 1

    def encoded(self, changes: dict[str, Any] | None = None) -> bytes | None:
        """The buffered change, ready to commit; None when there is none. ``changes``:
        the records changed since the last encoding, when every change is known (see
        ``_File.changes``); then the others' lines are reused."""
        if not self.dirty or self._data is None:
            return None
        lines = self._lines if changes is not None else None
        data, self._pending_lines = encode_tables(self._data, lines, changes)
        return data

    def committed(self) -> None:
        self._identity = file_identity(self.path)
        self.dirty = False
        self.writes = 0
        self._lines, self._pending_lines = self._pending_lines, None

    def discard(self) -> None:
        """Forget buffered and cached data: TinyDB edits the cached dicts in place."""
        self._data, self._identity, self.dirty = None, None, False
        self.writes = 0
        self._lines = self._pending_lines = None

    def close(self) -> None:
        pass


class RecordTable(Table):
    """Documents are keyed by Kuffert's stable string ids, so a lookup by id is O(1)."""

    document_id_class = str  # type: ignore[assignment]

    def _get_next_id(self) -> str:  # type: ignore[override]
        return new_id()

    def _update_table(self, updater: Callable[[dict[Any, Any]], None]) -> None:
        # TinyDB's own copies the whole table twice around every change, to turn its
        # ids into integers and back: 9 ms of each mark in a 400 x 40 course (16,000
        # records). Ours are strings already, so the change is made in the table itself,
        # as TinyDB makes it in the documents themselves.
        tables = self._storage.read() or {}
        updater(tables.setdefault(self.name, {}))
        self._storage.write(tables)
        self.clear_cache()


class RecordDB(TinyDB):
    table_class = RecordTable


def open_tinydb(storage: JSONFile) -> RecordDB:
    return RecordDB(storage=lambda: storage)
