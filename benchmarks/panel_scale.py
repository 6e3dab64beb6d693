#!/usr/bin/env python3
"""Scale: the monthly pass (changepoints + alerts) over 20,000 series of 240 months.

Generates a long panel ``series_id, month, value`` of negative-binomial monthly
series (seeded): means from 0.5 to 100 a month, variance/mean from 1 (Poisson)
to about 20, a quarter seasonal, a quarter trending, a fifth with a level shift,
a tenth with 10 % of months missing, 3 % of series escalating in their last
months. Then, each in a fresh child process, it runs :func:`resurgence.run_panel`
(tasks changepoints + alerts, the month judged = the last month) with

* ``serial``: in-process (``executor=None``);
* ``processes``: a ``ProcessPoolExecutor`` with one process per core;
* ``dask``: a local Dask cluster (``distributed.LocalCluster``, one worker process
  per core, one thread each) through its ``Client``;

and prints wall time, series per second and the peak memory of the whole process
tree (the sum of the resident sizes of the child and all its descendants --
pool and Dask worker processes -- sampled every 0.1 s with ``psutil``, which Dask
brings). It checks that the three runs give identical tables.

The reference is a plain per-series loop over the same models on a 500-series
subsample: ``detect_changepoints(series)`` and ``judge(History.from_series(series,
month))`` for each series, against ``run_panel`` (serial) on the same 500 series,
both in this process; the ratio is printed.

Usage::

    python benchmarks/panel_scale.py [--series 20000] [--months 240] [--subsample 500]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def generate(n_series: int, n_months: int, seed: int = 20240101) -> pd.DataFrame:
    """The simulated long panel (see the module docstring)."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2006-01-01", periods=n_months, freq="MS")
    t = np.arange(n_months)
    mu = np.exp(rng.uniform(np.log(0.5), np.log(100.0), n_series))[:, None] * np.ones(n_months)
    kind = rng.random(n_series)
    seasonal = kind < 0.25
    mu[seasonal] *= np.exp(0.5 * np.sin(2 * np.pi * (t + rng.integers(0, 12)) / 12))
    trend = (kind >= 0.25) & (kind < 0.5)
    mu[trend] *= np.exp(np.outer(rng.uniform(-0.1, 0.1, trend.sum()), t / 12))
    shift = rng.random(n_series) < 0.2
    for i in np.flatnonzero(shift):
        mu[i, rng.integers(24, n_months - 6):] *= rng.choice([0.4, 2.5])
    escalate = rng.random(n_series) < 0.03
    mu[escalate, -2:] *= 4.0
    size = rng.choice([0.6, 2.0, 6.0, 1e6], n_series)[:, None]
    y = rng.negative_binomial(size, size / (size + mu)).astype(float)
    gappy = rng.random(n_series) < 0.1
    y[gappy] = np.where(rng.random((gappy.sum(), n_months)) < 0.1, np.nan, y[gappy])
    y[:, -1] = np.where(np.isnan(y[:, -1]), 0.0, y[:, -1])
    ids = np.array([f"s{i:05d}" for i in range(n_series)])
    return pd.DataFrame({"series_id": np.repeat(ids, n_months),
                         "month": np.tile(months, n_series), "value": y.ravel()})


class TreeMemory:
    """Peak summed RSS of this process and its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.1) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except Exception:  # noqa: BLE001 - a process that just ended
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.peak = max(self.peak, self._sample())
        self._stop.set()
        self._thread.join()


def child(mode: str, data: str, out: str) -> None:
    """One timed run in a fresh process; writes its figures and tables."""
    warnings.simplefilter("ignore")
    from resurgence import run_panel

    long = pd.read_parquet(data) if data.endswith(".parquet") else pd.read_pickle(data)
    workers = os.cpu_count() or 1
    with TreeMemory() as mem:
        t0 = time.perf_counter()
        if mode == "serial":
            res = run_panel(long)
        elif mode == "processes":
            res = run_panel(long, executor=workers)
        else:
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                t_up = time.perf_counter()
                res = run_panel(long, executor=client)
        wall = time.perf_counter() - t0
    figures = {"mode": mode, "wall": wall, "peak_mb": mem.peak / 2**20,
               "series": int(long["series_id"].nunique()),
               "judged": len(res.alerts), "flagged": int(res.alerts["flag"].sum()),
               "changepoints": len(res.changepoints), "failures": len(res.failures)}
    if mode == "dask":
        figures["cluster_startup"] = t_up - t0
    pd.to_pickle({"figures": figures, "tables": {k: getattr(res, k) for k in
                  ("series", "segments", "changepoints", "alerts", "failures")}}, out)


def plain_loop(long: pd.DataFrame, n: int) -> dict:
    """The same models, one series at a time, against run_panel on the same series."""
    from resurgence import detect_changepoints, run_panel
    from resurgence.alerts.base import History
    from resurgence.alerts.monitor import judge
    from resurgence.errors import ResurgenceError

    ids = sorted(long["series_id"].unique())[:n]
    sub = long[long["series_id"].isin(set(ids))]
    month = sub["month"].max()
    series = {sid: g.set_index("month")["value"] for sid, g in sub.groupby("series_id")}
    t0 = time.perf_counter()
    flags = 0
    for sid, y in series.items():
        y = y.loc[y.first_valid_index():]
        try:
            detect_changepoints(y)
        except ResurgenceError:
            pass
        if not np.isnan(y.iloc[-1]):
            flags += judge(History.from_series(y, month)).flag
    loop = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = run_panel(sub)
    runner = time.perf_counter() - t0
    assert int(res.alerts["flag"].sum()) == flags, "runner and loop disagree"
    return {"n": len(series), "loop": loop, "runner": runner, "ratio": loop / runner}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--series", type=int, default=20000)
    ap.add_argument("--months", type=int, default=240)
    ap.add_argument("--subsample", type=int, default=500)
    ap.add_argument("--modes", default="serial,processes,dask")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    warnings.simplefilter("ignore")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"load average {os.getloadavg()[0]:.2f}")
    t0 = time.perf_counter()
    long = generate(args.series, args.months)
    print(f"generated {args.series:,} series x {args.months} months "
          f"({len(long):,} rows) in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        data = str(Path(tmp) / "panel.pkl")
        long.to_pickle(data)
        results = {}
        for mode in args.modes.split(","):
            out = str(Path(tmp) / f"{mode}.pkl")
            subprocess.run([sys.executable, __file__, "--child", mode, data, out], check=True,
                           cwd=ROOT)
            results[mode] = pd.read_pickle(out)
            f = results[mode]["figures"]
            extra = (f", of which cluster start-up {f['cluster_startup']:.1f} s"
                     if "cluster_startup" in f else "")
            print(f"{mode:>10}: {f['wall']:7.1f} s{extra}, {f['series'] / f['wall']:7.1f} "
                  f"series/s, peak memory {f['peak_mb']:,.0f} MB (process tree); "
                  f"{f['judged']:,} judged, {f['flagged']} flagged, {f['changepoints']:,} "
                  f"changepoints, {f['failures']} failures")
        first = next(iter(results.values()))["tables"]
        same = all(r["tables"][k].equals(first[k]) for r in results.values() for k in first)
        print(f"identical tables across {', '.join(results)}: {same}")
    loop = plain_loop(long, args.subsample)
    print(f"plain per-series loop on {loop['n']} series: {loop['loop']:.1f} s; run_panel on "
          f"the same series: {loop['runner']:.1f} s; ratio {loop['ratio']:.1f}x")
    print(json.dumps({k: v["figures"] for k, v in results.items()} | {"loop": loop}))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
