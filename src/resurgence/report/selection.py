"""Which series the report shows, by written rules (so a user's own data folder works too).

* **Area pages** (one per publisher and area): every publisher/area with a
  country-wide (``region == ALL``) *activity* series — the first present of
  ``attacks``, ``events``, ``sleeper_cell_attacks``, ``claimed_attacks`` — that has
  at least ``min_observations`` usable observations (calendar months plus
  non-overlapping coarser intervals). The ISIS streams come first in a fixed order
  (SOHR SDF-held areas, RIC North and East Syria, SOHR regime-held desert, CEP
  central Syria, UCDP Syria), then the others by number of observations. At most
  ``max_area_pages``. If none qualifies, the activity series with the most
  observations gets the page. Each page adds the stream's *deaths* series:
  ``fatalities`` if it has ``min_observations``, else whichever of ``combatants``
  and ``civilians`` has more observations.
* **Governorates** (small multiples): every governorate-level ``attacks`` or
  ``events`` series with at least 3 usable observations, one panel per governorate,
  governorates with the most observations first.
* **Publisher comparisons**: pairs of streams covering the same ground — the fixed
  pairs SOHR SDF-held areas / RIC North and East Syria and SOHR regime-held desert /
  CEP central Syria, and any two publishers with the same area id — for each
  measure both publish, when at least 3 intervals can be matched.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .context import ReportContext

__all__ = ["Stream", "area_streams", "governorate_series", "publisher_pairs",
           "ACTIVITY", "DEATHS", "PREFERRED_STREAMS", "EQUIVALENT_AREAS"]

ACTIVITY = ("attacks", "events", "sleeper_cell_attacks", "claimed_attacks")
DEATHS = ("fatalities", "combatants", "civilians")
PREFERRED_STREAMS = (("sohr", "sdf_areas"), ("ric", "nes"), ("sohr", "regime_desert"),
                     ("cep", "central_syria"), ("ucdp", "syria"))
#: Publisher/area pairs that cover (nearly) the same ground under different names.
EQUIVALENT_AREAS = ((("sohr", "sdf_areas"), ("ric", "nes")),
                    (("sohr", "regime_desert"), ("cep", "central_syria")))
COMPARE_MEASURES = ("attacks", "events", "fatalities", "combatants", "civilians")


@dataclass(frozen=True)
class Stream:
    """One publisher's series for one area: an activity series and optionally deaths."""

    source: str
    area: str
    activity: str
    deaths: str | None


def _countrywide(ctx: ReportContext) -> pd.DataFrame:
    s = ctx.panel.series
    s = s[(s["region"] == "ALL") & (s["subset"].astype(object).fillna("") == "")]
    return s.assign(n_obs=[ctx.n_observations(sid) for sid in s["series_id"]])


def _pick_deaths(ctx: ReportContext, rows: pd.DataFrame) -> str | None:
    by = {r.measure: (r.series_id, r.n_obs) for r in rows.itertuples()}
    if "fatalities" in by and by["fatalities"][1] >= ctx.options.min_observations:
        return by["fatalities"][0]
    best = [(by[m][1], -i, by[m][0]) for i, m in enumerate(DEATHS) if m in by]
    if not best:
        return None
    n, _, sid = max(best)
    return sid if n >= 3 else None


def area_streams(ctx: ReportContext) -> list[Stream]:
    """The publisher/area streams that get a page, in page order (see the module docs)."""
    rows = _countrywide(ctx)
    candidates = []
    for (source, area), grp in rows.groupby(["source", "area"], sort=True):
        act = grp[grp["measure"].isin(ACTIVITY)]
        if act.empty:
            continue
        act = act.assign(rank=act["measure"].map(ACTIVITY.index)).sort_values("rank")
        best = act.iloc[0]
        pref = (PREFERRED_STREAMS.index((source, area)) if (source, area) in PREFERRED_STREAMS
                else len(PREFERRED_STREAMS))
        candidates.append((pref, -int(best["n_obs"]), source, area, best["series_id"],
                           int(best["n_obs"]), grp))
    candidates.sort(key=lambda c: c[:4])
    chosen = [c for c in candidates if c[5] >= ctx.options.min_observations]
    if not chosen and candidates:
        chosen = [max(candidates, key=lambda c: (c[5], -c[0]))]
    return [Stream(c[2], c[3], c[4], _pick_deaths(ctx, c[6]))
            for c in chosen[: ctx.options.max_area_pages]]


def governorate_series(ctx: ReportContext, min_obs: int = 3) -> dict[str, list[str]]:
    """Governorate -> its activity series (``attacks``/``events``), most data first."""
    ref = ctx.reference.regions
    govs = set(ref.loc[ref["level"] == "governorate", "name"])
    s = ctx.panel.series
    s = s[s["region"].isin(govs) & s["measure"].isin(("attacks", "events"))
          & (s["subset"].astype(object).fillna("") == "")]
    out: dict[str, list[tuple[int, str]]] = {}
    for sid, region in zip(s["series_id"], s["region"]):
        n = ctx.n_observations(sid)
        if n >= min_obs:
            out.setdefault(region, []).append((n, sid))
    order = sorted(out, key=lambda r: (-sum(n for n, _ in out[r]), r))
    return {r: [sid for _, sid in sorted(out[r], key=lambda t: (-t[0], t[1]))] for r in order}


def publisher_pairs(ctx: ReportContext) -> list[tuple[str, str]]:
    """Pairs of series ids (same measure, different publishers) to compare, in page order."""
    rows = _countrywide(ctx)
    by_stream = {(r.source, r.area, r.measure): r.series_id for r in rows.itertuples()}
    streams = sorted({(r.source, r.area) for r in rows.itertuples()})
    pairs: list[tuple[tuple[str, str], tuple[str, str]]] = list(EQUIVALENT_AREAS)
    for i, a in enumerate(streams):
        for b in streams[i + 1:]:
            if a[1] == b[1] and a[0] != b[0] and (a, b) not in pairs:
                pairs.append((a, b))
    out = []
    for a, b in pairs:
        for m in COMPARE_MEASURES:
            sa, sb = by_stream.get((*a, m)), by_stream.get((*b, m))
            if sa and sb:
                out.append((sa, sb))
    return out
