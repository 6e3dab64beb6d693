"""Where the blocks run: this process, a process pool, or any ``concurrent.futures`` executor.

``executor`` may be

* ``None`` or ``1``: in this process, block after block (no start-up cost; the
  default, and the right choice for small panels);
* an ``int`` ``n > 1`` or ``"processes"`` (all cores): a
  :class:`concurrent.futures.ProcessPoolExecutor` started and shut down here;
* any :class:`concurrent.futures.Executor` (a thread or process pool the caller
  owns and keeps);
* a Dask ``distributed.Client``: its ``get_executor()`` view, so the blocks run on
  the cluster's workers (which need ``resurgence`` installed).

Blocks are submitted all at once and collected as they finish; the results are
put back in block order, so the outcome does not depend on which worker was
fastest. Dask is never imported here: a client is recognised by its
``get_executor`` method.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import Any

from ..errors import InputError

__all__ = ["map_blocks", "describe_executor"]


def _resolve(executor: Any) -> tuple[Executor | None, bool]:
    """``(executor, owned)``; None means: run in this process."""
    if executor is None or executor == 1 or executor == "serial":
        return None, False
    if executor == "processes":
        return ProcessPoolExecutor(max_workers=os.cpu_count() or 1), True
    if isinstance(executor, bool):
        raise InputError("executor must be None, a number of processes, 'processes' or an "
                         "Executor, not a bool")
    if isinstance(executor, int):
        if executor < 1:
            raise InputError(f"the number of worker processes must be at least 1, got {executor}")
        return ProcessPoolExecutor(max_workers=executor), True
    if isinstance(executor, Executor):
        return executor, False
    if callable(getattr(executor, "get_executor", None)):  # a Dask distributed.Client
        return executor.get_executor(), False
    raise InputError(f"cannot run on {executor!r}: give None, a number of processes, "
                     "'processes', a concurrent.futures.Executor or a Dask Client")


def describe_executor(executor: Any) -> str:
    """A short name of where the work runs, for logs and benchmark tables.

    Examples
    --------
    >>> describe_executor(None), describe_executor(4)
    ('in-process', '4 processes')
    """
    if executor is None or executor == 1 or executor == "serial":
        return "in-process"
    if executor == "processes":
        return f"{os.cpu_count() or 1} processes"
    if isinstance(executor, int):
        return f"{executor} processes"
    return type(executor).__name__


def map_blocks(fn: Callable[..., Any], blocks: Sequence[Any], *args: Any, executor: Any = None,
               progress: Callable[[int], None] | None = None) -> list[Any]:
    """``[fn(block, *args) for block in blocks]`` on ``executor``, in block order.

    ``progress(n)`` is called in this process after each block with the number of
    series it held (``len(block)``).
    """
    ex, owned = _resolve(executor)
    if ex is None or len(blocks) == 0:
        out = []
        for b in blocks:
            out.append(fn(b, *args))
            if progress is not None:
                progress(len(b))
        if owned and ex is not None:
            ex.shutdown()
        return out
    results: list[Any] = [None] * len(blocks)
    try:
        futures = {ex.submit(fn, b, *args): i for i, b in enumerate(blocks)}
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            if progress is not None:
                progress(len(blocks[i]))
    finally:
        if owned:
            ex.shutdown(wait=True, cancel_futures=True)
    return results
