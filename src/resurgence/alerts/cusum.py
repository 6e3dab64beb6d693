r"""Negative-binomial CUSUM for sustained rises (Hawkins & Olwell 1998), windowed.

In control, a count over ``e`` months has the Farrington baseline's mean
:math:`m` and NB size :math:`r = m/(\phi-1)` (variance :math:`\phi m`; Poisson when
:math:`\phi = 1`); out of control its mean is :math:`k m` with the same size. The
log-likelihood ratio of a count ``y`` is

.. math:: \ell(y) = y \log\frac{k(r+m)}{r+km} + r\log\frac{r+m}{r+km}
          \qquad (\text{Poisson: } y\log k - (k-1)m),

and :math:`S_j = \max(0, S_{j-1} + \ell(y_j))`, starting from 0.

**Window.** The statistic runs over the counts the baseline left out -- those
ending in the last ``gap`` months -- and the month judged, every in-control mean
coming from the one baseline fitted for that month. So a month's verdict depends
only on data up to that month (nothing carries over from earlier runs), and the
counts it accumulates are out of sample.

**Decision interval and p-value.** The in-control distribution of :math:`S_j` is
propagated exactly on a grid (Brook & Evans 1972), step by step, with each
step's own mean, *averaged over the baseline's estimation error*: the log mean
error is shared by every month of the window (5 Gauss-Hermite nodes) and the
dispersion varies with its :math:`\chi^2` sampling error (3 nodes). The decision
interval :math:`h_j` of step ``j`` is the ``1 - alpha`` quantile of :math:`S_j`;
the month judged is flagged when P(:math:`S \ge` observed) <= ``alpha``.
**Reset after an alarm:** a count of the window that on its own reaches
:math:`h_j` (a spike, which the threshold detector reports in its month) restarts
:math:`S` from 0 -- in the data and in the propagated distribution -- so one
spike does not keep signalling in the months after it. Accumulated evidence is
not reset: a sustained rise keeps signalling while it lasts. (Resetting
whenever the *sum* crossed :math:`h_j` made each month's run discard the very
rise the previous month's run, with its own baseline, had not yet called.)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats
from scipy import fft as sp_fft
from scipy.special import gammaln

from .base import Detector, Evaluation, History
from .baseline import Baseline
from .farrington import Farrington

__all__ = ["NBCusum", "llr_coefficients"]

_MAX_GRID = 3000
_REACH = 4.0
_MAX_Y = 4000
_PER_COUNT = 4  # grid cells per count: increments are rounded to a quarter count


def llr_coefficients(m: np.ndarray, phi: np.ndarray | float, k: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Slope ``a`` and intercept ``b`` of :math:`\\ell(y) = a y + b` (broadcasting).

    Examples
    --------
    >>> a, b = llr_coefficients(np.array([10.0]), 1.0, 2.0)   # Poisson: y log 2 - 10
    >>> round(float(a[0]), 4), float(b[0])
    (0.6931, -10.0)
    """
    m = np.asarray(m, float)
    phi = np.broadcast_to(np.asarray(phi, float), np.broadcast(m, np.asarray(phi)).shape)
    m = np.broadcast_to(m, phi.shape)
    pois = phi <= 1.0 + 1e-9
    r = m / np.where(pois, 1.0, phi - 1.0)
    a = np.where(pois, np.log(k), np.log(k * (r + m) / (r + k * m)))
    b = np.where(pois, -(k - 1.0) * m, r * np.log((r + m) / (r + k * m)))
    return a, b


