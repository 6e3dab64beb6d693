"""How should the default forecaster turn its inner backtest into a forecast?

Compares the rules of ``AutoForecaster(method=...)`` -- ``screen`` (the default),
``select`` and ``pool`` -- with the naive method on simulated series only (the UCDP
results in docs/forecasting.md are the held-out check, not the tuning set):

- ``bench``: the eight series of benchmarks/data/simulated_nb.csv, 8-15 years, 12
  origins 3 months apart, horizons 1-12, 48 months of history at least;
- ``short``: 40 series of 48 months in five shapes (a random-walk level, a collapse, a
  hump, a strong season, a trend), NB noise, means 2-150; every origin with 24 months
  of history, horizons 1-6 and, separately, 1-3;
- ``dense``: 24 series of 48 months of large, persistent counts (means 20-300, alpha
  0.02-0.1: a random-walk level, plus a collapse or a season), horizons 1-6.

For every outer origin the inner backtest of ``AutoForecaster`` is run once and each
rule is applied to the same inner scores, so the rules differ only in how they use
them. Prints mean CRPS relative to the naive method and the 80% coverage. About 20
minutes with 2 workers:

    .venv/bin/python benchmarks/forecast_default_rule.py --workers 2
"""

from __future__ import annotations

import argparse
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from resurgence.covariates import CalendarDesign, as_model_frame, frame_to_monthly
from resurgence.errors import ResurgenceError
from resurgence.forecast import AutoForecaster, CountDistribution
from resurgence.forecast.auto import _inverse, _screen
from resurgence.forecast.backtest import _origins

ROOT = Path(__file__).resolve().parents[1]
RULES = ("naive", "select", "screen", "pool")


def short_series(shape: str, seed: int, n: int = 48) -> pd.Series:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2016-01-01", periods=n, freq="MS")
    X = CalendarDesign(trend=False, fourier=2, ramadan=False).monthly(months)
    mean = float(np.exp(rng.uniform(np.log(2), np.log(150))))
    alpha = rng.uniform(0.05, 0.5)
    amp, phase = rng.uniform(0.0, 0.5), rng.uniform(0, 2 * np.pi)
    season = amp * (np.cos(phase) * X["sin1"] + np.sin(phase) * X["cos1"]).to_numpy()
    t = np.arange(n)
    if shape == "rw":
        level = np.cumsum(rng.normal(0, rng.uniform(0.08, 0.25), n))
    elif shape == "collapse":
        at, width = rng.integers(n // 3, n - 6), rng.integers(1, 7)
        drop = np.log(rng.uniform(0.1, 0.5))
        level = drop * np.clip((t - at) / width, 0, 1) + np.cumsum(rng.normal(0, 0.05, n))
    elif shape == "hump":
        peak, width = rng.integers(n // 4, 3 * n // 4), rng.uniform(4, 12)
        level = np.log(rng.uniform(2, 5)) * np.exp(-0.5 * ((t - peak) / width) ** 2) - 1.0
    elif shape == "seasonal":
        level = np.zeros(n)
        season = season * 2 if amp > 0.25 else season + 0.3 * X["cos1"].to_numpy()
    else:  # trend
        level = rng.uniform(-0.6, 0.6) * (t - n / 2) / 12
    mu = mean * np.exp(level + season)
    return pd.Series(rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu)).astype(float),
                     index=months)


def dense_series(shape: str, seed: int, n: int = 48) -> pd.Series:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2016-01-01", periods=n, freq="MS")
    X = CalendarDesign(trend=False, fourier=1, ramadan=False).monthly(months)
    mean = float(np.exp(rng.uniform(np.log(20), np.log(300))))
    alpha = rng.uniform(0.02, 0.1)
    t = np.arange(n)
    level = np.cumsum(rng.normal(0, rng.uniform(0.05, 0.2), n))
    season = 0.0
    if shape == "collapse":
        at, width = rng.integers(n // 3, n - 6), rng.integers(3, 13)
        level = level + np.log(rng.uniform(0.1, 0.4)) * np.clip((t - at) / width, 0, 1)
    elif shape == "seasonal":
        level = level * 0.3
        amp, phase = rng.uniform(0.2, 0.5), rng.uniform(0, 2 * np.pi)
        season = amp * (np.cos(phase) * X["sin1"] + np.sin(phase) * X["cos1"]).to_numpy()
    mu = mean * np.exp(level + season)
    return pd.Series(rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu)).astype(float),
                     index=months)


