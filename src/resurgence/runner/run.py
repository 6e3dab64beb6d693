"""``run_panel``: the monthly pass over every series of a panel, on any executor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..alerts.base import Detector
from ..errors import InputError
from ..months import to_month
from .blocks import BLOCK_SIZE, latest_month, make_blocks
from .executors import map_blocks
from .work import COLUMNS, TASKS, RunConfig, run_block

__all__ = ["run_panel", "PanelResult"]


@dataclass
class PanelResult:
    """The tidy tables of a panel run, each sorted by series id.

    Attributes
    ----------
    month : pandas.Timestamp
        The month judged (no data after it was used).
    series : pandas.DataFrame
        One row per series segmented: ``series_id, n_months, n_obs, cost, nb_size,
        penalty, penalty_value, n_changepoints``.
    segments : pandas.DataFrame
        One row per segment: ``series_id, segment`` (1, 2, ...), ``first, last``
        (months), ``n_obs, exposure, level, level_lo, level_hi``.
    changepoints : pandas.DataFrame
        One row per changepoint: ``series_id, month`` (first month of the new
        segment), ``month_lo, month_hi`` (its location interval), ``loc_prob``,
        the rate ratio ``ratio, ratio_lo, ratio_hi`` and the difference
        ``change, change_lo, change_hi``.
    alerts : pandas.DataFrame
        One row per series with a figure for ``month``: the columns of
        :func:`resurgence.evaluate_month`.
    forecasts : pandas.DataFrame
        One row per series and forecast month: ``series_id, month, mean, lo-L, hi-L``.
    failures : pandas.DataFrame
        ``series_id, task, error``: each series a task could not analyse, and why.
    """

    month: pd.Timestamp
    series: pd.DataFrame
    segments: pd.DataFrame
    changepoints: pd.DataFrame
    alerts: pd.DataFrame
    forecasts: pd.DataFrame
    failures: pd.DataFrame

    def __repr__(self) -> str:
        flagged = int(self.alerts["flag"].astype(bool).sum()) if len(self.alerts) else 0
        return (f"PanelResult(month={self.month.strftime('%Y-%m')}, series={len(self.series)}, "
                f"changepoints={len(self.changepoints)}, judged={len(self.alerts)}, "
                f"flagged={flagged}, failures={len(self.failures)})")


def run_panel(data: Any, *, month: Any = None,
              tasks: Sequence[str] = ("changepoints", "alerts"),
              executor: Any = None, block_size: int = BLOCK_SIZE,
              series: Sequence[str] | None = None,
              cost: Any = "auto", penalty: Any = "mbic", method: str = "pelt",
              min_size: int = 2, level: float = 0.95,
              detectors: Sequence[Detector] | None = None, checks: bool = False,
              forecaster: Any = None, horizon: int = 6, forecast_levels: Sequence[int] = (80, 95),
              progress: Callable[[int, int], None] | None = None) -> PanelResult:
    """Changepoints, alert verdicts and forecasts for every series of a panel.

    The monthly pass of :command:`resurgence alert` and :command:`resurgence
    changepoints` over thousands of series: each block of series is one task for
    ``executor``, changepoints are searched for a whole block at once (exactly: the
    same segmentation as :func:`resurgence.detect_changepoints` on each series) and
    alert verdicts are those of :func:`resurgence.evaluate_month`. The result does
    not depend on the executor.

    Parameters
    ----------
    data : Panel or pandas.DataFrame
        A :class:`resurgence.Panel` (interval counts; each series' model frame as
        known at ``month``), a long table ``series_id, month, value`` or a wide
        table indexed by month with one column per series. NaN or an absent row is
        a missing month.
    month : month-like, optional
        The month judged; data after it is not used. Default: the latest month
        with a figure.
    tasks : sequence of str
        Any of ``"changepoints"``, ``"alerts"``, ``"forecasts"``.
    executor : None, int, "processes", concurrent.futures.Executor or dask Client
        Where blocks run (see :mod:`resurgence.runner.executors`). Default: here.
    block_size : int
        Series per block (default 256; results do not depend on it).
    series : sequence of str, optional
        Restrict to these series ids.
    cost, penalty, method, min_size, level
        As for :func:`resurgence.detect_changepoints`.
    detectors, checks
        As for :func:`resurgence.evaluate_month`.
    forecaster, horizon, forecast_levels
        The model (a :class:`resurgence.Forecaster`, cloned per series; default
        :class:`resurgence.AutoForecaster`), months ahead and interval levels.
    progress : callable, optional
        ``progress(done, total)`` in series, after each block (for a progress bar).

    Returns
    -------
    PanelResult

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> months = pd.period_range("2015-01", "2024-12", freq="M").to_timestamp()
    >>> long = pd.DataFrame({"series_id": np.repeat(["a", "b"], len(months)),
    ...                      "month": np.tile(months, 2),
    ...                      "value": np.r_[rng.poisson(5, 114), rng.poisson(15, 6),
    ...                                     rng.poisson(8, 120)].astype(float)})
    >>> res = run_panel(long)
    >>> res.changepoints[["series_id", "month"]].astype(str).values.tolist()
    [['a', '2024-07-01']]
    >>> res.alerts[["series_id", "flag"]].values.tolist()
    [['a', True], ['b', False]]
    """
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown or not tasks:
        raise InputError(f"unknown task(s) {', '.join(unknown) or '(none given)'}: choose from "
                         f"{', '.join(TASKS)}")
    if not 0 < float(level) < 1:
        raise InputError(f"level must be between 0 and 1, got {level!r}")
    m = latest_month(data) if month is None else to_month(month)
    blocks = make_blocks(data, m, block_size=block_size,
                         series=None if series is None else list(series))
    config = RunConfig(tasks=tuple(t for t in TASKS if t in tasks), cost=cost, penalty=penalty,
                       method=str(method).lower(), min_size=int(min_size), level=float(level),
                       detectors=None if detectors is None else tuple(detectors),
                       checks=bool(checks), forecaster=forecaster, horizon=int(horizon),
                       forecast_levels=tuple(int(x) for x in forecast_levels))
    total = sum(len(b) for b in blocks)
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], total)

    results = map_blocks(run_block, blocks, config, executor=executor, progress=step)
    return PanelResult(month=m, **{name: _table(name, [r.tables.get(name, []) for r in results])
                                   for name in COLUMNS})


def _table(name: str, parts: list[list]) -> pd.DataFrame:
    frames, rows = [], []
    for part in parts:
        for item in part:
            (frames if isinstance(item, pd.DataFrame) else rows).append(item)
    if rows:
        frames.append(pd.DataFrame(rows))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS[name])
    out = pd.concat(frames, ignore_index=True)
    keys = ["series_id"] + [k for k in ("segment", "month", "task") if k in out.columns]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)
