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

import pandas as pd

from .months import interval_months
from .reference import load_reference
from .schemas import IntervalCountSchema

__all__ = ["interval_counts", "series_id", "INTERVAL_COLUMNS"]

INTERVAL_COLUMNS = list(IntervalCountSchema.to_schema().columns)


def series_id(source: str, area: str, region: str, measure: str) -> str:
    """The id of one series: ``source/area/region_code/measure``.

    Examples
    --------
    >>> series_id("sohr", "regime_desert", "Deir ez-Zor", "attacks")
    'sohr/regime_desert/deir_ez_zor/attacks'
    """
    codes = load_reference().regions.set_index("name")["code"]
    return f"{source}/{area}/{codes[region]}/{measure}"


def _combine_qualifiers(a: str, b: str) -> str:
    return "exact" if a == "exact" and b == "exact" else "about"


def _row(obs, start, end, value, qualifier, derivation, status, error, ids):
    return {
        "series_id": series_id(obs["source"], obs["area"], obs["region"], obs["measure"]),
        "source": obs["source"], "area": obs["area"], "region": obs["region"],
        "measure": obs["measure"], "start": start, "end": end,
        "months": interval_months(start, end), "value": float(value),
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
    rows: list[dict] = []
    for _, o in obs[obs["kind"] == "period"].iterrows():
        rows.append(_row(o, o["start"], o["end"], o["value"], o["qualifier"], "period", "ok",
                         o["date_error_days"], o["obs_id"]))
    cum = obs[obs["kind"] == "cumulative"].copy()
    cum["_chain_start"] = cum["start"].astype(str)
    chain_key = ["source", "area", "region", "measure", "_chain_start"]
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
    out = pd.DataFrame(rows, columns=INTERVAL_COLUMNS)
    if out.empty:
        out = out.astype({"start": "datetime64[ns]", "end": "datetime64[ns]", "months": float,
                          "value": float, "date_error_days": float})
    out = out.sort_values(["series_id", "start", "end", "derivation"], kind="stable")
    out = out.reset_index(drop=True)
    return IntervalCountSchema.validate(out)
