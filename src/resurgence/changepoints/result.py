"""The result of :func:`~resurgence.detect_changepoints` and its plot helper."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .base import Cost
from .penalties import Penalty
from .signal import Signal

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["ChangepointResult"]


@dataclass
class ChangepointResult:
    """Changepoints of one series, with the segments they delimit and their uncertainty.

    Attributes
    ----------
    indices : numpy.ndarray
        Sorted 0-based positions where a new segment starts (0 and ``n`` are
        not included).
    segments : pandas.DataFrame
        One row per segment: ``start``, ``end`` (positions, end exclusive),
        ``first``, ``last`` (labels -- months for a monthly series -- of its
        first and last observed points), ``n_obs``, ``exposure``, ``level``
        (mean, or rate per unit exposure for counts) and ``level_lo``,
        ``level_hi`` (its confidence interval).
    changepoints : pandas.DataFrame
        One row per changepoint: ``index``, ``label``, the location interval
        ``loc_lo``, ``loc_hi`` (positions) and ``label_lo``, ``label_hi``,
        ``loc_prob`` (posterior mass at the estimate), the ratio of levels after /
        before with its interval (``ratio``, ``ratio_lo``, ``ratio_hi``) and the
        difference (``change``, ``change_lo``, ``change_hi``).
    cost : Cost
        The fitted cost (e.g. ``cost.theta_`` for the NB dispersion).
    penalty : Penalty
        The penalty used (name and value per changepoint).
    method : str
        The search method.
    crops : pandas.DataFrame or None
        With ``penalty="crops"``: every optimal segmentation in the range.
    """

    indices: np.ndarray
    segments: pd.DataFrame
    changepoints: pd.DataFrame
    cost: Cost
    penalty: Penalty
    method: str
    min_size: int
    level: float
    signal: Signal = field(repr=False)
    objective: float = float("nan")
    crops: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def cost_name(self) -> str:
        """Name of the cost used (``negbin``, ``normal_mean``, ...)."""
        return self.cost.model

    @property
    def n_changepoints(self) -> int:
        """Number of changepoints."""
        return len(self.indices)

    @property
    def labels(self) -> pd.Index:
        """Index labels (months for a monthly series) where new segments start."""
        return self.signal.index[self.indices]

    def __repr__(self) -> str:
        labels = [_fmt(v) for v in self.labels]
        return (f"ChangepointResult(cost={self.cost_name!r}, penalty={self.penalty.name!r} "
                f"({self.penalty.value:.3g}), method={self.method!r}, "
                f"changepoints={labels})")

    def table(self) -> pd.DataFrame:
        """One row per segment with the change that opened it (the CLI's table).

        Columns: ``segment, first, last, n_obs, level, level_lo, level_hi``, the
        interval for where it started (``start_lo, start_hi``), the ratio of its
        level to the one before (``change_ratio, ratio_lo, ratio_hi``; empty when
        a level is not positive) and the difference (``change, change_lo,
        change_hi``). Without a month index, ``first``/``last``/``start_*`` are
        0-based positions.

        Examples
        --------
        >>> from resurgence import detect_changepoints
        >>> y = pd.Series([2, 3, 1, 2, 3, 2, 12, 14, 11, 13, 12, 15],
        ...               index=pd.date_range("2024-01", periods=12, freq="MS"))
        >>> detect_changepoints(y).table()[["first", "last", "level"]]
             first     last  level
        0  2024-01  2024-06   2.17
        1  2024-07  2024-12  12.83
        """
        seg, cp = self.segments, self.changepoints
        opened = lambda col: [np.nan, *cp[col]]  # noqa: E731 - the first segment opens no change
        return pd.DataFrame({
            "segment": np.arange(1, len(seg) + 1),
            "first": [_fmt(v) for v in seg["first"]],
            "last": [_fmt(v) for v in seg["last"]],
            "n_obs": seg["n_obs"].to_numpy(),
            "level": seg["level"].to_numpy(),
            "level_lo": seg["level_lo"].to_numpy(),
            "level_hi": seg["level_hi"].to_numpy(),
            "start_lo": [None, *(_fmt(v) for v in cp["label_lo"])],
            "start_hi": [None, *(_fmt(v) for v in cp["label_hi"])],
            "change_ratio": opened("ratio"),
            "ratio_lo": opened("ratio_lo"),
            "ratio_hi": opened("ratio_hi"),
            "change": opened("change"),
            "change_lo": opened("change_lo"),
            "change_hi": opened("change_hi"),
        })

    def plot(self, ax: "Axes | None" = None, *, show_ci: bool = True,
             title: str | None = None) -> "Axes":
        """Plot the series, segment levels (with intervals) and changepoints.

        Count series with exposure are drawn as rates per unit exposure.
        Returns the matplotlib ``Axes``; never calls ``plt.show()``.

        Examples
        --------
        >>> from resurgence import detect_changepoints
        >>> res = detect_changepoints(np.r_[np.zeros(10), np.ones(10) * 4] + 0.1 * np.arange(20) % 0.3)
        >>> ax = res.plot()
        >>> type(ax).__name__
        'Axes'
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.5))
        sig = self.signal
        x = sig.index if isinstance(sig.index, pd.DatetimeIndex) else np.arange(len(sig.values))
        y = sig.values if sig.exposure is None else sig.values / sig.exposure
        ax.plot(x, y, marker=".", lw=0.8, color="0.45", label=sig.name or "series")
        for _, s in self.segments.iterrows():
            xs = [x[int(s["start"])], x[int(s["end"]) - 1]]
            ax.plot(xs, [s["level"]] * 2, color="C0", lw=2)
            if show_ci and np.isfinite(s["level_lo"]):
                ax.fill_between(xs, s["level_lo"], s["level_hi"], color="C0", alpha=0.2, lw=0)
        for _, c in self.changepoints.iterrows():
            ax.axvline(x[int(c["index"])], color="C3", ls="--", lw=1)
            if show_ci:
                ax.axvspan(x[int(c["loc_lo"])], x[int(c["loc_hi"])], color="C3", alpha=0.12, lw=0)
        ax.set_title(title or f"{self.n_changepoints} changepoint(s): {self.cost_name}, "
                     f"{self.penalty.name} penalty")
        ax.set_ylabel("rate per month" if sig.exposure is not None else "value")
        return ax


def _fmt(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m")
    if isinstance(value, np.integer):
        return int(value)
    return value
