"""Reference vocabularies, region aliases, and the provenance of the curated data."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from resurgence.errors import UnknownRegionError
from resurgence.reference import canonical_region, default_series_dir, load_reference, region_code
from resurgence.validation import load_observations


@pytest.mark.parametrize("name,canon", [
    ("Deir Ezzor", "Deir ez-Zor"), ("Dayr az Zawr Governorate", "Deir ez-Zor"),
    ("deir ez zor", "Deir ez-Zor"), ("Deir-ez-Zor", "Deir ez-Zor"),
    ("Ar Raqqah Governorate", "Al-Raqqah"), ("Raqqa", "Al-Raqqah"), ("AL-RAQQAH", "Al-Raqqah"),
    ("Al Hasakah", "Al-Hasakah"), ("Heseke", "Al-Hasakah"), ("Hasakah", "Al-Hasakah"),
    ("Hims", "Homs"), ("Homs Governorate", "Homs"), ("Rural Damascus", "Rif Dimashq"),
    ("Dar'a", "Daraa"), ("Dar`a", "Daraa"), ("As Suwayda'", "As-Suwayda"), ("Suwayda", "As-Suwayda"),
    ("Hamah Governorate", "Hama"), ("Al Ladhiqiyah", "Latakia"), ("Idleb", "Idlib"),
    ("Al Qunaytirah", "Quneitra"), ("Tartous", "Tartus"), ("Halab", "Aleppo"), ("ALL", "ALL"),
])
def test_aliases_resolve(name, canon):
    assert canonical_region(name) == canon


def test_unknown_region_names_value_and_file():
    with pytest.raises(UnknownRegionError) as info:
        canonical_region("Narnia", file="events.csv", row=7)
    assert str(info.value).startswith("unknown region 'Narnia' in events.csv, row 7")


def test_fourteen_governorates_with_unique_codes():
    regions = load_reference().regions
    govs = regions[regions["level"] == "governorate"]
    assert len(govs) == 14
    assert regions["code"].is_unique and regions["name"].is_unique
    assert region_code("Deir ez-Zor") == "deir_ez_zor"


def test_every_observation_carries_its_source():
    obs = load_observations(warn=False)
    assert obs["source_url"].str.match(r"^(https?://|reports/)").all()
    assert obs["obs_id"].is_unique
    chosen_against = obs[obs["use"] != "primary"]
    assert chosen_against["choice_note"].notna().all(), "every non-primary row says why"


def test_every_observation_carries_a_note():
    """Every row says what the page stated (the raw remark, or the derivation: which
    regional line of which running total as of which date)."""
    obs = load_observations(warn=False)
    empty = obs.loc[obs["note"].isna() | (obs["note"].str.strip() == ""), "obs_id"].tolist()
    assert not empty, f"{len(empty)} rows without a note, e.g. {empty[:5]}"
    derived = obs.set_index("obs_id").at["sohr-c-027-attacks", "note"]
    assert derived.startswith("running total since early 2023 as of 2023-11-21")
    assert derived.endswith("Al-Raqqah line of the page's regional breakdown: 13 operations")


def test_documented_contradictions_keep_both_figures():
    obs = load_observations(warn=False)
    nov22 = obs[(obs["source"] == "sohr") & (obs["area"] == "sdf_areas") & (obs["region"] == "ALL")
                & (obs["measure"] == "attacks") & (obs["start"] == "2022-11-01")]
    assert sorted(nov22["value"]) == [18, 20]
    assert nov22.set_index("value").loc[20, "use"] == "primary"
    desert21 = obs[(obs["area"] == "regime_desert") & (obs["measure"] == "combatants")
                   & (obs["start"] == "2021-01-01") & (obs["kind"] == "period")]
    assert {396, 400} <= set(desert21["value"])


def test_every_curated_file_is_documented():
    readme = (default_series_dir() / "README.md").read_text(encoding="utf-8")
    for path in default_series_dir().glob("*.csv"):
        assert path.name in readme, f"{path.name} is not described in data/series/README.md"
    for column in load_observations(warn=False).columns:
        if not column.startswith("_"):
            assert f"`{column}`" in readme, f"column {column} is not defined in the README"


def test_curated_tables_are_reproducible_from_shared_sources(repo_root, shared_sources):
    """data/series is exactly what scripts/import_shared_sources.py makes of ../shared/sources."""
    result = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "import_shared_sources.py"), "--check",
         "--sources", str(shared_sources)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_figure_of_the_sohr_tables_is_in_the_data(shared_sources):
    """Each non-empty number in SOHR's wide tables is one observation row."""
    obs = load_observations(warn=False)
    for raw, prefix in [("monthly", "sohr-m-"), ("cumulative_dated", "sohr-c-"), ("annual", "sohr-p-")]:
        table = pd.read_csv(shared_sources / "sohr" / f"{raw}.csv")
        cells = int(table[["attacks", "fatalities", "civilians", "combatants", "isis_members"]]
                    .notna().to_numpy().sum())
        rows = obs[obs["obs_id"].str.startswith(prefix) & ~obs["obs_id"].str.contains("-x")]
        assert len(rows) == cells, raw
    other = pd.read_csv(shared_sources / "other" / "monthly.csv")
    assert (obs["obs_id"].str.match(r"^oth-m-\d{3}$")).sum() == len(other)


