"""``resurgence forecast``: what to expect in the coming months, with count intervals."""

from __future__ import annotations

import argparse
import warnings

import pandas as pd

from ..errors import ModelWarning, ResurgenceError
from ..forecast import MAX_HORIZON, AutoForecaster
from ..months import format_month
from ._output import FORMATS, emit, render
from ._series_input import (
    MODEL_CHOICES,
    add_series_arguments,
    check_horizon_argument,
    load_series,
    make_model,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "forecast",
        help="forecast the next months of a series with integer count intervals",
        description="Forecast each series for the months after its last data. Interval bounds "
        "are quantiles of the predictive count distribution (whole numbers >= 0). The default "
        "model is the naive method unless, in an inner backtest on the series' own history, "
        "the pool of its candidates (negative-binomial GLMs, SARIMAX on log counts, the naive "
        "methods) beats it; then it pools the candidates not clearly worse than the best.",
    )
    add_series_arguments(p)
    p.add_argument("--horizon", type=int, default=6, metavar="H", help=f"months ahead, at most {MAX_HORIZON} (default 6)")
    p.add_argument("--level", type=float, nargs="+", default=[80.0, 95.0], metavar="L",
                   help="interval levels in percent (default: 80 95)")
    p.add_argument("--model", choices=MODEL_CHOICES, default="auto",
                   help="forecasting model (default auto)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_horizon_argument(args)
    data = load_series(args)
    tables = []
    for sid, y in data.items():
        model = make_model(args.model)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ModelWarning)
            try:
                fitted = model.fit(y)
                table = fitted.predict(args.horizon, level=args.level)
            except ResurgenceError as exc:
                if len(data) == 1:
                    raise
                fitted = None
                warnings.warn(f"not forecast: {exc}", ModelWarning, stacklevel=1)
        for w in caught:  # say which series each warning is about
            warnings.warn(f"{sid}: {w.message}", w.category, stacklevel=1)
        if fitted is None:
            continue
        used = args.model
        if isinstance(fitted, AutoForecaster):
            used = f"auto:{fitted.chosen_}"
        table.insert(0, "model", used)
        table.insert(0, "series_id", sid)
        tables.append(table)
    if not tables:
        out = pd.DataFrame(columns=["series_id", "model", "month", "mean"])
    else:
        out = pd.concat(tables, ignore_index=True)
        out["month"] = out["month"].map(format_month)
        out["mean"] = out["mean"].round(2)
    emit(render(out, args.format), args.out)
    return 0
