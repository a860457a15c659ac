"""A shared folder that cannot be turned against its users.

Any member of the group can plant a symlink, a FIFO or a file where Kuffert keeps or is
about to write data. Planted things are refused with words naming them; nothing outside
the database folder is read or written; nothing blocks.
"""

from __future__ import annotations

import datetime as dt
import grp
import os
import pwd
import secrets
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tui.domain.courses import Course, Mark, Session
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store import backup
from tui.store.errors import StoreError
from tui.store.files import UnsafeFile
from tui.store.store import Store

SECRET = b"ssh-ed25519 AAAA the colleague's own key\n"


def _db(folder: Path, shared: bool = False) -> Store:
    store = Store.open(folder / "k.json", shared=shared)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Initiativ 3"))
        store.courses.add(Course(id="c1", programme_id="prog", name="Hold 1"))
        store.sessions("c1").add(Session(id="d1", course_id="c1", date=dt.date(2021, 8, 16)))
        store.people.add(Person(id="p1", name="Naja Lynge", role=Role.LEADER,
                                qualification=Qualification.PEDAGOGUE))
    return store


def _bytes_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and p.suffix == ".json"}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file of the victim's, outside the database folder."""
    private = tmp_path / "home" / "authorized_keys"
    private.parent.mkdir()
    private.write_bytes(SECRET)
    private.chmod(0o600)
    return private


def test_a_symlink_planted_as_a_course_file_is_refused_and_never_copied(
        tmp_path: Path, outside: Path) -> None:
    folder = tmp_path / "db"
    store = _db(folder)
    course_file = folder / "k.d" / "courses" / "c1.json"
    course_file.unlink()
    course_file.symlink_to(outside)

    with pytest.raises(UnsafeFile) as refused:
        store.sessions("c1").all()
    assert str(course_file) in str(refused.value) and "symbolic link" in str(refused.value)
    with pytest.raises(UnsafeFile):
        store.mark("c1", "d1", "p1", Mark.PRESENT)

    made = backup.create(store.db.layout, mode=store.db.mode)
    copied = b"".join(p.read_bytes() for p in made.rglob("*") if p.is_file())
    assert SECRET not in copied
    result = run_kuffert("check", db=folder / "k.json")
    assert result.returncode == 1 and "symbolic link" in result.stderr
    assert "Traceback" not in result.stderr
    assert outside.read_bytes() == SECRET and stat.S_IMODE(outside.stat().st_mode) == 0o600


def test_a_symlink_planted_at_the_lock_is_refused_and_its_target_untouched(
        tmp_path: Path, outside: Path) -> None:
    folder = tmp_path / "db"
    store = _db(folder)
    before = _bytes_of(folder)
    (folder / "k.lock").unlink()
    (folder / "k.lock").symlink_to(outside)
    result = run_kuffert("erase", "p1", "--yes", db=folder / "k.json")
    assert result.returncode == 1, result.stderr
    assert "k.lock" in result.stderr and "symbolic link" in result.stderr
    assert outside.read_bytes() == SECRET and stat.S_IMODE(outside.stat().st_mode) == 0o600
    assert _bytes_of(folder) == before
    del store


def test_a_symlink_planted_at_the_next_temp_name_is_not_written_through(
        tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "db"
    store = _db(folder)
    # The attacker guesses the next name right (here: is told it).
    target = store.db.layout.person_file("p2")
    planted = target.parent / f".{target.name}.0000000000000000.kuffert-tmp"
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(outside)
    names = iter(["0000000000000000"])
    real = secrets.token_hex
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(names, None) or real(n))
    store.people.add(Person(id="p2", name="Aviaja K.", role=Role.EMPLOYEE,
                            qualification=Qualification.UNSKILLED))
    assert outside.read_bytes() == SECRET and stat.S_IMODE(outside.stat().st_mode) == 0o600
    assert Store.open(folder / "k.json").people.find("p2") is not None


def test_a_fifo_planted_as_a_course_file_blocks_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    _db(folder)
    os.mkfifo(folder / "k.d" / "courses" / "planted.json")
    # The daily backup and the check run in real processes; a read of the FIFO would
    # hang them (the timeout turns that into a failure).
    result = subprocess.run(
        [*_kuffert(), "--db", str(folder / "k.json"), "backup", "--now"],
        capture_output=True, text=True, timeout=60, env=_env())
    assert result.returncode == 0, result.stderr
    made = backup.list_backups(Store.open(folder / "k.json").db.layout)[-1]
    assert "planted.json" not in {p.name for p in made.path.rglob("*")}
    result = subprocess.run([*_kuffert(), "--db", str(folder / "k.json"), "check"],
                            capture_output=True, text=True, timeout=60, env=_env())
    assert result.returncode == 1 and "named pipe" in result.stderr


