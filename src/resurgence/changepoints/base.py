"""The plug-in contract every segment cost follows.

A cost turns a segment ``[start, end)`` of the fitted signal into a number
(lower is a better fit). The search methods (:mod:`.search`) only ever call
:meth:`Cost.errors` / :meth:`Cost.error` and read :attr:`Cost.min_size`, so a
user-written cost plugs in by subclassing :class:`Cost` and implementing
:meth:`Cost.error` -- nothing in the search code changes.

Missing values
--------------
The signal may contain NaN (a missing month). The rule every built-in cost
follows, and that a user cost should follow too: **a NaN contributes nothing to
a segment's cost and does not count towards its size**. Segment sizes
(:meth:`Cost.nobs`, ``min_size``) count *observed* points, and the search only
places a changepoint at an observed position (a segment starts at its first
observed month), so a run of missing months never becomes a segment of its own.

Scale of the cost
-----------------
Built-in costs are ``-2 x`` the maximised log-likelihood of the segment (up to
an additive constant per observed point, which cannot change which
segmentation is best). On that scale the BIC/MBIC/AIC penalties of
:mod:`.penalties` mean what their names say, and the location intervals of
:mod:`.uncertainty` are likelihood-based. A user cost on another scale still
works with a manual penalty.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..errors import SeriesError

__all__ = ["Cost", "BatchTerms", "cumsum0"]


class BatchTerms(NamedTuple):
    """A fitted cost's state for the batched search (:meth:`Cost.batch_terms`).

    Attributes
    ----------
    sums : tuple of numpy.ndarray
        Cumulative arrays of length ``n + 1`` (by position, leading 0): a
        segment ``[s, e)`` costs ``segment_cost(tuple(c[e] - c[s] for c in sums),
        params)``.
    params : tuple of float
        Per-series constants of the cost (e.g. the NB size).
    key : tuple
        Series whose costs share the class and this key are searched together
        (e.g. NB costs in the Poisson limit apart from the others).
    """

    sums: tuple[np.ndarray, ...]
    params: tuple[float, ...]
    key: tuple = ()


def cumsum0(x: np.ndarray) -> np.ndarray:
    """Cumulative sum with a leading zero, so ``c[e] - c[s]`` sums ``x[s:e]``.

    Examples
    --------
    >>> cumsum0(np.array([1.0, 2.0, 3.0])).tolist()
    [0.0, 1.0, 3.0, 6.0]
    """
    out = np.empty(len(x) + 1, dtype=float)
    out[0] = 0.0
    np.cumsum(x, out=out[1:])
    return out


class Cost:
    """Base class of segment costs (the plug-in contract).

    Subclasses set the class attributes and implement :meth:`error`; for speed
    they also implement the vectorised :meth:`errors`. A subclass that needs
    precomputed statistics overrides :meth:`fit`, calls ``super().fit(...)``
    first and then uses ``self.signal_``, ``self.exposure_`` and
    ``self.observed_``.

    Attributes
    ----------
    model : str
        Short name of the cost, shown in results.
    min_size : int
        Smallest number of observed points a segment may have under this cost
        (the search uses the larger of this and the user's ``min_size``).
    n_params : int
        Parameters estimated per segment (1 for a mean or rate, 2 for mean and
        variance). Penalties count ``n_params + 1`` per changepoint (the
        parameters plus the location).
    family : str
        ``"count"``, ``"gaussian"`` or ``"custom"``: which formulas
        :mod:`.uncertainty` uses for levels and their intervals.

    Examples
    --------
    A user-written cost (sum of absolute deviations from the median) plugs into
    the search unchanged:

    >>> import numpy as np
    >>> from resurgence import detect_changepoints
    >>> class AbsCost(Cost):
    ...     model = "l1"
    ...     def error(self, start, end):
    ...         seg = self.signal_[start:end]
    ...         seg = seg[~np.isnan(seg)]
    ...         return float(np.abs(seg - np.median(seg)).sum())
    >>> y = np.r_[np.zeros(20), np.full(20, 5.0)] + np.tile([0.1, -0.1], 20)
    >>> detect_changepoints(y, cost=AbsCost(), penalty=3.0).indices.tolist()
    [20]
    """

    model: str = "custom"
    min_size: int = 1
    n_params: int = 1
    family: str = "custom"

    def fit(self, signal: Any, exposure: Any = None) -> "Cost":
        """Store the signal (and exposure) and precompute what :meth:`error` needs.

        Parameters
        ----------
        signal : array-like, shape (n,)
            The series; NaN marks a missing point.
        exposure : array-like, shape (n,), optional
            Exposure of each point (e.g. months covered by an interval count);
            defaults to 1. Only count costs use it.

        Returns
        -------
        self
        """
        y = np.asarray(signal, dtype=float)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise SeriesError(f"expected a 1-D signal, got shape {y.shape}")
        if exposure is None:
            e = np.ones_like(y)
        else:
            e = np.asarray(exposure, dtype=float)
            if e.shape != y.shape:
                raise SeriesError(f"exposure has shape {e.shape}, the signal {y.shape}")
        self.signal_ = y
        self.exposure_ = e
        self.observed_ = ~np.isnan(y)
        self.n_samples_ = len(y)
        self._ncum = cumsum0(self.observed_.astype(float))
        return self

    # -- contract: a subclass overrides error, errors, or both -----------------------
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.error is Cost.error and cls.errors is Cost.errors:
            raise TypeError(f"{cls.__name__} must implement error(start, end) or errors(starts, ends)")

    def error(self, start: int, end: int) -> float:
        """Cost of the segment ``[start, end)`` (positions in the fitted signal).

        The default evaluates the vectorised :meth:`errors` at one segment.
        """
        return float(self.errors(start, end))

    def errors(self, starts: Any, ends: Any) -> np.ndarray:
        """Vectorised :meth:`error`: ``starts`` and ``ends`` broadcast together.

        The default loops over :meth:`error`; built-in costs override it with
        closed forms over cumulative sums.
        """
        s, e = np.broadcast_arrays(np.asarray(starts), np.asarray(ends))
        out = np.fromiter((self.error(int(a), int(b)) for a, b in zip(s.ravel(), e.ravel())),
                          dtype=float, count=s.size)
        return out.reshape(s.shape)

    # -- optional: the batched search over many series (resurgence.changepoints.batch) --
    def batch_terms(self) -> "BatchTerms | None":
        """What the batched search needs to evaluate this cost for many series at once.

        A cost whose segment cost is a function of differences of cumulative
        arrays (as every built-in cost is) returns them here, with its
        per-series parameters, and implements :meth:`segment_cost`; its
        :meth:`errors` should call :meth:`segment_cost` too, so the batched and
        the one-series search compute the same numbers. The default (None)
        makes the batched search fall back to PELT on this series alone: a
        user-written cost works there unchanged.
        """
        return None

    @staticmethod
    def segment_cost(sums: tuple[np.ndarray, ...], params: tuple[Any, ...]) -> np.ndarray:
        """Segment costs from segment sums (differences of :meth:`batch_terms` arrays).

        ``sums`` and ``params`` broadcast together: the batched search passes
        sums of shape ``(series, candidates)`` and parameters of shape
        ``(series, 1)``.
        """
        raise TypeError("this cost has no batch_terms(); the batched search does not call it")

    # -- helpers shared by every cost -----------------------------------------------
    def nobs(self, starts: Any, ends: Any) -> np.ndarray:
        """Number of observed (non-NaN) points in ``[start, end)``."""
        return self._ncum[np.asarray(ends)] - self._ncum[np.asarray(starts)]

    @property
    def boundaries_(self) -> np.ndarray:
        """Positions where a segment may start or end: 0, each observed point after
        the first, and ``n``. Between two consecutive boundaries lies exactly one
        observed point, so the search works on this grid."""
        obs = np.flatnonzero(self.observed_)
        return np.concatenate(([0], obs[1:], [self.n_samples_])).astype(np.intp)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
