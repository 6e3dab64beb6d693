"""Our Farrington baseline against R ``surveillance::farringtonFlexible`` on the same series.

Both run the improved algorithm (Noufaily et al. 2013) on monthly counts with the
same settings: ``b = 5`` years, ``w = 1`` month, ``noPeriods = 4``, the last 3
months left out, Anscombe-residual reweighting above 2.58, a trend when
significant at 5 %, the plug-in negative-binomial threshold ("nbPlugin") at the
99.5 % quantile (R's ``alpha = 0.01`` is two-sided). Ours is configured the same
way (``reweight="anscombe"``, plug-in predictive); the defaults differ on purpose
(quantile residuals, estimation error in the threshold, a looser trend guard;
``docs/alerts.md``). The series are seasonal NB without trend, where the two
trend rules rarely disagree.

Needs R with the ``surveillance`` package (``apt-get install r-cran-surveillance``)::

    .venv/bin/python benchmarks/alerts_vs_surveillance.py

Prints the agreement of the expected counts, dispersions and thresholds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from resurgence.alerts import Farrington, History
from resurgence.alerts.predictive import predictive

R_SCRIPT = r"""
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
y <- read.csv(args[1])
out <- NULL
for (s in unique(y$series)) {
  v <- y$value[y$series == s]
  x <- sts(observed = matrix(v, ncol = 1), start = c(2010, 1), frequency = 12)
  n <- length(v)
  ctl <- list(range = (n - 35):n, b = 5, w = 1, noPeriods = 4, pastWeeksNotIncluded = 3,
              reweight = TRUE, weightsThreshold = 2.58, trend = TRUE,
              pThresholdTrend = 0.05, thresholdMethod = "nbPlugin", alpha = 0.005,
              limit54 = c(0, 4), glmWarnings = FALSE)
  r <- farringtonFlexible(x, control = ctl)
  out <- rbind(out, data.frame(series = s, t = ctl$range, expected = r@control$expected[, 1],
                               upper = upperbound(r)[, 1], phi = r@control$phiVector[, 1],
                               trend = r@control$trend[, 1]))
}
write.csv(out, args[2], row.names = FALSE)
"""


def main() -> int:
    if shutil.which("Rscript") is None:
        print("Rscript not found: apt-get install r-cran-surveillance", file=sys.stderr)
        return 1
    rng = np.random.default_rng(2024)
    rows = []
    n = 96
    t = np.arange(n)
    for s in range(40):
        mean = [3.0, 10.0, 30.0, 80.0][s % 4]
        phi = [1.0, 2.0, 4.0][s % 3]
        mu = mean * np.exp(0.4 * np.sin(2 * np.pi * t / 12 + rng.uniform(0, 6.3)))
        y = rng.poisson(mu) if phi == 1 else rng.negative_binomial(mu / (phi - 1), 1 / phi)
        rows += [{"series": s, "t": i + 1, "value": int(v)} for i, v in enumerate(y)]
    data = pd.DataFrame(rows)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst, script = Path(tmp, "y.csv"), Path(tmp, "r.csv"), Path(tmp, "f.R")
        data.to_csv(src, index=False)
        script.write_text(R_SCRIPT)
        subprocess.run(["Rscript", str(script), str(src), str(dst)], check=True)
        ref = pd.read_csv(dst)
    far = Farrington(reweight="anscombe", alpha=0.005)
    ours = []
    for (s, tt), _ in ref.groupby(["series", "t"]):
        v = data.loc[data["series"] == s, "value"].to_numpy(float)
        y = pd.Series(v, index=pd.date_range("2010-01-01", periods=n, freq="MS"))
        h = History.from_series(y, y.index[tt - 1])
        b = far.baseline(h)
        ours.append({"series": s, "t": tt, "expected_ours": b.expected,
                     "upper_ours": predictive(b, uncertainty=False).threshold(0.005),
                     "phi_ours": b.phi_used, "trend_ours": int(b.trend)})
    both = ref.merge(pd.DataFrame(ours), on=["series", "t"])
    rel = (both["expected_ours"] / both["expected"] - 1).abs()
    same_trend = both["trend"].fillna(0).astype(int) == both["trend_ours"]
    agree = both[same_trend]
    print(f"{len(both)} series-months (40 seasonal NB series, 8 years, last 36 months judged)")
    print(f"trend decision identical: {same_trend.mean():.1%}")
    print("where the trend decisions agree:")
    print(f"  expected: median |relative difference| {rel[same_trend].median():.2e}, "
          f"max {rel[same_trend].max():.2e}")
    print(f"  dispersion: max |difference| {(agree['phi'] - agree['phi_ours']).abs().max():.2e}")
    print(f"  99.5% threshold identical: {(agree['upper'] == agree['upper_ours']).mean():.1%}, "
          f"within 1 count: {((agree['upper'] - agree['upper_ours']).abs() <= 1).mean():.1%}")
    if "--show" in sys.argv:
        print(both.head(20).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
