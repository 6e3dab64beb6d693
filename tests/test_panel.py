"""The monthly panel: direct monthly figures, NaN where unstated, one publisher per series."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from resurgence import load_panel, model_frame, panel_series
from resurgence.errors import InputError
from resurgence.panel import _max_coverage, select_series
from resurgence.schemas import PanelSchema


@pytest.fixture(scope="module")
def panel():
    return load_panel()


def test_january_2024_figures_from_the_done_when(panel):
    assert panel.get("sohr/sdf_areas/all/attacks")["2024-01-01"] == 17
    assert panel.get("sohr/regime_desert/all/attacks")["2024-01-01"] == 26


def test_months_no_source_reports_are_missing_not_zero(panel):
    sdf = panel.get("sohr/sdf_areas/all/attacks")
    assert np.isnan(sdf["2023-12-01"]) and np.isnan(sdf["2024-02-01"])
    stated = panel.observations
    zeros = panel.monthly[panel.monthly["value"] == 0]
    # every zero in the panel is a zero some source stated
    assert set(zeros["obs_id"]) <= set(stated.loc[stated["value"] == 0, "obs_id"])
    # a stated zero stays zero (CEP: no confirmed activity in Aleppo in April 2022)
    assert panel.get("cep/central_syria/aleppo/attacks")["2022-04-01"] == 0


def test_every_month_between_first_and_last_is_present(panel):
    for sid, grp in panel.monthly.groupby("series_id"):
        months = pd.DatetimeIndex(grp["month"])
        assert len(months) == len(pd.date_range(months.min(), months.max(), freq="MS")), sid


def test_panel_schema_rejects_gaps_and_duplicates(panel):
    one = panel.monthly[panel.monthly["series_id"] == "cep/central_syria/all/attacks"]
    with pytest.raises(pa.errors.SchemaError, match="months_contiguous"):
        PanelSchema.validate(one.drop(one.index[3]))
    with pytest.raises(pa.errors.SchemaError, match="unique_series_month"):
        PanelSchema.validate(pd.concat([one, one.iloc[[2]]], ignore_index=True))


def test_series_never_mix_publishers(panel):
    per_series = panel.monthly.groupby("series_id")["source"].nunique()
    assert (per_series == 1).all()
    assert panel.monthly["series_id"].str.split("/").str[0].eq(panel.monthly["source"]).all()


def test_sohr_and_ric_stay_separate_for_the_same_month(panel):
    # SOHR counted 11 attacks in SDF areas in April 2022, RIC 54 sleeper-cell attacks in NES
    assert panel.get("sohr/sdf_areas/all/attacks")["2022-04-01"] == 11
    assert panel.get("ric/nes/all/sleeper_cell_attacks")["2022-04-01"] == 54


def test_model_frame_prefers_calendar_months_and_never_overlaps(panel):
    for sid in panel.series["series_id"]:
        mf = model_frame(panel.intervals, sid)
        assert (mf["start"].iloc[1:].to_numpy() >= mf["end"].iloc[:-1].to_numpy()).all(), sid
        monthly = panel.get(sid).dropna()
        # every stated calendar month is in the model frame with exposure 1
        got = mf[mf["months"] == 1].set_index("start")["value"]
        assert set(monthly.index) <= set(got.index), sid


def test_model_frame_uses_running_totals_for_months_without_reports(panel):
    mf = model_frame(panel.intervals, "sohr/sdf_areas/all/attacks")
    feb = mf[(mf["start"] >= "2024-02-01") & (mf["end"] <= "2024-07-01")]
    assert len(feb) >= 3 and (feb["derivation"] == "difference").all()
    assert feb["value"].sum() > 0


def _brute_force_coverage(rows: pd.DataFrame) -> float:
    best = 0.0
    idx = list(range(len(rows)))
    for k in range(len(rows) + 1):
        for combo in itertools.combinations(idx, k):
            sub = rows.iloc[list(combo)].sort_values("start")
            if (sub["start"].iloc[1:].to_numpy() >= sub["end"].iloc[:-1].to_numpy()).all():
                best = max(best, float(sub["months"].sum()))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_max_coverage_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 9)
    starts = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    lengths = pd.to_timedelta(rng.integers(1, 90, n), unit="D")
    rows = pd.DataFrame({"start": starts, "end": starts + lengths})
    rows["months"] = (rows["end"] - rows["start"]).dt.days / 30.0
    picked = _max_coverage(rows)
    assert float(picked["months"].sum()) == pytest.approx(_brute_force_coverage(rows))
    ordered = picked.sort_values("start")
    assert (ordered["start"].iloc[1:].to_numpy() >= ordered["end"].iloc[:-1].to_numpy()).all()


def test_selection_resolves_aliases_and_rejects_unknown_values(panel):
    a = select_series(panel.series, source="sohr", region="Deir Ezzor")
    b = select_series(panel.series, source="sohr", region="deir_ez_zor")
    assert a.equals(b) and len(a) > 0
    with pytest.raises(InputError, match="unknown source 'sohrr'"):
        select_series(panel.series, source="sohrr")
    with pytest.raises(InputError, match="unknown region 'Narnia'"):
        select_series(panel.series, region="Narnia")
    with pytest.raises(InputError, match="did you mean sohr/sdf_areas/all/attacks"):
        panel_series(panel.monthly, "sohr/sdf_area/all/attacks")


def test_every_public_name_resolves_and_the_lazy_table_is_the_public_api():
    """resurgence imports its API on first use: each name of __all__ must resolve to the
    object of its home module, and the lazy table must not list names __all__ leaves out."""
    import importlib

    import resurgence

    assert set(resurgence._LAZY) <= set(resurgence.__all__)
    for name in resurgence.__all__:
        value = getattr(resurgence, name)
        if name in resurgence._LAZY:
            home = importlib.import_module(f"resurgence.{resurgence._LAZY[name]}")
            assert value is getattr(home, name)
    assert set(resurgence.__all__) <= set(dir(resurgence))
