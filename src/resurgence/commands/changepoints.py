"""``resurgence changepoints``: segment one series and print its segments and changes.

Reads one series of the panel (``--series ID``: its model frame, so a count
over several months enters with that many months of exposure) or one column
of a CSV file (optionally indexed by a date column, so that missing months are
NaN and the output names months; optionally with an exposure column for
interval counts), runs
:func:`resurgence.detect_changepoints` and prints one row per segment: its
months, level with interval, the interval for where it started and the rate
ratio of the change that opened it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..changepoints import detect_changepoints
from ..changepoints.costs import COST_NAMES
from ..changepoints.search import METHODS
from ..errors import InputError, SeriesError
from ..months import as_monthly_series, parse_month, to_month
from ._output import FORMATS, emit, render
from ._parallel import add_parallel_arguments, executor_from, panel_progress


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``changepoints`` subcommand."""
    p = subparsers.add_parser(
        "changepoints",
        help="find changes in the level of a series, with intervals",
        description="Find where the level of a series changed, when, and by how much "
        "(PELT with an MBIC penalty by default; counts get a negative-binomial cost).",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--series", dest="series_id", metavar="ID",
                     help="a panel series id, e.g. sohr/regime_desert/all/attacks")
    src.add_argument("--csv", metavar="FILE", help="CSV file holding the series")
    src.add_argument("--all", action="store_true",
                     help="every series of the panel (one table, a series_id column first)")
    p.add_argument("--data", metavar="DIR", action="append",
                   help="observation files or folders for --series (default: bundled data)")
    p.add_argument("--column", metavar="NAME", help="column with the values (with --csv)")
    p.add_argument("--date-column", metavar="NAME",
                   help="column with the month of each row (YYYY-MM or a date); absent "
                   "months become missing, never zero. Without it, rows are positions "
                   "0, 1, ... and the output names positions")
    p.add_argument("--id-column", metavar="NAME",
                   help="with --csv: a long table with one row per series and month; this "
                   "column names the series (needs --date-column); every series is segmented")
    p.add_argument("--month", metavar="YYYY-MM",
                   help="with --all or --id-column: use the data up to this month only")
    p.add_argument("--exposure-column", metavar="NAME",
                   help="column with each row's exposure in months (interval counts)")
    p.add_argument("--cost", default="auto", choices=["auto", *sorted(set(COST_NAMES))],
                   help="segment cost (default: auto = negbin for counts, normal_mean otherwise)")
    p.add_argument("--penalty", default="mbic",
                   help="mbic (default), bic, aic, crops, or a number")
    p.add_argument("--method", default="pelt", choices=list(METHODS), help="search method")
    p.add_argument("--min-size", type=int, default=2, help="fewest observed points per segment")
    p.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="write here instead of stdout (its folder must exist)")
    add_parallel_arguments(p)
    p.set_defaults(func=run)


def _read_series(path: str, column: str, date_column: str | None,
                 exposure_column: str | None) -> pd.Series | pd.DataFrame:
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: no such file")
    try:
        frame = pd.read_csv(file)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot read as CSV: {first}") from None
    for col, what in ((column, "--column"), (date_column, "--date-column"),
                      (exposure_column, "--exposure-column")):
        if col is not None and col not in frame.columns:
            raise InputError(f"{path}: no column {col!r} ({what}); columns are "
                             f"{', '.join(map(str, frame.columns))}")
    try:
        values = pd.to_numeric(frame[column], errors="raise")
    except (ValueError, TypeError):
        raise InputError(f"{path}: column {column!r} has non-numeric values "
                         "(leave a cell empty for a missing month)") from None
    if exposure_column is not None:
        out = pd.DataFrame({"value": values, "months": frame[exposure_column]})
        if date_column is not None:
            out.insert(0, "month", _months(frame[date_column], path, date_column))
        return out
    if date_column is None:
        return values.reset_index(drop=True).rename(column)
    series = pd.Series(values.to_numpy(), index=_months(frame[date_column], path, date_column),
                       name=column)
    try:
        return as_monthly_series(series)
    except SeriesError as exc:
        raise InputError(f"{path}: column {date_column!r}: {exc}") from None


