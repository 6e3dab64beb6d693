"""Two publishers' series side by side, for the months both state.

Publishers count different things (UCDP: events of organised violence with at
least one death; SOHR: operations its network attributes to the group; RIC:
sleeper-cell attacks), so their series are never added or reconciled. Putting
them side by side month by month shows where they agree and where they do not.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataWarning, InputError
from ..panel import Panel, panel_series

__all__ = ["compare_series", "comparison_summary"]


def _monthly(panel: Panel | pd.DataFrame) -> pd.DataFrame:
    return panel.monthly if isinstance(panel, Panel) else panel


def compare_series(panel: Panel | pd.DataFrame, series_a: str, series_b: str, *,
                   months: str = "both") -> pd.DataFrame:
    """Put two series of the panel side by side.

    Parameters
    ----------
    panel : Panel or DataFrame
        A :class:`~resurgence.Panel` or its ``monthly`` table.
    series_a, series_b : str
        Series ids, e.g. ``ucdp/syria/al_hasakah/events`` and
        ``ric/nes/hasakah/sleeper_cell_attacks``.
    months : {"both", "either"}
        ``both``: only the months where both series state a figure;
        ``either``: every month where one of them does (the other is NaN).

    Returns
    -------
    pandas.DataFrame
        Columns ``month``, one column per series id, ``difference`` (a - b) and
        ``ratio`` (a / b, NaN where b is 0). ``attrs`` holds the two ids.

    Raises
    ------
    InputError
        If a series does not exist, or the two share no month.

    Examples
    --------
    UCDP's Islamic State events and RIC's sleeper-cell attacks in Hasakah (the
    areas differ, which a :class:`~resurgence.errors.DataWarning` says):

    >>> import warnings
    >>> import resurgence as rs
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     t = compare_series(rs.load_panel(), "ucdp/syria/hasakah/events",
    ...                        "ric/nes/hasakah/sleeper_cell_attacks")
    >>> t["month"].dt.strftime("%Y-%m").tolist()
    ['2019-05', '2019-06', '2019-11']
    >>> t.iloc[:, 1:].values.tolist()[0]
    [2.0, 19.0, -17.0, 0.10526315789473684]
    """
    if months not in ("both", "either"):
        raise InputError(f"months must be 'both' or 'either', not {months!r}")
    if series_a == series_b:
        raise InputError("give two different series to compare")
    monthly = _monthly(panel)
    a = panel_series(monthly, series_a)
    b = panel_series(monthly, series_b)
    meta = monthly.drop_duplicates("series_id").set_index("series_id")
    if meta.at[series_a, "area"] != meta.at[series_b, "area"]:
        warnings.warn(f"the series cover different areas ({meta.at[series_a, 'area']} and "
                      f"{meta.at[series_b, 'area']}): the comparison is indicative only",
                      DataWarning, stacklevel=2)
    table = pd.concat([a.rename(series_a), b.rename(series_b)], axis=1)
    cols = list(table.columns)
    both = table[cols[0]].notna() & table[cols[1]].notna()
    keep = both if months == "both" else table[cols[0]].notna() | table[cols[1]].notna()
    if not both.any():
        raise InputError(f"{series_a} and {series_b} share no month with a figure "
                         f"({_span(a)} and {_span(b)})")
    table = table[keep]
    table.index.name = "month"
    table = table.reset_index()
    table["difference"] = table[cols[0]] - table[cols[1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio"] = (table[cols[0]] / table[cols[1]]).where(table[cols[1]] != 0)
    table.attrs = {"series_a": series_a, "series_b": series_b}
    return table


def _span(s: pd.Series) -> str:
    stated = s.dropna()
    if stated.empty:
        return "no figures"
    return f"{stated.index[0]:%Y-%m}..{stated.index[-1]:%Y-%m}"


def comparison_summary(table: pd.DataFrame) -> dict[str, float]:
    """Agreement over the months both series state: totals, their ratio, correlations.

    Returns
    -------
    dict
        ``months``, ``total_a``, ``total_b``, ``ratio_of_totals``,
        ``mean_abs_difference``, ``pearson`` and ``spearman`` correlation (NaN
        with fewer than 3 months or a constant series), ``months_a_higher``,
        ``months_b_higher``.
    """
    a_col, b_col = table.columns[1], table.columns[2]
    both = table[table[a_col].notna() & table[b_col].notna()]
    a, b = both[a_col].to_numpy(float), both[b_col].to_numpy(float)
    out = {"months": len(both), "total_a": float(a.sum()), "total_b": float(b.sum()),
           "ratio_of_totals": float(a.sum() / b.sum()) if b.sum() else float("nan"),
           "mean_abs_difference": float(np.abs(a - b).mean()) if len(a) else float("nan"),
           "pearson": float("nan"), "spearman": float("nan"),
           "months_a_higher": int((a > b).sum()), "months_b_higher": int((b > a).sum())}
    if len(a) >= 3 and a.std() > 0 and b.std() > 0:
        out["pearson"] = float(stats.pearsonr(a, b)[0])
        out["spearman"] = float(stats.spearmanr(a, b)[0])
    return out