def families() -> dict[str, tuple[dict[str, pd.Series], int, int, int, int | None]]:
    """name: (series, horizon, initial, step, n_windows)."""
    table = pd.read_csv(ROOT / "benchmarks" / "data" / "simulated_nb.csv", dtype=str,
                        keep_default_na=False)
    idx = pd.DatetimeIndex(pd.to_datetime(table["month"]))
    bench = {}
    for c in table.columns[1:]:
        s = pd.Series(pd.to_numeric(table[c].replace("", None)).astype(float).to_numpy(), index=idx)
        bench[c] = s.loc[s.first_valid_index():]
    shapes = ["rw", "collapse", "hump", "seasonal", "trend"]
    short = {f"{s}_{i}": short_series(s, 100 + 1000 * k + i)
             for k, s in enumerate(shapes) for i in range(8)}
    dense = {f"{s}_{i}": dense_series(s, 500 + 1000 * k + i)
             for k, s in enumerate(["rw", "collapse", "seasonal"]) for i in range(8)}
    return {"bench": (bench, 12, 48, 3, 12), "short h6": (short, 6, 24, 1, None),
            "short h3": (short, 3, 24, 1, None), "dense h6": (dense, 6, 24, 1, None)}


def _weights(rule: str, auto: AutoForecaster, scores) -> dict[str, float]:
    if rule == "naive" or scores is None:
        return {"naive": 1.0}  # also the default's fallback without an inner backtest
    per_origin, _ = scores
    names = [c for c in per_origin.columns if c != "pool"]
    mean = per_origin[names].mean()
    if rule == "select":
        return {mean.idxmin(): 1.0}
    if rule == "pool":
        return _inverse(mean)
    return _screen(per_origin, names, "naive")


def one_series(job) -> list[tuple]:
    family, sid, y, horizon, initial, step, n_windows = job
    warnings.simplefilter("ignore")
    frame = as_model_frame(y)
    target = frame_to_monthly(frame)
    out = []
    for origin in _origins(target.index[0], target.index[-1], horizon, step, n_windows, initial):
        train = frame[frame["end"] <= origin].copy()
        train.attrs = {"cutoff": origin}
        auto = AutoForecaster()
        auto.cutoff_ = origin
        cands = auto._candidates()
        scores = auto._inner_scores(train, cands)
        dists = {}
        for name, model in cands.items():
            try:
                dists[name] = model.clone().fit(train).predict_distribution(horizon)
            except ResurgenceError:
                pass
        obs = target.reindex(pd.date_range(origin, periods=horizon, freq="MS")).to_numpy()
        seen = np.isfinite(obs)
        for rule in RULES:
            w = {k: v for k, v in _weights(rule, auto, scores).items() if k in dists}
            w = w or {"naive": 1.0}
            d = CountDistribution.mixture([dists[k] for k in w], list(w.values()))
            lo, hi = d.interval(80)
            crps = d.crps(obs)
            for j in np.flatnonzero(seen):
                out.append((family, sid, rule, crps[j], lo[j] <= obs[j] <= hi[j]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(fam, sid, y, h, init, step, nw)
            for fam, (series, h, init, step, nw) in families().items()
            for sid, y in series.items()]
    with ProcessPoolExecutor(args.workers) as ex:
        rows = [r for part in ex.map(one_series, jobs) for r in part]
    res = pd.DataFrame(rows, columns=["family", "series", "rule", "crps", "covered"])
    crps = res.pivot_table(index="rule", columns="family", values="crps", aggfunc="mean")
    cover = res.pivot_table(index="rule", columns="family", values="covered", aggfunc="mean")
    rel = crps / crps.loc["naive"]
    rel["worst"] = rel.max(axis=1)
    print("mean CRPS relative to the naive method")
    print(rel.loc[list(RULES)].round(3).to_string())
    print("\nmean CRPS")
    print(crps.loc[list(RULES)].round(2).to_string())
    print("\n80% coverage")
    print(cover.loc[list(RULES)].round(3).to_string())


if __name__ == "__main__":
    main()
