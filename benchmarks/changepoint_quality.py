"""Detection quality of the default settings on our own simulated families.

For each family of :mod:`resurgence.changepoints.simulate` (n = 200, seeds
1000-1039): mean precision, recall and F1 with a margin of 5 positions, the
mean number of extra changepoints and the share of series with a false
changepoint (one further than the margin from every true change). These are
the figures in ``docs/changepoints.md``; ``tests/test_changepoints_detection.py``
asserts minimums for them.

    python benchmarks/changepoint_quality.py            # n = 200, 40 seeds
    python benchmarks/changepoint_quality.py --n 60     # short series

The families are our own simulations: the defaults are tuned on these, never on
an external benchmark's annotations.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from resurgence import detect_changepoints
from resurgence.changepoints.simulate import FAMILIES, f1_score, simulate


LEAKED: list[str] = []  # RuntimeWarnings that escaped detect_changepoints (a bug if any)


def score_family(fam: str, reps: int, n: int, margin: int) -> tuple[float, ...]:
    rows = []
    for seed in range(1000, 1000 + reps):
        y, truth = simulate(fam, n=n, seed=seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            idx = detect_changepoints(y).indices.tolist()
        LEAKED.extend(f"{fam} seed {seed}: {w.message}" for w in caught
                      if issubclass(w.category, RuntimeWarning))
        false = sum(all(abs(i - t) > margin for t in truth) for i in idx)
        rows.append((*f1_score(idx, truth, margin), len(idx) - len(truth), false > 0))
    return tuple(np.mean(rows, axis=0))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--margin", type=int, default=5)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print("| family | precision | recall | F1 | extra changepoints | any false |\n"
          "|---|---|---|---|---|---|")
    f1s = []
    for fam in FAMILIES:
        p, r, f, extra, anyfalse = score_family(fam, args.reps, args.n, args.margin)
        f1s.append(f)
        print(f"| {fam} | {p:.2f} | {r:.2f} | {f:.2f} | {extra:+.2f} | {anyfalse:.2f} |")
    print(f"\nmean F1 over {len(FAMILIES)} families: {np.mean(f1s):.3f} "
          f"(n = {args.n}, {args.reps} seeds, {time.perf_counter() - t0:.0f} s)")
    print(f"RuntimeWarnings leaked: {len(LEAKED)}", *LEAKED[:5], sep="\n  ")


if __name__ == "__main__":
    main()
