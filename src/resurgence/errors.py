"""Typed errors and warnings raised by resurgence, and the CLI exit codes they map to.

Library code raises these and never prints or exits; :mod:`resurgence.cli` turns
each into one clear message and the exit code documented here.

Exit codes
----------
==========  ==================================================================
code        meaning
==========  ==================================================================
0           success (for ``resurgence alert``: no new alert)
1           bad input: invalid data file, unknown region, bad argument value
2           usage error: unknown option or missing argument (argparse)
3           ``resurgence alert`` only: at least one alert was raised
4           the state database is locked by another run, or unusable
70          internal failure (a bug): please report it with the traceback
            that ``RESURGENCE_DEBUG=1`` prints
==========  ==================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_ALERT = 3
EXIT_STATE = 4
EXIT_INTERNAL = 70

__all__ = [
    "EXIT_OK",
    "EXIT_INPUT",
    "EXIT_USAGE",
    "EXIT_ALERT",
    "EXIT_STATE",
    "EXIT_INTERNAL",
    "ResurgenceError",
    "InputError",
    "DataValidationError",
    "UnknownRegionError",
    "SeriesError",
    "ModelError",
    "StateError",
    "DeliveryError",
    "ResurgenceWarning",
    "DataWarning",
    "ModelWarning",
]


class ResurgenceError(Exception):
    """Base class of every error resurgence raises on purpose.

    Attributes
    ----------
    exit_code : int
        The CLI exit code for this kind of error.
    """

    exit_code: int = EXIT_INPUT


class InputError(ResurgenceError, ValueError):
    """Input that cannot be used: a bad argument, file or value."""

    exit_code = EXIT_INPUT


class DataValidationError(InputError):
    """A data table failed validation.

    Parameters
    ----------
    message : str
        One-line summary.
    failures : pandas.DataFrame
        One row per failing cell with columns ``file``, ``row``, ``column``,
        ``check``, ``value`` and ``message``. ``row`` is the 1-based line number
        in the file (the header is line 1) when the table came from a file, else
        the 0-based position in the frame.
    """

    exit_code = EXIT_INPUT

    def __init__(self, message: str, failures: "pd.DataFrame | None" = None) -> None:
        super().__init__(message)
        if failures is None:
            import pandas as pd

            failures = pd.DataFrame(columns=["file", "row", "column", "check", "value", "message"])
        self.failures = failures


class UnknownRegionError(InputError, KeyError):
    """A region name that is neither a canonical name nor a known alias."""

    def __init__(self, name: str, *, file: str | None = None, row: int | None = None) -> None:
        self.name = name
        self.file = file
        self.row = row
        where = ""
        if file is not None:
            where = f" in {file}" + (f", row {row}" if row is not None else "")
        super().__init__(
            f"unknown region {name!r}{where}: not a canonical region or alias "
            "(see data/reference/regions.csv)"
        )

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0])


class SeriesError(InputError):
    """A series that a model cannot use: too short, all missing, wrong type."""


class ModelError(ResurgenceError):
    """A model could not be fitted or evaluated on otherwise valid input."""

    exit_code = EXIT_INPUT


class StateError(ResurgenceError):
    """The alert history database is locked by another run or is unusable."""

    exit_code = EXIT_STATE


class DeliveryError(ResurgenceError):
    """An alert could not be delivered (webhook); it stays queued for the next run."""

    exit_code = EXIT_INPUT


class ResurgenceWarning(UserWarning):
    """Base class of the warnings resurgence issues."""


class DataWarning(ResurgenceWarning):
    """Data that is valid but suspicious, e.g. a source inconsistent with itself."""


class ModelWarning(ResurgenceWarning):
    """A model fell back to a simpler one or did not converge cleanly."""
