"""Validate observation tables and report every problem at once.

:func:`load_observations` reads files (:mod:`resurgence.readers`), runs the
:class:`~resurgence.schemas.ObservationSchema` lazily and raises one
:class:`~resurgence.errors.DataValidationError` whose ``failures`` table names
the file, line, column, rule and offending value of every failing cell.

:func:`consistency_report` finds figures a source gives that disagree with each
other (parts that exceed a total, regions that do not add up, months that do not
add up to the period a source also states). Those are warnings, not errors: the
data keeps what the source said.
"""

from __future__ import annotations

import difflib
import os
import re
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .checks import BLAME, MAX_COUNT, vocabulary
from .errors import DataValidationError, DataWarning, UnknownRegionError
from .readers import Failure, discover_files, read_observation_file
from .reference import canonical_region, default_series_dir, load_reference
from .schemas import OBSERVATION_COLUMNS, ObservationSchema

__all__ = [
    "load_observations",
    "validate_observations",
    "consistency_report",
    "FAILURE_COLUMNS",
]

FAILURE_COLUMNS = ["file", "row", "column", "check", "value", "message"]

_MESSAGES = {
    "in_vocabulary": "not in the {vocab} vocabulary (data/reference)",
    "isin": "not one of the allowed values",
    "unique": "duplicate value; must be unique",
    "str_matches": "does not have the required form",
    "non_negative": "counts cannot be negative",
    "greater_than_or_equal_to": "below the allowed minimum",
    "greater_than": "must be positive",
    "integer_valued": "counts must be whole numbers",
    "count_bound": f"larger than any count accepted (at most {MAX_COUNT:,}): a typing error?",
    "not_nullable": "required value is missing",
    "start_before_end": "the interval ends before (or when) it starts",
    "start_required_for_periods": "a period needs a start date (only running tallies may omit it)",
    "not_in_future": "date is in the future",
    "not_before_1970": "date before 1970: a typing error?",
    "area_in_force": "the area no longer existed at this date",
    "unique_primary_key": "a second primary figure for the same series and interval; mark one use=duplicate/alternative/superseded and explain in choice_note",
}


def _check_name(raw: str) -> str:
    raw = str(raw).strip()
    if raw in ("greater_than_or_equal_to(0)", "greater_than_or_equal_to(0.0)"):
        return "non_negative"
    name = re.sub(r"\(.*\)$", "", raw).strip()
    return {"field_uniqueness": "unique", "greater_than": "positive"}.get(name, name)


def _shown(frame: pd.DataFrame, idx: int, column: str, fallback: object) -> object:
    """The offending value as the file wrote it where the reader kept the text."""
    text_col = f"_{column}_text"
    if text_col in frame.columns and isinstance(frame.at[idx, text_col], str):
        return frame.at[idx, text_col]
    value = frame.at[idx, column] if column in frame.columns else fallback
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))  # -3, not -3.0
    return value


def _message(check: str, column: str, value: object) -> str:
    message = _MESSAGES.get(check, check)
    if check == "in_vocabulary":
        vocab = {"source": "publishers", "area": "areas", "region": "regions",
                 "measure": "measures"}.get(column, column)
        message = message.format(vocab=vocab) + _suggestion(vocab, value)
    return message


