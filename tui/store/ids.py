from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
import uuid
from functools import cache


def new_id() -> str:
    # Random, not sequential: two trainers offline on two laptops must never collide
    # when their data later meets in the central database.
    return uuid.uuid4().hex[:16]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@cache
def who() -> str:
    """user@host, recorded on every change (no personal data beyond the login name)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"
