"""Seeded simulators shared by the seasonal and forecasting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resurgence.covariates import CalendarDesign


def nb_counts(mu: np.ndarray, alpha: float, rng: np.random.Generator) -> np.ndarray:
    """Negative-binomial (NB2) draws with mean ``mu`` and ``Var = mu + alpha mu^2``."""
    if alpha <= 0:
        return rng.poisson(mu).astype(float)
    return rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu)).astype(float)


def seasonal_nb(
    seed: int,
    *,
    years: int = 10,
    start: str = "2013-01",
    mean: float = 15.0,
    alpha: float = 0.3,
    trend: float = 0.0,
    amplitude: float = 0.35,
    ramadan_rr: float = 1.0,
    steps: dict[str, tuple[str, float]] | None = None,
) -> pd.Series:
    """A monthly NB series with log-linear trend (per year), annual cycle, Ramadan and steps.

    ``steps`` maps a name to ``(month, rate ratio)``.
    """
    rng = np.random.default_rng(seed)
    months = pd.date_range(f"{start}-01", periods=12 * years, freq="MS")
    steps = steps or {}
    d = CalendarDesign(trend=True, fourier=2, ramadan=True,
                       interventions={k: m for k, (m, _) in steps.items()},
                       origin=float(months[len(months) // 2].year * 12))
    X = d.monthly(months)
    beta = {"const": np.log(mean), "trend": trend, "sin1": amplitude, "cos1": -0.5 * amplitude,
            "sin2": 0.3 * amplitude, "cos2": 0.0, "ramadan": np.log(ramadan_rr)}
    beta.update({k: np.log(rr) for k, (_, rr) in steps.items()})
    eta = sum(X[c].to_numpy() * beta.get(c, 0.0) for c in X.columns)
    return pd.Series(nb_counts(np.exp(eta), alpha, rng), index=months, name="y")
