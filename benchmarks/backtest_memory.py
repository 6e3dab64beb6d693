"""Backtest of the default forecaster with and without its fit memory, on the UCDP series.

The documented UCDP backtest (docs/forecasting.md, "On real dense series"): seven
dense series, 1-6 months ahead from every month with 24 months of history. Runs it
with ``AutoForecaster()`` (inner fits remembered) and ``AutoForecaster(memory=False)``
in the same process, checks that the two tables are identical, and prints both times,
their ratio and the memory's hits and misses.

    .venv/bin/python benchmarks/backtest_memory.py [--repeat N]
"""

from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd

from resurgence import AutoForecaster, backtest, load_panel, score_backtest

UCDP = ["all", "deir_ez_zor", "homs", "raqqa", "aleppo", "hama", "rif_dimashq"]


def run(data, memory: bool) -> tuple[float, pd.DataFrame, AutoForecaster]:
    model = AutoForecaster(memory=memory)
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bt = backtest(data, {"auto": model}, horizon=6, initial=24)
    return time.perf_counter() - t, bt, model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs of each (best kept)")
    args = ap.parse_args()
    panel = load_panel()
    data = {f"ucdp/syria/{r}/events": panel.frame(f"ucdp/syria/{r}/events") for r in UCDP}
    best = {True: float("inf"), False: float("inf")}
    tables = {}
    for _ in range(max(1, args.repeat)):
        for memory in (False, True):  # alternate, so that machine load hits both
            seconds, bt, model = run(data, memory)
            best[memory] = min(best[memory], seconds)
            tables[memory] = bt
            if memory:
                hits, misses = model.memory.hits, model.memory.misses
    pd.testing.assert_frame_equal(tables[True], tables[False], check_exact=True)
    score = score_backtest(tables[True]).iloc[0]
    print(f"UCDP backtest, 7 series, horizon 6, initial 24: {int(score['n'])} held-out months, "
          f"mean CRPS {score['crps']:.2f}")
    print(f"without memory {best[False]:.1f} s, with memory {best[True]:.1f} s: "
          f"{best[False] / best[True]:.2f}x faster; inner fits {hits} remembered, {misses} done; "
          "tables identical")


if __name__ == "__main__":
    main()