def _logpmf(y: np.ndarray, m: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """NB (variance phi*m) or Poisson log pmf, broadcasting ``y`` (last axis) over nodes."""
    pois = phi <= 1.0 + 1e-9
    r = m / np.where(pois, 1.0, phi - 1.0)
    q = np.where(pois, 2.0, phi)
    nb = (gammaln(y + r) - gammaln(r) - gammaln(y + 1.0) + r * np.log(1.0 / q)
          + y * np.log1p(-1.0 / q))
    po = y * np.log(m) - m - gammaln(y + 1.0)
    return np.where(pois, po, nb)


@lru_cache(maxsize=1)
def _eps_nodes() -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(5)
    return x, w / w.sum()


@lru_cache(maxsize=4096)
def _phi_nodes(df: int) -> np.ndarray:
    if df >= 400:
        return np.ones(1)
    return df / stats.chi2.ppf([1 / 6, 0.5, 5 / 6], df)


class _Null:
    """The in-control distribution of the windowed CUSUM, step by step, on a grid."""

    def __init__(self, m: np.ndarray, phi: float, df: int, se: float, k: float) -> None:
        x, wx = _eps_nodes()
        fac = _phi_nodes(max(int(df), 1))
        eps = np.repeat(x, len(fac))
        self.w = np.repeat(wx, len(fac)) / len(fac)
        self.phi = np.maximum(np.tile(phi * fac, len(x)), 1.0)[:, None]      # (nodes, 1)
        self.m = m[None, :] * np.exp(se * eps)[:, None]                     # (nodes, steps)
        a, b = llr_coefficients(m, phi, k)                                  # the statistic
        self.a, self.b = a, b
        # S only matters up to a few times its decision interval: the grid covers
        # ``_REACH`` large single-step increments (a count at the 1e-5 upper tail of the
        # widest node); beyond, mass is lumped on the top cell
        mm, ph = self.m.max(axis=0), float(self.phi.max())
        sd = np.sqrt(ph * mm)
        yq = mm + 4.3 * sd + 2.0 * ph + 2.0
        reach = _REACH * float(np.max(np.maximum(a * yq + b, a)))
        # resolution: a quarter count, or 1/20 of an increment's spread when counts are large
        self.width = float(np.min(np.maximum(a, a * sd / 5.0))) / _PER_COUNT
        self.size = int(min(np.ceil(reach / self.width), _MAX_GRID)) + 2

    def shift(self, j: int, y: np.ndarray) -> np.ndarray:
        """Increment of step ``j`` for counts ``y``, in grid cells (rounded)."""
        return np.clip(np.rint((self.a[j] * y + self.b[j]) / self.width).astype(int),
                       -self.size, self.size)

    def _step(self, dist: np.ndarray | _Spectrum, kern: np.ndarray, lo: int) -> np.ndarray:
        """Convolve the state distribution with the increments (kernel starts at ``lo``).

        ``dist`` may be given as its :class:`_Spectrum`, which a step that convolves the
        same distribution twice (the reset after an alarm) computes once.
        """
        size = self.size
        spec = dist if isinstance(dist, _Spectrum) else _Spectrum(dist, kern.shape[1])
        conv = np.clip(spec.convolve(kern), 0.0, None)
        dist = spec.dist
        # position p of conv is state p + lo; below 0 -> 0, above the grid -> top
        new = np.zeros_like(dist)
        zero = min(max(-lo + 1, 0), conv.shape[1])
        new[:, 0] = conv[:, :zero].sum(axis=1)
        body = conv[:, zero:zero + size - 1]
        new[:, 1:1 + body.shape[1]] = body
        new[:, -1] += conv[:, zero + size - 1:].sum(axis=1)
        return new

    def run(self, alpha: float) -> tuple[np.ndarray, np.ndarray]:
        """Decision cells of the steps before the last (a count whose increment alone
        reaches it resets S to 0) and the mixture's P(S >= cell) at the last step."""
        steps = len(self.a)
        nodes = len(self.w)
        size = self.size
        dist = np.zeros((nodes, size))
        dist[:, 0] = 1.0
        cuts = np.zeros(max(steps - 1, 0), dtype=int)
        for j in range(steps):
            # counts whose increment overshoots the grid all land on its top cell
            # (and so does the far tail of very overdispersed counts, beyond _MAX_Y)
            y_top = np.ceil((size * self.width - self.b[j]) / self.a[j])
            n_y = min(_ymax(self.m[:, j], self.phi[:, 0]), max(y_top, 0.0), _MAX_Y)
            y = np.arange(n_y + 1.0)
            pmf = np.exp(_logpmf(y[None, :], self.m[:, j:j + 1], self.phi))
            rest = np.clip(1.0 - pmf.sum(axis=1, keepdims=True), 0.0, None)
            pmf = np.concatenate([pmf, rest], axis=1)
            shift = np.r_[self.shift(j, y), size]
            lo = int(shift[0])                             # shifts increase with y
            last = np.r_[np.flatnonzero(np.diff(shift)), len(shift) - 1]
            cum = np.cumsum(pmf, axis=1)[:, last]
            kern = np.zeros((nodes, int(shift[-1]) - lo + 1))
            kern[:, shift[last] - lo] = np.diff(cum, axis=1, prepend=0.0)
            spec = _Spectrum(dist, kern.shape[1])
            new = self._step(spec, kern, lo)
            mix = self.w @ new
            tail = np.cumsum(mix[::-1])[::-1]              # P(S >= state)
            if j == steps - 1:
                return cuts, tail
            over = np.flatnonzero(tail <= alpha)
            cut = int(over[0]) if len(over) else size
            cuts[j] = cut
            if cut - lo < kern.shape[1]:
                # reset after an alarm: a count that alone reaches the decision interval
                # (a spike) restarts S at 0; accumulated evidence is kept
                spikes = kern[:, max(cut - lo, 0):].sum(axis=1)
                kern[:, max(cut - lo, 0):] = 0.0
                new = self._step(spec, kern, lo)
                new[:, 0] += spikes
            dist = new
        raise AssertionError("unreachable")


class _Spectrum:
    """The FFT of a state distribution, for full linear convolutions with kernels of a
    given width: the same transforms as ``scipy.signal.fftconvolve(dist, kern, axes=1)``
    (so the same numbers), without its per-call overhead, and reusable."""

    def __init__(self, dist: np.ndarray, width: int) -> None:
        self.dist = dist
        self.n = dist.shape[1] + width - 1
        self.nfft = sp_fft.next_fast_len(self.n, True)
        self.spec = sp_fft.rfft(dist, self.nfft, axis=1)

    def convolve(self, kern: np.ndarray) -> np.ndarray:
        out = sp_fft.irfft(self.spec * sp_fft.rfft(kern, self.nfft, axis=1), self.nfft, axis=1)
        return out[:, :self.n]


def _ymax(m: np.ndarray, phi: np.ndarray) -> int:
    """A count above every node's 1 - 1e-10 quantile (a checked, generous bound)."""
    return int(np.max(m + 7.0 * np.sqrt(phi * m) + 23.0 * phi + 12.0))


class NBCusum(Detector):
    """Windowed negative-binomial CUSUM with reset after an alarm.

    Parameters
    ----------
    k : float
        Out-of-control mean as a multiple of the in-control mean (default 2:
        tuned to detect a doubling).
    alpha : float
        Probability of a signal at a month in control.
    baseline : Farrington
        Supplies the in-control means, the dispersion and ``gap`` (the window is
        ``gap + 1`` months) when no fitted baseline is passed to :meth:`evaluate`.

    Examples
    --------
    >>> import pandas as pd
    >>> rng = np.random.default_rng(5)
    >>> y = pd.Series(np.r_[rng.poisson(8, 57), [14, 15, 15]].astype(float),
    ...               index=pd.date_range("2019-01", periods=60, freq="MS"))
    >>> ev = NBCusum().evaluate(History.from_series(y, "2023-12"))   # no single month is extreme
    >>> ev.flag, bool(ev.score > 1), ev.p_value < 0.0025
    (True, True, True)
    """

    name = "cusum"

    def __init__(self, *, k: float = 2.0, alpha: float = 0.0025,
                 baseline: Farrington | None = None) -> None:
        self.k = k
        self.alpha = alpha
        self.baseline = baseline

    def _farrington(self) -> Farrington:
        return self.baseline if self.baseline is not None else Farrington()

    def evaluate(self, history: History, *, baseline: Baseline | str | None = None) -> Evaluation:
        """Judge ``history.month``: is the CUSUM over the recent window improbably high?"""
        if np.isnan(history.observed):
            return Evaluation.insufficient(self.name, history, "no count for this month")
        far = self._farrington()
        base = far.baseline(history) if baseline is None else baseline
        if isinstance(base, str):
            return Evaluation.insufficient(self.name, history, base)
        t = history.t
        recent = history.end > t - far.gap + 1e-9
        start = np.r_[history.start[recent], t]
        end = np.r_[history.end[recent], t + 1.0]
        y = np.r_[history.value[recent], history.observed]
        m = np.exp(base.log_mean(start, end))
        phi = base.phi_used
        se = 0.0 if base.zero else min(base.se0, 3.0)
        null = _Null(m, phi, base.df, se, self.k)
        cuts, tail = null.run(self.alpha)
        # the statistic is computed on the same grid as its null distribution, so the
        # p-value is exact for it (increments rounded to a quarter count or finer)
        cell, resets = 0, 0
        for j in range(len(y) - 1):
            step = int(null.shift(j, np.array([y[j]]))[0])
            if step >= cuts[j]:                          # a spike: its alarm resets S
                cell, resets = 0, resets + 1
            else:
                cell = max(0, cell + step)
        before = cell
        cell = max(0, cell + int(null.shift(len(y) - 1, np.array([y[-1]]))[0]))
        cell = min(cell, len(tail) - 1)
        s = cell * null.width
        p = 1.0 if cell <= 0 else float(tail[cell])
        # the decision interval of the month judged and the smallest count reaching it
        over = np.flatnonzero(tail <= self.alpha)
        h = float(over[0]) * null.width if len(over) else np.inf
        need = -1
        if len(over):
            grid = np.arange(_ymax(m[-1:], np.array([max(phi, 1.0)])) + 1.0)
            reach = np.maximum(before + null.shift(len(y) - 1, grid), 0) >= over[0]
            need = int(np.argmax(reach)) if reach.any() else -1
        flag = bool(s > 0 and p <= self.alpha)
        score = s / h if np.isfinite(h) and h > 0 else 0.0
        if not flag:  # at most 1 unless flagged (the verdict's score is the largest)
            score = min(score, 1.0)
        how = (f"{float(y.sum()):g} counted in the last {len(y)} count(s) vs "
               f"{float(m.sum()):.1f} expected (CUSUM {s:.2f}, p = {p:.2g}, k={self.k:g})")
        reason = f"sustained rise: {how}" if flag else f"no sustained rise: {how}"
        return Evaluation(self.name, history.month, history.observed, float(m[-1]),
                          float(need - 1) if need >= 0 else float("nan"),
                          score, p, flag, reason, "ok",
                          {"cusum": s, "h": h, "resets": resets, "window_counts": len(y)})