def _months(col: pd.Series, path: str, name: str) -> pd.DatetimeIndex:
    try:
        return pd.DatetimeIndex([to_month(v) for v in col])
    except (InputError, ValueError, TypeError) as exc:
        raise InputError(f"{path}: column {name!r}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit code."""
    if args.output and not Path(args.output).parent.is_dir():
        folder = str(Path(args.output).parent)
        raise InputError(f"--output {args.output}: no such folder {folder!r}")
    if args.all or args.id_column is not None:
        return _run_many(args)
    if args.month is not None or args.workers is not None or args.scheduler is not None:
        raise InputError("--month, --workers and --scheduler apply to many series: use --all "
                         "or --csv FILE --id-column NAME")
    if args.series_id is not None:
        for opt, val in (("--column", args.column), ("--date-column", args.date_column),
                         ("--exposure-column", args.exposure_column)):
            if val is not None:
                raise InputError(f"{opt} is for --csv; --series reads the panel series "
                                 f"{args.series_id!r} as it is")
        from ..panel import load_panel

        y = load_panel(args.data).frame(args.series_id)
        where, name = args.series_id, args.series_id
    else:
        if not args.column:
            raise InputError("--csv needs --column NAME (the column holding the values)")
        y = _read_series(args.csv, args.column, args.date_column, args.exposure_column)
        where, name = f"{args.csv}, column {args.column!r}", args.column
    try:
        res = detect_changepoints(y, cost=args.cost, penalty=args.penalty, method=args.method,
                                  min_size=args.min_size, level=args.level)
    except SeriesError as exc:
        raise SeriesError(f"{where}: {exc}") from None
    table = res.table()
    text = render(table, args.format)
    if args.format == "table":
        theta = getattr(res.cost, "theta_", None)
        extra = f", NB size {theta:.3g}" if theta is not None else ""
        text = (f"# {name}: {res.n_changepoints} changepoint(s); cost {res.cost_name}"
                f"{extra}, penalty {res.penalty.name} ({res.penalty.value:.3g}), "
                f"method {res.method}, {round(res.level * 100)}% intervals\n"
                + render(table.round(3), "table"))
    emit(text, args.output)
    return 0


def _run_many(args: argparse.Namespace) -> int:
    """Every series of the panel (``--all``) or of a long CSV (``--id-column``)."""
    from ..runner import run_panel

    if args.all:
        from ..panel import load_panel

        data = load_panel(args.data)
        where = "the panel"
    else:
        if not args.column or not args.date_column:
            raise InputError("--id-column needs --column NAME (values) and --date-column NAME")
        if args.exposure_column:
            raise InputError("--exposure-column is for one series; a long table has months")
        data = _read_long(args.csv, args.id_column, args.date_column, args.column)
        where = args.csv
    month = parse_month(args.month) if args.month else None
    with executor_from(args) as executor, panel_progress(args, "segmenting") as bar:
        try:
            res = run_panel(data, month=month, tasks=("changepoints",), cost=args.cost,
                            penalty=args.penalty, method=args.method, min_size=args.min_size,
                            level=args.level, executor=executor, progress=bar)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
    table = segment_table(res)
    failed = res.failures
    if len(failed):
        first = failed.iloc[0]
        print(f"resurgence: warning: {len(failed)} series of {where} not segmented "
              f"(e.g. {first['series_id']}: {first['error']})", file=sys.stderr)
    text = render(table, args.format)
    if args.format == "table":
        text = (f"# {res.series['series_id'].nunique()} series, "
                f"{len(res.changepoints)} changepoint(s); penalty {args.penalty}, "
                f"{round(args.level * 100)}% intervals\n" + render(table.round(3), "table"))
    emit(text, args.output)
    return 0


def segment_table(res) -> pd.DataFrame:  # noqa: ANN001
    """One row per segment of every series, with the change that opened it (as
    :meth:`ChangepointResult.table`, plus ``series_id``)."""
    seg, cp = res.segments, res.changepoints
    fmt = lambda v: v.strftime("%Y-%m") if isinstance(v, pd.Timestamp) else v  # noqa: E731
    # the k-th changepoint of a series opens its segment k + 1
    cp = cp.assign(segment=cp.groupby("series_id").cumcount() + 2)
    out = seg.merge(cp[["series_id", "segment", "month_lo", "month_hi", "ratio", "ratio_lo",
                        "ratio_hi"]], on=["series_id", "segment"], how="left")
    return pd.DataFrame({
        "series_id": out["series_id"], "segment": out["segment"],
        "first": out["first"].map(fmt), "last": out["last"].map(fmt), "n_obs": out["n_obs"],
        "level": out["level"], "level_lo": out["level_lo"], "level_hi": out["level_hi"],
        "start_lo": out["month_lo"].map(lambda v: None if pd.isna(v) else fmt(v)),
        "start_hi": out["month_hi"].map(lambda v: None if pd.isna(v) else fmt(v)),
        "change_ratio": out["ratio"], "ratio_lo": out["ratio_lo"], "ratio_hi": out["ratio_hi"]})


def _read_long(path: str, id_col: str, date_col: str, value_col: str) -> pd.DataFrame:
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: no such file")
    try:
        frame = pd.read_csv(file, dtype={id_col: str})
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot read as CSV: {first}") from None
    for col, what in ((id_col, "--id-column"), (date_col, "--date-column"),
                      (value_col, "--column")):
        if col not in frame.columns:
            raise InputError(f"{path}: no column {col!r} ({what}); columns are "
                             f"{', '.join(map(str, frame.columns))}")
    return pd.DataFrame({"series_id": frame[id_col], "month": frame[date_col].astype(str),
                         "value": frame[value_col]}).rename_axis(None)
