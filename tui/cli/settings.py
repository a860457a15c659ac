"""`kuffert config`: the settings in effect, and where each of them comes from."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil

from tui.cli.echo import echo
from tui.config import Config
from tui.i18n import _
from tui.store.layout import ENV_VAR, resolve_path


def _source(config: Config, name: str, *, cli: bool = False, env: str | None = None) -> str:
    if cli:
        return _("command line")
    if env and os.environ.get(env):
        return _("environment ({name})").format(name=env)
    if name in config.given:
        return _("settings file")
    return _("default")


def cmd_config(args: argparse.Namespace, config: Config) -> int:
    path = config.path
    state = _("found") if path is not None and path.is_file() else _("not there; defaults apply")
    echo(_("Settings file: {path} ({state})").format(path=path, state=state))
    db = resolve_path(args.db or config.db)
    rows = [
        ("lang", args.lang or os.environ.get("KUFFERT_LANG") or config.lang,
         _source(config, "lang", cli=bool(args.lang), env="KUFFERT_LANG")),
        ("db", str(db), _source(config, "db", cli=bool(args.db), env=ENV_VAR)),
        ("shared", *_shared(args, config, db)),
        ("backups", str(config.backups), _source(config, "backups")),
        ("low_bandwidth", *_low_bandwidth(args, config)),
    ]
    width = max(len(name) for name, _v, _s in rows)
    for name, value, source in rows:
        echo(f"  {name.ljust(width)}  {value}  ({source})")
    if config.keys:
        known = binding_ids()
        echo(_("Keys remapped in [keys]:"))
        for binding_id, keys in sorted(config.keys.items()):
            note = "" if binding_id in known else "  " + _("(no key has this id)")
            echo(f"  {binding_id} = {keys}{note}")
    else:
        echo(_("No keys remapped ([keys] in the settings file, for example "
               "\"attendance.present\" = \"y\")."))
    return 0


def _shared(args: argparse.Namespace, config: Config, db) -> tuple[str, str]:
    from tui.store.database import Database
    from tui.store.errors import StoreError

    if db.is_file():
        try:
            shared = Database(db).shared
        except (StoreError, OSError):
            shared = None
        if shared is not None:
            return (_("yes") if shared else _("no")), _("the database itself")
    requested = args.shared or config.shared
    source = _source(config, "shared", cli=bool(args.shared))
    return (_("yes") if requested else _("no")), source


def _low_bandwidth(args: argparse.Namespace, config: Config) -> tuple[str, str]:
    from tui.cli.main import low_bandwidth

    value = _("yes") if low_bandwidth(args, config) else _("no")
    if args.low_bandwidth:
        return value, _("command line")
    if config.low_bandwidth is not None:
        return value, _("settings file")
    return value, _("default (on over SSH)")


def binding_ids() -> set[str]:
    """Every binding id the program has, from every screen and widget module."""
    import tui.screens
    import tui.widgets
    from tui.app import KuffertApp

    ids = {b.id for b in KuffertApp.BINDINGS if getattr(b, "id", None)}
    for package in (tui.screens, tui.widgets):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                for binding in getattr(value, "BINDINGS", None) or ():
                    if getattr(binding, "id", None):
                        ids.add(binding.id)
    return ids
