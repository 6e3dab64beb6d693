"""Level-shift signal from the changepoint engine: a new, higher segment has just begun.

For the month judged, :func:`resurgence.detect_changepoints` (negative-binomial
cost with exposures and robust dispersion, MBIC penalty, PELT, ``min_size=2``)
segments the counts of
the baseline's span up to and including the month. Each count's exposure is
multiplied by the baseline's seasonal and trend pattern (relative to the month
judged), so the engine looks for changes in the rate *relative to the expected
pattern*: a steady trend or a seasonal peak is not a level shift. The engine's
lag-1 dependence correction is switched off: the window is at most ``years``
years, and a shift in its last two months inflates that estimate enough to hide
the shift itself (the baseline assumes independent months too).

The month is flagged when the last segment starts within the last ``recent``
months (the month judged counts as one), the month judged is above the level
before, and the new segment's rate ratio to the segment before is significant
at one-sided level ``alpha`` -- also without its highest month, so that one
spike (the Farrington threshold's business) does not pass for a level shift and
keep signalling in the months after it. The test is an exact
conditional (Clopper-Pearson) bound with counts scaled by the baseline's
dispersion (:func:`rate_ratio_test`), because the Wald interval on the log ratio
is far too narrow for the few counts of a two-month segment (it tripled the
false alarms at a mean of 0.5 a month). The p-value averages the test over the
dispersion's sampling error (the nodes the Farrington predictive uses); the
interval reported is at the estimated dispersion. Because a segment
needs two observed counts, this signal can fire from the second month of an
escalation on; the Farrington threshold covers the first.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy import stats

from ..changepoints import NegativeBinomialCost
from ..changepoints.penalties import make_penalty
from ..changepoints.search.batch import segment_many
from ..errors import ResurgenceError
from .base import Detector, Evaluation, History
from .baseline import Baseline
from .farrington import Farrington
from .predictive import _phi_factors

__all__ = ["LevelShift", "rate_ratio_test"]


class LevelShift(Detector):
    """A recent, significant upward level shift (changepoint engine).

    Parameters
    ----------
    recent : int
        The new segment must start within this many months, the month judged
        included (default 3).
    alpha : float
        One-sided level of the rate-ratio test.
    penalty : str or float
        Changepoint penalty (``"mbic"`` by default).
    baseline : Farrington
        Supplies the span (``years``, ``gap``) and the seasonal/trend pattern when
        no fitted baseline is passed to :meth:`evaluate`.

    Examples
    --------
    >>> import pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> y = pd.Series(np.r_[rng.poisson(6, 58), [19, 22]].astype(float),
    ...               index=pd.date_range("2019-01", periods=60, freq="MS"))
    >>> ev = LevelShift().evaluate(History.from_series(y, "2023-12"))
    >>> ev.flag, ev.details["segment_start"]
    (True, '2023-11')
    """

    name = "levelshift"

    def __init__(self, *, recent: int = 3, alpha: float = 0.0025, penalty: str | float = "mbic",
                 baseline: Farrington | None = None) -> None:
        self.recent = recent
        self.alpha = alpha
        self.penalty = penalty
        self.baseline = baseline

    def _farrington(self) -> Farrington:
        return self.baseline if self.baseline is not None else Farrington()

    def evaluate(self, history: History, *, baseline: Baseline | str | None = None) -> Evaluation:
        """Judge ``history.month``: did a significantly higher segment begin recently?"""
        out = self.evaluate_many([history], [baseline])[0]
        if isinstance(out, ResurgenceError):
            raise out
        return out

    def evaluate_many(self, histories: Sequence[History],
                      baselines: Sequence[Baseline | str | None] | None = None
                      ) -> list[Evaluation | ResurgenceError]:
        """:meth:`evaluate` for many histories, their segmentations searched together.

        The search is exact (:func:`~resurgence.changepoints.search.batch.segment_many`),
        so each evaluation is the one :meth:`evaluate` gives alone.
        """
        bases = list(baselines) if baselines is not None else [None] * len(histories)
        out: list = [None] * len(histories)
        todo = []
        for i, (h, b) in enumerate(zip(histories, bases)):
            try:
                setup = self._setup(h, b)
            except ResurgenceError as exc:
                out[i] = exc
                continue
            if isinstance(setup, Evaluation):
                out[i] = setup
            else:
                todo.append((i, setup))
        if todo:
            segs = segment_many([st[3] for _, st in todo], [st[4].value for _, st in todo],
                                min_size=2, shape=todo[0][1][4].shape)
            for (i, st), seg in zip(todo, segs):
                out[i] = self._finish(histories[i], st, seg.indices)
        return out

    def _setup(self, history: History, baseline: Baseline | str | None):
        """The segmentation problem of ``history.month``, or the evaluation without one."""
        if np.isnan(history.observed):
            return Evaluation.insufficient(self.name, history, "no count for this month")
        far = self._farrington()
        base = far.baseline(history) if baseline is None else baseline
        if isinstance(base, str):
            return Evaluation.insufficient(self.name, history, base)
        t = history.t
        keep = (history.start + history.end) / 2.0 >= t - 12.0 * far.years - far.half_window
        start = np.r_[history.start[keep], t]
        end = np.r_[history.end[keep], t + 1.0]
        y = np.r_[history.value[keep], history.observed]
        months = end - start
        pattern = base.log_mean(start, end) - np.log(months) - np.log(base.expected)
        expo = months * np.exp(pattern)
        if len(y) < 4:
            return Evaluation.insufficient(self.name, history, f"only {len(y)} counts to segment")
        cost = NegativeBinomialCost(dependence=False)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cost.fit(y, expo)
                pen = make_penalty(self.penalty, n_params=cost.n_params, n=len(y))
        except ResurgenceError as exc:
            return Evaluation.insufficient(self.name, history, f"changepoints: {exc}")
        return base, (start, y, expo), None, cost, pen

    def _finish(self, history: History, setup, indices: np.ndarray) -> Evaluation:  # noqa: ANN001
        base, (start, y, expo), _, _, _ = setup
        t = history.t
        bounds = [0, *(int(i) for i in indices)]
        last = bounds[-1]
        months_ago = int(np.floor(t - start[last] + 1e-9))
        if last == 0 or months_ago >= self.recent:
            rate = float(y[last:].sum() / expo[last:].sum())
            why = ("no level shift in the baseline span" if last == 0 else
                   f"no recent level shift (last change {_ym(start[last])}, "
                   f"{months_ago} months ago)")
            return Evaluation(self.name, history.month, history.observed, rate, float("nan"),
                              0.0, 1.0, False, why, "ok",
                              {"segment_start": None if last == 0 else _ym(start[last]),
                               "n_changepoints": len(bounds) - 1})
        prev = bounds[-2]
        y1, e1 = float(y[prev:last].sum()), float(expo[prev:last].sum())
        y2, e2 = float(y[last:].sum()), float(expo[last:].sum())
        phi = base.phi_used
        ratio, lo, hi, _ = rate_ratio_test(y1, e1, y2, e2, phi=phi, alpha=self.alpha)
        # a level shift is more than one high count: the segment without its highest
        # rate must still be significant (a lone spike is the Farrington threshold's job)
        rates = y[last:] / expo[last:]
        top = last + int(np.argmax(rates))
        p = max(self._p(base, y1, e1, y2, e2),
                self._p(base, y1, e1, y2 - float(y[top]), e2 - float(expo[top])))
        now_up = float(y[-1]) > float(expo[-1]) * y1 / e1  # this month is above the old level
        before = y1 / e1
        expected = before  # rate of the previous segment for the month judged (pattern = 1 at t)
        spread = ratio / lo if lo > 0 and np.isfinite(ratio) else float("inf")
        threshold = expected * spread
        flag = bool(p <= self.alpha and now_up)
        # log(p) / log(alpha): above 1 exactly when the test is significant; a month that
        # is not above the old level cannot score above 1 (it is not flagged)
        score = float(np.log(max(p, 1e-300)) / np.log(self.alpha)) if p < 1 else 0.0
        if not now_up:
            score = min(score, 1.0)
        label = _ym(start[last])
        what = (f"segment from {label} ({y2:g} in {e2:.1f} months): rate ratio {ratio:.2f} "
                f"[{lo:.2f}, {hi:.2f}] vs the level before ({before:.1f}/month), p = {p:.2g}")
        if flag:
            reason = f"level shift up: {what}"
        elif p <= self.alpha:
            reason = f"recent level shift, but this month is not above the old level: {what}"
        else:
            reason = f"recent change not significant: {what}"
        return Evaluation(self.name, history.month, history.observed, expected, threshold,
                          score, p, flag, reason, "ok",
                          {"segment_start": label, "ratio": ratio, "ratio_lo": lo,
                           "ratio_hi": hi, "n_changepoints": len(bounds) - 1})

    @staticmethod
    def _p(base: Baseline, y1: float, e1: float, y2: float, e2: float) -> float:
        """One-sided p-value of ratio <= 1, averaged over the dispersion's sampling error."""
        if e2 <= 0 or y2 <= 0:
            return 1.0
        raw = base.phi if np.isfinite(base.phi) else 1.0
        return float(np.mean([rate_ratio_test(y1, e1, y2, e2, phi=max(raw * f, 1.0))[3]
                              for f in _phi_factors(int(max(base.df, 1)))]))


