"""The work on one block: changepoints, alert verdicts and forecasts for each of its series.

:func:`run_block` is a pure function of a :class:`~.blocks.Block` and a
:class:`RunConfig` (both plain, picklable data), so any executor -- this
process, a process pool, a Dask cluster -- computes exactly the same result for
the block. A series that cannot be analysed (too short, negative counts, a model
that does not fit) becomes a row of the ``failures`` table with the reason, never
an exception that loses the rest of the block.

Changepoints are searched for the whole block at once
(:func:`resurgence.changepoints.search.batch.segment_many`, exact) and their
tables come from the same code as :func:`resurgence.detect_changepoints`; alert
verdicts use one shared baseline per series
(:func:`resurgence.alerts.batch.fit_baselines` for dense blocks) and the same
detectors as :func:`resurgence.evaluate_month`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..alerts.base import Detector, History, month_clock
from ..alerts.monitor import VERDICT_COLUMNS, default_detectors, judge_many, verdict_row
from ..changepoints.api import prepare_signal, result_columns
from ..changepoints.penalties import make_penalty
from ..changepoints.search import run_search
from ..changepoints.search.batch import segment_many
from ..changepoints.signal import Signal, as_signal
from ..errors import ResurgenceError
from .blocks import Block

__all__ = ["RunConfig", "BlockResult", "run_block", "TASKS", "COLUMNS"]

TASKS = ("changepoints", "alerts", "forecasts")

#: Columns of every result table, in order (also the columns of an empty table).
COLUMNS = {
    "series": ["series_id", "n_months", "n_obs", "cost", "nb_size", "penalty", "penalty_value",
               "n_changepoints"],
    "segments": ["series_id", "segment", "first", "last", "n_obs", "exposure", "level",
                 "level_lo", "level_hi"],
    "changepoints": ["series_id", "month", "month_lo", "month_hi", "loc_prob", "ratio",
                     "ratio_lo", "ratio_hi", "change", "change_lo", "change_hi"],
    "alerts": ["series_id", "month", *VERDICT_COLUMNS],
    "forecasts": ["series_id", "month"],
    "failures": ["series_id", "task", "error"],
}


@dataclass(frozen=True)
class RunConfig:
    """What to compute for every series (the models' settings)."""

    tasks: tuple[str, ...] = ("changepoints", "alerts")
    cost: Any = "auto"
    penalty: Any = "mbic"
    method: str = "pelt"
    min_size: int = 2
    level: float = 0.95
    detectors: tuple[Detector, ...] | None = None
    checks: bool = False
    forecaster: Any = None
    horizon: int = 6
    forecast_levels: tuple[int, ...] = (80, 95)


@dataclass
class BlockResult:
    """The tables of one block (columns as :data:`COLUMNS`)."""

    tables: dict[str, list[dict[str, Any]] | pd.DataFrame] = field(default_factory=dict)


def run_block(block: Block, config: RunConfig) -> BlockResult:
    """Every task of ``config`` on every series of ``block``."""
    out: dict[str, Any] = {"failures": []}
    with warnings.catch_warnings():
        # model warnings (short series, fallbacks) would repeat per series and per
        # worker; failures and statuses carry what matters
        warnings.simplefilter("ignore")
        if "changepoints" in config.tasks:
            out.update(_changepoints(block, config, out["failures"]))
        if "alerts" in config.tasks:
            out["alerts"] = _alerts(block, config, out["failures"])
        if "forecasts" in config.tasks:
            out["forecasts"] = _forecasts(block, config, out["failures"])
    return BlockResult(out)


# -- changepoints ---------------------------------------------------------------------
def _signals(block: Block) -> list[tuple[str, Signal | None]]:
    if not block.dense:
        return [(sid, as_signal(frame)) for sid, frame in zip(block.ids, block.frames)]
    out = []
    for sid, row in zip(block.ids, block.values):
        obs = np.flatnonzero(~np.isnan(row))
        a, b = int(obs[0]), int(obs[-1]) + 1  # the series spans its first to last figure
        out.append((sid, Signal(row[a:b].copy(), None, block.months[a:b], sid)))
    return out


def _changepoints(block: Block, config: RunConfig, failures: list) -> dict[str, Any]:
    fitted = []
    for sid, signal in _signals(block):
        try:
            sig, cost, size = prepare_signal(signal, config.cost, config.min_size)
            pen = make_penalty(config.penalty, n_params=cost.n_params, n=sig.n_observed)
        except (ResurgenceError, ValueError) as exc:
            failures.append({"series_id": sid, "task": "changepoints", "error": str(exc)})
            continue
        fitted.append((sid, sig, cost, size, pen))
    if config.method in ("pelt", "optpart"):  # exact: the batched search gives the same
        shapes = {f[4].shape for f in fitted}
        if len(shapes) > 1:  # cannot happen with one penalty name; keep the contract anyway
            raise ValueError("the batched search needs one segment-length term for all series")
        segs = segment_many([f[2] for f in fitted], [f[4].value for f in fitted],
                            min_size=config.min_size, shape=shapes.pop() if shapes else None)
    else:
        segs = [run_search(config.method, f[2], f[4].value, min_size=f[3], shape=f[4].shape)
                for f in fitted]
    series = []
    seg_cols: dict[str, list] = {k: [] for k in COLUMNS["segments"]}
    cp_cols: dict[str, list] = {k: [] for k in COLUMNS["changepoints"]}
    for (sid, sig, cost, size, pen), seg in zip(fitted, segs):
        idx = np.asarray(seg.indices, dtype=np.intp)
        s_cols, c_cols = result_columns(sig, cost, pen, size, config.level, idx)
        series.append({"series_id": sid, "n_months": len(sig.values), "n_obs": sig.n_observed,
                       "cost": cost.model, "nb_size": float(getattr(cost, "theta_", np.nan)),
                       "penalty": pen.name, "penalty_value": pen.value,
                       "n_changepoints": len(idx)})
        k = len(s_cols["level"])
        seg_cols["series_id"].append([sid] * k)
        seg_cols["segment"].append(np.arange(1, k + 1))
        for name in COLUMNS["segments"][2:]:
            seg_cols[name].append(s_cols[name])
        cp_cols["series_id"].append([sid] * len(idx))
        for name, src in (("month", "label"), ("month_lo", "label_lo"), ("month_hi", "label_hi")):
            cp_cols[name].append(c_cols[src])
        for name in COLUMNS["changepoints"][4:]:
            cp_cols[name].append(c_cols[name])
    return {"series": series, "segments": [_stack(seg_cols)], "changepoints": [_stack(cp_cols)]}


def _stack(cols: dict[str, list]) -> pd.DataFrame:
    """One DataFrame from per-series pieces of each column (far cheaper than a frame each)."""
    return pd.DataFrame({k: np.concatenate([np.asarray(v) for v in parts]) if parts else []
                         for k, parts in cols.items()})


# -- alerts ---------------------------------------------------------------------------
def _histories(block: Block) -> list[tuple[str, History]]:
    m = block.month
    if not block.dense:
        return [(sid, History.from_frame(f, m, name=sid))
                for sid, f, j in zip(block.ids, block.frames, block.judged) if j]
    t = len(block.months) - 1
    clock = month_clock(block.months)
    out = []
    for sid, row, j in zip(block.ids, block.values, block.judged):
        if not j:
            continue
        past = np.flatnonzero(~np.isnan(row[:t]))
        start = clock[past]
        out.append((sid, History(month=m, observed=float(row[t]), start=start, end=start + 1.0,
                                 exposure=np.ones(len(past)), value=row[past], name=sid)))
    return out


def _alerts(block: Block, config: RunConfig, failures: list) -> list[dict[str, Any]]:
    dets = list(config.detectors) if config.detectors is not None else default_detectors()
    items = _histories(block)
    verdicts = judge_many([h for _, h in items], dets, errors="return")
    rows = []
    for (sid, _), v in zip(items, verdicts):
        if isinstance(v, Exception):
            failures.append({"series_id": sid, "task": "alerts", "error": str(v)})
        else:
            rows.append(verdict_row(sid, v, config.checks))
    return rows


# -- forecasts ------------------------------------------------------------------------
def _forecasts(block: Block, config: RunConfig, failures: list) -> list[pd.DataFrame]:
    from ..forecast import AutoForecaster

    model = config.forecaster if config.forecaster is not None else AutoForecaster()
    out = []
    for sid, y in _forecast_inputs(block):
        try:
            table = model.clone().fit(y).predict(config.horizon, level=config.forecast_levels)
        except (ResurgenceError, ValueError, np.linalg.LinAlgError) as exc:
            failures.append({"series_id": sid, "task": "forecasts", "error": str(exc)})
            continue
        table.insert(0, "series_id", sid)
        out.append(table)
    return out


def _forecast_inputs(block: Block):
    if not block.dense:
        yield from zip(block.ids, block.frames)
        return
    for sid, signal in _signals(block):
        yield sid, pd.Series(signal.values, index=signal.index, name=sid)