def test_planted_links_in_the_backup_folder_are_neither_listed_nor_restored(
        tmp_path: Path, outside: Path) -> None:
    folder = tmp_path / "db"
    store = _db(folder)
    evil = tmp_path / "evil"
    (evil / "k.d").mkdir(parents=True)
    (evil / "k.json").symlink_to(outside)
    store.db.layout.backups.mkdir(exist_ok=True)
    (store.db.layout.backups / "2020-01-01T000000").symlink_to(evil)
    assert [b.name for b in backup.list_backups(store.db.layout)
            if b.name.startswith("2020")] == []
    before = _bytes_of(folder)
    result = run_kuffert("restore", "2020-01-01T000000", "--yes", db=folder / "k.json")
    assert result.returncode == 1 and "no backup named" in result.stderr
    assert _bytes_of(folder) == before

    # A backups folder that is itself a link is refused in words.
    (folder / "k.backups").rename(tmp_path / "moved")
    (folder / "k.backups").symlink_to(tmp_path / "moved")
    result = run_kuffert("backup", db=folder / "k.json")
    assert result.returncode == 1 and "symbolic link" in result.stderr
    assert "Traceback" not in result.stderr


def _kuffert() -> list[str]:
    import sys

    return [sys.executable, "-m", "tui"]


def _env() -> dict[str, str]:
    return {**os.environ, "KUFFERT_LANG": "en", "KUFFERT_CONFIG": os.devnull}


# -- a real second user --------------------------------------------------------------------

GROUP, MEMBERS, OUTSIDER = "kuffertadm", ("kuffert_a", "kuffert_b"), "kuffert_x"


def _ensure_users() -> None:
    if not _exists(grp.getgrnam, GROUP):
        subprocess.run(["groupadd", GROUP], check=True)
    for user in (*MEMBERS, OUTSIDER):
        if not _exists(pwd.getpwnam, user):
            subprocess.run(["useradd", "-M", "-N", "-g", "nogroup", user], check=True)
    for user in MEMBERS:
        subprocess.run(["usermod", "-a", "-G", GROUP, user], check=True)


def _exists(lookup: Callable[[str], object], name: str) -> bool:
    try:
        lookup(name)
    except KeyError:
        return False
    return True


def as_user(user: str, work: Callable[[], object], umask: int = 0o022) -> int:
    """Run ``work`` in a child process that is really ``user`` (its groups included)."""
    entry = pwd.getpwnam(user)
    # The child cannot read this interpreter's own library folder once it is another
    # user: modules it would import lazily are imported here first.
    dt.datetime.strptime("2021", "%Y")
    groups = [g.gr_gid for g in grp.getgrall() if user in g.gr_mem]
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.setgroups(groups)
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            os.umask(umask)
            work()
            # The day's backup is finished by a process of its own: let it finish as
            # this user's, before the test looks at the folder (its folders are made
            # private, then given the database's mode).
            from tui.store import daily_backup

            daily_backup.settle()
        except PermissionError:
            os._exit(13)
        except StoreError:
            os._exit(12)
        except BaseException:
            import traceback

            traceback.print_exc()  # shown with the failing assertion
            os._exit(1)
        os._exit(0)
    return os.WEXITSTATUS(os.waitpid(pid, 0)[1])


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as other users")
def test_two_members_share_a_setgid_folder_and_an_outsider_reads_nothing() -> None:
    _ensure_users()
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="kuffert-shared-"))
    base.chmod(0o755)
    shared = base / "srv"
    shared.mkdir()
    os.chown(shared, 0, grp.getgrnam(GROUP).gr_gid)
    shared.chmod(0o2770)
    db = shared / "k.json"

    def first() -> None:  # creates the database in shared mode, under a strict umask
        _db(shared, shared=True)

    def second() -> None:  # no --shared: the database's own setting counts
        store = Store.open(db)
        with store.transaction():
            store.courses.add(Course(id="c2", programme_id="prog", name="Hold 2"))
            store.sessions("c2").add(Session(id="d2", course_id="c2",
                                             date=dt.date(2021, 9, 6)))
        assert store.people.get("p1").name == "Naja Lynge"

    def first_reads_second() -> None:
        assert Store.open(db).sessions("c2").count() == 1

    def outsider() -> None:
        Store.open(db).people.all()

    try:
        assert as_user(MEMBERS[0], first, umask=0o077) == 0
        # A lock file left read-only to the group (a hand-made chmod) still works.
        (shared / "k.lock").chmod(0o640)
        assert as_user(MEMBERS[1], second, umask=0o077) == 0
        (shared / "k.lock").chmod(0o660)
        assert as_user(MEMBERS[0], first_reads_second) == 0
        assert as_user(OUTSIDER, outsider) in (12, 13)
        group = grp.getgrnam(GROUP).gr_gid
        for path in [*shared.rglob("*")]:
            st = path.lstat()
            assert st.st_gid == group, path
            if stat.S_ISDIR(st.st_mode):
                assert stat.S_IMODE(st.st_mode) == 0o2770, path
            elif path.suffix == ".json":
                assert stat.S_IMODE(st.st_mode) == 0o660, path
        assert stat.S_IMODE((shared / "k.backups").stat().st_mode) == 0o2770
    finally:
        subprocess.run(["rm", "-rf", str(base)], check=False)
