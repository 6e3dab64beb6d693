"""Benchmark: resurgence PELT against ruptures' Pelt on the same Gaussian series and penalty.

Both run the exact search (ruptures ``Pelt(model="l2", min_size=2, jump=1)``,
resurgence ``detect_changepoints``' engine with ``cost="l2"``, ``min_size=2``)
with the same penalty, on a piecewise-constant Gaussian series with a change
every ~``n/10`` points. Prints the breakpoints check and the speed ratio
(ruptures time / resurgence time, best of ``--repeat`` runs each).

    python benchmarks/changepoints.py            # n = 1,000 and 10,000
    python benchmarks/changepoints.py --n 1000   # one size
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np


def make_series(n: int, seed: int) -> tuple[np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    n_seg = 10
    bkps = sorted(rng.choice(np.arange(n // 20, n - n // 20), n_seg - 1, replace=False).tolist())
    means = rng.normal(0, 2.0, n_seg)
    y = np.empty(n)
    for m, a, b in zip(means, [0, *bkps], [*bkps, n]):
        y[a:b] = m
    return y + rng.normal(0, 1.0, n), bkps


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    import ruptures as rpt

    from resurgence.changepoints.costs import make_cost
    from resurgence.changepoints.search import pelt

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, ruptures "
          f"{rpt.__version__ if hasattr(rpt, '__version__') else '?'}, {platform.machine()}")
    for n in args.n:
        y, truth = make_series(n, args.seed)
        pen = 3.0 * np.log(n)  # MBIC-sized, on the unit-variance l2 scale

        def ours() -> list[int]:
            return pelt(make_cost("l2").fit(y), pen, min_size=2).indices.tolist() + [n]

        def theirs() -> list[int]:
            return rpt.Pelt(model="l2", min_size=2, jump=1).fit(y).predict(pen=pen)

        rep_r = 1 if n > 5000 else args.repeat
        t_ours, b_ours = best_time(ours, args.repeat)
        t_rpt, b_rpt = best_time(theirs, rep_r)
        same = b_ours == b_rpt
        print(f"n={n:>6}: resurgence {t_ours * 1e3:9.1f} ms, ruptures {t_rpt * 1e3:10.1f} ms, "
              f"ratio {t_rpt / t_ours:6.1f}x, identical breakpoints: {same} "
              f"({len(b_ours) - 1} changepoints, {len(truth)} simulated)")
        if not same:
            print("  resurgence:", b_ours)
            print("  ruptures:  ", b_rpt)


if __name__ == "__main__":
    main()
