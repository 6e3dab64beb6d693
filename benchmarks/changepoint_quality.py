"""Detection quality of the default settings on our own simulated families.

For each family of :mod:`resurgence.changepoints.simulate` (n = 200, seeds
1000-1039): mean precision, recall and F1 with a margin of 5 positions, and the
mean number of extra changepoints. These are the figures in
``docs/changepoints.md``; ``tests/test_changepoints_detection.py`` asserts
minimums for them.

    python benchmarks/changepoint_quality.py
"""

from __future__ import annotations

import numpy as np

from resurgence import detect_changepoints
from resurgence.changepoints.simulate import FAMILIES, f1_score, simulate


def main(reps: int = 40, n: int = 200, margin: int = 5) -> None:
    print("| family | precision | recall | F1 | extra changepoints |\n|---|---|---|---|---|")
    f1s = []
    for fam in FAMILIES:
        rows = []
        for seed in range(1000, 1000 + reps):
            y, truth = simulate(fam, n=n, seed=seed)
            res = detect_changepoints(y)
            rows.append((*f1_score(res.indices.tolist(), truth, margin), len(res.indices) - len(truth)))
        p, r, f, extra = np.mean(rows, axis=0)
        f1s.append(f)
        print(f"| {fam} | {p:.2f} | {r:.2f} | {f:.2f} | {extra:+.2f} |")
    print(f"\nmean F1 over families: {np.mean(f1s):.2f}")


if __name__ == "__main__":
    main()
