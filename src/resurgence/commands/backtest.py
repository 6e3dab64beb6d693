"""``resurgence backtest``: how good would past forecasts have been (rolling origin)?"""

from __future__ import annotations

import argparse

import pandas as pd

from ..forecast import MAX_HORIZON, backtest, score_backtest
from ..months import format_month
from ._output import FORMATS, emit, render
from ._series_input import (
    MODEL_CHOICES,
    add_series_arguments,
    check_horizon_argument,
    load_series,
    make_model,
)

DEFAULT_MODELS = ["auto", "seasonal_naive", "naive"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "backtest",
        help="score forecasting models by rolling-origin backtest",
        description="From every origin (a month), fit each model on the data before it and "
        "forecast 1..H months ahead; score against the months that followed: MAE, RMSE, CRPS, "
        "pinball loss and coverage of the 50/80/95%% intervals, per series and model and "
        "overall (series_id 'all').",
    )
    add_series_arguments(p)
    p.add_argument("--horizon", type=int, default=12, metavar="H", help=f"months ahead, at most {MAX_HORIZON} (default 12)")
    p.add_argument("--models", nargs="+", choices=MODEL_CHOICES, default=DEFAULT_MODELS,
                   metavar="MODEL", help=f"models to compare (default: {' '.join(DEFAULT_MODELS)}; "
                   f"choices: {', '.join(MODEL_CHOICES)})")
    p.add_argument("--step", type=int, default=1, metavar="S", help="months between origins (default 1)")
    p.add_argument("--windows", type=int, default=None, metavar="N",
                   help="only the last N origins (default: all)")
    p.add_argument("--initial", type=int, default=None, metavar="M",
                   help="months of history before the first origin (default 36, reduced for "
                   "a shorter series so that it still gets 12 origins, or --windows; never "
                   "below 24)")
    p.add_argument("--by-horizon", action="store_true", help="scores per forecast horizon too")
    p.add_argument("--details", action="store_true",
                   help="print every forecast (one row per series, model, origin, horizon)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_horizon_argument(args)
    data = load_series(args)
    models = {name: make_model(name) for name in dict.fromkeys(args.models)}
    results = backtest(data, models, horizon=args.horizon, step=args.step,
                       n_windows=args.windows, initial=args.initial)
    if args.details:
        out = results.copy()
        out["origin"] = out["origin"].map(format_month)
        out["month"] = out["month"].map(format_month)
    else:
        extra = ["horizon"] if args.by_horizon else []
        per_series = score_backtest(results, by=["series_id", "model", *extra])
        overall = score_backtest(results, by=["model", *extra])
        overall.insert(0, "series_id", "all")
        out = per_series if results["series_id"].nunique() == 1 else pd.concat(
            [per_series, overall], ignore_index=True)
        num = out.select_dtypes("float").columns
        out[num] = out[num].round(3)
    emit(render(out, args.format), args.out)
    return 0