def _suggestion(vocab: str, value: object) -> str:
    """``; did you mean X?`` for an alias or a near miss of a vocabulary value."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if vocab == "regions":
        try:
            canon = canonical_region(value)
        except UnknownRegionError:
            canon = None
        if canon is not None and canon != value:
            return (f"; did you mean {canon!r}? ({value!r} is an alias: data files use the "
                    "canonical name)")
    near = difflib.get_close_matches(value, sorted(vocabulary(vocab)), n=1, cutoff=0.8)
    return f"; did you mean {near[0]!r}?" if near else ""


def _schema_failures(frame: pd.DataFrame, already: set[tuple[int, str]]) -> list[Failure]:
    try:
        ObservationSchema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    out: list[Failure] = []
    done: set[tuple[int, str, str]] = set()
    for case in cases.itertuples(index=False):
        check = _check_name(case.check)
        column = case.column if isinstance(case.column, str) else ""
        idx = case.index
        if idx is None or (isinstance(idx, float) and np.isnan(idx)):
            out.append({"file": "", "row": None, "column": column, "check": check,
                        "value": case.failure_case, "message": _MESSAGES.get(check, check)})
            continue
        idx = int(idx)
        # A frame-level rule fails whole rows; pandera lists the row's non-null cells
        # only, so the blamed cell itself (e.g. a blank start) may be missing from the
        # cases. Report the row against the rule's blamed columns, whichever cell came.
        columns = BLAME.get(check, (column,))
        for col in columns:
            if (idx, col, check) in done or (idx, col) in already:
                continue  # reported, or the cell already failed to parse
            done.add((idx, col, check))
            value = _shown(frame, idx, col, case.failure_case)
            out.append({"file": frame.at[idx, "_file"], "row": int(frame.at[idx, "_line"]),
                        "column": col, "check": check, "value": value,
                        "message": _message(check, col, value)})
    return out


def _failure_table(failures: list[Failure]) -> pd.DataFrame:
    table = pd.DataFrame(failures, columns=FAILURE_COLUMNS)
    if table.empty:
        return table
    table = table.drop_duplicates(subset=["file", "row", "column", "check"])
    return table.sort_values(["file", "row", "column", "check"], na_position="first",
                             kind="stable").reset_index(drop=True)


def validate_observations(frame: pd.DataFrame, *, file: str = "<frame>") -> pd.DataFrame:
    """Validate an observation table held in memory.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed observation columns (see :class:`~resurgence.schemas.ObservationSchema`).
        ``_file`` and ``_line`` columns, if present, are used in the report;
        otherwise rows are numbered by position.
    file : str
        Name to report when ``frame`` has no ``_file`` column.

    Returns
    -------
    pandas.DataFrame
        ``frame`` unchanged if it is valid.

    Raises
    ------
    DataValidationError
        With a ``failures`` table of every problem.
    """
    work = frame.reset_index(drop=True).copy()
    if "_file" not in work.columns:
        work["_file"] = file
    if "_line" not in work.columns:
        work["_line"] = np.arange(len(work))
    failures = _schema_failures(work, set())
    if failures:
        table = _failure_table(failures)
        raise DataValidationError(f"{len(table)} problem(s) in the observations", table)
    return frame


def load_observations(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    *,
    warn: bool = True,
) -> pd.DataFrame:
    """Read and validate observation files (default: the bundled ``data/series``).

    Parameters
    ----------
    paths : path or iterable of paths, optional
        Files or folders (every ``*.csv`` inside). Defaults to the curated data.
    warn : bool
        Issue a :class:`~resurgence.errors.DataWarning` if sources contradict
        themselves (see :func:`consistency_report`).

    Returns
    -------
    pandas.DataFrame
        All observations, typed, in file order, with ``_file`` and ``_line``.

    Raises
    ------
    DataValidationError
        If any file has any problem; nothing is returned in that case.

    Examples
    --------
    SOHR's desert attacks in 2024: the January report, then running totals
    "since early 2024" as of each page's date (``end`` is exclusive):

    >>> obs = load_observations(warn=False)
    >>> desert = obs[(obs.source == "sohr") & (obs.area == "regime_desert") & (obs.region == "ALL")
    ...              & (obs.measure == "attacks") & (obs.start == "2024-01-01") & (obs.use == "primary")]
    >>> desert[["kind", "end", "value"]].head(3).astype(str).values.tolist()
    [['period', '2024-02-01', '26.0'], ['cumulative', '2024-01-24', '23.0'], ['cumulative', '2024-02-23', '49.0']]
    """
    if paths is None:
        paths = [default_series_dir()]
    elif isinstance(paths, str | os.PathLike):
        paths = [paths]
    files = discover_files(paths)
    frames, failures, parse_bad = [], [], set()
    offset = 0
    for f in files:
        frame, fails = read_observation_file(f)
        failures.extend(fails)
        frame.index = pd.RangeIndex(offset, offset + len(frame))
        offset += len(frame)
        # cells that failed to parse are NaN now; don't report them twice
        for fl in fails:
            if fl["row"] is not None and fl["column"] in OBSERVATION_COLUMNS:
                hit = frame.index[frame["_line"] == fl["row"]]
                parse_bad.update((int(i), fl["column"]) for i in hit)
        frames.append(frame)
    obs = pd.concat(frames) if frames else pd.DataFrame(columns=[*OBSERVATION_COLUMNS, "_file", "_line"])
    for col in ("start", "end"):
        obs[col] = pd.to_datetime(obs[col])
    for col in ("value", "date_error_days"):
        obs[col] = obs[col].astype(float)
    if len(obs):
        failures.extend(_schema_failures(obs, parse_bad))
    if failures:
        table = _failure_table(failures)
        nfiles = table["file"].nunique()
        raise DataValidationError(
            f"{len(table)} problem(s) in {nfiles} file(s); nothing was loaded", table
        )
    text_cols = [c for c in obs.columns if c.startswith("_") and c.endswith("_text")]
    obs = obs.drop(columns=text_cols).reset_index(drop=True)
    if warn:
        report = consistency_report(obs)
        if len(report):
            warnings.warn(
                f"{len(report)} place(s) where a source disagrees with itself "
                "(see resurgence.consistency_report)", DataWarning, stacklevel=2)
    return obs


# --------------------------------------------------------------------------------------
# Self-consistency: parts vs totals, regions vs national, months vs periods.
# --------------------------------------------------------------------------------------

#: "about N" is read as N +/- 10% when comparing figures.
ABOUT_TOLERANCE = 0.10


def _bounds(values: pd.Series, qualifiers: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each figure as a range: exact [v, v], at_least [v, inf), at_most [0, v], about v +/- 10%."""
    v = values.to_numpy(dtype=float)
    q = qualifiers.to_numpy(dtype=object)
    lo = np.where(q == "at_most", 0.0, np.where(q == "about", v * (1 - ABOUT_TOLERANCE), v))
    hi = np.where(q == "at_least", np.inf, np.where(q == "about", v * (1 + ABOUT_TOLERANCE), v))
    return lo, hi


