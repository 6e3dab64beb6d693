"""Combine the detectors' evaluations of one month into a verdict with reasons and a severity.

Rule: the month is flagged when **any** detector flags it. With per-month
false-alarm probabilities :math:`\\alpha_i` in control, the verdict's is at most
:math:`\\sum_i \\alpha_i` (the union bound; the detectors overlap, so the realised
rate is lower -- ``docs/alerts.md`` has the measured figures).

Severity (``none`` < ``moderate`` < ``high`` < ``critical``):

=============  ==============================================================
``none``       no detector flags the month
``moderate``   one detector flags it
``high``       two detectors flag it, or the smallest p-value is below 1e-4
``critical``   all three built-in detectors flag it, or the smallest p-value is below 1e-6
=============  ==============================================================

The verdict's ``expected`` and ``threshold`` are the Farrington detector's (the
month's expected count and the count above which it alone would alert); its
``score`` is the largest detector score (each at least 1 when its detector flags
the month, at most 1 otherwise) and its ``p_value`` the smallest detector p-value (not adjusted for the three
looks; the union bound above is what is calibrated).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from .base import Evaluation

__all__ = ["Verdict", "combine", "SEVERITIES"]

SEVERITIES = ("none", "moderate", "high", "critical")


@dataclass(frozen=True)
class Verdict:
    """The combined judgement of one series in one month."""

    month: pd.Timestamp
    observed: float
    expected: float
    threshold: float
    score: float
    p_value: float
    flag: bool
    severity: str
    detectors: tuple[str, ...]
    reasons: tuple[str, ...]
    status: str
    evaluations: tuple[Evaluation, ...] = field(repr=False, default=())

    def record(self) -> dict:
        """The verdict as a flat dict (``detectors`` and ``reasons`` joined)."""
        return {"month": self.month, "observed": self.observed, "expected": self.expected,
                "threshold": self.threshold, "score": self.score, "p_value": self.p_value,
                "flag": self.flag, "severity": self.severity,
                "detectors": "+".join(self.detectors), "reasons": " | ".join(self.reasons),
                "status": self.status}

    def checks(self) -> list[dict]:
        """Every detector's evaluation as a dict (for machine-readable output)."""
        return [{"detector": e.detector, "status": e.status, "flag": e.flag,
                 "expected": e.expected, "threshold": e.threshold, "score": e.score,
                 "p_value": e.p_value, "reason": e.reason} for e in self.evaluations]


def _min(values: list[float]) -> float:
    vals = [v for v in values if v == v]
    return min(vals) if vals else float("nan")


def combine(evaluations: Sequence[Evaluation], *, primary: str = "farrington") -> Verdict:
    """Combine detector evaluations of one month into a :class:`Verdict`.

    Examples
    --------
    >>> m = pd.Timestamp("2024-01-01")
    >>> evs = [Evaluation("farrington", m, 26.0, 10.6, 21.0, 1.5, 0.002, True, "26 above 21"),
    ...        Evaluation("cusum", m, 26.0, 10.6, 30.0, 0.6, 0.04, False, "no sustained rise")]
    >>> v = combine(evs)
    >>> v.flag, v.severity, v.detectors, v.p_value
    (True, 'moderate', ('farrington',), 0.002)
    """
    if not evaluations:
        raise ValueError("no evaluations to combine")
    first = evaluations[0]
    ok = [e for e in evaluations if e.status == "ok"]
    fired = [e for e in ok if e.flag]
    main = next((e for e in ok if e.detector == primary), ok[0] if ok else first)
    p = _min([e.p_value for e in ok])
    scores = [e.score for e in ok if e.score == e.score]
    score = max(scores) if scores else float("nan")
    if not ok:
        return Verdict(first.month, first.observed, float("nan"), float("nan"), float("nan"),
                       float("nan"), False, "none", (), (first.reason,), "insufficient",
                       tuple(evaluations))
    if not fired:
        severity = "none"
    elif len(fired) >= 3 or p < 1e-6:
        severity = "critical"
    elif len(fired) == 2 or p < 1e-4:
        severity = "high"
    else:
        severity = "moderate"
    reasons = tuple(f"{e.detector}: {e.reason}" for e in (fired or [main]))
    return Verdict(first.month, first.observed, main.expected, main.threshold, float(score),
                   float(p), bool(fired), severity, tuple(e.detector for e in fired), reasons,
                   "ok", tuple(evaluations))


def severity_rank(severity: str) -> int:
    """Position of ``severity`` in :data:`SEVERITIES` (``none`` = 0).

    Examples
    --------
    >>> severity_rank("high")
    2
    """
    return SEVERITIES.index(severity)
