"""Matching two publishers' counts over the same intervals (for the comparison pages).

Two publishers rarely state figures for the same interval: one gives calendar
months, the other running totals between odd dates. A figure of one publisher over
``[start, end)`` is matched with the other's calendar-month figures when the other
stated every month the interval touches; the other's count over the interval is
then the sum of those months, each weighted by the share of its days the interval
covers (pro rata). Calendar months both publishers stated are exact matches.
Both are compared as monthly rates; intervals shorter than half a month are
not compared (a rate over a few days is mostly noise). Pairs agree when their ratio is within
``AGREE`` (a factor of 1.5 either way) or the rates differ by at most 1 a month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..months import month_fractions
from ..panel import model_frame, panel_series

__all__ = ["match_intervals", "agreement", "AGREE"]

AGREE = 1.5
#: Shortest interval compared (months): rates of a few days are mostly noise.
MIN_MONTHS = 0.5


def _calendar(frame: pd.DataFrame) -> pd.Series:
    return (frame["start"].dt.day == 1) & (frame["end"] == frame["start"]
                                           + pd.offsets.MonthBegin(1))


def _prorated(monthly: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> float:
    frac = month_fractions(start, end)
    vals = monthly.reindex(frac.index)
    if vals.isna().any():
        return np.nan
    return float((vals * frac).sum())


def match_intervals(intervals: pd.DataFrame, monthly: pd.DataFrame, a: str, b: str
                    ) -> pd.DataFrame:
    """Matched figures of series ``a`` and ``b``.

    Returns
    -------
    pandas.DataFrame
        ``start, end, months, a, b, rate_a, rate_b, kind`` (``month``: both stated
        the calendar month; ``prorated``: one side is a sum of calendar months
        weighted by the days covered), sorted by start.

    Examples
    --------
    >>> from resurgence import load_panel
    >>> p = load_panel()
    >>> m = match_intervals(p.intervals, p.monthly, "sohr/sdf_areas/all/attacks",
    ...                     "ric/nes/all/attacks")
    >>> m.loc[m["kind"] == "month", ["a", "b"]].head(2).to_dict("records")
    [{'a': 7.0, 'b': 14.0}, {'a': 21.0, 'b': 20.0}]
    """
    fa, fb = model_frame(intervals, a), model_frame(intervals, b)
    ma, mb = panel_series(monthly, a), panel_series(monthly, b)
    rows = []
    for frame, other, flip in ((fa, mb, False), (fb, ma, True)):
        cal = _calendar(frame)
        for (s, e, months, v), is_cal in zip(
                frame[["start", "end", "months", "value"]].itertuples(index=False), cal):
            if flip and is_cal:
                continue  # calendar months both stated were matched from a's side
            if months < MIN_MONTHS:
                continue
            w = _prorated(other, s, e)
            if not np.isfinite(w):
                continue
            va, vb = (w, v) if flip else (v, w)
            rows.append({"start": s, "end": e, "months": float(months), "a": float(va),
                         "b": float(vb), "kind": "month" if is_cal else "prorated"})
    out = pd.DataFrame(rows, columns=["start", "end", "months", "a", "b", "kind"])
    out["rate_a"] = out["a"] / out["months"]
    out["rate_b"] = out["b"] / out["months"]
    return out.sort_values(["start", "end"], kind="stable").reset_index(drop=True)


def agreement(matched: pd.DataFrame) -> dict[str, float]:
    """How often the two agree: counts of pairs within ``AGREE``, a higher, b higher.

    A pair agrees when its ratio is within ``AGREE`` either way or the two rates
    differ by at most 1 a month (small counts); ``median_ratio`` is of ``b / a``.

    Examples
    --------
    >>> agreement(pd.DataFrame({"rate_a": [10, 10, 2], "rate_b": [12, 30, 0.0]}))
    {'n': 3, 'agree': 1, 'a_higher': 1, 'b_higher': 1, 'median_ratio': 2.1}
    """
    ra, rb = matched["rate_a"].to_numpy(float), matched["rate_b"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = rb / ra
    both_zero = (ra == 0) & (rb == 0)
    agree = both_zero | ((ratio <= AGREE) & (ratio >= 1 / AGREE))
    near = np.abs(ra - rb) <= 1.0
    agree |= near
    finite = ratio[np.isfinite(ratio) & (ratio > 0)]
    return {"n": int(len(ra)), "agree": int(agree.sum()),
            "a_higher": int((~agree & (ra > rb)).sum()),
            "b_higher": int((~agree & (rb > ra)).sum()),
            "median_ratio": float(np.median(finite)) if len(finite) else float("nan")}
