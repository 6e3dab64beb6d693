"""``--workers N`` and ``--scheduler ADDRESS``: where a command's panel run happens.

``--workers N`` runs the blocks of series in ``N`` local processes (``0``: one per
core); ``--scheduler tcp://host:8786`` on an existing Dask cluster (needs
``pip install 'resurgence[dask]'`` here and ``resurgence`` on the workers). The
result is the same either way (:func:`resurgence.run_panel`). A progress bar goes
to standard error when it is a terminal (never in CI or when piped).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import InputError
from ..progress import Progress

__all__ = ["add_parallel_arguments", "executor_from", "panel_progress"]


def add_parallel_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--workers`` and ``--scheduler`` (mutually exclusive)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=int, metavar="N",
                   help="run on N local processes (0 = one per core; default: this process)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs the 'dask' "
                   "extra: pip install 'resurgence[dask]')")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


@contextmanager
def executor_from(args: argparse.Namespace) -> Iterator[Any]:
    """The executor ``run_panel`` gets for these arguments (a Dask client is closed after)."""
    workers = getattr(args, "workers", None)
    address = getattr(args, "scheduler", None)
    if address:
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs Dask's distributed package: "
                             "pip install 'resurgence[dask]'") from None
        try:
            client = Client(address, timeout=30, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    if workers is None:
        yield None
    elif workers < 0:
        raise InputError(f"--workers must be 0 (one per core) or more, got {workers}")
    else:
        yield (os.cpu_count() or 1) if workers == 0 else workers


@contextmanager
def panel_progress(args: argparse.Namespace, label: str
                   ) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a bar on standard error."""
    bar = Progress(None if getattr(args, "quiet", False) else sys.stderr)
    started = [False]

    def update(done: int, total: int) -> None:
        if not started[0]:
            bar.phase(label, total)
            started[0] = True
        bar.step(done - bar.done)

    with bar:
        yield update
