"""The default forecaster: choose or pool candidate models by an inner backtest.

At ``fit`` time the candidates are backtested on the training data only (a
rolling origin over its last months; held-out months of an outer backtest are
never seen) and scored by mean CRPS, as is the equal-weight pool (mixture) of
those that never failed. ``method="screen"`` (the default) keeps the benchmark,
the first candidate (the naive method), unless that pool beats it; if it does,
it forecasts with the pool, weighted by inverse inner CRPS, of the candidates not
clearly worse than the best (within ``SCREEN_Z`` paired standard errors).
``method="select"`` refits the single best candidate; ``method="pool"`` pools
them all by inverse inner CRPS.

Why screen: with the few inner origins a short series allows, picking the best
of five candidates is mostly noise (the winner's curse), and pooling is the
robust answer (the forecast-combination puzzle) -- except on persistent series
where nothing beats the last value, which the benchmark test detects. On
simulated series (a long seasonal benchmark, short NB series of five shapes,
dense persistent series) ``screen`` was better than ``select`` on every family
and nearest to nominal 80% coverage; see docs/forecasting.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..covariates import frame_to_monthly
from ..errors import InputError, ModelWarning, ResurgenceError, SeriesError
from .backtest import _origins
from .base import Forecaster, check_horizon
from .distributions import CountDistribution
from .glm import GLMForecaster
from .memory import FitMemory
from .naive import NaiveForecaster
from .sarimax import SarimaxForecaster
from .seasonal_naive import SeasonalNaiveForecaster

__all__ = ["AutoForecaster", "default_candidates", "METHODS", "SCREEN_Z"]

#: Ways of turning the inner backtest into a forecast (the first is the default).
METHODS = ("screen", "select", "pool")
#: A candidate is kept in the screened pool unless its inner CRPS exceeds the best one's
#: by more than this many standard errors of the paired difference over inner origins.
SCREEN_Z = 2.0


def _inverse(crps: pd.Series) -> dict[str, float]:
    inv = 1.0 / np.maximum(crps.to_numpy(dtype=float), 1e-12)
    return dict(zip(crps.index, inv / inv.sum()))


def _screen(per_origin: pd.DataFrame, names: list[str], benchmark: str) -> dict[str, float]:
    """The ``screen`` rule: the benchmark unless the equal pool beats it, else a screened pool.

    ``per_origin`` holds the mean inner CRPS of each eligible candidate (and of their
    equal-weight ``pool``) at each inner origin. If the pool does not beat the benchmark
    (the first candidate, by default the naive method), use the benchmark. Otherwise pool,
    with weights 1/CRPS, the candidates whose mean CRPS is within ``SCREEN_Z`` standard
    errors (paired over inner origins) of the best one; all of them when there are fewer
    than two inner origins to estimate that error from.

    Examples
    --------
    >>> po = pd.DataFrame({"naive": [3.0, 3.2, 2.9], "glm": [2.0, 2.1, 2.2],
    ...                    "snaive": [6.0, 7.0, 6.5], "pool": [2.5, 2.6, 2.4]})
    >>> sorted(_screen(po, ["naive", "glm", "snaive"], "naive"))
    ['glm']
    >>> _screen(po.assign(pool=[3.5, 3.6, 3.4]), ["naive", "glm", "snaive"], "naive")
    {'naive': 1.0}
    """
    mean = per_origin.mean()
    if benchmark in names and not mean["pool"] < mean[benchmark]:
        return {benchmark: 1.0}
    table = per_origin[names]
    best = mean[names].idxmin()
    keep = names
    if len(table) >= 2:
        keep = []
        for c in names:
            d = (table[c] - table[best]).to_numpy()
            se = d.std(ddof=1) / np.sqrt(len(d))
            if c == best or d.mean() <= SCREEN_Z * se:
                keep.append(c)
    return _inverse(mean[keep])


def default_candidates() -> dict[str, Forecaster]:
    """The models :class:`AutoForecaster` chooses from by default.

    The naive method comes first because it is the fallback when the history is
    too short for an inner backtest: on short real series a trend or seasonal
    GLM extrapolated blindly is the riskiest choice (UCDP Islamic State events by
    governorate, 2016-2019: mean CRPS 10.1 with the GLM as fallback, 6.6 with
    naive, against 6.8 for naive alone).
    """
    return {
        "naive": NaiveForecaster(),
        "glm": GLMForecaster(trend=True),
        "glm_local": GLMForecaster(trend=False, window=36),
        "sarimax": SarimaxForecaster(),
        "seasonal_naive": SeasonalNaiveForecaster(),
    }


class AutoForecaster(Forecaster):
    """Pick or pool candidate forecasters by an inner rolling-origin backtest.

    Parameters
    ----------
    candidates : mapping of name to Forecaster, optional
        Defaults to :func:`default_candidates`. The first one is the benchmark of
        ``method="screen"`` and is used when the training data is too short for an
        inner backtest (with a warning).
    method : {"screen", "select", "pool"}
        ``screen``: the benchmark unless the equal-weight pool of the candidates
        beats it in the inner backtest, else the 1/CRPS pool of the candidates
        within ``SCREEN_Z`` paired standard errors of the best. ``select``: refit
        the best candidate. ``pool``: pool all of them weighted by 1 / CRPS.
    horizon, n_windows, step, initial : int
        Inner backtest: forecasts 1..``horizon`` months ahead from the last
        ``n_windows`` origins, ``step`` months apart, each with at least
        ``initial`` months of history (a shorter horizon when the history is
        too short for the full one).
    memory : FitMemory, bool or None
        Where the candidates' inner-backtest fits are kept, so that refitting on
        a longer series (as :func:`~resurgence.forecast.backtest` does at every
        origin) does not refit a candidate on training data it has already seen.
        ``True`` (default): a new :class:`~resurgence.forecast.memory.FitMemory`
        of this model, shared with its clones; ``False`` or ``None``: none; or a
        memory to share between models. Results are the same either way.

    Attributes
    ----------
    scores_ : pandas.DataFrame
        Inner mean CRPS of every candidate (NaN if it failed at an inner origin)
        and of their equal-weight ``pool``, and the months scored.
    chosen_ : str
        The candidate used, or ``"pool"`` when several are pooled.
    weights_ : pandas.Series
        Pool weights (one 1.0 for a single candidate).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> months = pd.date_range("2014-01-01", periods=96, freq="MS")
    >>> y = pd.Series(rng.poisson(25 * np.exp(0.5 * np.cos(2 * np.pi * months.month / 12))),
    ...               index=months)
    >>> auto = AutoForecaster(n_windows=2).fit(y)
    >>> auto.chosen_ in auto.scores_.index
    True
    >>> auto.predict(1, level=[80]).columns.tolist()
    ['month', 'mean', 'lo-80', 'hi-80']
    """

    name = "auto"

    def __init__(
        self,
        *,
        candidates: Mapping[str, Forecaster] | None = None,
        method: str = "screen",
        horizon: int = 12,
        n_windows: int = 6,
        step: int = 3,
        initial: int = 24,
        memory: FitMemory | bool | None = True,
    ) -> None:
        self.candidates = candidates
        self.method = method
        self.horizon = horizon
        self.n_windows = n_windows
        self.step = step
        self.initial = initial
        if memory is True:
            memory = FitMemory()
        elif memory is False:
            memory = None
        elif memory is not None and not isinstance(memory, FitMemory):
            raise InputError(f"memory must be a FitMemory, True, False or None, got {memory!r}")
        self.memory = memory

    def _candidates(self) -> dict[str, Forecaster]:
        cands = dict(self.candidates) if self.candidates is not None else default_candidates()
        if not cands:
            raise InputError("AutoForecaster needs at least one candidate")
        return cands

    def _fit(self, frame: pd.DataFrame) -> None:
        if self.method not in METHODS:
            raise InputError(f"method must be one of {', '.join(map(repr, METHODS))}, "
                             f"got {self.method!r}")
        check_horizon(self.horizon, "inner backtest horizon")
        cands = self._candidates()
        scores = self._inner_scores(frame, cands)
        if scores is None:
            first = next(iter(cands))
            warnings.warn(
                f"auto: training data too short for an inner backtest; using {first}",
                ModelWarning, stacklevel=3,
            )
            self.scores_ = pd.DataFrame(columns=["crps", "n"])
            self._use({first: 1.0}, cands, frame)
            return
        per_origin, n = scores
        names = [c for c in per_origin.columns if c != "pool"]
        crps = per_origin.mean() if len(per_origin.columns) else pd.Series(dtype=float)
        self.scores_ = pd.DataFrame({"crps": crps, "n": n}).reindex([*cands, "pool"])
        self.scores_["n"] = n
        if not names:
            raise SeriesError("auto: every candidate failed in the inner backtest")
        ranked = crps[names].sort_values()
        if self.method == "select":
            weights = {ranked.index[0]: 1.0}
        elif self.method == "pool":
            weights = _inverse(crps[names])
        else:
            weights = _screen(per_origin, names, next(iter(cands)))
        self._use(weights, cands, frame)

    def _inner_scores(self, frame: pd.DataFrame, cands: dict[str, Forecaster]):
        """Mean CRPS at each inner origin of every candidate that never failed, and of
        their equal-weight pool (column ``pool``); None when no month can be scored."""
        target = frame_to_monthly(frame)
        span = (self.cutoff_.year * 12 + self.cutoff_.month) - (
            frame["month"].iloc[0].year * 12 + frame["month"].iloc[0].month)
        # A history too short for the full inner horizon is still scored on shorter ones.
        h = max(1, min(int(self.horizon), span - int(self.initial)))
        origins = _origins(target.index[0], target.index[-1], h, int(self.step),
                           int(self.n_windows), int(self.initial))
        fits: dict[pd.Timestamp, tuple[np.ndarray, dict[str, CountDistribution]]] = {}
        failed: set[str] = set()
        for origin in origins:
            train = frame[frame["end"] <= origin].copy()
            y = target.reindex(pd.date_range(origin, periods=h, freq="MS")).to_numpy()
            if train.empty or not np.isfinite(y).any():
                continue
            train.attrs = {"cutoff": origin}
            dists = {}
            for name, model in cands.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ModelWarning)
                    try:
                        fitted = (self.memory.fit(model, train) if self.memory is not None
                                  else model.clone().fit(train))
                        dists[name] = fitted.predict_distribution(h)
                    except ResurgenceError:
                        failed.add(name)
            fits[origin] = (y, dists)
        if not fits:
            return None
        # A candidate that failed at any inner origin is not eligible.
        ok = [c for c in cands if c not in failed]
        table = {}
        for origin, (y, dists) in fits.items():
            seen = np.isfinite(y)
            row = {c: float(dists[c].crps(y)[seen].mean()) for c in ok}
            if ok:
                pool = CountDistribution.mixture([dists[c] for c in ok], np.ones(len(ok)))
                row["pool"] = float(pool.crps(y)[seen].mean())
            table[origin] = row
        n_months = int(sum(np.isfinite(y).sum() for y, _ in fits.values()))
        return pd.DataFrame.from_dict(table, orient="index"), n_months

    def _use(self, weights: dict[str, float], cands: dict[str, Forecaster], frame) -> None:
        fitted, kept = {}, {}
        for name, w in weights.items():
            try:
                fitted[name] = cands[name].clone().fit(frame)
                kept[name] = w
            except ResurgenceError as exc:
                warnings.warn(f"auto: {name} failed on the full training data: {exc}",
                              ModelWarning, stacklevel=4)
        if not fitted:
            for name in cands:  # last resort: anything that fits
                if name in weights:
                    continue
                try:
                    fitted[name] = cands[name].clone().fit(frame)
                    kept[name] = 1.0
                    break
                except ResurgenceError:
                    continue
        if not fitted:
            raise SeriesError("auto: no candidate model could be fitted")
        total = sum(kept.values())
        self.weights_ = pd.Series({k: v / total for k, v in kept.items()}, name="weight")
        self.models_ = fitted
        self.chosen_ = next(iter(fitted)) if len(fitted) == 1 else "pool"

    def _predict_distribution(self, months: pd.DatetimeIndex) -> CountDistribution:
        parts = [m._predict_distribution(months) for m in self.models_.values()]
        if len(parts) == 1:
            return parts[0]
        return CountDistribution.mixture(parts, self.weights_.to_numpy())
