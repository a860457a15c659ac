"""argparse in the interface's language.

argparse words its own messages in English ("usage:", "options", "error: the following
arguments are required") through gettext's module-level functions. Importing this
module points them at Kuffert's catalogue, so `kuffert --help` and its mistakes read in
Danish like the rest of the program. The msgids are listed here so the catalogue tool
knows them and requires their translation.
"""

from __future__ import annotations

import argparse
from typing import Any

from tui.i18n import N_, _, ngettext

# The texts of argparse (Python 3.11 to 3.13) that a user of `kuffert` can meet.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("subcommands"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)
ARGPARSE_PLURALS = (("expected %s argument", "expected %s arguments"),)

_VERSION_HELP = "show program's version number and exit"
_version_init = argparse._VersionAction.__init__


def _translated_version_init(self: Any, *args: Any, help: str = _VERSION_HELP,
                             **kwargs: Any) -> None:
    # The version action's help is a plain default, not passed through gettext.
    _version_init(self, *args, help=_(help), **kwargs)


def install() -> None:
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    argparse._VersionAction.__init__ = _translated_version_init  # type: ignore[method-assign]


def _plural_markers() -> None:  # pragma: no cover - read by tests/i18n_tool.py only
    ngettext("expected %s argument", "expected %s arguments", 1)


install()
