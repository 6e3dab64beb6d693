"""The ``resurgence`` command line: a thin layer over the library.

Each subcommand lives in its own module under :mod:`resurgence.commands` and
exposes ``register(subparsers)``; that function adds its parser and sets
``func`` to a callable ``run(args) -> int``. This module only dispatches and
turns :class:`~resurgence.errors.ResurgenceError` into one message on standard
error and the documented exit code (see :mod:`resurgence.errors`). Set
``RESURGENCE_DEBUG=1`` to see tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence

from . import errors
from ._version import __version__

__all__ = ["main", "build_parser", "COMMANDS"]

#: Modules whose name differs from their subcommand (``import`` is a keyword).
_MODULES = {"import": "importer"}

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("report", "validate", "series", "import", "compare",
                             "changepoints", "forecast", "backtest", "alert")


def build_parser(commands: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Build the top-level parser with every registered subcommand (or only ``commands``)."""
    parser = argparse.ArgumentParser(
        prog="resurgence",
        description="Monthly conflict series: validate, model, forecast and alert.",
        epilog="Exit codes: 0 ok, 1 bad input, 2 usage, 3 alert raised, 4 state locked, "
        "70 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"resurgence {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if commands is None else commands:
        module = importlib.import_module(f"resurgence.commands.{_MODULES.get(name, name)}")
        module.register(sub)
    return parser


def _cell(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _print_failures(exc: errors.DataValidationError) -> None:
    table = exc.failures
    if table is None or len(table) == 0:
        return
    cols = [c for c in ("file", "row", "column", "check", "value", "message") if c in table.columns]
    shown = table[cols].head(200).map(_cell)
    if "message" in shown.columns:  # keep the table readable: messages go last, left-aligned
        width = shown["message"].str.len().max()
        shown["message"] = shown["message"].str.ljust(width)
    print(shown.to_string(index=False), file=sys.stderr)
    if len(table) > 200:
        print(f"... and {len(table) - 200} more", file=sys.stderr)


def _format_warning(message, category, filename, lineno, line=None):  # noqa: ANN001
    return f"resurgence: warning: {message}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # A named subcommand needs only its own module: the others (statsmodels for the
    # forecasts, the event readers...) are not imported. `--help` alone lists them all.
    parser = build_parser([argv[0]] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return errors.EXIT_USAGE
    debug = os.environ.get("RESURGENCE_DEBUG", "") not in ("", "0")
    warnings.formatwarning = _format_warning
    try:
        return int(args.func(args) or 0)
    except errors.ResurgenceError as exc:
        if debug:
            raise
        print(f"resurgence: error: {exc}", file=sys.stderr)
        if isinstance(exc, errors.DataValidationError):
            _print_failures(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print("resurgence: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a command that stopped reading (e.g. `| head`).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return errors.EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        print(
            f"resurgence: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug; rerun with RESURGENCE_DEBUG=1 for the traceback and report it.",
            file=sys.stderr,
        )
        return errors.EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
