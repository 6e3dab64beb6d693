"""The monthly monitor: every month of one series, or every series of a panel for one month.

:func:`monitor` judges each month of one series prospectively -- from the data up
to and including that month only -- so its row for a month never changes when
later months arrive (tested: truncating the series after that month gives the
same row). :func:`evaluate_month` does the same for every series of a panel that
has a calendar-month figure for the month, which is what ``resurgence alert``
runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ResurgenceError, SeriesError
from ..months import as_monthly_series, month_range, to_month
from ..panel import _is_calendar_month, model_frame
from .base import Detector, History, month_clock
from .cusum import NBCusum
from .farrington import Farrington
from .levelshift import LevelShift
from .verdict import Verdict, combine

__all__ = ["default_detectors", "judge", "judge_many", "monitor", "evaluate_month", "month_frames",
           "verdict_row", "VERDICT_COLUMNS"]

VERDICT_COLUMNS = ["observed", "expected", "threshold", "score", "p_value", "flag", "severity",
                   "detectors", "reasons", "status"]


def default_detectors(*, farrington: Farrington | None = None) -> list[Detector]:
    """The three built-in detectors sharing one Farrington baseline configuration.

    Nominal false-alarm probabilities per month: Farrington 0.005, CUSUM 0.0025,
    level shift 0.0025; at most 0.01 for the verdict (see ``docs/alerts.md``).

    Examples
    --------
    >>> [d.name for d in default_detectors()]
    ['farrington', 'cusum', 'levelshift']
    """
    far = farrington if farrington is not None else Farrington()
    return [far, NBCusum(baseline=far), LevelShift(baseline=far)]


def _baseline_model(detectors: Sequence[Detector]) -> Farrington:
    for d in detectors:
        if isinstance(d, Farrington):
            return d
    for d in detectors:
        if isinstance(getattr(d, "baseline", None), Farrington):
            return d.baseline  # type: ignore[attr-defined]
    return Farrington()


def judge(history: History, detectors: Sequence[Detector] | None = None) -> Verdict:
    """The verdict on ``history.month``: one shared baseline, every detector, combined.

    Examples
    --------
    >>> y = pd.Series([5.0, 7, 4, 6, 5, 6, 4, 5, 7, 6, 5, 4, 6, 5, 5, 6, 31],
    ...               index=pd.date_range("2022-09", periods=17, freq="MS"))
    >>> v = judge(History.from_series(y, "2024-01"))
    >>> v.flag, v.detectors
    (True, ('farrington', 'cusum'))
    """
    dets = list(detectors) if detectors is not None else default_detectors()
    base = None
    if not np.isnan(history.observed):
        base = _baseline_model(dets).baseline(history)
    return combine([d.evaluate(history, baseline=base) for d in dets])


def judge_many(histories: Sequence[History], detectors: Sequence[Detector] | None = None, *,
               errors: str = "raise") -> list[Verdict | ResurgenceError]:
    """:func:`judge` for many histories, their baselines fitted together where possible.

    Histories of the same month on the same monthly grid (a dense panel) share
    one vectorised baseline fit (:func:`resurgence.alerts.batch.fit_baselines`);
    the verdicts are those of :func:`judge` on each history alone.

    Parameters
    ----------
    errors : {"raise", "return"}
        What a series whose data the detectors reject (e.g. negative counts) gets:
        the error is raised, or returned in its place in the list.

    Examples
    --------
    >>> y = pd.Series([5.0, 7, 4, 6, 5, 6, 4, 5, 7, 6, 5, 4, 6, 5, 5, 6, 31],
    ...               index=pd.date_range("2022-09", periods=17, freq="MS"))
    >>> [v.flag for v in judge_many([History.from_series(y, "2024-01"),
    ...                              History.from_series(y, "2023-12")])]
    [True, False]
    """
    from .batch import fit_baselines

    if errors not in ("raise", "return"):
        raise InputError(f"errors must be 'raise' or 'return', got {errors!r}")
    dets = list(detectors) if detectors is not None else default_detectors()
    far = _baseline_model(dets)
    bases = fit_baselines(histories, far)
    ok = [i for i, b in enumerate(bases) if not isinstance(b, ResurgenceError)]
    evals = [d.evaluate_many([histories[i] for i in ok], [bases[i] for i in ok]) for d in dets]
    out: list[Verdict | ResurgenceError] = list(bases)  # errors stay in place
    for k, i in enumerate(ok):
        per = [e[k] for e in evals]
        bad = next((e for e in per if isinstance(e, ResurgenceError)), None)
        out[i] = bad if bad is not None else combine(per)
    if errors == "raise":
        for v in out:
            if isinstance(v, ResurgenceError):
                raise v
    return out


def _as_input(y: Any) -> tuple[pd.Series | None, pd.DataFrame | None, str | None]:
    if isinstance(y, pd.DataFrame):
        missing = {"start", "end", "months", "value"} - set(y.columns)
        if missing:
            raise InputError("monitor() takes a monthly Series or a model frame with columns "
                             f"start, end, months, value; missing {', '.join(sorted(missing))}")
        frame = y.copy()
        frame["start"] = pd.to_datetime(frame["start"])
        frame["end"] = pd.to_datetime(frame["end"])
        return None, frame.sort_values(["start", "end"], kind="stable"), None
    series = as_monthly_series(y)
    return series, None, None if series.name is None else str(series.name)


def _series_histories(series: pd.Series, months: pd.DatetimeIndex):
    """The History of each month in ``months`` (a fast path for monthly series)."""
    values = series.to_numpy(dtype=float)
    if np.any(values[~np.isnan(values)] < 0):
        raise SeriesError(f"negative counts in {series.name or 'the series'}: escalation "
                          "detectors need counts >= 0")
    clock = month_clock(series.index)
    pos = {m: i for i, m in enumerate(series.index)}
    name = None if series.name is None else str(series.name)
    for m in months:
        i = pos[m]
        past = ~np.isnan(values[:i])
        start = clock[:i][past]
        yield History(month=m, observed=float(values[i]), start=start, end=start + 1.0,
                      exposure=np.ones(len(start)), value=values[:i][past], name=name)


def monitor(y: Any, *, start: Any = None, end: Any = None,
            detectors: Sequence[Detector] | None = None) -> pd.DataFrame:
    """Judge every month of one series prospectively.

    Parameters
    ----------
    y : pandas.Series or pandas.DataFrame
        A monthly series indexed by month (NaN = missing; a missing month gets no
        verdict), or a model frame (``start, end, months, value``: interval counts,
        e.g. ``panel.frame(series_id)``), whose calendar-month rows are judged.
    start, end : month-like, optional
        First and last month to judge (default: the whole series).
    detectors : list of Detector, optional
        Default :func:`default_detectors`.

    Returns
    -------
    pandas.DataFrame
        Indexed by month, columns ``observed, expected, threshold, score,
        p_value, flag, severity, detectors`` (fired detectors joined by ``+``),
        ``reasons`` and ``status`` (``ok`` or ``insufficient``: too little history
        or no count that month). Each row uses only data up to that month.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> y = pd.Series(rng.poisson(6, 72).astype(float),
    ...               index=pd.date_range("2018-01", periods=72, freq="MS"))
    >>> y["2023-11-01"] = 25
    >>> out = monitor(y, start="2023-07")
    >>> out.loc[out["flag"], ["observed", "expected", "severity", "detectors"]]
                observed  expected  severity detectors
    month
    2023-11-01      25.0  5.5...  critical  farrington+cusum
    """
    series, frame, name = _as_input(y)
    dets = list(detectors) if detectors is not None else default_detectors()
    if series is not None:
        if series.empty:
            raise InputError("empty series: nothing to monitor")
        first, last = series.index[0], series.index[-1]
    else:
        if frame.empty:
            raise InputError("empty model frame: nothing to monitor")
        first = to_month(frame["start"].min())
        last = to_month(frame["end"].max() - pd.Timedelta(days=1))
    lo = first if start is None else max(to_month(start), first)
    hi = last if end is None else min(to_month(end), last)
    rows = []
    months = month_range(lo, hi) if lo <= hi else pd.DatetimeIndex([])
    if series is not None:
        histories = _series_histories(series, months)
    else:
        histories = (History.from_frame(frame, m, name=name) for m in months)
    for h in histories:
        rows.append(judge(h, dets).record())
    out = pd.DataFrame(rows, columns=["month", *VERDICT_COLUMNS])
    out = out.set_index("month")
    out.index.name = "month"
    if name:
        out.attrs["series_id"] = name
    return out


def evaluate_month(panel: Any, month: Any, *, detectors: Sequence[Detector] | None = None,
                   series: Sequence[str] | None = None, checks: bool = False) -> pd.DataFrame:
    """Judge every series of a panel that has a calendar-month figure for ``month``.

    Only intervals that ended by the end of ``month`` are used, and each series'
    model frame is rebuilt from them, so the verdict is what could have been
    computed at the time (a later running total cannot change it).

    Parameters
    ----------
    panel : Panel or pandas.DataFrame
        A :class:`resurgence.Panel` or its interval table.
    month : month-like
        The month judged.
    series : list of str, optional
        Restrict to these series ids.
    checks : bool
        Add a ``checks`` column: every detector's evaluation as a list of dicts.

    Returns
    -------
    pandas.DataFrame
        One row per series judged: ``series_id, month`` and the verdict columns,
        sorted by series id. A series whose history is too short has
        ``status == "insufficient"`` and the reason, never an error.

    Examples
    --------
    >>> from resurgence import load_panel
    >>> out = evaluate_month(load_panel(), "2024-08")
    >>> row = out.set_index("series_id").loc["sohr/regime_desert/all/attacks"]
    >>> float(row["observed"]), bool(row["flag"])
    (9.0, False)
    """
    m = to_month(month)
    dets = list(detectors) if detectors is not None else default_detectors()
    frames = month_frames(panel, m, series=series)
    verdicts = judge_many([History.from_frame(f, m, name=sid) for sid, f in frames], dets)
    rows = [verdict_row(sid, v, checks) for (sid, _), v in zip(frames, verdicts)]
    extra = ["checks"] if checks else []
    out = pd.DataFrame(rows, columns=["series_id", "month", *VERDICT_COLUMNS, *extra])
    return out.reset_index(drop=True)


def verdict_row(series_id: str, verdict: Verdict, checks: bool = False) -> dict[str, Any]:
    """One row of :func:`evaluate_month`'s table."""
    return {"series_id": series_id, **verdict.record(),
            **({"checks": verdict.checks()} if checks else {})}


