"""Calibration of the escalation alerts: false alarms in control, detection of escalations.

In control: monthly negative-binomial series with means 0.5-100 a month,
variance/mean ratios 1 (Poisson), 2 and 5, 5, 10 or 15 years long, with or without
seasonality (log-amplitude 0.4, random phase) and with or without a trend (x2 or
x1/2 over 10 years). Every combination, ``--series`` series each; the last 24
months of each are judged prospectively by ``resurgence.monitor`` with the
default detectors. The realised false-alarm rate per series-month is printed
overall and per stratum, for the verdict and for each detector, next to the
nominal rate.

Escalations: 10-year series (seasonal or not at random), an escalation of x2, x3
or x5 the baseline mean lasting 1, 2 or 3 months injected at the last
months; the probability that the verdict flags the first month, and that it
has flagged by the second and by the third month (months judged prospectively,
each with the data up to it; a 1-month escalation is over in the second month),
is printed by size and duration and by mean.

Usage (from the repository root)::

    .venv/bin/python benchmarks/alerts_calibration.py            # about 10 min on 2 cores
    .venv/bin/python benchmarks/alerts_calibration.py --quick    # a smoke run

Seeded: the same command prints the same figures.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

import resurgence as rs
from resurgence.alerts.monitor import default_detectors

MEANS = (0.5, 2.0, 10.0, 30.0, 100.0)
PHIS = (1.0, 2.0, 5.0)
YEARS = (5, 10, 15)
JUDGED = 24  # last months of each in-control series that are judged
RATIOS = (2.0, 3.0, 5.0)
DURATIONS = (1, 2, 3)
SEED = 20240101


def _nominal() -> dict[str, float]:
    dets = default_detectors()
    out = {d.name: float(d.alpha) for d in dets}
    out["verdict"] = sum(out.values())
    return out


def simulate(rng: np.random.Generator, mean: float, phi: float, years: int, seasonal: bool,
             trend: bool, escalation: tuple[float, int, int] | None = None) -> pd.Series:
    """One monthly NB series (variance = phi x mean), optionally with an escalation.

    ``escalation = (ratio, duration, onset)`` multiplies the mean of months
    ``onset .. onset + duration - 1`` (0-based positions) by ``ratio``.
    """
    n = 12 * years
    t = np.arange(n)
    log_mu = np.full(n, np.log(mean))
    if seasonal:
        log_mu += 0.4 * np.sin(2 * np.pi * t / 12 + rng.uniform(0, 2 * np.pi))
    if trend:
        log_mu += rng.choice([-1.0, 1.0]) * np.log(2.0) * (t - (n - 1)) / 120.0
    mu = np.exp(log_mu)
    if escalation is not None:
        ratio, duration, onset = escalation
        mu[onset:onset + duration] *= ratio
    if phi <= 1.0:
        y = rng.poisson(mu)
    else:
        size = mu / (phi - 1.0)
        y = rng.negative_binomial(size, size / (size + mu))
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.Series(y.astype(float), index=idx)


def _in_control_cell(args: tuple) -> list[dict]:
    cell, (mean, phi, years, seasonal, trend), n_series = args
    rng = np.random.default_rng([SEED, cell])
    rows = []
    for _ in range(n_series):
        y = simulate(rng, mean, phi, years, seasonal, trend)
        out = rs.monitor(y, start=y.index[-JUDGED])
        ok = out[out["status"] == "ok"]
        fired = ok["detectors"].str.split("+")
        row = {"mean": mean, "phi": phi, "years": years, "seasonal": seasonal, "trend": trend,
               "months": len(ok), "verdict": int(ok["flag"].sum()),
               "insufficient": int((out["status"] != "ok").sum())}
        for name in ("farrington", "cusum", "levelshift"):
            row[name] = int(sum(name in f for f in fired))
        rows.append(row)
    return rows


def _escalation_cell(args: tuple) -> list[dict]:
    cell, (ratio, duration, mean, phi), n_series = args
    rng = np.random.default_rng([SEED + 1, cell])
    rows = []
    years = 10
    onset = 12 * years - 3
    for _ in range(n_series):
        seasonal = bool(rng.integers(2))
        y = simulate(rng, mean, phi, years, seasonal, False, (ratio, duration, onset))
        out = rs.monitor(y.iloc[:onset + 3], start=y.index[onset])
        flags = out["flag"].astype(bool).to_numpy()
        rows.append({"ratio": ratio, "duration": duration, "mean": mean, "phi": phi,
                     "first": bool(flags[0]), "by_second": bool(flags[:2].any()),
                     "by_third": bool(flags[:3].any()),
                     "detectors_first": out["detectors"].iloc[0]})
    return rows


def _run(fn, tasks, workers):
    if workers <= 1:
        return [r for t in tasks for r in fn(t)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [r for rows in pool.map(fn, tasks, chunksize=1) for r in rows]


def _rate_table(frame: pd.DataFrame, by: str | None, nominal: dict[str, float]) -> pd.DataFrame:
    cols = ["verdict", "farrington", "cusum", "levelshift"]
    grouped = frame.groupby(by) if by else frame.groupby(lambda _: "all")
    agg = grouped[["months", *cols]].sum()
    out = pd.DataFrame({"series_months": agg["months"]})
    for c in cols:
        out[c] = agg[c] / agg["months"]
    out["verdict/nominal"] = out["verdict"] / nominal["verdict"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10,
                        help="in-control series per stratum combination (default 10)")
    parser.add_argument("--escalations", type=int, default=40,
                        help="series per escalation scenario and mean/dispersion (default 40)")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--quick", action="store_true", help="2 and 6 series: a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.series, args.escalations = 2, 6
    nominal = _nominal()
    pd.set_option("display.width", 160)
    t0 = time.perf_counter()

    combos = list(itertools.product(MEANS, PHIS, YEARS, (False, True), (False, True)))
    tasks = [(i, c, args.series) for i, c in enumerate(combos)]
    ic = pd.DataFrame(_run(_in_control_cell, tasks, args.workers))
    t1 = time.perf_counter()
    print(f"# In control: {int(ic['months'].sum())} series-months judged "
          f"({len(ic)} series, last {JUDGED} months each; {int(ic['insufficient'].sum())} "
          f"without a verdict), {t1 - t0:.0f} s")
    print("nominal per series-month: " + ", ".join(f"{k} {v:.4f}" for k, v in nominal.items()))
    worst = 0.0
    for by in (None, "mean", "phi", "years", "seasonal", "trend"):
        table = _rate_table(ic, by, nominal)
        worst = max(worst, float(table["verdict/nominal"].max()))
        print(f"\n## by {by or 'overall'}")
        print(table.round(4).to_string())
    print(f"\nlargest realised/nominal ratio of the verdict over the strata: {worst:.2f} "
          f"({'OK' if worst <= 1.5 else 'ABOVE'} the 1.5 limit)")

    combos = list(itertools.product(RATIOS, DURATIONS, MEANS, PHIS))
    tasks = [(i, c, args.escalations) for i, c in enumerate(combos)]
    es = pd.DataFrame(_run(_escalation_cell, tasks, args.workers))
    t2 = time.perf_counter()
    print(f"\n# Escalations: {len(es)} series (10 years; onset judged with the data up to it), "
          f"{t2 - t1:.0f} s")
    pod = es.groupby(["ratio", "duration"])[["first", "by_second", "by_third"]].mean().unstack(
        "duration")
    print("\n## probability of detection in the first month / by the second / by the third, "
          "by size (rows) and duration in months (columns), all means and dispersions")
    print(pod.round(2).to_string())
    pod_mean = es.groupby(["ratio", "mean"])[["first", "by_second"]].mean().unstack("mean")
    print("\n## by mean per month (all durations and dispersions)")
    print(pod_mean.round(2).to_string())
    pod_phi = es.groupby(["ratio", "phi"])[["first", "by_second"]].mean().unstack("phi")
    print("\n## by variance/mean ratio (all durations and means)")
    print(pod_phi.round(2).to_string())
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
