"""Repositories: typed access to one kind of record in one file."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb.table import Document

from tui.domain.records import Record
from tui.i18n import msg
from tui.store.codec import DecodeError, collector_paused, decode, encode
from tui.store.errors import CorruptDatabase, RecordNotFound, StaleRecord
from tui.store.ids import new_id, now, who

R = TypeVar("R", bound=Record)


def line_of_record(path: Path, doc_id: str) -> int | None:
    """Where a record starts, for the message; only read when something is wrong."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    at = text.find(json.dumps(doc_id) + ":")
    return text.count("\n", 0, at) + 1 if at >= 0 else None


class Repo(Generic[R]):
    """Records of one type in one table of one file.

    Every write runs in a transaction (joining the caller's, if any): a single call is
    one durable write; a block of calls inside ``db.transaction()`` is one per file.
    """

    def __init__(self, db: Any, cls: type[R], table: str, file: Callable[[], Any],
                 valid_id: re.Pattern[str] | None = None) -> None:
        self.db = db
        self.cls = cls
        self.name = table
        self._file = file
        # Ids that name a file (a course's) must not be able to name another one.
        self._valid_id = valid_id

    @property
    def _table(self):
        return self._file().table(self.name)

    def _decode(self, doc_id: str, doc: dict[str, Any]) -> R:
        if self._valid_id is not None and not self._valid_id.match(doc_id):
            path = self._file().storage.path
            raise CorruptDatabase(path, msg(
                "record '{id}' in table '{table}' has an id Kuffert cannot use (letters, "
                "digits, - and _ only)", id=doc_id[:80], table=self.name),
                line_of_record(path, doc_id))
        try:
            return decode(self.cls, doc_id, doc)
        except DecodeError as error:
            path = self._file().storage.path
            raise CorruptDatabase(
                path,
                msg("record '{id}' in table '{table}': {problem}",
                    id=doc_id, table=self.name, problem=str(error)),
                line_of_record(path, doc_id),
            ) from None

    # -- reading ------------------------------------------------------------------------

    def find(self, record_id: str) -> R | None:
        with self.db.reading():
            doc = self._table.get(doc_id=record_id)
            return None if doc is None else self._decode(record_id, doc)

    def find_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """The records among ``record_ids`` that exist, by id: a course's two dozen
        people without decoding the whole registry."""
        with self.db.reading():
            table = self._table
            found = {rid: table.get(doc_id=rid) for rid in set(record_ids)}
        return {rid: self._decode(rid, doc) for rid, doc in found.items() if doc is not None}

    def get(self, record_id: str) -> R:
        found = self.find(record_id)
        if found is None:
            raise RecordNotFound(self.name, record_id)
        return found

    def raw(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Stored documents as they are, for integrity checks and exports."""
        with self.db.reading():
            docs = list(self._table)
        for doc in docs:
            yield doc.doc_id, doc

    def stored(self) -> list[tuple[str, dict[str, Any]]]:
        """The stored documents themselves, not copies: for reading only (TinyDB's own
        iteration copies each one, a fifth of decoding a national course)."""
        with self.db.reading():
            tables = self._file().storage.read() or {}
            return list(tables.get(self.name, {}).items())

    def all(self) -> list[R]:
        docs = self.stored()
        if len(docs) < 1000:
            return [self._decode(doc_id, doc) for doc_id, doc in docs]
        with collector_paused():
            return [self._decode(doc_id, doc) for doc_id, doc in docs]

    def where(self, **equals: Any) -> list[R]:
        wanted = {k: encode(v) for k, v in equals.items()}
        return [
            self._decode(doc_id, doc)
            for doc_id, doc in self.raw()
            if all(doc.get(k) == v for k, v in wanted.items())
        ]

    def count(self) -> int:
        with self.db.reading():
            return len(self._table)

    # -- writing ------------------------------------------------------------------------

    def add(self, record: R) -> R:
        stamp = now()
        saved = dataclasses.replace(
            record,
            id=record.id or new_id(),
            version=1,
            created_at=record.created_at or stamp,
            updated_at=stamp,
            updated_by=who(),
        )
        with self.db.transaction():
            self._noting({saved.id: None},
                         lambda: self._table.insert(Document(encode(saved), doc_id=saved.id)))
        return saved

    def save(self, record: R, *, expected_version: int | None = None) -> R:
        """Store a changed record. With ``expected_version``, refuse to overwrite a
        change someone else saved after this copy was read."""
        with self.db.transaction():
            current = self._table.get(doc_id=record.id)
            if current is None:
                raise RecordNotFound(self.name, record.id)
            stored_version = current.get("version", 0)
            if expected_version is not None and stored_version != expected_version:
                raise StaleRecord(
                    self.name, record.id, current.get("updated_by", "?"),
                    current.get("updated_at", "?"),
                )
            saved = dataclasses.replace(
                record,
                version=stored_version + 1,
                created_at=current.get("created_at", record.created_at),
                updated_at=now(),
                updated_by=who(),
            )
            self._noting({saved.id: current},
                         lambda: self._table.upsert(Document(encode(saved), doc_id=saved.id)))
        return saved

    def put(self, record: R) -> tuple[R, R | None]:
        """Insert or replace by id; returns the saved record and the one it replaced."""
        with self.db.transaction():
            current = self._table.get(doc_id=record.id)
            if current is None:
                return self.add(record), None
            previous = self._decode(record.id, current)
            return self.save(record), previous

    def delete(self, record_id: str) -> bool:
        with self.db.transaction():
            current = self._table.get(doc_id=record_id)
            if current is None:
                return False
            self._noting({record_id: current}, lambda: self._table.remove(doc_ids=[record_id]))
        return True

    def delete_where(self, predicate: Callable[[dict[str, Any]], bool]) -> int:
        with self.db.transaction():
            doomed = {doc.doc_id: doc for doc in self._table if predicate(doc)}
            if doomed:
                self._noting(doomed, lambda: self._table.remove(doc_ids=list(doomed)))
        return len(doomed)

    def add_many(self, records: list[R]) -> None:
        """Bulk load (demo data, imports): one write for the lot."""
        stamp = now()
        docs = []
        for record in records:
            saved = dataclasses.replace(
                record, id=record.id or new_id(), version=1,
                created_at=record.created_at or stamp, updated_at=stamp, updated_by=who(),
            )
            docs.append(Document(encode(saved), doc_id=saved.id))
        with self.db.transaction():
            self._noting(dict.fromkeys((d.doc_id for d in docs), None),
                         lambda: self._table.insert_multiple(docs))

    def _noting(self, before: dict[str, dict[str, Any] | None], write: Callable[[], Any]) -> None:
        """Do ``write`` and tell the file which records it changed and what they were
        before (None: new), so that what is derived from the file (a course's report
        figures) can follow the change instead of reading everything again."""
        file = self._file()
        writes = file.storage.writes
        write()
        file.note(self.name, before, file.storage.writes - writes)
