"""Observations -> interval counts: every number becomes a count over [start, end).

Period observations are used as they are. Running totals ("75 operations since
early 2024", then "114 ...") are differenced in date order within a chain (same
source, area, region, measure and stated start): consecutive snapshots give the
count between their dates. A chain's first snapshot gives the count from the
stated start; a chain whose start is unstated only informs differences.

A snapshot *below* the running maximum is a revision or a stale copy. It is kept
as a row with a negative value and ``status == "revision"`` (never clipped), and
the next interval is measured from the running maximum, so the counts that are
used still add up to the latest total. Only ``use == "primary"`` observations
take part.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .months import exposure_months
from .reference import load_reference
from .schemas import IntervalCountSchema, empty_frame

__all__ = ["interval_counts", "series_id", "INTERVAL_COLUMNS"]

INTERVAL_COLUMNS = list(IntervalCountSchema.to_schema().columns)


def series_id(source: str, area: str, region: str, measure: str, subset: str | None = None) -> str:
    """The id of one series: ``source/area/region_code/measure[/subset]``.

    Examples
    --------
    >>> series_id("sohr", "regime_desert", "Deir ez-Zor", "attacks")
    'sohr/regime_desert/deir_ez_zor/attacks'
    >>> series_id("ucdp", "syria", "Homs", "events", "violence=one_sided")
    'ucdp/syria/homs/events/violence=one_sided'
    """
    codes = load_reference().regions.set_index("name")["code"]
    sid = f"{source}/{area}/{codes[region]}/{measure}"
    return f"{sid}/{subset}" if isinstance(subset, str) and subset else sid


def _combine_qualifiers(a: str, b: str) -> str:
    return "exact" if a == "exact" and b == "exact" else "about"


def _row(obs, start, end, value, qualifier, derivation, status, error, ids):
    return {
        "source": obs["source"], "area": obs["area"], "region": obs["region"],
        "measure": obs["measure"], "subset": obs["subset"], "start": start, "end": end,
        "value": float(value),
        "qualifier": qualifier, "derivation": derivation, "status": status,
        "date_error_days": float(error), "obs_ids": ids,
    }


def interval_counts(observations: pd.DataFrame) -> pd.DataFrame:
    """Derive interval counts from validated observations.

    Parameters
    ----------
    observations : pandas.DataFrame
        As returned by :func:`resurgence.load_observations`.

    Returns
    -------
    pandas.DataFrame
        Columns ``series_id, source, area, region, measure, start, end, months,
        value, qualifier, derivation (period|difference), status (ok|revision),
        date_error_days, obs_ids``, sorted by series and start. Validated
        against :class:`~resurgence.schemas.IntervalCountSchema`.

    Examples
    --------
    >>> obs = pd.DataFrame({
    ...     "obs_id": ["a", "b", "c"], "source": "sohr", "area": "sdf_areas", "region": "ALL",
    ...     "measure": "attacks", "kind": "cumulative", "use": "primary", "qualifier": "exact",
    ...     "start": pd.Timestamp("2024-01-01"), "date_error_days": 2.0,
    ...     "end": pd.to_datetime(["2024-02-03", "2024-02-28", "2024-02-29"]),
    ...     "value": [20.0, 44.0, 43.0]})
    >>> interval_counts(obs)[["start", "end", "value", "status"]].astype(str).values.tolist()
    [['2024-01-01', '2024-02-03', '20.0', 'ok'], ['2024-02-03', '2024-02-28', '24.0', 'ok'], ['2024-02-28', '2024-02-29', '-1.0', 'revision']]
    """
    obs = observations[observations["use"] == "primary"]
    if "subset" not in obs.columns:
        obs = obs.assign(subset=pd.Series(np.nan, index=obs.index, dtype=object))
    periods = obs[obs["kind"] == "period"]
    rows: list[dict] = []
    base_cols = ["source", "area", "region", "measure", "subset", "start", "end", "value", "qualifier",
                 "date_error_days"]
    direct = periods[base_cols].assign(derivation="period", status="ok",
                                       obs_ids=periods["obs_id"])
    cum = obs[obs["kind"] == "cumulative"].copy()
    cum["_chain_start"] = cum["start"].dt.strftime("%Y-%m-%d").fillna("unstated")
    cum["_subset"] = cum["subset"].astype(object).fillna("")
    chain_key = ["source", "area", "region", "measure", "_subset", "_chain_start"]
    for _, chain in cum.groupby(chain_key, sort=True, dropna=False):
        chain = chain.sort_values(["end", "obs_id"], kind="stable")
        first = chain.iloc[0]
        base = None
        if pd.notna(first["start"]):
            base = {"end": first["start"], "value": 0.0, "qualifier": "exact",
                    "date_error_days": 0.0, "obs_id": None}
        for _, snap in chain.iterrows():
            if base is None:
                base = snap
                continue
            diff = snap["value"] - base["value"]
            if base["obs_id"] is None:
                qual, ids = snap["qualifier"], snap["obs_id"]
            else:
                qual = _combine_qualifiers(base["qualifier"], snap["qualifier"])
                ids = f"{base['obs_id']};{snap['obs_id']}"
            error = max(base["date_error_days"], snap["date_error_days"])
            status = "ok" if diff >= 0 else "revision"
            rows.append(_row(snap, base["end"], snap["end"], diff, qual, "difference", status,
                             error, ids))
            if diff >= 0:
                base = snap
    if direct.empty and not rows:
        return empty_frame(IntervalCountSchema)
    diffs = pd.DataFrame(rows, columns=[*base_cols, "derivation", "status", "obs_ids"])
    out = pd.concat([direct, diffs], ignore_index=True) if len(diffs) else direct.reset_index(drop=True)
    out = out.astype({"start": "datetime64[ns]", "end": "datetime64[ns]", "value": float,
                      "date_error_days": float})
    codes = load_reference().regions.set_index("name")["code"]
    subset = out["subset"].astype(object).fillna("").astype(str)
    out.insert(0, "series_id", out["source"] + "/" + out["area"] + "/"
               + out["region"].map(codes).astype(str) + "/" + out["measure"]
               + subset.where(subset == "", "/" + subset))
    out["subset"] = out["subset"].where(subset != "", np.nan).astype(object)
    out["months"] = exposure_months(out["start"], out["end"]) if len(out) else []
    out = out[INTERVAL_COLUMNS].sort_values(["series_id", "start", "end", "derivation"], kind="stable")
    out = out.reset_index(drop=True)
    return IntervalCountSchema.validate(out)
