"""Rolling-origin backtests (time-series cross-validation) and their scores.

For every series and forecast origin ``o`` (a month), each model is fitted on the
data that ended before ``o`` and forecasts months ``o .. o + horizon - 1``; the
held-out one-month counts are compared with the forecasts. Months without a
one-month count (NaN, or covered only by a coarser interval) are kept in the
table with ``y`` NaN and are not scored.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..covariates import as_model_frame, frame_to_monthly
from ..errors import InputError, ModelWarning, ResurgenceError, SeriesError
from .base import Forecaster, check_horizon
from .distributions import check_levels
from .scoring import pinball_loss

__all__ = ["backtest", "score_backtest", "as_series_collection", "default_initial"]

#: Default months of history before the first origin, for a series long enough.
DEFAULT_INITIAL = 36
#: The least history the adaptive default goes down to (two seasonal cycles).
MIN_DEFAULT_INITIAL = 24
#: Origins the adaptive default leaves room for when ``n_windows`` is not given.
DEFAULT_ORIGINS = 12


def default_initial(n_months: int, horizon: int, step: int = 1,
                    n_windows: int | None = None) -> int:
    """The default ``initial`` of :func:`backtest` for a series of ``n_months`` months.

    36 months of history, reduced for a shorter series so that it still gets 12
    origins (or ``n_windows``, if given) ``step`` months apart, but never below 24
    months (two seasonal cycles, what the seasonal models and the default model's
    inner backtest need).

    Examples
    --------
    >>> default_initial(120, horizon=12)
    36
    >>> default_initial(47, horizon=12)   # UCDP 2016-01 .. 2019-11: 12 origins
    24
    >>> default_initial(47, horizon=6)
    30
    """
    w = DEFAULT_ORIGINS if n_windows is None else int(n_windows)
    room = int(n_months) - int(horizon) - int(step) * (w - 1)
    return int(min(DEFAULT_INITIAL, max(MIN_DEFAULT_INITIAL, room)))


def as_series_collection(data: Any, *, skip_empty: bool = False) -> dict[str, pd.DataFrame]:
    """Normalise the accepted inputs to ``{series_id: model frame}``.

    Accepts a monthly ``Series``; a model frame (``start, end, value``); a long
    panel with ``series_id, month, value`` (statsforecast's shape); or a mapping
    of ids to series or frames.

    Parameters
    ----------
    data : Series, DataFrame or mapping
        The series.
    skip_empty : bool
        Leave out (with a ``ModelWarning``) the series of a panel or mapping that
        have no observed value, instead of raising; an error still if none is left.

    Raises
    ------
    SeriesError
        If a series has no observed value (unless skipped) or is not a valid
        series or model frame.

    Examples
    --------
    >>> panel = pd.DataFrame({"series_id": ["a", "a", "b"],
    ...                       "month": ["2024-01", "2024-02", "2024-01"], "value": [1, 2, 3]})
    >>> sorted(as_series_collection(panel))
    ['a', 'b']
    """
    if isinstance(data, pd.Series):
        return {str(data.name) if data.name is not None else "series": as_model_frame(data)}
    items: dict[str, Any] | None = None
    if isinstance(data, Mapping):
        items = {str(k): v for k, v in data.items()}
    elif isinstance(data, pd.DataFrame):
        if {"series_id", "month", "value"} <= set(data.columns):
            items = {}
            for sid, g in data.groupby("series_id", sort=True):
                items[str(sid)] = pd.Series(pd.to_numeric(g["value"], errors="coerce").to_numpy(),
                                            index=g["month"].to_numpy())
        elif {"start", "end", "value"} <= set(data.columns):
            return {str(data.attrs.get("series_id", "series")): as_model_frame(data)}
    if items is None:
        raise InputError(
            "backtest data must be a monthly Series, a model frame (start, end, value), a long "
            "panel (series_id, month, value) or a mapping of ids to series/frames"
        )
    out, empty = {}, []
    for sid, v in items.items():
        if skip_empty and _no_observation(v):
            empty.append(sid)
            continue
        try:
            out[sid] = as_model_frame(v)
        except SeriesError as exc:
            raise SeriesError(f"{sid}: {exc}") from None
    if empty:
        if not out:
            raise SeriesError(f"no observed values in any series ({', '.join(empty)})")
        warnings.warn(f"backtest: no observed values, skipped: {', '.join(empty)}",
                      ModelWarning, stacklevel=3)
    return out


def _no_observation(v: Any) -> bool:
    if isinstance(v, pd.Series):
        return bool(pd.to_numeric(v, errors="coerce").isna().all())
    if isinstance(v, pd.DataFrame) and "value" in v.columns:
        return len(v) == 0
    return False


def _named_models(models: Any) -> dict[str, Forecaster]:
    if isinstance(models, Forecaster):
        models = [models]
    items = list(models.items()) if isinstance(models, Mapping) else [(m.name, m) for m in models]
    names = [n for n, _ in items]
    if len(set(names)) != len(names):
        raise InputError(f"model names must be unique, got {names}: pass a dict name -> model")
    for n, m in items:
        if not isinstance(m, Forecaster):
            raise InputError(f"model {n!r} is not a Forecaster")
    return dict(items)


def _origins(first: pd.Timestamp, last: pd.Timestamp, horizon: int, step: int,
             n_windows: int | None, initial: int) -> list[pd.Timestamp]:
    latest = last - pd.offsets.MonthBegin(horizon - 1)
    earliest = first + pd.offsets.MonthBegin(initial)
    out = []
    o = latest
    while o >= earliest and (n_windows is None or len(out) < n_windows):
        out.append(o)
        o = o - pd.offsets.MonthBegin(step)
    return sorted(out)


def backtest(
    data: Any,
    models: Any,
    *,
    horizon: int = 12,
    step: int = 1,
    n_windows: int | None = None,
    initial: int | None = None,
    level: Sequence[float] = (50, 80, 95),
) -> pd.DataFrame:
    """Rolling-origin backtest of forecasting models over one or many series.

    Parameters
    ----------
    data : Series, DataFrame or mapping
        See :func:`as_series_collection`.
    models : Forecaster, sequence of Forecaster or mapping of name to Forecaster
        Models are cloned (unfitted copies) for every fit.
    horizon : int
        Forecast months from each origin (1..horizon), at most
        :data:`~resurgence.forecast.base.MAX_HORIZON` (120).
    step : int
        Months between consecutive origins.
    n_windows : int, optional
        Keep only the last ``n_windows`` origins (default: every origin).
    initial : int, optional
        Months of history (from the series' first month) before the first origin.
        Default: :func:`default_initial` for each series, 36 months or less for a
        short series (so that it still gets 12 origins), never below 24.
    level : sequence of float
        Interval levels (percent) recorded as ``lo-L``/``hi-L`` columns.

    Returns
    -------
    pandas.DataFrame
        One row per series x model x origin x horizon: ``series_id, model, origin,
        horizon, month, y, mean, lo-L, hi-L..., crps``. ``crps`` is exact for the
        model's count distribution. Fits that failed give NaN forecasts (and a
        ``ModelWarning``); fits that fell back are summarised in one warning.

    Examples
    --------
    >>> from resurgence.forecast import NaiveForecaster
    >>> y = pd.Series(np.arange(1.0, 41.0), index=pd.date_range("2020-01-01", periods=40, freq="MS"))
    >>> bt = backtest(y, [NaiveForecaster()], horizon=2, initial=38)
    >>> bt[["origin", "horizon", "y", "mean"]].astype(str).values.tolist()
    [['2023-03-01', '1', '39.0', '38.0'], ['2023-03-01', '2', '40.0', '38.0']]
    """
    horizon = check_horizon(horizon)
    step = int(step)
    if initial is not None:
        initial = int(initial)
    if step < 1 or (initial is not None and initial < 1):
        raise InputError("horizon, step and initial must be positive whole numbers of months")
    if n_windows is not None and int(n_windows) < 1:
        raise InputError(f"n_windows must be positive, got {n_windows}")
    levels = check_levels(level)
    series = as_series_collection(data, skip_empty=True)
    named = _named_models(models)
    rows: list[pd.DataFrame] = []
    notes: dict[tuple[str, str], list[str]] = {}
    for sid, frame in series.items():
        target = frame_to_monthly(frame)
        init = default_initial(len(target), horizon, step, n_windows) if initial is None else initial
        origins = _origins(target.index[0], target.index[-1], horizon, step, n_windows, init)
        if not origins and len(series) > 1:
            warnings.warn(f"backtest: {sid} is too short for any origin ({len(target)} months "
                          f"< initial {init} + horizon {horizon}); skipped",
                          ModelWarning, stacklevel=2)
        for origin in origins:
            train = frame[frame["end"] <= origin].copy()
            if train.empty:
                continue
            train.attrs = {"cutoff": origin}
            months = pd.date_range(origin, periods=horizon, freq="MS")
            y = target.reindex(months).to_numpy()
            for name, model in named.items():
                block = pd.DataFrame({"series_id": sid, "model": name, "origin": origin,
                                      "horizon": np.arange(1, horizon + 1), "month": months,
                                      "y": y, "mean": np.nan})
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ModelWarning)
                    try:
                        dist = model.clone().fit(train).predict_distribution(horizon)
                    except ResurgenceError as exc:
                        dist = None
                        notes.setdefault((sid, name), []).append(f"failed: {exc}")
                for w in caught:
                    if issubclass(w.category, ModelWarning):
                        notes.setdefault((sid, name), []).append(str(w.message))
                    else:
                        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
                for lv in levels:
                    block[f"lo-{lv:g}"] = np.nan
                    block[f"hi-{lv:g}"] = np.nan
                block["crps"] = np.nan
                if dist is not None:
                    block["mean"] = dist.forecast()
                    for lv in levels:
                        lo, hi = dist.interval(lv)
                        block[f"lo-{lv:g}"], block[f"hi-{lv:g}"] = lo, hi
                    block["crps"] = dist.crps(y)
                rows.append(block)
    if not rows:
        raise SeriesError(
            f"no forecast origin: every series is shorter than initial "
            f"({initial if initial is not None else MIN_DEFAULT_INITIAL}) + horizon ({horizon}) months"
        )
    for (sid, name), msgs in notes.items():
        warnings.warn(
            f"backtest: {name} on {sid}: {len(msgs)} fit(s) warned or failed, e.g. {msgs[0]}",
            ModelWarning, stacklevel=2,
        )
    out = pd.concat(rows, ignore_index=True)
    return out


def _quantile_columns(results: pd.DataFrame) -> dict[str, float]:
    cols = {}
    for c in results.columns:
        if c.startswith(("lo-", "hi-")):
            lv = float(c[3:]) / 100
            cols[c] = (1 - lv) / 2 if c.startswith("lo-") else 1 - (1 - lv) / 2
    return cols


def score_backtest(results: pd.DataFrame, *, by: Sequence[str] = ("model",)) -> pd.DataFrame:
    """Score a :func:`backtest` table: MAE, RMSE, CRPS, pinball loss, interval coverage.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`backtest`.
    by : sequence of str
        Grouping columns, e.g. ``("model",)`` for overall scores per model,
        ``("series_id", "model")`` per series, ``("model", "horizon")`` by lead time.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``n`` (scored months), ``n_failed`` (months whose fit
        failed), ``mae``, ``rmse``, ``crps``, ``pinball`` (mean over the interval
        quantiles ``lo-L``/``hi-L``), and ``coverage_L`` (share of months inside
        the ``L``% interval, bounds included).

    Examples
    --------
    >>> res = pd.DataFrame({"model": ["m", "m"], "y": [3.0, 5.0], "mean": [4.0, 4.0],
    ...                     "lo-80": [2, 2], "hi-80": [6, 4], "crps": [0.5, 1.0]})
    >>> score_backtest(res)[["model", "mae", "coverage_80"]].values.tolist()
    [['m', 1.0, 0.5]]
    """
    by = list(by)
    missing = set(by) - set(results.columns)
    if missing:
        raise InputError(f"cannot group by missing column(s): {', '.join(sorted(missing))}")
    qcols = _quantile_columns(results)
    levels = sorted({c[3:] for c in qcols}, key=float)
    observed = results[results["y"].notna()]
    failed = observed["mean"].isna()
    scored = observed[~failed]
    err = scored["y"] - scored["mean"]
    parts = pd.DataFrame({c: scored[c] for c in by})
    parts["n"] = 1
    parts["ae"] = err.abs()
    parts["se"] = err**2
    parts["crps"] = scored["crps"]
    if qcols:
        parts["pinball"] = np.mean(
            [pinball_loss(scored[c], scored["y"], q) for c, q in qcols.items()], axis=0)
    for lv in levels:
        parts[f"coverage_{lv}"] = ((scored[f"lo-{lv}"] <= scored["y"])
                                   & (scored["y"] <= scored[f"hi-{lv}"])).astype(float)
    agg = {"n": "sum", "ae": "mean", "se": "mean", "crps": "mean"}
    agg.update({c: "mean" for c in parts.columns if c == "pinball" or c.startswith("coverage_")})
    table = parts.groupby(by, sort=True).agg(agg)
    # Groups whose every fit failed still get a row (n = 0, scores NaN).
    groups = observed.groupby(by, sort=True).size().index
    table = table.reindex(groups)
    table["n"] = table["n"].fillna(0).astype(int)
    table = table.rename(columns={"ae": "mae", "se": "rmse"})
    table["rmse"] = np.sqrt(table["rmse"])
    n_failed = observed[failed].groupby(by).size()
    table.insert(1, "n_failed", n_failed.reindex(table.index).fillna(0).astype(int))
    return table.reset_index()
