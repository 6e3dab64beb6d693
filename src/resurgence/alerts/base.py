"""The detector contract: one month, judged prospectively from its history.

A detector sees a :class:`History` -- the counts of one series that *ended* before
the month being judged (calendar months and coarser intervals, each with its
exposure in months) and the calendar-month count of that month -- and returns an
:class:`Evaluation`: expected value, upper threshold, a score, a p-value and a
flag, with a one-line reason. Nothing after the month is ever visible, so a
verdict cannot change when later data arrive.

Detectors are small estimator-style classes: ``__init__`` takes keyword-only
parameters and stores them; :meth:`Detector.evaluate` does the work. The three
built-in detectors share one Farrington baseline per month
(:class:`~resurgence.alerts.baseline.Baseline`), passed as ``baseline=``; a
detector given none fits its own.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import InputError, ResurgenceError, SeriesError
from ..months import as_monthly_series, to_month

if TYPE_CHECKING:  # pragma: no cover
    from .baseline import Baseline

__all__ = ["History", "Evaluation", "Detector", "month_clock"]


def month_clock(ts: Any) -> np.ndarray:
    """Months since 0000-01 at each time, linear within a calendar month.

    Examples
    --------
    >>> ts = [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-16 12:00")]
    >>> month_clock(ts).round(3).tolist()
    [24288.0, 24288.5]
    """
    t = pd.DatetimeIndex(pd.to_datetime(ts))
    first = t.to_period("M").start_time
    days = t.days_in_month.to_numpy(dtype=float)
    within = (t - first).total_seconds().to_numpy() / (days * 86400.0)
    return (t.year.to_numpy() * 12 + t.month.to_numpy() - 1).astype(float) + within


@dataclass(frozen=True)
class History:
    """What a detector may see when it judges ``month``.

    Attributes
    ----------
    month : pandas.Timestamp
        The month judged (first day).
    observed : float
        Its calendar-month count (NaN when no source states one).
    start, end : numpy.ndarray
        :func:`month_clock` of each past count's interval ``[start, end)``;
        every ``end`` is at or before the month's first day.
    exposure : numpy.ndarray
        Months each past count covers (1 for a calendar month).
    value : numpy.ndarray
        The past counts (never NaN: missing months are simply absent).
    name : str or None
        Series id, for messages.
    """

    month: pd.Timestamp
    observed: float
    start: np.ndarray
    end: np.ndarray
    exposure: np.ndarray
    value: np.ndarray
    name: str | None = None

    @property
    def t(self) -> float:
        """:func:`month_clock` of the month judged."""
        return float(self.month.year * 12 + self.month.month - 1)

    @property
    def n(self) -> int:
        """Number of past counts."""
        return len(self.value)

    @classmethod
    def from_series(cls, y: pd.Series, month: Any) -> "History":
        """The history of a monthly series (NaN = missing) at ``month``.

        Examples
        --------
        >>> y = pd.Series([3.0, np.nan, 5.0, 9.0],
        ...               index=pd.date_range("2024-01", periods=4, freq="MS"))
        >>> h = History.from_series(y, "2024-04")
        >>> h.observed, h.value.tolist(), h.exposure.tolist()
        (9.0, [3.0, 5.0], [1.0, 1.0])
        """
        y = as_monthly_series(y)
        m = to_month(month)
        past = y[(y.index < m) & y.notna()]
        obs = float(y[m]) if m in y.index else float("nan")
        start = month_clock(past.index)
        _check_counts(np.r_[past.to_numpy(dtype=float), obs], y.name)
        return cls(month=m, observed=obs, start=start, end=start + 1.0,
                   exposure=np.ones(len(past)), value=past.to_numpy(dtype=float),
                   name=None if y.name is None else str(y.name))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, month: Any, *, name: str | None = None) -> "History":
        """The history of a model frame (``start, end, months, value``) at ``month``.

        Rows that end after the month's first day are not history; the month's own
        count is a row covering exactly that calendar month.

        Examples
        --------
        >>> f = pd.DataFrame({"start": pd.to_datetime(["2023-01-01", "2023-07-10", "2024-01-01"]),
        ...                   "end": pd.to_datetime(["2023-07-10", "2024-01-01", "2024-02-01"]),
        ...                   "months": [6.29, 5.71, 1.0], "value": [60.0, 50.0, 26.0]})
        >>> h = History.from_frame(f, "2024-01")
        >>> h.observed, h.value.tolist()
        (26.0, [60.0, 50.0])
        """
        missing = {"start", "end", "months", "value"} - set(frame.columns)
        if missing:
            raise InputError(f"a model frame needs columns start, end, months, value; "
                             f"missing {', '.join(sorted(missing))}")
        m = to_month(month)
        nxt = m + pd.offsets.MonthBegin(1)
        start = pd.to_datetime(frame["start"])
        end = pd.to_datetime(frame["end"])
        value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
        past = ((end <= m).to_numpy()) & ~np.isnan(value)
        this = ((start == m) & (end == nxt)).to_numpy() & ~np.isnan(value)
        obs = float(value[this][-1]) if this.any() else float("nan")
        _check_counts(np.r_[value[past], obs], name)
        return cls(month=m, observed=obs, start=month_clock(start[past]),
                   end=month_clock(end[past]),
                   exposure=pd.to_numeric(frame["months"]).to_numpy(dtype=float)[past],
                   value=value[past], name=name)


def _check_counts(values: np.ndarray, name: Any) -> None:
    with np.errstate(invalid="ignore"):
        negative = np.any(values < 0)  # NaN (no count this month) is not negative
    if negative:
        where = f" in {name}" if name else ""
        raise SeriesError(f"negative counts{where}: escalation detectors need counts >= 0")


@dataclass(frozen=True)
class Evaluation:
    """One detector's judgement of one month.

    ``status`` is ``"ok"`` or ``"insufficient"`` (too little history for a
    verdict: every number is NaN, ``flag`` is False and ``reason`` says why).
    ``score`` > 1 means the observation is above the threshold; ``p_value`` is
    the probability, in control, of a value at least as extreme.
    """

    detector: str
    month: pd.Timestamp
    observed: float
    expected: float
    threshold: float
    score: float
    p_value: float
    flag: bool
    reason: str
    status: str = "ok"
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def insufficient(cls, detector: str, history: History, reason: str) -> "Evaluation":
        """An evaluation that gives no verdict, with the reason."""
        nan = float("nan")
        return cls(detector, history.month, history.observed, nan, nan, nan, nan, False, reason,
                   "insufficient")


class Detector(ABC):
    """Base class of escalation detectors (the plug-in contract).

    Subclasses set :attr:`name`, take keyword-only parameters in ``__init__``
    (stored under the same names) and implement :meth:`evaluate`.
    """

    name: ClassVar[str] = "detector"

    @abstractmethod
    def evaluate(self, history: History, *, baseline: "Baseline | None" = None) -> Evaluation:
        """Judge ``history.month`` from ``history`` (and a shared baseline, if given)."""

    def evaluate_many(self, histories: Sequence[History],
                      baselines: Sequence["Baseline | str | None"] | None = None
                      ) -> list["Evaluation | ResurgenceError"]:
        """:meth:`evaluate` for each history (with its baseline); a history whose data
        the detector rejects gets the error in its place. Detectors that can share
        work across series (one batched search) override this."""
        bases = list(baselines) if baselines is not None else [None] * len(histories)
        out: list[Evaluation | ResurgenceError] = []
        for h, b in zip(histories, bases):
            try:
                out.append(self.evaluate(h, baseline=b))
            except ResurgenceError as exc:
                out.append(exc)
        return out

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters (what identifies this configuration)."""
        sig = inspect.signature(type(self).__init__)
        return {k: getattr(self, k) for k in sig.parameters if k != "self"}

    def config(self) -> str:
        """A stable text key of the configuration, e.g. for the alert history."""
        parts = []
        for k, v in sorted(self.get_params().items()):
            parts.append(f"{k}={v.config() if isinstance(v, Detector) else v!r}")
        return f"{self.name}({', '.join(parts)})"

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"