def rate_ratio_test(y1: float, e1: float, y2: float, e2: float, *, phi: float = 1.0,
                    alpha: float = 0.0025) -> tuple[float, float, float, float]:
    r"""Rate ratio after/before, its ``1 - 2 alpha`` interval and the one-sided p-value.

    Conditional on the total, the later count is binomial with probability
    :math:`\pi = e_2\lambda_2/(e_1\lambda_1 + e_2\lambda_2)` (exact for Poisson
    counts; Clopper-Pearson bounds through the beta distribution). Overdispersed
    counts enter divided by ``phi`` (their effective Poisson size), as the
    changepoint engine's segment intervals do. The p-value tests ratio <= 1.

    Examples
    --------
    >>> r, lo, hi, p = rate_ratio_test(30, 60, 12, 2, alpha=0.0025)
    >>> round(r, 1), lo > 1, p < 1e-4
    (12.0, True, True)
    """
    a, b = y2 / phi, y1 / phi
    n = a + b
    pi0 = e2 / (e1 + e2)
    ratio = (y2 / e2) / (y1 / e1) if y1 > 0 else float("inf")
    p = float(stats.beta.cdf(pi0, a, b + 1.0)) if a > 0 else 1.0
    odds = e1 / e2
    p_lo = float(stats.beta.ppf(alpha, a, b + 1.0)) if a > 0 else 0.0
    p_hi = float(stats.beta.ppf(1.0 - alpha, a + 1.0, b)) if b > 0 else 1.0
    lo = p_lo / (1.0 - p_lo) * odds if p_lo < 1 else float("inf")
    hi = p_hi / (1.0 - p_hi) * odds if p_hi < 1 else float("inf")
    return ratio, lo, hi, min(p, 1.0) if n > 0 else 1.0


def _ym(clock: float) -> str:
    c = int(np.floor(clock + 1e-9))
    return f"{c // 12:04d}-{c % 12 + 1:02d}"
