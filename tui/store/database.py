"""Opening a database, its transactions and its files."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as FileLockTimeout

from tui.i18n import msg
from tui.store import backup
from tui.store.errors import CorruptDatabase, LockTimeout, SchemaTooNew
from tui.store.files import PRIVATE, SHARED, file_mode, fsync_dir, make_dir
from tui.store.ids import now, who
from tui.store.layout import Layout
from tui.store.storage import JSONFile, RecordDB, RecordTable, open_tinydb

SCHEMA_VERSION = 1

# Migration N upgrades a database from schema N to N+1; it runs inside a transaction.
Migration = Callable[["Database"], None]
MIGRATIONS: dict[int, Migration] = {}

META_TABLE = "_meta"
META_ID = "schema"
# Course files are parsed on demand; keep the recently used ones, not all of them.
OPEN_COURSE_FILES = 32
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class _File:
    def __init__(self, path: Path, db: Database) -> None:
        self.storage = JSONFile(path, db.in_transaction, db.mode)
        self.tinydb: RecordDB = open_tinydb(self.storage)
        self.delete_on_commit = False

    def table(self, name: str) -> RecordTable:
        # No query cache: another process may change the file between two searches.
        return self.tinydb.table(name, cache_size=0)  # type: ignore[return-value]


class Database:
    def __init__(
        self,
        path: Path,
        *,
        shared: bool = False,
        backups_keep: int = 7,
        lock_timeout: float = 15.0,
    ) -> None:
        self.layout = Layout(Path(path).absolute())
        self.mode = SHARED if shared else PRIVATE
        self.backups_keep = backups_keep
        self.lock_timeout = lock_timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._file_lock: FileLock | None = None
        self._files: dict[Path, _File] = {}
        self._course_files: OrderedDict[str, _File] = OrderedDict()
        self._backup_checked: dt.date | None = None
        # Called with a course's id when its file is about to be written, while the
        # transaction is still open: lets the store keep derived data in the main file.
        self.on_course_write: Callable[[str], None] | None = None

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, **options: object) -> Database:
        """Open and check the main file; migrate an older schema; refuse a newer one."""
        db = cls(path, **options)  # type: ignore[arg-type]
        version = db.schema_version()
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaTooNew(db.layout.main, version, SCHEMA_VERSION)
        if version is not None and version < SCHEMA_VERSION:
            db._migrate(version)
        return db

    @property
    def path(self) -> Path:
        return self.layout.main

    def exists(self) -> bool:
        return self.layout.main.is_file()

    def schema_version(self) -> int | None:
        if not self.exists():
            return None
        meta = self.main.table(META_TABLE).get(doc_id=META_ID)
        if meta is None:
            raise CorruptDatabase(self.layout.main, msg("the schema version is missing"))
        version = meta.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise CorruptDatabase(self.layout.main, msg("the schema version is not a number"))
        return version

    def _migrate(self, version: int) -> None:
        with self.transaction():
            backup.create(self.layout, label=f"before-migration-{version}", mode=self.mode)
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](self)
                version += 1
            self.main.table(META_TABLE).update({"version": version}, doc_ids=[META_ID])

    # -- files ----------------------------------------------------------------------------

    def _file(self, path: Path) -> _File:
        f = self._files.get(path)
        if f is None:
            f = self._files[path] = _File(path, self)
        return f

    @property
    def main(self) -> _File:
        return self._file(self.layout.main)

    @property
    def people_file(self) -> _File:
        return self._file(self.layout.people)

    def course_file(self, course_id: str) -> _File:
        if not _SAFE_ID.match(course_id):
            raise ValueError(f"not a course id: {course_id!r}")
        f = self._course_files.get(course_id)
        if f is None:
            f = _File(self.layout.course(course_id), self)
            self._course_files[course_id] = f
            self._evict_course_files()
        else:
            self._course_files.move_to_end(course_id)
        return f

    def _evict_course_files(self) -> None:
        while len(self._course_files) > OPEN_COURSE_FILES:
            oldest = next(iter(self._course_files))
            if self._course_files[oldest].storage.dirty:
                break  # flushed at commit; evicted on a later call
            del self._course_files[oldest]

    def course_ids_on_disk(self) -> list[str]:
        folder = self.layout.courses
        return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []

    def delete_course_file(self, course_id: str) -> None:
        """Remove a course's file when the transaction commits."""
        self.course_file(course_id).delete_on_commit = True

    # -- transactions ----------------------------------------------------------------------

    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Serialise reads with this process's writes (a worker thread may be writing)."""
        with self._thread_lock:
            yield

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Read-modify-write under the cross-process lock; all or nothing per file.

        Nested calls join the outer transaction. On an exception nothing is written.
        """
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._acquire()
            self._depth = 1
            try:
                self._begin()
                yield
                self._commit()
            except BaseException:
                self._discard()
                raise
            finally:
                self._depth = 0
                self._release()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """The write lock alone, for whole-file work (restore) on a database that may be
        too broken to read."""
        with self._thread_lock:
            self._acquire()
            try:
                yield
            finally:
                self._release()
                self._discard()

    def _acquire(self) -> None:
        make_dir(self.layout.main.parent, self.mode)
        lock_mode = file_mode(self.layout.lock, self.mode)
        self._file_lock = FileLock(str(self.layout.lock), mode=lock_mode)
        try:
            self._file_lock.acquire(timeout=self.lock_timeout)
        except FileLockTimeout:
            raise LockTimeout(self.layout.lock, self.lock_timeout) from None

    def _release(self) -> None:
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None

    def _begin(self) -> None:
        today = dt.date.today()
        if self._backup_checked != today:
            # A broken file must not be backed up (and push a good backup out).
            if self.schema_version() is not None:
                backup.daily(self.layout, keep=self.backups_keep, mode=self.mode)
            self._backup_checked = today
        if not self.exists():
            self.main.table(META_TABLE).insert(
                _meta_doc({"version": SCHEMA_VERSION, "created_at": now(), "created_by": who()})
            )

    def _open_files(self) -> list[_File]:
        return [*self._course_files.values(), *self._files.values()]

    def _commit(self) -> None:
        if self.on_course_write is not None:
            for course_id, f in list(self._course_files.items()):
                if f.storage.dirty and not f.delete_on_commit:
                    self.on_course_write(course_id)
        make_dir(self.layout.folder, self.mode)
        make_dir(self.layout.courses, self.mode)
        # The main file goes last: a course header never points to a course file that
        # a crash kept from being written.
        for f in sorted(self._open_files(), key=lambda f: f.storage.path == self.layout.main):
            if f.delete_on_commit:
                with contextlib.suppress(FileNotFoundError):
                    f.storage.path.unlink()
                fsync_dir(f.storage.path.parent)
                f.storage.discard()
                f.delete_on_commit = False
            else:
                f.storage.flush()
        self._evict_course_files()

    def _discard(self) -> None:
        for f in self._open_files():
            f.storage.discard()
            f.delete_on_commit = False


def _meta_doc(fields: dict) -> dict:
    from tinydb.table import Document

    return Document(fields, doc_id=META_ID)
