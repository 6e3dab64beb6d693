"""Memoised candidate fits: a model refitted on identical training data is not refitted.

A rolling-origin backtest of :class:`~resurgence.forecast.AutoForecaster` refits
the auto model at every outer origin, and each of those fits backtests its
candidates at inner origins. The inner training data of an inner origin is the
series up to that origin, which is the same for every outer origin after it:
with the default inner step of 3 months, consecutive outer fits three months
apart share five of their six inner origins. :class:`FitMemory` keeps the fitted
candidates by (model parameters, training data content, forecast origin), so each
distinct fit is done once. Fits are deterministic, so results are identical with
or without the memory (tested); only the time changes.

The memory is explicit: it is a parameter of the model that uses it (shared by the
model's clones, which is how a backtest's refits find it), bounded (least recently
used entries are dropped), and not pickled with its contents (a copy sent to
another process starts empty).
"""

from __future__ import annotations

import hashlib
import warnings
from collections import OrderedDict
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import InputError, ResurgenceError

if TYPE_CHECKING:  # pragma: no cover
    from .base import Forecaster

__all__ = ["FitMemory", "frame_digest"]


def frame_digest(frame: pd.DataFrame | pd.Series) -> str:
    """A digest of what a model is fitted on: a series, or a frame's model columns and cutoff.

    For a frame only the columns :func:`~resurgence.covariates.as_model_frame` reads
    (``start``, ``end``, ``value``, those present) and ``attrs["cutoff"]`` count;
    other columns (provenance, say) are ignored.

    Examples
    --------
    >>> f = pd.DataFrame({"value": [1.0, 2.0]})
    >>> frame_digest(f) == frame_digest(f.copy())
    True
    >>> frame_digest(f) == frame_digest(f.assign(value=[1.0, 3.0]))
    False
    >>> frame_digest(f) == frame_digest(f.assign(note=["a", "b"]))
    True
    """
    h = hashlib.blake2b(digest_size=16)
    if isinstance(frame, pd.Series):
        h.update(repr(("series", str(frame.name), str(frame.dtype),
                       str(frame.index.dtype))).encode())
    else:
        frame = frame[[c for c in ("start", "end", "value") if c in frame.columns]]
        h.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(repr(frame.attrs.get("cutoff")).encode())
    h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return h.hexdigest()


class FitMemory:
    """Fitted models by (model parameters, training data), least recently used dropped.

    Parameters
    ----------
    maxsize : int
        Most fits kept. A backtest of one series needs a few dozen at a time.

    Attributes
    ----------
    hits, misses : int
        Fits found in the memory, and fits done.

    Examples
    --------
    >>> from resurgence.forecast import NaiveForecaster
    >>> y = pd.Series([3.0, 4.0, 6.0], index=pd.date_range("2024-01-01", periods=3, freq="MS"))
    >>> memory = FitMemory()
    >>> a = memory.fit(NaiveForecaster(), y)
    >>> b = memory.fit(NaiveForecaster(), y.copy())
    >>> a is b, memory.hits, memory.misses
    (True, 1, 1)
    """

    def __init__(self, maxsize: int = 512) -> None:
        if int(maxsize) < 1:
            raise InputError(f"FitMemory maxsize must be positive, got {maxsize}")
        self.maxsize = int(maxsize)
        self._fits: OrderedDict[tuple[str, str], tuple[object, list]] = OrderedDict()
        self._registry: dict = {}  # warnings already shown, as a module's __warningregistry__
        self.hits = 0
        self.misses = 0

    def fit(self, model: "Forecaster", y: pd.Series | pd.DataFrame) -> "Forecaster":
        """``model.clone().fit(y)``, or the same fit done earlier on identical data.

        The fitted model returned may be shared with earlier callers: use it to
        predict, do not refit it. A fit that raised a
        :class:`~resurgence.errors.ResurgenceError` raises it again, and the
        warnings the fit issued are issued again (under the caller's filters).
        """
        if not isinstance(y, (pd.Series, pd.DataFrame)):
            raise InputError("FitMemory.fit needs a pandas Series or DataFrame, "
                             f"got {type(y).__name__}")
        key = (repr(model), frame_digest(y))
        if key in self._fits:
            self._fits.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    fitted: object = model.clone().fit(y)
                except ResurgenceError as exc:
                    fitted = exc.with_traceback(None)
            self._fits[key] = (fitted, [(w.message, w.category, w.filename, w.lineno)
                                        for w in caught])
            if len(self._fits) > self.maxsize:
                self._fits.popitem(last=False)
        fitted, issued = self._fits[key]
        for message, category, filename, lineno in issued:
            warnings.warn_explicit(message, category, filename, lineno, registry=self._registry)
        if isinstance(fitted, ResurgenceError):
            raise fitted.with_traceback(None)
        return fitted  # type: ignore[return-value]

    def clear(self) -> None:
        """Forget every fit (the counters too)."""
        self._fits.clear()
        self._registry.clear()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._fits)

    def __repr__(self) -> str:
        # Stable (no counts): it appears in the repr of the models that hold it.
        return f"FitMemory(maxsize={self.maxsize})"

    def __reduce__(self):
        # A copy for another process starts empty: fitted models are not shipped.
        return (type(self), (self.maxsize,))