def _entries(check: str, totals: pd.DataFrame, parts: pd.DataFrame, key: list[str],
             message) -> list[dict]:
    """One report row per total; ``parts`` rows share the total's ``key`` values."""
    out = []
    groups = dict(tuple(parts.groupby(key, sort=False, dropna=False)))
    for _, total in totals.iterrows():
        k = tuple(total[c] for c in key)
        members = groups.get(k if len(k) > 1 else k[0], parts.iloc[0:0])
        out.append({
            "check": check, "source": total["source"], "area": total["area"],
            "region": total["region"], "measure": total["measure"],
            "start": total["start"], "end": total["end"], "total": total["value"],
            "parts_low": total["_plo"], "parts_high": total["_phi"],
            "obs_ids": ";".join([total["obs_id"], *members["obs_id"].tolist()]),
            "files": ";".join(sorted({str(total.get("_file", "")),
                                      *map(str, members.get("_file", []))} - {""})),
            "message": message(total),
        })
    return out


def consistency_report(observations: pd.DataFrame) -> pd.DataFrame:
    """Where a source's own figures contradict each other (primary rows only).

    Three rules, each comparing a total with its parts using the qualifiers
    (``at_least N`` is [N, inf), ``about N`` is N +/- 10%):

    - ``parts_exceed_total`` / ``total_exceeds_parts``: measure components
      (``part_of`` in ``data/reference/measures.csv``, e.g. civilians and
      combatants of fatalities; the group's own dead, ``optional_part_of``, may
      or may not be included; a ``subset_of`` measure such as high-quality
      attacks may only not exceed its total);
    - ``regions_exceed_total`` / ``regions_below_total``: governorate lines
      against the same source's ``ALL`` line for the same interval (below may
      also mean regions the source did not list);
    - ``months_disagree_with_period``: a multi-month figure against the sum of
      the same series' calendar months when every month is stated.

    Returns
    -------
    pandas.DataFrame
        One row per inconsistency with the obs_ids involved and a message.

    Examples
    --------
    SOHR's desert tally of late November 2023 lists regions that do not reach
    its own total:

    >>> rep = consistency_report(load_observations(warn=False))
    >>> rep.loc[rep["total"] == 555, "message"].iat[0]
    'regional lines sum to 537, less than the stated 555 (or regions not listed)'
    """
    ref = load_reference()
    obs = observations[observations["use"] == "primary"].copy()
    obs["_startkey"] = obs["start"].dt.strftime("%Y-%m-%d").fillna("unstated")
    obs["_subset"] = obs["subset"].astype(object).fillna("") if "subset" in obs.columns else ""
    obs["_lo"], obs["_hi"] = _bounds(obs["value"], obs["qualifier"])
    measures = ref.measures.set_index("id")
    regions = ref.regions.set_index("name")
    out: list[dict] = []

    def sums(rows: pd.DataFrame, key: list[str]) -> pd.DataFrame:
        return rows.groupby(key, sort=True, dropna=False).agg(
            _plo=("_lo", "sum"), _phi=("_hi", "sum"), _n=("measure", "size"),
            _kinds=("measure", "nunique"))

    # 1. measure components (same source, area, region and interval)
    key = ["source", "area", "region", "_subset", "kind", "_startkey", "end"]
    for total_measure in sorted(set(measures["part_of"]) | set(measures["subset_of"]) - {""}):
        strict = list(measures.index[measures["part_of"] == total_measure])
        optional = list(measures.index[measures["optional_part_of"] == total_measure])
        subsets = list(measures.index[measures["subset_of"] == total_measure])
        totals = obs[obs["measure"] == total_measure].set_index(key)
        if totals.empty:
            continue
        for sub in subsets:
            rows = obs[obs["measure"] == sub]
            t = totals.join(sums(rows, key), how="inner")
            bad = t[t["_plo"] > t["_hi"]].reset_index()
            out += _entries("parts_exceed_total", bad, rows, key, lambda r, sub=sub: (
                f"{sub} = {r['_plo']:g} exceeds {r['measure']} = {r['value']:g}"))
        if not strict:
            continue
        rows = obs[obs["measure"].isin(strict)]
        t = totals.join(sums(rows, key), how="inner")
        exceed = t[t["_plo"] > t["_hi"]].reset_index()
        out += _entries("parts_exceed_total", exceed, rows, key, lambda r: (
            f"{' + '.join(strict)} = {r['_plo']:g} exceeds {r['measure']} = {r['value']:g}"))
        complete = t[(t["_kinds"] == len(strict)) & ~(t["_plo"] > t["_hi"])]
        opt_rows = obs[obs["measure"].isin(optional)]
        opt = sums(opt_rows, key)[["_phi"]].rename(columns={"_phi": "_ohi"})
        complete = complete.join(opt, how="left").fillna({"_ohi": 0.0})
        complete["_phi"] = complete["_phi"] + complete["_ohi"]
        below = complete[complete["_lo"] > complete["_phi"]].reset_index()
        out += _entries("total_exceeds_parts", below, pd.concat([rows, opt_rows]), key, lambda r: (
            f"{r['measure']} = {r['value']:g} exceeds the sum of its parts ({r['_phi']:g}, "
            f"including {', '.join(optional) or 'nothing else'})"))

    # 2. regions against the same source's national line
    level = obs["region"].map(regions["level"])
    parent = obs["region"].map(regions["parent"])
    key = ["source", "area", "measure", "_subset", "kind", "_startkey", "end"]
    gov_codes = obs.loc[level == "governorate", key].assign(code=obs["region"].map(regions["code"]))
    present = set(map(tuple, gov_codes[[*key, "code"]].astype(str).to_numpy()))
    dist_ok = [tuple(map(str, (*r, p))) not in present
               for r, p in zip(obs[key].to_numpy(), parent)]
    is_part = level.isin(["governorate", "unknown"]) | ((level == "district") & np.asarray(dist_ok))
    parts = obs[is_part]
    totals = obs[obs["region"] == "ALL"].set_index(key)
    t = totals.join(sums(parts, key), how="inner")
    over = t[t["_plo"] > t["_hi"]].reset_index()
    out += _entries("regions_exceed_total", over, parts, key, lambda r: (
        f"regional lines sum to {r['_plo']:g}, more than the stated {r['value']:g}"))
    under = t[~(t["_plo"] > t["_hi"]) & (t["_lo"] > t["_phi"])].reset_index()
    out += _entries("regions_below_total", under, parts, key, lambda r: (
        f"regional lines sum to {r['_phi']:g}, less than the stated {r['value']:g} "
        "(or regions not listed)"))

    # 3. calendar months against a multi-month period of the same series
    periods = obs[obs["kind"] == "period"]
    is_month = (periods["start"].dt.day == 1) & (periods["end"] == periods["start"] + pd.offsets.MonthBegin(1))
    months = periods[is_month]
    month_index = months.set_index(["source", "area", "region", "measure", "_subset", "start"])
    long = periods[~is_month & (periods["start"].dt.day == 1) & (periods["end"].dt.day == 1)]
    for _, total in long.iterrows():
        span = pd.date_range(total["start"], total["end"] - pd.Timedelta(days=1), freq="MS")
        keys = [(total["source"], total["area"], total["region"], total["measure"],
                 total["_subset"], m) for m in span]
        if len(span) < 2 or not all(k in month_index.index for k in keys):
            continue
        parts_m = month_index.loc[keys].reset_index()
        plo, phi = float(parts_m["_lo"].sum()), float(parts_m["_hi"].sum())
        if plo > total["_hi"] or total["_lo"] > phi:
            row = total.copy()
            row["_plo"], row["_phi"] = plo, phi
            out += _entries("months_disagree_with_period", row.to_frame().T, parts_m,
                            ["source"], lambda r, n=len(span): (
                                f"its {n} months sum to {r['_plo']:g}..{r['_phi']:g}, the period "
                                f"figure is {r['value']:g} ({r['qualifier']})"))
    cols = ["check", "source", "area", "region", "measure", "start", "end", "total",
            "parts_low", "parts_high", "obs_ids", "files", "message"]
    report = pd.DataFrame(out, columns=cols)
    return report.sort_values(["check", "source", "area", "region", "measure", "end"],
                              kind="stable").reset_index(drop=True)
