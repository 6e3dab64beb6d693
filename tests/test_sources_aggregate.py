"""Aggregation: month rules against brute force, coverage and zeros, regions adding up, actors."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import resurgence as rs
from resurgence.errors import DataWarning, InputError
from resurgence.sources import assign_months, observations_csv
from resurgence.sources.events import event_frame
from resurgence.validation import validate_observations


def _events(rows, source="ucdp", coverage=None):
    """A small event frame: rows of (start, end, region, fatalities, actor1, violence)."""
    start, end, region, deaths, actor, violence = zip(*rows)
    ev = event_frame(
        source=source, event_id=[str(i) for i in range(len(rows))], date_start=list(start),
        date_end=list(end), date_precision=["day"] * len(rows), region=list(region),
        location_precision=["exact"] * len(rows), actor1=list(actor), actor2=[None] * len(rows),
        violence_type=list(violence), fatalities=list(deaths),
        fatalities_low=list(deaths), fatalities_high=list(deaths), country=["Syria"] * len(rows),
        _line=list(range(2, len(rows) + 2)))
    ev.attrs = {"source": source, "area": "syria", "source_url": "https://example.org/x",
                "source_title": "fixture"}
    if coverage:
        ev.attrs["coverage"] = coverage
    return ev


TOY = _events([
    ("2024-01-05", "2024-01-05", "Homs", 3.0, "IS", "one_sided"),
    ("2024-01-30", "2024-02-02", "Deir ez-Zor", 10.0, "IS", "state_based"),  # 2 + 2 days
    ("2024-02-10", "2024-04-20", "unknown", 7.0, "IS", "non_state"),          # three months
    ("2024-03-01", "2024-03-01", "Aleppo", float("nan"), "HTS", "state_based"),
])


def _national(obs, measure="events", subset=""):
    rows = obs[(obs.region == "ALL") & (obs.measure == measure)
               & (obs.subset.fillna("") == subset)]
    return rows.set_index(rows["start"].dt.strftime("%Y-%m"))["value"].to_dict()


@pytest.mark.parametrize("rule,events,deaths", [
    ("start", {"2024-01": 2, "2024-02": 1, "2024-03": 0, "2024-04": 0},
     {"2024-01": 13, "2024-02": 7, "2024-03": 0, "2024-04": 0}),
    ("end", {"2024-01": 1, "2024-02": 1, "2024-03": 0, "2024-04": 1},
     {"2024-01": 3, "2024-02": 10, "2024-03": 0, "2024-04": 7}),
    # middle day: 30 Jan + 3 // 2 days = 31 Jan; 10 Feb + 70 // 2 days = 16 March
    ("midpoint", {"2024-01": 2, "2024-02": 0, "2024-03": 1, "2024-04": 0},
     {"2024-01": 13, "2024-02": 0, "2024-03": 7, "2024-04": 0}),
    # 10 deaths over 2 + 2 days -> 5 + 5, the event to January (tie: earlier month);
    # 7 deaths over 20 + 31 + 20 days -> 1.97, 3.06, 1.97 -> 2, 3, 2; the event to March
    ("split", {"2024-01": 2, "2024-02": 0, "2024-03": 1, "2024-04": 0},
     {"2024-01": 8, "2024-02": 7, "2024-03": 3, "2024-04": 2}),
    ("exclude", {"2024-01": 1, "2024-02": 0, "2024-03": 0, "2024-04": 0},
     {"2024-01": 3, "2024-02": 0, "2024-03": 0, "2024-04": 0}),
])
def test_month_rules_on_a_worked_example(rule, events, deaths):
    obs = rs.aggregate_events(TOY, actor="IS", month_rule=rule, coverage=("2024-01", "2024-04"))
    assert _national(obs) == {k: float(v) for k, v in events.items()}
    assert _national(obs, "fatalities") == {k: float(v) for k, v in deaths.items()}


def _brute_split(start: str, end: str, value: int) -> dict[str, int]:
    """Largest remainder by days with exact fractions, one day at a time."""
    days = pd.date_range(start, end, freq="D")
    per_month: dict[str, int] = {}
    for d in days:
        per_month[d.strftime("%Y-%m")] = per_month.get(d.strftime("%Y-%m"), 0) + 1
    quotas = {m: Fraction(value * n, len(days)) for m, n in per_month.items()}
    out = {m: int(q) for m, q in quotas.items()}
    left = value - sum(out.values())
    order = sorted(quotas, key=lambda m: (-(quotas[m] - int(quotas[m])), m))
    for m in order[:left]:
        out[m] += 1
    return out


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 800), st.integers(0, 120), st.integers(0, 500))
def test_split_matches_brute_force_largest_remainder(offset, length, value):
    start = pd.Timestamp("2023-11-01") + pd.Timedelta(days=offset)
    end = start + pd.Timedelta(days=length)
    s = np.array([start], dtype="datetime64[ns]")
    e = np.array([end], dtype="datetime64[ns]")
    idx, month, vals = assign_months(s, e, {"v": np.array([float(value)]), "n": np.ones(1)}, "split")
    got = {str(np.datetime64(int(m), "M")): int(v) for m, v in zip(month, vals["v"])}
    want = _brute_split(str(start.date()), str(end.date()), value)
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}
    assert vals["n"].sum() == 1 and vals["v"].sum() == value
    assert set(idx) == {0}


def test_split_keeps_unknown_unknown():
    s = np.array(["2024-01-20", "2024-01-20"], dtype="datetime64[ns]")
    e = np.array(["2024-02-10", "2024-01-21"], dtype="datetime64[ns]")
    _, month, vals = assign_months(s, e, {"v": np.array([np.nan, 4.0])}, "split")
    assert np.isnan(vals["v"][month != month.min()]).all() or np.isnan(vals["v"]).sum() == 2


def test_regions_and_unknown_add_up_to_all_for_every_series():
    obs = rs.aggregate_events(TOY, by=("violence",), month_rule="split",
                              coverage=("2024-01", "2024-04"))
    key = ["measure", "subset", "start"]
    obs = obs.assign(subset=obs["subset"].fillna(""))
    regional = obs[obs.region != "ALL"].groupby(key)["value"].sum()
    national = obs[obs.region == "ALL"].set_index(key)["value"]
    pd.testing.assert_series_equal(regional.sort_index(), national.sort_index(), check_names=False,
                                   check_index_type=False)
    assert set(obs.region) == {"ALL", "unknown", *rs.load_reference().regions.query(
        "level == 'governorate'")["name"]}


def test_zeros_inside_coverage_and_nothing_outside():
    obs = rs.aggregate_events(TOY, actor="IS", coverage=("2023-12", "2024-05"))
    assert _national(obs) == {"2023-12": 0.0, "2024-01": 2.0, "2024-02": 1.0, "2024-03": 0.0,
                              "2024-04": 0.0, "2024-05": 0.0}
    assert obs["value"].ge(0).all() and (obs.groupby(["region", "measure"]).size() == 6).all()
    default = rs.aggregate_events(TOY, actor="IS")      # coverage from the events themselves
    assert list(_national(default)) == ["2024-01", "2024-02", "2024-03"]


def test_events_outside_an_explicit_coverage_warn():
    with pytest.warns(DataWarning, match="1 event\\(s\\) fall outside the coverage"):
        obs = rs.aggregate_events(TOY, actor="IS", month_rule="end", coverage=("2024-01", "2024-03"))
    assert sum(_national(obs).values()) == 2


def test_unknown_deaths_are_noted_not_silently_zero():
    with pytest.warns(DataWarning, match="3 event"):
        obs = rs.aggregate_events(TOY, coverage=("2024-03", "2024-03"))
    row = obs[(obs.region == "Aleppo") & (obs.measure == "fatalities")]
    assert row["value"].item() == 0 and "1 event(s) with unknown fatalities not counted" in row["note"].item()
    assert obs[(obs.region == "Aleppo") & (obs.measure == "events")]["value"].item() == 1


def test_actor_filters_and_several_actors():
    obs = rs.aggregate_events(TOY, actor=["IS", "HTS"], regions="none")
    assert set(obs["subset"].fillna("")) == {"", "actor=is", "actor=hts"}   # either, each
    assert sum(_national(obs, subset="actor=hts").values()) == 1
    assert sum(_national(obs).values()) == 4
    single = rs.aggregate_events(TOY, actor="IS", regions="none")
    assert single["subset"].isna().all() and "events involving IS" in single["note"].iat[0]
    with pytest.raises(InputError, match="no event involves actor 'Daesh'.*"):
        rs.aggregate_events(TOY, actor="Daesh")
    with pytest.raises(InputError, match="similar names in the file: HTS"):
        rs.aggregate_events(TOY, actor="HTSS")


def test_known_actor_without_events_warns():
    ev = _events([("2024-01-05", "2024-01-05", "Homs", 3.0, "HTS", "state_based")])
    with pytest.warns(DataWarning, match="no event involves 'IS'"):
        obs = rs.aggregate_events(ev, actor="IS")
    assert obs["value"].sum() == 0


def test_ucdp_actor_by_id_and_coalition_member(tmp_path):
    ev = _events([("2024-01-05", "2024-01-05", "Homs", 3.0, "Ahrar al-Sham, HTS", "non_state"),
                  ("2024-01-06", "2024-01-06", "Homs", 1.0, "IS", "one_sided")])
    ev["actor1_id"] = pd.array([7056, 234], dtype="Int64")
    hts = rs.aggregate_events(ev, actor="HTS", regions="none")
    by_id = rs.aggregate_events(ev, actor="234", regions="none")
    assert _national(hts) == _national(by_id) == {"2024-01": 1.0}
    assert by_id["obs_id"].str.startswith("ucdp-syria-234-total-all-").all()


def test_breakdowns_add_up_to_the_total_and_regions_option():
    obs = rs.aggregate_events(TOY, actor="IS", by=("violence",), regions="total",
                              coverage=("2024-01", "2024-04"))
    split = obs[obs.subset.fillna("").str.contains("violence=")]
    assert set(split.region) == {"ALL"}
    total = _national(obs)
    events = split[split.measure == "events"]
    parts = events.groupby(events["start"].dt.strftime("%Y-%m"))["value"].sum()
    assert parts.to_dict() == total
    assert set(split.subset) == {"violence=one_sided", "violence=state_based",
                                 "violence=non_state"}
    with pytest.raises(InputError, match="no event_type"):
        rs.aggregate_events(TOY, by=("event_type",))


def test_precision_rules():
    ev = TOY.copy()
    ev["date_precision"] = pd.Categorical(["day", "week", "year", "month"],
                                          categories=["day", "week", "month", "year"], ordered=True)
    ev["location_precision"] = pd.Categorical(["exact", "region", "adm1", "country"],
                                              categories=["exact", "near", "adm2", "adm1",
                                                          "region", "country"], ordered=True)
    ev.attrs = TOY.attrs
    dropped = rs.aggregate_events(ev, max_date_precision="month", regions="none")
    assert dropped.attrs["summary"]["dropped_date_precision"] == 1
    assert sum(_national(dropped, subset="").values()) == 3
    loose = rs.aggregate_events(ev)
    strict = rs.aggregate_events(ev, region_precision="adm1")
    count = lambda o, r: o[(o.region == r) & (o.measure == "events")]["value"].sum()  # noqa: E731
    assert count(loose, "Deir ez-Zor") == 1 and count(strict, "Deir ez-Zor") == 0
    assert count(loose, "Aleppo") == 0 and count(loose, "unknown") == 2   # country-level Aleppo event


def test_output_is_valid_deterministic_and_loads_into_the_panel(tmp_path):
    a = rs.aggregate_events(TOY, actor="IS", by=("violence",))
    b = rs.aggregate_events(TOY, actor="IS", by=("violence",))
    pd.testing.assert_frame_equal(a, b)
    assert a["obs_id"].is_unique
    validate_observations(a)
    path = tmp_path / "events.csv"
    path.write_text(observations_csv(a), encoding="utf-8")
    panel = rs.load_panel([rs.reference.default_series_dir(), path])
    y = panel.get("ucdp/syria/deir_ez_zor/fatalities")   # the bundled 2016-2019 too
    assert y["2024-01-01":].tolist() == [10.0, 0.0, 0.0]
    assert y["2020-01-01":"2023-12-01"].isna().all()                  # not covered: missing, not 0
    assert panel.get("ucdp/syria/all/events/violence=non_state")["2024-01-01":].tolist() == [0, 1, 0]


def test_bad_options_are_input_errors():
    for kw in ({"month_rule": "later"}, {"regions": "some"}, {"region_precision": "street"},
               {"max_date_precision": "decade"}, {"by": ("colour",)}, {"measures": ("smiles",)},
               {"coverage": ("2024-05", "2024-01")}):
        with pytest.raises(InputError):
            rs.aggregate_events(TOY, **kw)


def test_toy_frame_is_valid_event_frame():
    from resurgence.sources.events import EventSchema

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        EventSchema.validate(TOY)
