"""What every page builder receives: the panel as of the report month, names and caches.

The report for month ``M`` uses the interval counts that end by the end of ``M``
(a back-dated report shows what was known about that month, not later figures).
The default month is the latest month with a calendar-month figure in the panel.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._version import __version__
from ..changepoints import ChangepointResult, detect_changepoints
from ..errors import InputError, ResurgenceError
from ..months import format_month, to_month
from ..panel import Panel, model_frame, monthly_panel, series_table
from ..reference import Reference, load_reference
from .style import footer_text

__all__ = ["ReportOptions", "ReportContext", "default_month", "panel_as_of"]


@dataclass(frozen=True)
class ReportOptions:
    """Settings of one report.

    Attributes
    ----------
    level : float
        Confidence level of every interval drawn (default 0.95).
    max_area_pages : int
        Most per-area pages (default 8).
    min_observations : int
        Fewest usable observations (calendar months + non-overlapping coarse
        intervals) for a series to get a page or a panel of its own (default 6).
    seed : int
        Seed for anything random (nothing in the current pages draws random
        numbers; pages that simulate, e.g. forecast fans, take it from here).
    """

    level: float = 0.95
    max_area_pages: int = 8
    min_observations: int = 6
    seed: int = 20240101


def default_month(panel: Panel) -> pd.Timestamp:
    """The latest month with a calendar-month figure; else the month of the latest interval end.

    Examples
    --------
    >>> from resurgence import load_panel
    >>> default_month(load_panel()).strftime("%Y-%m")
    '2025-11'
    """
    stated = panel.monthly.loc[panel.monthly["value"].notna(), "month"]
    if len(stated):
        return to_month(stated.max())
    if len(panel.intervals):
        return to_month(panel.intervals["end"].max() - pd.Timedelta(days=1))
    raise InputError("the data holds no series: nothing to report")


def panel_as_of(panel: Panel, month: pd.Timestamp) -> Panel:
    """The panel restricted to interval counts that end by the end of ``month``."""
    end = month + pd.offsets.MonthBegin(1)
    keep = panel.intervals["end"] <= end
    if bool(keep.all()):
        return panel
    intervals = panel.intervals[keep].reset_index(drop=True)
    monthly = monthly_panel(intervals)
    obs = panel.observations[panel.observations["start"].isna()
                             | (panel.observations["start"] < end)]
    return Panel(obs, intervals, monthly, series_table(intervals, monthly))


@dataclass
class ReportContext:
    """The panel as of the report month, the vocabularies and cached model results."""

    panel: Panel
    month: pd.Timestamp
    reference: Reference
    options: ReportOptions = field(default_factory=ReportOptions)
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _cps: dict[str, ChangepointResult | str] = field(default_factory=dict, repr=False)
    _cache: dict[object, object] = field(default_factory=dict, repr=False)

    @classmethod
    def create(cls, panel: Panel, month: str | pd.Timestamp | None = None,
               options: ReportOptions | None = None) -> "ReportContext":
        """Build the context for ``month`` (default: :func:`default_month`)."""
        if panel.intervals.empty:
            raise InputError("the data holds no series: nothing to report")
        m = default_month(panel) if month is None else to_month(month)
        first = to_month(panel.intervals["start"].min())
        if m < first:
            raise InputError(f"--month {format_month(m)} is before the first figure in the data "
                             f"({format_month(first)})")
        as_of = panel_as_of(panel, m)
        if as_of.intervals.empty:
            raise InputError(f"no figure in the data ends by {format_month(m)}: nothing to report")
        return cls(as_of, m, load_reference(), options or ReportOptions())

    # -- names -------------------------------------------------------------------------
    @property
    def month_text(self) -> str:
        return format_month(self.month)

    @property
    def month_name(self) -> str:
        return self.month.strftime("%B %Y")

    @property
    def ident(self) -> str:
        return f"resurgence {__version__} · briefing {self.month_text} · data to {self.month_text}."

    def publisher_name(self, source: str) -> str:
        row = self.reference.publishers[self.reference.publishers["id"] == source]
        return str(row["name"].iat[0]) if len(row) else source

    def publisher_short(self, source: str) -> str:
        return {"sohr": "SOHR", "cep": "CEP", "ric": "RIC", "ucdp": "UCDP", "itic": "ITIC",
                "bbc_monitoring": "BBC Monitoring", "centcom": "CENTCOM", "sdf": "SDF",
                "ikhrw": "IKHRW", "acled": "ACLED", "gtd": "GTD", "mei_lister": "MEI",
                "iswnews": "ISWNews", "north_press": "North Press", "jusoor": "Jusoor",
                "syria_weekly": "Syria Weekly", "isis_claims": "ISIS claims",
                "press": "press"}.get(source, source)

    def area_name(self, area: str) -> str:
        row = self.reference.areas[self.reference.areas["id"] == area]
        return str(row["name"].iat[0]) if len(row) else area

    def measure_name(self, measure: str) -> str:
        row = self.reference.measures[self.reference.measures["id"] == measure]
        return str(row["name"].iat[0]) if len(row) else measure

    def unit(self, measure: str) -> str:
        row = self.reference.measures[self.reference.measures["id"] == measure]
        return str(row["unit"].iat[0]) if len(row) and row["unit"].iat[0] else "count"

    def meta(self, series_id: str) -> pd.Series:
        rows = self.panel.series[self.panel.series["series_id"] == series_id]
        if rows.empty:
            raise InputError(f"unknown series {series_id!r}")
        return rows.iloc[0]

    def series_label(self, series_id: str, *, measure: bool = True) -> str:
        m = self.meta(series_id)
        region = "" if m["region"] == "ALL" else f", {m['region']}"
        text = f"{self.publisher_short(m['source'])} · {self.area_name(m['area'])}{region}"
        return f"{text} · {self.measure_name(m['measure']).lower()}" if measure else text

    def footer(self, sources: list[str], note: str = "") -> str:
        names = {s: self.publisher_name(s) for s in sources}
        return footer_text(sources, names, note=note, ident=self.ident)

    # -- cached model results ----------------------------------------------------------
    def frame(self, series_id: str) -> pd.DataFrame:
        """The series' model frame (calendar months + non-overlapping coarse intervals)."""
        if series_id not in self._frames:
            self._frames[series_id] = model_frame(self.panel.intervals, series_id)
        return self._frames[series_id]

    def n_observations(self, series_id: str) -> int:
        return len(self.frame(series_id))

    def changepoints(self, series_id: str) -> ChangepointResult | None:
        """Changepoints of the series' model frame, or None (the reason in :meth:`cp_note`)."""
        if series_id not in self._cps:
            frame = self.frame(series_id)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._cps[series_id] = detect_changepoints(frame, level=self.options.level)
            except ResurgenceError as exc:
                self._cps[series_id] = f"no changepoint analysis: {exc}"
        res = self._cps[series_id]
        return res if isinstance(res, ChangepointResult) else None

    def cp_note(self, series_id: str) -> str:
        self.changepoints(series_id)
        res = self._cps[series_id]
        return res if isinstance(res, str) else ""

    def cached(self, key: object, compute):  # noqa: ANN001, ANN201
        """``compute()`` once per key (for page plug-ins sharing a model fit)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def rate_over(self, series_id: str, start: pd.Timestamp, end: pd.Timestamp) -> float:
        """Exposure-weighted monthly rate of the model frame's rows inside ``[start, end)``."""
        f = self.frame(series_id)
        inside = f[(f["start"] >= start) & (f["end"] <= end)]
        months = float(inside["months"].sum())
        return float(inside["value"].sum()) / months if months > 0 else np.nan
