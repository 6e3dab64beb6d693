"""The forecaster protocol every model follows.

A forecaster stores keyword-only parameters in ``__init__``; ``fit(y)`` takes a
monthly series (NaN months are skipped, never zero-filled) or a model frame of
interval counts and returns ``self``; ``predict(h, level=(80, 95))`` returns a
table ``month, mean, lo-80, hi-80, lo-95, hi-95`` for the ``h`` months after the
data; ``predict_distribution(h)`` returns the
:class:`~resurgence.forecast.CountDistribution` behind it (integer quantiles,
exact CRPS). A new model subclasses :class:`Forecaster` and implements
``_fit(frame)`` and ``_predict_distribution(months)``.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..covariates import as_model_frame
from ..errors import InputError, ModelError, ModelWarning
from .distributions import MAX_SUPPORT, TRUNCATION, CountDistribution, check_levels

__all__ = ["Forecaster", "TRANSFORMS", "MAX_HORIZON", "check_horizon"]

TRANSFORMS = {"log1p": (np.log1p, np.expm1), "sqrt": (np.sqrt, np.square)}

#: Longest forecast horizon in months (10 years). No model here says anything useful a
#: decade ahead of a conflict series (the bundled ones span at most 13 years), and a
#: forecast holds one CDF of up to ``MAX_SUPPORT`` counts per month: 120 months of it
#: is at most ~100 MB, where 20,000 months exhausted the memory of a 2-core machine.
MAX_HORIZON = 120


def check_horizon(h: Any, what: str = "horizon") -> int:
    """Validate a forecast horizon: a whole number of months in ``1..MAX_HORIZON``.

    Examples
    --------
    >>> check_horizon(12)
    12
    >>> check_horizon(1000)
    Traceback (most recent call last):
    ...
    resurgence.errors.InputError: horizon must be at most 120 months (10 years), got 1000
    """
    try:
        ok = float(h) == int(h)
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok or int(h) < 1:
        raise InputError(f"{what} must be a positive whole number of months, got {h}")
    if int(h) > MAX_HORIZON:
        raise InputError(f"{what} must be at most {MAX_HORIZON} months (10 years), got {h}")
    return int(h)


class Forecaster:
    """Base class of the forecasting models (scikit-learn style).

    Attributes set by ``fit``
    -------------------------
    frame_ : pandas.DataFrame
        The training data as a model frame.
    cutoff_ : pandas.Timestamp
        The first forecast month.
    """

    #: Short name used in backtest tables.
    name: ClassVar[str] = "forecaster"

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters, as stored."""
        sig = inspect.signature(type(self).__init__)
        kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        return {k: getattr(self, k) for k, p in sig.parameters.items()
                if k != "self" and p.kind in kinds}

    def clone(self) -> "Forecaster":
        """An unfitted copy with the same parameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def fit(self, y: pd.Series | pd.DataFrame) -> "Forecaster":
        """Fit to a monthly series or a model frame; return ``self``."""
        frame = as_model_frame(y)
        self.frame_ = frame
        self.cutoff_ = frame.attrs["cutoff"]
        self._fit(frame)
        return self

    def predict_distribution(self, h: int) -> CountDistribution:
        """Predictive count distributions for the ``h`` months from ``cutoff_``."""
        if not hasattr(self, "cutoff_"):
            raise ModelError(f"{type(self).__name__} is not fitted: call fit(y) first")
        h = check_horizon(h)
        months = pd.date_range(self.cutoff_, periods=h, freq="MS")
        dist = self._predict_distribution(months)
        if dist.truncated:
            warnings.warn(
                f"{self.name}: more than {TRUNCATION:.1%} of a month's predicted probability "
                f"is above {MAX_SUPPORT - 1:,} (lumped there, so bounds at {MAX_SUPPORT - 1:,} "
                "are lower bounds): the model is extrapolating far beyond the data",
                ModelWarning, stacklevel=2,
            )
        return dist

    def predict(self, h: int, level: Any = (80, 95)) -> pd.DataFrame:
        """Forecast table: ``month, mean, lo-L, hi-L`` for each level ``L`` (percent).

        Interval bounds are integer quantiles of the predictive count
        distribution, so the central ``L``% interval covers at least ``L``% of
        its probability. ``h`` is at most :data:`MAX_HORIZON` (120) months.
        """
        return self.predict_distribution(h).to_frame(check_levels(level))

    # -- to implement ------------------------------------------------------
    def _fit(self, frame: pd.DataFrame) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _predict_distribution(self, months: pd.DatetimeIndex) -> CountDistribution:  # pragma: no cover
        raise NotImplementedError
