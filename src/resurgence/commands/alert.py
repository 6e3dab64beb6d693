"""``resurgence alert``: the scheduled monthly run -- judge a month, remember it, notify.

Every series with a calendar-month figure for the month is judged by the three
detectors (:func:`resurgence.evaluate_month`, run by :func:`resurgence.run_panel` so that
``--workers``/``--scheduler`` spread a large panel over processes or a Dask cluster); verdicts and new alerts go into the
alert history (:mod:`resurgence.store`) in one transaction; new alerts are queued
for the webhook and delivered (:mod:`resurgence.webhook`); the result is printed
(or written to ``--out``) as JSON or Markdown.

Exit codes: 0 no new alert, 3 at least one new alert (alerts raised by an earlier
run for the same month do not count), 1 bad input, 2 usage error, 4 the history
is locked by another run or unusable, 70 internal error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from .. import errors
from ..alerts.monitor import default_detectors
from ..atomic import atomic_write_text
from ..errors import InputError
from ..months import format_month, month_range, parse_month, to_month
from ..store import AlertStore, config_key, default_state_path
from ..webhook import check_url, deliver_pending
from ..runner import run_panel
from ._parallel import add_parallel_arguments, executor_from, panel_progress
from .series import add_data_argument

FIELDS = ["series_id", "month", "observed", "expected", "threshold", "score", "p_value", "flag",
          "severity", "detectors", "reasons", "status", "checks"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``alert`` subcommand."""
    p = sub.add_parser(
        "alert",
        help="the monthly run: which series escalated this month? (history, webhook)",
        description="Judge every series with a figure for the month (Farrington NB threshold, "
        "NB CUSUM, level shift), keep the verdicts in the alert history and report new alerts. "
        "Exit codes: 0 no new alert, 3 new alert(s), 1 bad input, 2 usage, 4 history locked "
        "or unusable, 70 internal error.",
    )
    p.add_argument("--month", metavar="YYYY-MM",
                   help="the month to judge (default: the latest complete month; a run after "
                   "missed months catches up on them)")
    add_data_argument(p)
    p.add_argument("--state", metavar="FILE.sqlite",
                   help="alert history (default: $XDG_DATA_HOME/resurgence/alerts.sqlite or "
                   "~/.local/share/resurgence/alerts.sqlite)")
    p.add_argument("--format", choices=("json", "markdown"), default="markdown")
    p.add_argument("--out", metavar="DIR",
                   help="write alerts-YYYY-MM.json or .md per month into DIR (atomically) "
                   "instead of printing")
    p.add_argument("--webhook", metavar="URL", help="POST new alerts (JSON) to this URL")
    p.add_argument("--all", action="store_true",
                   help="also list series without a verdict (too little history)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="run as if today were this date (back-filling, tests)")
    p.add_argument("--lock-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="wait this long for another run's lock before exiting 4 (default 10)")
    p.add_argument("--webhook-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="timeout of one webhook request (default 10)")
    p.add_argument("--webhook-retries", type=int, default=3, metavar="N",
                   help="attempts per payload and run (default 3; 1 s, 2 s, ... apart)")
    p.add_argument("--webhook-backoff", type=float, default=1.0, help=argparse.SUPPRESS)
    add_parallel_arguments(p)
    p.set_defaults(func=run)


def _today(as_of: str | None) -> date:
    if as_of is None:
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise InputError(f"invalid --as-of {as_of!r}: expected YYYY-MM-DD") from None


def _check_month(month: pd.Timestamp, today: date) -> None:
    current = to_month(pd.Timestamp(today))
    if month > current:
        raise InputError(f"month {format_month(month)} is in the future (today is {today})")
    if month == current:
        end = month + pd.offsets.MonthBegin(1)
        raise InputError(f"month {format_month(month)} is not complete yet: it ends on "
                         f"{end.date()} (judge {format_month(month - pd.offsets.MonthBegin(1))} "
                         "or wait)")


def _json_value(v: Any) -> Any:
    if isinstance(v, float):
        return None if math.isnan(v) else round(v, 6)
    if isinstance(v, pd.Timestamp):
        return format_month(v)
    if hasattr(v, "item"):
        return _json_value(v.item())
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _json_value(x) for k, x in v.items()}
    return v


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in table.to_dict("records"):
        rec = {k: _json_value(row.get(k)) for k in FIELDS if k in row}
        rec["month"] = format_month(row["month"])
        rec["detectors"] = [d for d in str(row["detectors"]).split("+") if d]
        rec["reasons"] = [r for r in str(row["reasons"]).split(" | ") if r]
        rec["flag"] = bool(row["flag"])
        out.append(rec)
    return out


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit code."""
    today = _today(args.as_of)
    month = None
    if args.month is not None:
        month = parse_month(args.month)
        _check_month(month, today)
    if args.webhook:
        check_url(args.webhook)
    if args.webhook_retries < 1:
        raise InputError("--webhook-retries must be at least 1")
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        raise InputError(f"--out {args.out}: not a folder")
    from ..panel import load_panel

    panel = load_panel(args.data)  # bad data fails here, before the history is touched
    detectors = default_detectors()
    config = config_key(" + ".join(d.config() for d in detectors))
    state = Path(args.state) if args.state else default_state_path()
    data = ", ".join(args.data) if args.data else "bundled data/series"
    latest = to_month(pd.Timestamp(today)) - pd.offsets.MonthBegin(1)
    with AlertStore(state, lock_timeout=args.lock_timeout) as store:
        if month is not None:
            months = [month]
        else:
            last = store.last_scheduled_month(config)
            start = parse_month(last) + pd.offsets.MonthBegin(1) if last else latest
            months = list(month_range(min(start, latest), latest))
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with executor_from(args) as executor, panel_progress(args, "judging series") as bar:
            tables = [run_panel(panel, month=m, tasks=("alerts",), detectors=detectors,
                                checks=True, executor=executor, progress=bar).alerts
                      for m in months]
        verdicts = _records(pd.concat(tables, ignore_index=True)) if tables else []
        _, recorded = store.record_run(months=[format_month(m) for m in months], config=config,
                                       data=data, verdicts=verdicts, webhook=args.webhook,
                                       started=started, scheduled=month is None)
        _emit(recorded, months, args, state)
        report = deliver_pending(store, timeout=args.webhook_timeout,
                                 retries=args.webhook_retries, backoff=args.webhook_backoff)
    for delivery_id, error in report.failed:
        print(f"resurgence: warning: webhook delivery {delivery_id} failed ({error}); it stays "
              f"queued in {state} and is retried by the next run", file=sys.stderr)
    if report.deferred:
        print(f"resurgence: warning: {len(report.deferred)} more webhook deliveries stay queued "
              "for the next run (the receiver is down)", file=sys.stderr)
    new = sum(r["status"] == "new" for r in recorded)
    return errors.EXIT_ALERT if new else errors.EXIT_OK


def _emit(recorded: list[dict], months: list[pd.Timestamp], args: argparse.Namespace,
          state: Path) -> None:
    keep = [r for r in recorded if args.all or r["status"] != "insufficient"]
    if args.out:
        folder = Path(args.out)
        for m in months:
            label = format_month(m)
            rows = [r for r in keep if r["month"] == label]
            mine = [r for r in recorded if r["month"] == label]
            if args.format == "json":
                text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
                atomic_write_text(folder / f"alerts-{label}.json", text)
            else:
                atomic_write_text(folder / f"alerts-{label}.md", markdown(mine, label, state,
                                                                          show_all=args.all))
        return
    if args.format == "json":
        sys.stdout.write(json.dumps(keep, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(markdown([r for r in recorded if r["month"] == format_month(m)],
                                            format_month(m), state, show_all=args.all)
                                   for m in months))
    sys.stdout.flush()


def _fmt(x: Any, digits: int = 1) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.{digits}f}" if abs(x) >= 0.01 or x == 0 else f"{x:.2g}"
    return str(x)


def markdown(rows: list[dict], month: str, state: Path, *, show_all: bool = False) -> str:
    """The run's result for one month as Markdown, for people."""
    alerts = [r for r in rows if r["status"] in ("new", "already_raised")]
    quiet = [r for r in rows if r["status"] == "none"]
    short = [r for r in rows if r["status"] == "insufficient"]
    new = sum(r["status"] == "new" for r in alerts)
    lines = [f"# Escalation alerts for {month}", "",
             f"{new} new alert(s), {len(alerts) - new} already raised; {len(rows)} series with "
             f"a figure for {month}: {len(alerts) + len(quiet)} judged, {len(short)} without "
             f"enough history. History: `{state}`.", ""]
    if alerts:
        lines += ["## Alerts", ""]
        for r in sorted(alerts, key=lambda r: (-_rank(r["severity"]), r["series_id"])):
            state_txt = "new" if r["status"] == "new" else "already raised"
            lines += [f"### `{r['series_id']}`: {r['severity']} ({state_txt})", "",
                      f"Observed **{_fmt(r['observed'], 0)}**, expected {_fmt(r['expected'])}, "
                      f"threshold {_fmt(r['threshold'], 0)}, p = {_fmt(r['p_value'], 4)}.", ""]
            lines += [f"- {reason}" for reason in r["reasons"]] + [""]
    if quiet:
        lines += ["## Judged, no alert", "",
                  "| series | observed | expected | threshold | p-value |", "|---|---|---|---|---|"]
        for r in quiet:
            lines.append(f"| `{r['series_id']}` | {_fmt(r['observed'], 0)} | "
                         f"{_fmt(r['expected'])} | {_fmt(r['threshold'], 0)} | "
                         f"{_fmt(r['p_value'], 3)} |")
        lines.append("")
    if short and show_all:
        lines += ["## No verdict", ""]
        lines += [f"- `{r['series_id']}`: {'; '.join(r['reasons'])}" for r in short] + [""]
    return "\n".join(lines)


def _rank(severity: str) -> int:
    from ..alerts.verdict import severity_rank

    return severity_rank(severity)
