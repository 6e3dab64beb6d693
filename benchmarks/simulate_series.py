"""Write benchmarks/data/simulated_nb.csv: seasonal negative-binomial monthly series.

Eight series, 8-15 years each, all ending in December 2024, covering the shapes a
conflict count takes: low and high means, weak and strong overdispersion, rising
and falling trends, a Ramadan effect, a wandering level and an abrupt collapse
(unknown to the models). Seeded, so the file is reproducible byte for byte:

    .venv/bin/python benchmarks/simulate_series.py

Columns: ``month`` then one column per series; an empty cell is a month before
that series starts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from resurgence.covariates import CalendarDesign

OUT = Path(__file__).resolve().parent / "data" / "simulated_nb.csv"
END = "2024-12"

#: name: (years, mean, alpha, trend per year, seasonal amplitude, Ramadan RR, extra)
SERIES = {
    "low_flat": (10, 5, 0.5, 0.0, 0.4, 1.0, None),
    "mid_flat": (12, 15, 0.3, 0.0, 0.35, 1.0, None),
    "mid_rising": (10, 15, 0.3, 0.08, 0.35, 1.0, None),
    "high_flat": (15, 60, 0.1, 0.0, 0.3, 1.0, None),
    "high_falling": (8, 60, 0.15, -0.10, 0.3, 1.0, None),
    "ramadan": (12, 25, 0.2, 0.0, 0.3, 1.5, None),
    "wandering": (10, 20, 0.2, 0.0, 0.35, 1.0, "ar1"),
    "collapse": (10, 40, 0.2, 0.0, 0.35, 1.0, "step"),
}


def simulate(name: str, seed: int) -> pd.Series:
    years, mean, alpha, trend, amp, rr, extra = SERIES[name]
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(f"{END}-01")
    months = pd.date_range(end=end, periods=12 * years, freq="MS")
    d = CalendarDesign(trend=True, fourier=2, ramadan=True,
                       origin=float(months[len(months) // 2].year * 12
                                    + months[len(months) // 2].month - 1))
    X = d.monthly(months)
    eta = (np.log(mean) + trend * X["trend"] + amp * X["sin1"] - 0.5 * amp * X["cos1"]
           + 0.3 * amp * X["sin2"] + np.log(rr) * X["ramadan"]).to_numpy()
    if extra == "ar1":  # a level that wanders: log-rate AR(1), phi 0.9, sd 0.15
        level = np.zeros(len(months))
        for t in range(1, len(months)):
            level[t] = 0.9 * level[t - 1] + rng.normal(0, 0.15)
        eta = eta + level
    elif extra == "step":  # collapse to 30% of the rate after 60% of the series
        eta = eta + np.where(np.arange(len(months)) >= int(0.6 * len(months)), np.log(0.3), 0.0)
    mu = np.exp(eta)
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    return pd.Series(y, index=months, name=name)


def main() -> None:
    series = [simulate(name, seed) for seed, name in enumerate(SERIES, start=2024)]
    table = pd.concat(series, axis=1, sort=True)
    table.index = table.index.strftime("%Y-%m")
    table.index.name = "month"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    table.astype("Int64").to_csv(OUT, lineterminator="\n")
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}: "
          f"{len(SERIES)} series, {len(table)} months")


if __name__ == "__main__":
    main()