def test_rows_from_pages_that_contradict_themselves_are_low_confidence():
    """data/series/README.md: confidence low = the page contradicts itself (the raw
    tables flag it in the note) or its scope or period is uncertain."""
    obs = load_observations(warn=False)
    flagged = obs[obs["note"].fillna("").str.contains(
        r"INTERNAL INCONSISTENCY|INCONSISTENT|LOW CONFIDENCE")]
    expected = {"oth-m-127", "oth-m-266", "oth-m-267", "oth-m-323", "oth-m-401"}
    assert expected <= set(flagged["obs_id"])
    wrong = flagged.loc[flagged["confidence"] != "low", "obs_id"].tolist()
    assert not wrong, f"flagged as contradicting itself but not low confidence: {wrong}"


def _figure(obs, source, area, region, measure, start, end):
    return obs[(obs["source"] == source) & (obs["area"] == area) & (obs["region"] == region)
               & (obs["measure"] == measure) & (obs["start"] == start) & (obs["end"] == end)]


@pytest.mark.parametrize("source,area,region,measure,start,end,value,use", [
    # sohr/DATES.md section 5.1: page 326400 inside the superseded same-day cluster
    ("sohr", "regime_desert", "ALL", "attacks", "2024-01-01", "2024-02-26", 53, "superseded"),
    ("sohr", "regime_desert", "ALL", "fatalities", "2024-01-01", "2024-02-26", 144, "superseded"),
    ("sohr", "regime_desert", "Deir ez-Zor", "attacks", "2024-01-01", "2024-02-26", 17,
     "superseded"),
    # sohr/url_dates.csv 241853: the Palmyra bus attack of 6 March 2022
    ("sohr", "regime_desert", "Homs", "combatants", "2022-03-06", "2022-03-07", 15, "primary"),
    ("sohr", "regime_desert", "Homs", "wounded", "2022-03-06", "2022-03-07", 18, "primary"),
    # the title of 314614: eight operations in six days
    ("sohr", "sdf_areas", "ALL", "attacks", "2023-10-14", "2023-10-20", 8, "primary"),
    # wounded figures given only in notes
    ("cep", "central_syria", "ALL", "wounded", "2020-12-01", "2021-01-01", 57, "primary"),
    ("cep", "central_syria", "ALL", "wounded", "2024-03-01", "2024-04-01", 51, "primary"),
    ("ric", "nes", "ALL", "wounded_combatants", "2024-02-01", "2024-03-01", 11, "primary"),
    ("ric", "nes", "ALL", "wounded", "2020-06-01", "2020-07-01", 17, "primary"),
    # RIC October 2019 deaths (also quoted in the November 2019 database's note)
    ("ric", "nes", "ALL", "fatalities", "2019-10-01", "2019-11-01", 51, "primary"),
    # report texts: the upper end of 950-975, the wali of Raqqa
    ("isis_claims", "syria", "ALL", "claimed_attacks", "2020-01-01", "2021-12-01", 975,
     "alternative"),
    ("press", "sna_areas", "Aleppo", "isis_members", "2020-06-20", "2020-06-21", 1, "primary"),
])
def test_figures_quoted_outside_the_tables_are_rows(source, area, region, measure, start, end,
                                                    value, use):
    rows = _figure(load_observations(warn=False), source, area, region, measure, start, end)
    hit = rows[rows["value"] == value]
    assert len(hit) == 1, rows[["obs_id", "value", "use"]]
    assert hit["use"].iat[0] == use
    assert hit["note"].notna().all() and hit["source_url"].notna().all()


