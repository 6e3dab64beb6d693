"""Robust STL decomposition of dense monthly series (statsmodels ``STL``).

STL needs a complete, regular series. Leading and trailing missing months are
trimmed; interior missing months are linearly interpolated *for the
decomposition only* (they are flagged in the ``filled`` column and their
``observed`` stays NaN), and a series with more than ``max_missing`` of its
months missing is refused: use :func:`resurgence.seasonal_glm`, which skips
missing months and handles interval counts, for sparse data.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError, ModelWarning, SeriesError
from .months import as_monthly_series

__all__ = ["stl_decompose", "STLResult"]

_TRANSFORMS = {
    None: (lambda x: x, lambda x: x),
    "log1p": (np.log1p, np.expm1),
    "sqrt": (np.sqrt, np.square),
}


@dataclass
class STLResult:
    """Components of :func:`stl_decompose`.

    Attributes
    ----------
    components : pandas.DataFrame
        Indexed by month: ``observed`` (NaN where missing), ``filled`` (True where
        the value was interpolated for STL), ``trend``, ``seasonal``, ``resid``,
        all on the ``transform`` scale.
    seasonal_strength, trend_strength : float
        ``max(0, 1 - Var(resid) / Var(seasonal + resid))`` and the same with the
        trend (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*,
        section 4.2); near 1 means a strong component.
    method : str
        ``"stl"``, or ``"lowess"`` for the fallback on series shorter than two
        periods (no seasonal component).
    transform : str or None
        Scale of the decomposition.
    """

    components: pd.DataFrame
    seasonal_strength: float
    trend_strength: float
    method: str
    transform: str | None
    period: int

    @property
    def n_filled(self) -> int:
        """How many months were interpolated for the decomposition."""
        return int(self.components["filled"].sum())


def _strength(component: np.ndarray, resid: np.ndarray) -> float:
    denom = np.var(component + resid)
    if denom <= 0:
        return 0.0
    return float(max(0.0, 1.0 - np.var(resid) / denom))


def stl_decompose(
    y: pd.Series,
    *,
    period: int = 12,
    seasonal: int = 7,
    robust: bool = True,
    transform: str | None = None,
    max_missing: float = 0.2,
) -> STLResult:
    """Decompose a dense monthly series into trend, seasonal and remainder (robust STL).

    Parameters
    ----------
    y : pandas.Series
        Monthly series (NaN for missing months).
    period : int
        Season length in months.
    seasonal : int
        STL seasonal smoother length (odd, >= 7); larger = more stable seasonality.
    robust : bool
        Robustness weights, so one exceptional month does not bend the seasonal.
    transform : {None, "log1p", "sqrt"}
        Decompose on this scale; ``log1p`` turns a multiplicative season (the usual
        case for counts) into an additive one.
    max_missing : float
        Largest share of interior months that may be missing and interpolated.

    Returns
    -------
    STLResult

    Warns
    -----
    ModelWarning
        If interior months were interpolated, and when the series spans fewer than
        two periods: then the seasonal component is zero and the trend is a
        LOWESS smooth (``method == "lowess"``).

    Raises
    ------
    SeriesError
        If the series has no observation, or too many missing months.

    Examples
    --------
    >>> months = pd.date_range("2015-01-01", periods=72, freq="MS")
    >>> y = pd.Series(50 + 10 * np.sin(2 * np.pi * months.month / 12), index=months)
    >>> res = stl_decompose(y)
    >>> round(res.seasonal_strength, 2)
    1.0
    >>> res.components.columns.tolist()
    ['observed', 'filled', 'trend', 'seasonal', 'resid']
    """
    if transform not in _TRANSFORMS:
        raise InputError(f"transform must be None, 'log1p' or 'sqrt', got {transform!r}")
    if period < 2:
        raise InputError(f"period must be at least 2, got {period}")
    s = as_monthly_series(y)
    observed = s.dropna()
    if observed.empty:
        raise SeriesError("series has no observed month to decompose")
    if transform is not None and (observed < 0).any():
        raise SeriesError(f"transform {transform!r} needs non-negative values")
    s = s.loc[observed.index[0] : observed.index[-1]]
    missing = s.isna()
    if missing.mean() > max_missing:
        raise SeriesError(
            f"{int(missing.sum())} of {len(s)} months are missing (more than "
            f"{max_missing:.0%}): STL needs a dense series; use seasonal_glm for sparse data"
        )
    forward, _ = _TRANSFORMS[transform]
    z = pd.Series(forward(s.to_numpy(dtype=float)), index=s.index)
    if missing.any():
        z = z.interpolate(method="linear")
        warnings.warn(
            f"stl_decompose: interpolated {int(missing.sum())} missing month(s) for the "
            "decomposition (flagged in 'filled')",
            ModelWarning, stacklevel=2,
        )
    n = len(z)
    if n >= 2 * period:
        from statsmodels.tsa.seasonal import STL

        seasonal = max(int(seasonal) | 1, 7)
        fit = STL(z.to_numpy(), period=period, seasonal=seasonal, robust=robust).fit()
        trend, seas, resid = fit.trend, fit.seasonal, fit.resid
        method = "stl"
    else:
        warnings.warn(
            f"stl_decompose: {n} months is fewer than two periods ({2 * period}); "
            "no seasonal component, trend is a LOWESS smooth",
            ModelWarning, stacklevel=2,
        )
        if n >= 3:
            from statsmodels.nonparametric.smoothers_lowess import lowess

            trend = lowess(z.to_numpy(), np.arange(n), frac=min(1.0, max(0.5, 7 / n)),
                           it=3 if robust else 0, return_sorted=False)
        else:
            trend = np.full(n, z.mean())
        seas = np.zeros(n)
        resid = z.to_numpy() - trend
        method = "lowess"
    comps = pd.DataFrame(
        {
            "observed": np.where(missing, np.nan, z.to_numpy()),
            "filled": missing.to_numpy(),
            "trend": trend,
            "seasonal": seas,
            "resid": resid,
        },
        index=s.index,
    )
    comps.index.name = "month"
    return STLResult(
        components=comps,
        seasonal_strength=_strength(np.asarray(seas), np.asarray(resid)) if method == "stl" else 0.0,
        trend_strength=_strength(np.asarray(trend), np.asarray(resid)),
        method=method,
        transform=transform,
        period=period,
    )
