"""``detect_changepoints``: input -> cost -> penalty -> search -> uncertainty -> result."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, SeriesError
from .base import Cost
from .costs import NormalMeanCost, make_cost
from .penalties import Penalty, crops_path, make_penalty
from .result import ChangepointResult
from .robust import looks_like_counts
from .search import METHODS, run_search
from .signal import Signal, as_signal
from .uncertainty import change_columns, location_interval, segment_columns, segment_stats

__all__ = ["detect_changepoints", "crops", "resolve_cost", "prepare_signal", "result_columns"]


def resolve_cost(cost: Any, signal: Signal) -> Cost:
    """The unfitted cost for ``cost`` (a name, ``"auto"``, a Cost class or instance).

    ``"auto"`` picks the robust negative-binomial count cost (``cost="negbin"``:
    robust dispersion, Poisson when there is no overdispersion, spikes
    winsorized, a clear calendar cycle adjusted for) for interval counts (an
    exposure) and for data that look like counts
    (:func:`~resurgence.changepoints.robust.looks_like_counts`: non-negative
    integers whose noise is Poisson-like or grows with the level), and the
    Gaussian change-in-mean cost with a robust noise scale otherwise (signed or
    fractional data, and large integers with small, level-independent noise such
    as river flows).

    Examples
    --------
    >>> resolve_cost("auto", as_signal([1, 0, 3, 2])).model
    'negbin'
    >>> resolve_cost("auto", as_signal([1.5, -0.2, 3.1])).model
    'normal_mean'
    >>> resolve_cost("auto", as_signal([1120, 1160, 963, 1210, 1160, 1160, 813, 1230])).model
    'normal_mean'
    """
    if isinstance(cost, Cost):
        return cost
    if isinstance(cost, type) and issubclass(cost, Cost):
        return cost()
    if not isinstance(cost, str):
        raise InputError(f"cost must be a name or a Cost, got {type(cost).__name__}")
    if cost.strip().lower() == "auto":
        counts = signal.exposure is not None or looks_like_counts(signal.values)
        return make_cost("negbin") if counts else NormalMeanCost()
    return make_cost(cost)


def _prepare(y: Any, cost: Any, exposure: Any, min_size: int) -> tuple[Signal, Cost, int]:
    return prepare_signal(as_signal(y, exposure), cost, min_size)


def prepare_signal(signal: Signal, cost: Any, min_size: int) -> tuple[Signal, Cost, int]:
    """Check a signal, resolve and fit its cost: ``(signal, fitted cost, min_size used)``.

    Raises the errors :func:`detect_changepoints` documents (too short,
    all-missing, a Gaussian cost on interval counts, a bad ``min_size``).
    """
    if len(signal.values) == 0:
        raise SeriesError("empty series: nothing to segment")
    k = signal.n_observed
    if k == 0:
        raise SeriesError(f"all {len(signal.values)} values are missing (NaN): nothing to segment")
    try:
        min_size = int(min_size)
    except (TypeError, ValueError):
        raise InputError(f"min_size must be an integer >= 1, got {min_size!r}") from None
    if min_size < 1:
        raise InputError(f"min_size must be an integer >= 1, got {min_size}")
    c = resolve_cost(cost, signal)
    size = max(min_size, int(getattr(c, "min_size", 1)))
    if k < 2 * size:
        raise SeriesError(
            f"too short: {k} observed value(s); testing for a change needs at least "
            f"{2 * size} (two segments of min_size={size})"
        )
    if signal.exposure is not None and c.family == "gaussian":
        if not np.allclose(signal.exposure[~np.isnan(signal.values)], 1.0):
            raise InputError(f"interval counts (an exposure) need a count cost (poisson or "
                             f"negbin), not {c.model}")
        signal = Signal(signal.values, None, signal.index, signal.name)
    c.fit(signal.values, signal.exposure)
    return signal, c, size


def _default_pen_range(c: Cost, n: int) -> tuple[float, float]:
    p = c.n_params + 1
    return 2.0 * p, 4.0 * (p + 1) * np.log(max(n, 2))


def _elbow(path: pd.DataFrame, mbic: float) -> int:
    """Row of the CROPS path at the elbow of cost against number of changepoints."""
    if len(path) < 3:
        inside = path[(path["pen_lo"] <= mbic) & (mbic <= path["pen_hi"])]
        return int(inside.index[0]) if len(inside) else 0
    k = path["n_changepoints"].to_numpy(float)
    q = path["cost"].to_numpy(float)
    kx = (k - k[0]) / (k[-1] - k[0])
    qy = (q - q[-1]) / (q[0] - q[-1]) if q[0] != q[-1] else np.zeros_like(q)
    dist = (1.0 - kx) - qy  # how far below the chord from (0, 1) to (1, 0)
    return int(np.argmax(dist))


def detect_changepoints(
    y: Any,
    *,
    cost: Any = "auto",
    penalty: Any = "mbic",
    method: str = "pelt",
    min_size: int = 2,
    exposure: Any = None,
    level: float = 0.95,
    pen_range: tuple[float, float] | None = None,
) -> ChangepointResult:
    """Find where the level of a series changes, when, and by how much.

    Parameters
    ----------
    y : array-like, pandas.Series or pandas.DataFrame
        The series. NaN is a missing month: skipped by the cost, never imputed.
        A Series with a month index keeps its months (absent months become
        NaN). A DataFrame with ``value`` and ``months`` columns (the model frame
        of interval counts) is read as counts with exposure ``months``.
    cost : str or Cost
        ``"auto"`` (default: ``negbin`` for interval counts and data that look
        like counts, else ``normal_mean``; see :func:`resolve_cost`), ``"poisson"``, ``"negbin"``,
        ``"normal_mean"``, ``"normal_meanvar"``, ``"l2"`` (unscaled squares, as
        ruptures), or a :class:`~resurgence.changepoints.base.Cost` instance.
    penalty : str or float
        ``"mbic"`` (default), ``"bic"``, ``"aic"``, ``"crops"`` or a number
        (penalty per changepoint). See :mod:`resurgence.changepoints.penalties`
        and ``docs/changepoints.md`` for which to choose.
    method : str
        ``"pelt"`` (default, exact), ``"optpart"`` (exact, unpruned) or
        ``"binseg"`` (greedy).
    min_size : int
        Fewest observed points in a segment (default 2: a single outlying
        month cannot be a segment of its own).
    exposure : array-like, optional
        Exposure per point (months covered by each count).
    level : float
        Confidence level of every interval (default 0.95).
    pen_range : (float, float), optional
        Penalty range for ``penalty="crops"``; the segmentation at the elbow of
        the cost curve is returned and the whole path is in ``result.crops``.

    Returns
    -------
    ChangepointResult

    Raises
    ------
    SeriesError
        Empty, all-missing or too-short series; negative counts for a count cost.
    InputError
        Unknown cost, penalty or method; bad ``min_size``.

    Examples
    --------
    >>> y = pd.Series([4, 6, 5, 3, 5, 4, 6, 5, 14, 17, 15, 16, 13, 18, 15, 16],
    ...               index=pd.date_range("2023-01", periods=16, freq="MS"))
    >>> res = detect_changepoints(y)
    >>> res.indices.tolist(), res.cost_name, res.penalty.name
    ([8], 'negbin', 'mbic')
    >>> res.labels[0].strftime("%Y-%m")
    '2023-09'
    >>> res.changepoints[["ratio", "ratio_lo", "ratio_hi"]].round(2)
       ratio  ratio_lo  ratio_hi
    0   3.26      2.27      4.69
    """
    if not 0 < float(level) < 1:
        raise InputError(f"level must be between 0 and 1, got {level!r}")
    if str(method).lower() not in METHODS:
        raise InputError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    method = str(method).lower()
    signal, c, size = _prepare(y, cost, exposure, min_size)
    n = signal.n_observed
    path = None
    if isinstance(penalty, str) and penalty.strip().lower() == "crops":
        lo, hi = pen_range if pen_range is not None else _default_pen_range(c, n)
        path = crops_path(c, lo, hi, method=method, min_size=size)
        mbic = make_penalty("mbic", n_params=c.n_params, n=n)
        row = path.iloc[_elbow(path, mbic.value)]
        pen = Penalty("crops", float(np.sqrt(row["pen_lo"] * row["pen_hi"]))
                      if row["pen_lo"] > 0 else float(row["pen_hi"]), False)
        indices = np.asarray(row["indices"], dtype=np.intp)
        objective = float(row["cost"]) + pen.value * len(indices)
    else:
        pen = make_penalty(penalty, n_params=c.n_params, n=n)
        seg = run_search(method, c, pen.value, min_size=size, shape=pen.shape)
        indices = np.asarray(seg.indices, dtype=np.intp)
        objective = seg.cost + pen.value * len(indices)
    return _build_result(signal, c, pen, method, size, float(level), indices, objective, path)


def _build_result(signal: Signal, c: Cost, pen: Penalty, method: str, size: int, level: float,
                  indices: np.ndarray, objective: float, path: pd.DataFrame | None
                  ) -> ChangepointResult:
    seg, cps = result_columns(signal, c, pen, size, level, indices)
    return ChangepointResult(indices=indices, segments=pd.DataFrame(seg),
                             changepoints=pd.DataFrame(cps, columns=list(cps)), cost=c,
                             penalty=pen, method=method, min_size=size, level=level,
                             signal=signal, objective=objective, crops=path)


def result_columns(signal: Signal, c: Cost, pen: Penalty, size: int, level: float,
                   indices: np.ndarray) -> tuple[dict[str, Any], dict[str, Any]]:
    """The columns of a result's ``segments`` and ``changepoints`` tables, as arrays.

    :func:`detect_changepoints` makes its DataFrames from them; the panel runner
    (:mod:`resurgence.runner`) stacks them for thousands of series at once.
    """
    n = len(signal.values)
    bounds = np.r_[0, indices, n].astype(np.intp)
    grid = c.boundaries_
    comp = np.searchsorted(grid, bounds)  # compressed index of each bound
    st = segment_stats(c, bounds)
    cols = segment_columns(c, st, level)
    obs = np.flatnonzero(~np.isnan(signal.values))
    first = signal.index[obs[np.searchsorted(obs, bounds[:-1])]]
    last = signal.index[obs[np.searchsorted(obs, bounds[1:]) - 1]]
    seg = {"start": bounds[:-1], "end": bounds[1:], "first": list(first), "last": list(last),
           **cols}
    k = len(bounds) - 2
    loc = np.empty((k, 3))
    for j in range(1, k + 1):
        loc[j - 1] = location_interval(c, grid, int(comp[j - 1]), int(comp[j]),
                                       int(comp[j + 1]), size, pen.shape, level)
    lo, hi = grid[loc[:, 0].astype(np.intp)], grid[loc[:, 1].astype(np.intp)]
    cps = {"index": bounds[1:-1].astype(int), "label": list(signal.index[bounds[1:-1]]),
           "loc_lo": lo.astype(int), "loc_hi": hi.astype(int),
           "label_lo": list(signal.index[lo]), "label_hi": list(signal.index[hi]),
           "loc_prob": loc[:, 2], **change_columns(c, st, level)}
    return seg, cps


def crops(y: Any, pen_min: float, pen_max: float, *, cost: Any = "auto", method: str = "pelt",
          min_size: int = 2, exposure: Any = None) -> pd.DataFrame:
    """Every optimal segmentation for penalties in ``[pen_min, pen_max]`` (CROPS).

    Use it to see how the answer depends on the penalty: plot ``cost`` against
    ``n_changepoints`` and look for the elbow, or read which numbers of
    changepoints are stable over a wide penalty range (``pen_hi / pen_lo``).

    Returns
    -------
    pandas.DataFrame
        ``n_changepoints``, ``cost``, ``pen_lo``, ``pen_hi``, ``indices``.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> y = np.r_[rng.poisson(3, 40), rng.poisson(12, 40)]
    >>> path = crops(y, 1, 1000)
    >>> int(path["n_changepoints"].iloc[0]), path["indices"].iloc[0]
    (0, ())
    >>> (40,) in set(path["indices"])
    True
    """
    signal, c, size = _prepare(y, cost, exposure, min_size)
    if str(method).lower() not in METHODS:
        raise InputError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    return crops_path(c, pen_min, pen_max, method=str(method).lower(), min_size=size)