def month_frames(panel: Any, month: Any, *, series: Sequence[str] | None = None
                 ) -> list[tuple[str, pd.DataFrame]]:
    """The series with a calendar-month figure for ``month`` and their model frames then.

    Each frame is rebuilt from the intervals that had ended by the end of
    ``month`` (what was known at the time), sorted by series id.

    Examples
    --------
    >>> from resurgence import load_panel
    >>> frames = month_frames(load_panel(), "2024-01")
    >>> "sohr/regime_desert/all/attacks" in dict(frames)
    True
    """
    intervals = panel.intervals if hasattr(panel, "intervals") else panel
    if series is not None:  # a few series of a large panel: select them first
        intervals = intervals[intervals["series_id"].isin(set(series))]
    m = to_month(month)
    nxt = m + pd.offsets.MonthBegin(1)
    known = intervals[(intervals["end"] <= nxt) & (intervals["status"] == "ok")]
    this = known[(known["start"] == m) & (known["derivation"] == "period")
                 & _is_calendar_month(known["start"], known["end"])]
    ids = sorted(set(this["series_id"]))
    if series is not None:
        wanted = set(series)
        ids = [s for s in ids if s in wanted]
    groups = {sid: g for sid, g in known[known["series_id"].isin(ids)].groupby("series_id")}
    return [(sid, model_frame(groups[sid], sid)) for sid in ids]
