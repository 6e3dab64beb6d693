"""A progress bar on standard error, only where a person is watching.

It draws only when the stream is a terminal and ``CI`` is not set, and only once a
run has lasted more than a second (a quick run prints nothing). It writes to the
stream it is given and nowhere else; library code never prints.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

__all__ = ["Progress", "progress_enabled"]


def progress_enabled(stream: TextIO | None) -> bool:
    """Whether a bar should be drawn on ``stream``: a terminal, and not in CI.

    Examples
    --------
    >>> import io
    >>> progress_enabled(io.StringIO())
    False
    """
    if stream is None:
        return False
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """Phases of steps drawn as ``label [#####-----] 3/6``, after ``delay`` seconds.

    Parameters
    ----------
    stream : text stream or None
        Where to draw (``sys.stderr`` from the CLI). None or a non-terminal: silent.
    enabled : bool, optional
        Force drawing on or off (default: :func:`progress_enabled`).
    delay : float
        Seconds to wait before the first draw (default 1).

    Examples
    --------
    >>> p = Progress(None)
    >>> p.phase("pages", 2); p.step(); p.step(); p.close()
    >>> p.drawn
    False
    """

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None,
                 delay: float = 1.0, width: int = 30,
                 clock=time.monotonic) -> None:  # noqa: ANN001
        self.stream = stream
        self.enabled = progress_enabled(stream) if enabled is None else bool(enabled)
        self.delay = float(delay)
        self.width = int(width)
        self._clock = clock
        self._t0 = clock()
        self.label, self.total, self.done = "", 0, 0
        self.drawn = False

    def phase(self, label: str, total: int) -> None:
        """Start a phase of ``total`` steps."""
        self.label, self.total, self.done = label, max(int(total), 0), 0
        self._draw()

    def step(self, n: int = 1, detail: str = "") -> None:
        """Advance by ``n`` steps."""
        self.done = min(self.total, self.done + n)
        self._draw(detail)

    def _draw(self, detail: str = "") -> None:
        if not self.enabled or self.stream is None:
            return
        if self._clock() - self._t0 < self.delay:
            return
        frac = self.done / self.total if self.total else 1.0
        fill = int(round(frac * self.width))
        line = (f"\r{self.label:<18} [{'#' * fill}{'-' * (self.width - fill)}] "
                f"{self.done}/{self.total} {detail[:30]:<30}")
        self.stream.write(line)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the bar's line (only if something was drawn)."""
        if self.drawn and self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


NULL = Progress(None, enabled=False)


def stderr_progress() -> Progress:
    """A bar on standard error (drawn only when it is a terminal and not in CI)."""
    return Progress(sys.stderr)