def test_every_wounded_figure_in_the_cep_and_ric_notes_is_a_row(shared_sources):
    """A CEP or RIC month whose raw note states wounded or injured people has a wounded row."""
    raw = pd.read_csv(shared_sources / "other" / "monthly.csv", keep_default_na=False)
    raw = raw[raw["source_org"].isin(["CEP", "RIC"])
              & raw["note"].str.contains(r"wounded|injur", regex=True)]
    obs = load_observations(warn=False)
    wounded = obs[obs["measure"].str.startswith("wounded")]
    have = set(zip(wounded["source"], wounded["start"].dt.strftime("%Y-%m")))
    missing = sorted({(s.lower(), m) for s, m in zip(raw["source_org"], raw["month"])} - have)
    assert len(raw) > 40
    assert not missing, f"months whose notes give wounded but have no wounded row: {missing}"


@pytest.mark.parametrize("measure,start,values,chosen", [
    ("sleeper_cell_attacks", "2021-06-01", {24, 25}, 24),  # June report 25, July report 24
    ("sleeper_cell_attacks", "2022-07-01", {21, 23}, 21),  # '21 outside Hol camp' / '15 of 23'
    ("fatalities", "2021-01-01", {26, 27}, 26),           # key facts / body
    ("claimed_attacks", "2021-01-01", {29, 26}, 29),      # key facts / 'all but 5' of 31
])
def test_ric_contradictions_keep_both_figures_and_say_why(measure, start, values, chosen):
    end = (pd.Timestamp(start) + pd.offsets.MonthBegin(1)).strftime("%Y-%m-%d")
    rows = _figure(load_observations(warn=False), "ric", "nes", "ALL", measure, start, end)
    assert set(rows["value"]) == values
    primary = rows[rows["use"] == "primary"]
    assert primary["value"].tolist() == [chosen]
    assert (rows.loc[rows["use"] != "primary", "use"] == "alternative").all()
    assert rows["choice_note"].notna().all(), "both rows say why"
    readme = (default_series_dir() / "README.md").read_text(encoding="utf-8")
    for obs_id in rows["obs_id"]:
        if rows.set_index("obs_id").at[obs_id, "use"] == "alternative":
            assert f"`{obs_id}`" in readme, f"{obs_id} is not documented in data/series/README.md"


def test_readme_examples_of_warnings_are_what_validate_reports():
    from resurgence.validation import consistency_report

    readme = (default_series_dir() / "README.md").read_text(encoding="utf-8")
    rep = consistency_report(load_observations(warn=False))
    late_nov = rep.loc[rep["total"] == 555, "message"].iat[0]
    assert "sum to 537" in late_nov
    assert "sum to 537 against a stated 555" in " ".join(readme.split())
    # 246080 gives no civilians, so its 78 + 70 = 148 against 146 is not checkable
    assert not rep["obs_ids"].str.contains("sohr-c-000-").any()
    assert re.search(r"246080[^.]*\.[^.]*does not list it", " ".join(readme.split()))
