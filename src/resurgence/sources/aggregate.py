"""Event frame -> monthly observation rows by governorate, actor, event type and violence type.

The rules, each explicit and configurable (defaults in brackets):

- **Coverage** [the months from the earliest to the latest ``date_start`` of all
  events in the file(s), before any filter; ``coverage=`` overrides it]. Every
  covered month gets a row in every series, 0 where no event counts: for event
  data a month inside the coverage without events is a real zero. Nothing is
  emitted outside the coverage.
- **Month rule** for events whose dates span a month boundary [``start``]:
  ``start`` counts the event in the month of ``date_start`` (what a group-by of
  ``date_start`` gives); ``end`` in the month of ``date_end``; ``midpoint`` in the
  month of the middle day; ``split`` spreads it over its months by days, with
  largest-remainder rounding so each event's deaths (and its single event
  count) are kept whole and every figure stays an integer; ``exclude`` drops
  spanning events.
- **Imprecise dates** [kept]: ``max_date_precision="month"`` drops events known
  only to the year (GTD ``imonth = 0``, UCDP ``date_prec`` 5); the month rule
  applies to the rest.
- **Imprecise locations** [``region_precision="region"``]: an event located less
  precisely than this (UCDP ``where_prec`` 6-7, GTD ``specificity`` 5), or with no
  governorate, counts in the ``unknown`` region, so governorates plus ``unknown``
  add up exactly to ``ALL``. ``"adm1"`` also moves UCDP's fuzzy areas
  (``where_prec`` 5) there.
- **Actors**: ``actor="IS"`` keeps the events involving the actor (see
  :func:`resurgence.sources.actors.resolve_actor`); the series are the
  publisher's count of that actor's events, as the curated tallies are, and each
  row's ``note`` names the filter. Several actors keep the events involving any
  of them and add one set of series per actor (subset ``actor=is``, ...).
- **Breakdowns**: ``by=("violence",)`` (or ``event_type``, ``sub_event_type``)
  adds series for each value, as subsets ``violence=one_sided``.

Measures: ``events``, ``fatalities`` (UCDP best), ``fatalities_low`` and
``fatalities_high`` (UCDP), ``wounded`` (GTD). Unknown counts are not added as 0
silently: the row's ``note`` says how many events had none.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DataWarning, InputError
from ..months import parse_month
from ..reference import load_reference
from ..schemas import OBSERVATION_COLUMNS
from ..validation import validate_observations
from .actors import match_actor
from ._convert import today
from .events import DATE_PRECISIONS, LOCATION_PRECISIONS, area_regions, release_id, slug

__all__ = ["aggregate_events", "assign_months", "observations_csv", "MONTH_RULES", "BREAKDOWNS"]

MONTH_RULES = ("start", "end", "midpoint", "split", "exclude")
#: breakdown name -> event frame column
BREAKDOWNS = {"violence": "violence_type", "event_type": "event_type",
              "sub_event_type": "sub_event_type"}
MEASURES = {"ucdp": ("events", "fatalities", "fatalities_low", "fatalities_high"),
            "acled": ("events", "fatalities"), "gtd": ("events", "fatalities", "wounded")}
_COLUMN = {"events": None, "fatalities": "fatalities", "fatalities_low": "fatalities_low",
           "fatalities_high": "fatalities_high", "wounded": "wounded"}
#: Column order of the curated files (``subset`` last, so every file shares the same first columns).
FILE_COLUMNS = [c for c in OBSERVATION_COLUMNS if c != "subset"] + ["subset"]


def _month_index(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[M]").astype(np.int64)


def _day_index(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[D]").astype(np.int64)


def assign_months(start: np.ndarray, end: np.ndarray, values: dict[str, np.ndarray],
                  rule: str = "start") -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Assign events to calendar months by ``rule``: ``(event index, month, values)`` per piece.

    ``month`` counts months since 1970-01. Under ``split`` an event spanning k
    months becomes k pieces; integer ``values`` are apportioned by days with the
    largest remainder (ties to the earlier month), so each event's total is
    kept; NaN stays NaN. Under ``exclude`` spanning events have no piece.

    Examples
    --------
    Ten deaths from 30 January to 2 February (2 days in January, 2 in February)
    and one event: largest remainders give 5 + 5 deaths and the event to January.

    >>> s, e = np.array(["2024-01-30"], "datetime64[D]"), np.array(["2024-02-02"], "datetime64[D]")
    >>> idx, month, vals = assign_months(s, e, {"events": np.ones(1), "deaths": np.array([10.0])},
    ...                                  "split")
    >>> month.tolist(), vals["events"].tolist(), vals["deaths"].tolist()
    ([648, 649], [1.0, 0.0], [5.0, 5.0])
    """
    if rule not in MONTH_RULES:
        raise InputError(f"unknown month rule {rule!r}; choose one of {', '.join(MONTH_RULES)}")
    ms, me = _month_index(start), _month_index(end)
    n = len(ms)
    spanning = me > ms
    if rule in ("start", "exclude"):
        keep = ~spanning if rule == "exclude" else np.ones(n, dtype=bool)
        idx = np.flatnonzero(keep)
        return idx, ms[idx], {k: v[idx] for k, v in values.items()}
    if rule == "end":
        return np.arange(n), me, dict(values)
    if rule == "midpoint":
        ds, de = _day_index(start), _day_index(end)
        mid = (ds + (de - ds) // 2).astype("datetime64[D]")
        return np.arange(n), _month_index(mid), dict(values)
    # split: whole pieces for single-month events, apportioned pieces for the others
    single = np.flatnonzero(~spanning)
    multi = np.flatnonzero(spanning)
    k = (me - ms + 1)[multi]
    ev = np.repeat(multi, k)
    offset = np.arange(len(ev)) - np.repeat(np.cumsum(k) - k, k)
    month = ms[ev] + offset
    m_first = month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    m_last = (month + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - 1
    ds, de = _day_index(start)[ev], _day_index(end)[ev]
    days = np.minimum(de, m_last) - np.maximum(ds, m_first) + 1
    total = de - ds + 1
    piece_vals = {}
    group_start = np.cumsum(k) - k
    for key, v in values.items():
        vv = v[ev]
        known = ~np.isnan(vv)
        iv = np.where(known, np.round(vv), 0).astype(np.int64)
        num = iv * days
        base = num // total
        frac = num % total
        remainder = iv[group_start] - np.add.reduceat(base, group_start) if len(ev) else base
        order = np.lexsort((month, -frac, ev))
        rank = np.empty(len(ev), dtype=np.int64)
        rank[order] = np.arange(len(ev)) - np.repeat(group_start, k)
        extra = rank < np.repeat(remainder, k)
        piece_vals[key] = np.where(known, (base + extra).astype(float), np.nan)
    idx = np.concatenate([single, ev])
    months = np.concatenate([ms[single], month])
    out = {key: np.concatenate([values[key][single], piece_vals[key]]) for key in values}
    return idx, months, out


def last_complete_month() -> int:
    """The last month (months since 1970-01) that has ended by tomorrow.

    Observation tables accept an interval that ends by tomorrow (``end`` is
    exclusive; :func:`resurgence.checks.not_in_future`), so the month in progress
    is never emitted: its count is not final.
    """
    tomorrow = (today() + pd.Timedelta(days=1)).to_datetime64()
    return int(_month_index(np.array([tomorrow]))[0]) - 1


def _coverage(events: pd.DataFrame, coverage) -> tuple[int, int]:
    if coverage is None:
        coverage = events.attrs.get("coverage")
    if coverage is None:
        d = events["date_start"].dropna().to_numpy()
        if not len(d):
            raise InputError("no events, and no coverage given: nothing to aggregate")
        lo, hi = _month_index(d.min(keepdims=True))[0], _month_index(d.max(keepdims=True))[0]
        return int(lo), int(hi)
    lo, hi = (parse_month(str(c)) for c in coverage)
    if hi < lo:
        raise InputError(f"coverage ends ({hi:%Y-%m}) before it starts ({lo:%Y-%m})")
    return (int(_month_index(np.array([lo.to_datetime64()]))[0]),
            int(_month_index(np.array([hi.to_datetime64()]))[0]))


def aggregate_events(
    events: pd.DataFrame,
    *,
    actor: str | Sequence[str] | None = None,
    actor_fields: Sequence[str] = ("actor1", "actor2"),
    by: Sequence[str] = (),
    regions: str = "all",
    month_rule: str = "start",
    region_precision: str = "region",
    max_date_precision: str | None = None,
    coverage: tuple[str, str] | None = None,
    measures: Sequence[str] | None = None,
    area: str | None = None,
    source_url: str | None = None,
    source_title: str | None = None,
    release: str | None = None,
) -> pd.DataFrame:
    """Aggregate an event frame into validated monthly observation rows.

    Parameters
    ----------
    events : pandas.DataFrame
        From :func:`read_ucdp`, :func:`read_acled` or :func:`read_gtd`.
    actor : str or list of str, optional
        Keep the events involving the actor (or any of several actors, which
        then also get one set of series each, as subsets ``actor=...``).
    actor_fields : sequence of str
        Event columns searched for the actor (``actor_other`` adds ACLED's
        associated actors and GTD's third group).
    by : sequence of str
        Breakdowns: ``violence``, ``event_type``, ``sub_event_type``.
    regions : {"all", "total", "none"}
        Governorate series for every subset, only for the totals, or none
        (only ``ALL``).
    month_rule : {"start", "end", "midpoint", "split", "exclude"}
        Where events spanning months count (module docstring).
    region_precision : str
        Events located less precisely than this count in ``unknown``.
    max_date_precision : {"day", "week", "month", "year"}, optional
        Drop events whose date is known less precisely.
    coverage : (str, str), optional
        First and last covered month (``YYYY-MM``); default from the file(s).
    measures : sequence of str, optional
        Default: every measure the source has.
    area, source_url, source_title : str, optional
        Override the provenance the reader recorded in ``events.attrs``.
    release : str, optional
        The release part of the observation ids (``ucdp-25.1-syria-...``); default
        ``events.attrs["release"]`` (the readers set it), none for a frame without it.

    Returns
    -------
    pandas.DataFrame
        Observation rows (:class:`~resurgence.schemas.ObservationSchema`), one
        per series and covered month; ``attrs["summary"]`` counts what was
        counted, excluded and moved.

    Examples
    --------
    The Islamic State's events in Syria in January 2016 (UCDP GED):

    >>> import warnings
    >>> from resurgence.sources.ucdp import read_ucdp, bundled_ucdp_file
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")   # low <= best <= high fails in 35 events
    ...     events = read_ucdp(bundled_ucdp_file(), release="GED Syria 20160101-20191130")
    >>> obs = aggregate_events(events, actor="IS")
    >>> row = obs[(obs.region == "ALL") & (obs.measure == "events") & (obs.start == "2016-01-01")]
    >>> row[["obs_id", "value", "note"]].values.tolist()
    [['ucdp-ged_syria_20160101_20191130-syria-is-total-all-201601-events', 190.0,
      'events involving IS; month rule start; 6 event(s) spanning months']]
    """
    attrs = dict(events.attrs)
    source = attrs.get("source") or (str(events["source"].iloc[0]) if len(events) else None)
    if source not in MEASURES:
        raise InputError("cannot tell which dataset the events come from (attrs['source'])")
    area = area or attrs.get("area", "syria")
    source_url = source_url or attrs.get("source_url") or "https://ucdp.uu.se/downloads/"
    source_title = source_title or attrs.get("source_title") or source.upper()
    release = release_id(release, "") if release else attrs.get("release")
    if regions not in ("all", "total", "none"):
        raise InputError(f"regions must be 'all', 'total' or 'none', not {regions!r}")
    if region_precision not in LOCATION_PRECISIONS:
        raise InputError(f"unknown location precision {region_precision!r}; choose one of "
                         f"{', '.join(LOCATION_PRECISIONS)}")
    if max_date_precision is not None and max_date_precision not in DATE_PRECISIONS:
        raise InputError(f"unknown date precision {max_date_precision!r}; choose one of "
                         f"{', '.join(DATE_PRECISIONS)}")
    for b in by:
        if b not in BREAKDOWNS:
            raise InputError(f"unknown breakdown {b!r}; choose from {', '.join(BREAKDOWNS)}")
        if events[BREAKDOWNS[b]].isna().all() and len(events):
            raise InputError(f"{source} events have no {BREAKDOWNS[b]} to break down by")
    measures = tuple(measures or MEASURES[source])
    for m in measures:
        if m not in _COLUMN:
            raise InputError(f"unknown measure {m!r}; choose from {', '.join(_COLUMN)}")
    lo, hi = _coverage(events, coverage)
    limit = last_complete_month()
    if hi > limit:
        if coverage is not None:
            raise InputError(f"coverage ends in {_fmt(hi)}, which has not ended yet: a month's "
                             f"count is final once it has ended; the last is {_fmt(limit)}")
        if lo > limit:
            raise InputError(f"every event is in {_fmt(lo)} or later, which has not ended yet: "
                             "a month's count is final once it has ended")
    in_progress = hi > limit
    hi = min(hi, limit)
    summary = {"events": len(events)}

    keep = np.ones(len(events), dtype=bool)
    if max_date_precision is not None:
        rank = events["date_precision"].cat.codes.to_numpy()
        keep &= rank <= DATE_PRECISIONS.index(max_date_precision)
        summary["dropped_date_precision"] = int((~keep).sum())
    actors = [] if actor is None else ([actor] if isinstance(actor, str) else list(actor))
    masks = [match_actor(events, a, fields=actor_fields) for a in actors]
    if masks:
        chosen = np.logical_or.reduce([m for m, _ in masks])
        series_sets = [(chosen, "")]
        if len(masks) > 1:  # one set per actor besides the events involving any of them
            series_sets += [(m, f"actor={label}") for m, label in masks]
    else:
        chosen = np.ones(len(events), dtype=bool)
        series_sets = [(chosen, "")]
    tag = "+".join(label for _, label in masks) or "any"
    sel = np.flatnonzero(chosen & keep)
    ev = events.iloc[sel]
    summary["selected"] = len(sel)

    # regions: governorates of the area, then unknown
    names = area_regions(area)
    if not names and regions != "none":
        raise InputError(f"area {area!r} has no governorates in data/reference/regions.csv; "
                         "use regions='none'")
    names = sorted(names) + ["unknown"]
    region = pd.Categorical(ev["region"].astype(object), categories=names)
    rcode = np.asarray(region.codes, dtype=np.int64)
    coarse = ev["location_precision"].cat.codes.to_numpy() > LOCATION_PRECISIONS.index(
        region_precision)
    rcode[(rcode < 0) | coarse] = len(names) - 1
    summary["unknown_location"] = int((rcode == len(names) - 1).sum())

    start = ev["date_start"].to_numpy(dtype="datetime64[ns]")
    end = ev["date_end"].to_numpy(dtype="datetime64[ns]")
    values = {m: (np.ones(len(ev)) if _COLUMN[m] is None else ev[_COLUMN[m]].to_numpy(dtype=float))
              for m in measures}
    values["_error"] = ev["date_error_days"].to_numpy(dtype=float)
    spanning = _month_index(end) > _month_index(start)
    values["_span"] = spanning.astype(float)
    summary["spanning"] = int(spanning.sum())
    pidx, month, pvals = assign_months(start, end, values, month_rule)
    if month_rule == "split":
        pvals["_error"] = values["_error"][pidx]
        pvals["_span"] = values["_span"][pidx]
    if month_rule == "exclude":
        summary["excluded_spanning"] = summary["spanning"]
    inside = (month >= lo) & (month <= hi)
    outside_events = np.unique(pidx[~inside])
    summary["outside_coverage"] = int(len(outside_events))
    unfinished = np.unique(pidx[month > hi]) if in_progress else np.zeros(0, dtype=np.int64)
    summary["month_in_progress"] = int(len(unfinished))
    if len(unfinished):
        warnings.warn(f"{len(unfinished)} event(s) dated in {_fmt(hi + 1)} are not counted "
                      f"there: the month has not ended, so its count is not final (coverage "
                      f"ends {_fmt(hi)})", DataWarning, stacklevel=2)
    others = np.setdiff1d(outside_events, unfinished)
    if len(others):
        warnings.warn(f"{len(others)} event(s) fall outside the coverage "
                      f"{_fmt(lo)}..{_fmt(hi)} under the {month_rule!r} rule and are not counted",
                      DataWarning, stacklevel=2)
    pidx, month = pidx[inside], month[inside] - lo
    pvals = {k: v[inside] for k, v in pvals.items()}
    n_months, n_regions = hi - lo + 1, len(names)

    published = _published_names(ev, rcode, names)
    frames = []
    for mask, base_subset in series_sets:
        in_actor = mask[sel][pidx]
        groups = [(None, base_subset)] + [(b, base_subset) for b in by]
        for b, prefix in groups:
            if b is None:
                values_idx = np.zeros(len(pidx), dtype=np.int64)
                labels = [prefix]
            else:
                col = ev[BREAKDOWNS[b]].astype(object).fillna("unknown").map(slug)
                cat = pd.Categorical(col)
                values_idx = np.asarray(cat.codes, dtype=np.int64)[pidx]
                labels = [";".join(filter(None, [prefix, f"{b}={c}"])) for c in cat.categories]
            with_regions = regions == "all" or (regions == "total" and b is None)
            frames.append(_cells(pvals, measures, in_actor, values_idx, labels, rcode[pidx], month,
                                 n_regions, n_months, with_regions))
    cells = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    what = f"events involving {' or '.join(map(str, actors))}" if actors else "all events"
    prefix = f"{source}-{release}" if release else source
    obs = _observations(cells, names, published, lo, prefix, source, area, source_url,
                        source_title, f"{what}; month rule {month_rule}", tag)
    obs = validate_observations(obs, file=f"<{source} aggregation>")
    obs.attrs["summary"] = summary
    return obs


def _fmt(month: int) -> str:
    return str(np.datetime64(int(month), "M"))


def _published_names(ev: pd.DataFrame, rcode: np.ndarray, names: list[str]) -> list[str]:
    """The most common spelling the file uses for each region (empty for unknown)."""
    pub = ev["region_as_published"].astype(object).to_numpy()
    out = [""] * len(names)
    frame = pd.DataFrame({"r": rcode, "p": pub}).dropna()
    frame = frame[frame["r"] < len(names) - 1]
    if len(frame):
        top = frame.groupby("r")["p"].agg(lambda s: s.value_counts().index[0])
        for r, p in top.items():
            out[int(r)] = str(p)
    return out


def _cells(pvals, measures, in_actor, sub_idx, labels, rcode, month, n_regions, n_months,
           with_regions) -> pd.DataFrame:
    """Dense sums for every subset x region x month (regions last = ALL)."""
    n_sub = len(labels)
    size = n_sub * n_regions * n_months
    key = (sub_idx * n_regions + rcode) * n_months + month
    key = key[in_actor]
    out = {}
    for m in (*measures, "_error", "_span"):
        v = pvals[m][in_actor]
        nan = np.isnan(v)
        if m == "_error":
            arr = np.zeros(size)
            np.maximum.at(arr, key, np.nan_to_num(v))
        else:
            arr = np.bincount(key, weights=np.where(nan, 0.0, v), minlength=size)
        out[m] = arr.reshape(n_sub, n_regions, n_months)
        if m in measures:
            out[f"_unknown_{m}"] = np.bincount(key[nan], minlength=size).reshape(
                n_sub, n_regions, n_months)
    # the national line: sums over regions (max for the date error)
    full = {}
    for m, arr in out.items():
        total = arr.max(axis=1, keepdims=True) if m == "_error" else arr.sum(axis=1, keepdims=True)
        full[m] = np.concatenate([arr, total], axis=1) if with_regions else total
    r_ids = np.arange(n_regions + 1) if with_regions else np.array([n_regions])
    s_grid, r_grid, m_grid = np.meshgrid(np.arange(n_sub), r_ids, np.arange(n_months),
                                         indexing="ij")
    cols = {"subset": np.asarray(labels, dtype=object)[s_grid.ravel()],
            "region_idx": r_grid.ravel(),
            "month_idx": m_grid.ravel()}
    for m, arr in full.items():
        cols[m] = arr.ravel()
    return pd.DataFrame(cols)


def _observations(cells, names, published, lo, prefix, source, area, source_url, source_title,
                  how: str, tag: str) -> pd.DataFrame:
    ref = load_reference()
    codes = ref.regions.set_index("name")["code"]
    region_names = np.asarray(names + ["ALL"], dtype=object)
    region_codes = np.asarray([codes[n] for n in names] + ["all"], dtype=object)
    published_arr = np.asarray(published + [""], dtype=object)
    measures = [c for c in cells.columns if c in _COLUMN]
    rows = []
    month0 = np.datetime64(int(lo), "M")
    for m in measures:
        c = cells
        start = (month0 + c["month_idx"].to_numpy()).astype("datetime64[D]")
        end = (month0 + c["month_idx"].to_numpy() + 1).astype("datetime64[D]")
        subset = c["subset"].astype(str)
        subset_id = subset.str.replace("=", ".", regex=False).str.replace(";", "+", regex=False)
        subset_id = subset_id.where(subset_id != "", "total")
        stamp = pd.Series(start.astype("datetime64[M]").astype(str)).str.replace("-", "")
        rid = c["region_idx"].to_numpy()
        error = c["_error"].to_numpy()
        unknown = c[f"_unknown_{m}"].to_numpy()
        span = c["_span"].to_numpy()
        notes = pd.Series(how, index=c.index)
        has_span = span > 0
        notes[has_span] = notes[has_span] + "; " + pd.Series(span[has_span].astype(int).astype(
            str), index=notes[has_span].index) + " event(s) spanning months"
        if m != "events":
            has_unknown = unknown > 0
            notes[has_unknown] = notes[has_unknown] + "; " + pd.Series(
                unknown[has_unknown].astype(str), index=notes[has_unknown].index) + (
                f" event(s) with unknown {m} not counted")
        rows.append(pd.DataFrame({
            "obs_id": (f"{prefix}-{area}-{tag}-" + subset_id + "-" + region_codes[rid] + "-"
                       + stamp.to_numpy() + f"-{m}"),
            "source": source, "area": area, "region": region_names[rid], "measure": m,
            "subset": subset.where(subset != "", None).astype(object),
            "kind": "period", "start": pd.to_datetime(start), "end": pd.to_datetime(end),
            "value": c[m].to_numpy(dtype=float), "qualifier": "exact", "date_basis": "event_data",
            "date_error_days": error, "use": "primary",
            "confidence": np.where(error > 7, "medium", "high"),
            "source_url": source_url, "source_title": source_title, "via": None,
            "region_as_published": pd.Series(published_arr[rid]).replace("", None).astype(object),
            "note": notes.to_numpy(dtype=object), "choice_note": None,
        }))
    obs = pd.concat(rows, ignore_index=True)
    order = {n: i for i, n in enumerate(["ALL", *names])}
    obs["_r"] = obs["region"].map(order)
    obs["_m"] = obs["measure"].map({m: i for i, m in enumerate(_COLUMN)})
    obs["_s"] = obs["subset"].fillna("")
    obs = obs.sort_values(["_s", "_r", "_m", "start"], kind="stable")
    obs = obs.drop(columns=["_r", "_m", "_s"])
    return obs[list(OBSERVATION_COLUMNS)].reset_index(drop=True)


def observations_csv(obs: pd.DataFrame) -> str:
    """Observation rows as CSV text in the curated files' column order (``subset`` last)."""
    out = obs.copy()
    for c in ("start", "end"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    for c in ("value", "date_error_days"):
        out[c] = out[c].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    buf = io.StringIO()
    out[FILE_COLUMNS].to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()
