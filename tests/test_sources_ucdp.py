"""UCDP GED: the real release, its quirks, and malformed files named by line and column."""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import resurgence as rs
from resurgence.cli import main
from resurgence.errors import DataValidationError, DataWarning, InputError
from resurgence.sources import bundled_ucdp_file
from resurgence.sources.events import EventSchema
from resurgence.sources.ucdp import GED_COLUMNS, GED_SYRIA_COLUMNS

RAW = Path("ucdp_ged_syria") / "ucdp_ged_syria_20160101_20191130.csv.gz"


def _bundled_rows(n: int | None = None) -> tuple[list[str], list[list[str]]]:
    with gzip.open(bundled_ucdp_file(), "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:] if n is None else rows[1:n + 1]


def _write(path: Path, header: list[str] | None, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header is not None:
        w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _quiet_read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return rs.read_ucdp(path, **kw)


@pytest.fixture(scope="module")
def bundled_events():
    return _quiet_read(bundled_ucdp_file())


# ------------------------------------------------------------------------------- real data


def test_done_when_import_matches_an_independent_group_by(shared_sources, tmp_path, capsys):
    """`resurgence import ucdp RAW --actor IS`: monthly events = group-by of the raw file."""
    raw_path = shared_sources / RAW
    out = tmp_path / "ucdp_is.csv"
    with pytest.warns(DataWarning, match="low <= best <= high fails"):
        assert main(["import", "ucdp", str(raw_path), "--actor", "IS", "--out", str(out)]) == 0
    assert "imported 6472 of 16566 ucdp event(s)" in capsys.readouterr().err
    obs = rs.load_observations(out, warn=False)
    mine = obs[(obs.region == "ALL") & (obs.measure == "events") & obs.subset.isna()]
    mine = mine.set_index(mine["start"].dt.strftime("%Y-%m"))["value"]
    # independent: the csv module, no pandas and no resurgence code
    counts: dict[str, int] = {}
    deaths: dict[str, int] = {}
    with gzip.open(raw_path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if "234" in (row["side_a_new_id"], row["side_b_new_id"]):
                counts[row["date_start"][:7]] = counts.get(row["date_start"][:7], 0) + 1
                deaths[row["date_start"][:7]] = deaths.get(row["date_start"][:7], 0) + int(row["best"])
    months = [f"{y}-{m:02d}" for y in range(2016, 2020) for m in range(1, 13)][:47]
    assert list(mine.index) == months
    assert mine.to_dict() == {m: float(counts.get(m, 0)) for m in months}
    assert sum(counts.values()) == 6472
    best = obs[(obs.region == "ALL") & (obs.measure == "fatalities")]
    assert best.set_index(best["start"].dt.strftime("%Y-%m"))["value"].to_dict() == {
        m: float(deaths.get(m, 0)) for m in months}


def test_bundled_event_file_is_the_release_s_islamic_state_rows(shared_sources, repo_root):
    result = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "import_ucdp_events.py"), "--check",
         "--sources", str(shared_sources)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    raw = pd.read_csv(shared_sources / RAW, dtype=str, keep_default_na=False)
    mine = pd.read_csv(bundled_ucdp_file(), dtype=str, keep_default_na=False)
    is_rows = raw[(raw.side_a_new_id == "234") | (raw.side_b_new_id == "234")]
    pd.testing.assert_frame_equal(mine, is_rows.reset_index(drop=True))


def test_bundled_series_are_in_the_panel_and_add_up():
    panel = rs.load_panel()
    national = panel.get("ucdp/syria/all/events")
    assert len(national) == 47 and national.notna().all()
    assert national.sum() == 6472 and national["2016-01-01"] == 188   # split rule
    deaths = panel.get("ucdp/syria/all/fatalities")
    assert deaths.sum() == 53502 and deaths["2016-01-01"] == 1793
    obs = panel.observations[panel.observations["source"] == "ucdp"]
    for (measure, subset, start), grp in obs.groupby(["measure", "subset", "start"]):
        regional = grp.loc[grp.region != "ALL", "value"]
        if len(regional):
            assert regional.sum() == grp.loc[grp.region == "ALL", "value"].item()
    by_violence = obs[(obs.region == "ALL") & obs.subset.str.contains("violence=")]
    total = obs[(obs.region == "ALL") & obs.subset.isna()]
    for measure in ("events", "fatalities", "fatalities_low", "fatalities_high"):
        a = by_violence[by_violence.measure == measure].groupby("start")["value"].sum()
        b = total[total.measure == measure].set_index("start")["value"]
        pd.testing.assert_series_equal(a, b, check_names=False)


def test_event_frame_matches_its_schema(bundled_events):
    EventSchema.validate(bundled_events)
    assert bundled_events.attrs["coverage"] == ("2016-01", "2019-11")
    assert (bundled_events["region"] == "unknown").sum() == 154
    assert set(bundled_events["violence_type"].unique()) == {"state_based", "non_state", "one_sided"}


def test_estimates_out_of_order_warn_with_rows_and_are_kept():
    with pytest.warns(DataWarning, match=r"35 UCDP event\(s\): low <= best <= high fails.*lines \d+ \(id \d+\)"):
        events = rs.read_ucdp(bundled_ucdp_file())
    bad = events[~((events.fatalities_low <= events.fatalities)
                   & (events.fatalities <= events.fatalities_high))]
    assert len(bad) == 35


# ------------------------------------------------------------------------------- quirks


def test_headerless_candidate_files_in_both_layouts(tmp_path):
    header, rows = _bundled_rows(30)
    with_header = _quiet_read(_write(tmp_path / "h.csv", header, rows))
    syria = _quiet_read(_write(tmp_path / "syria_noheader.csv", None, rows))
    pos = {c: header.index(c) for c in header}
    ged_rows = [[r[pos[c]] if c in pos else "" for c in GED_COLUMNS] for r in rows]
    ged = _quiet_read(_write(tmp_path / "ged_noheader.csv", None, ged_rows))
    assert len(GED_COLUMNS) == 49 and len(GED_SYRIA_COLUMNS) == 41 == len(header)
    for frame in (syria, ged):
        pd.testing.assert_series_equal(frame["fatalities"], with_header["fatalities"])
        assert frame["_line"].tolist() == list(range(1, 31))  # no header: data start on line 1
    assert with_header["_line"].tolist() == list(range(2, 32))


def test_headerless_file_of_unknown_width_is_named(tmp_path):
    _, rows = _bundled_rows(3)
    path = _write(tmp_path / "odd.csv", None, [r[:30] for r in rows])
    with pytest.raises(DataValidationError) as info:
        rs.read_ucdp(path)
    t = info.value.failures
    assert (t["check"] == "column_present").all() and (t["row"] == 1).all()
    assert "has 30 fields" in t["message"].iat[0] and "41, 49" in t["message"].iat[0]


def test_timestamps_instead_of_dates(tmp_path):
    header, rows = _bundled_rows(5)
    i, j = header.index("date_start"), header.index("date_end")
    for k, r in enumerate(rows):
        r[i] = r[i] + (" 00:00:00.000" if k % 2 else "T00:00:00Z")
        r[j] = r[j] + " 00:00:00"
    ev = _quiet_read(_write(tmp_path / "stamps.csv", header, rows))
    assert ev["date_start"].dt.strftime("%Y-%m-%d").tolist() == [r[i][:10] for r in rows]


def test_missing_governorate_and_country_precision_go_to_unknown(tmp_path):
    header, rows = _bundled_rows(4)
    a, w = header.index("adm_1"), header.index("where_prec")
    rows[0][a] = ""                     # no governorate
    rows[1][w] = "6"                    # the country only, though adm_1 is filled
    rows[2][w], rows[2][a] = "5", "Hims governorate"   # a fuzzy area in Homs
    rows[3][w], rows[3][a] = "1", "Dayr az Zawr Governorate"
    ev = _quiet_read(_write(tmp_path / "places.csv", header, rows))
    assert ev["region"].tolist()[0] == "unknown" and ev["region"].tolist()[2:] == ["Homs", "Deir ez-Zor"]
    default = rs.aggregate_events(ev, regions="all")
    strict = rs.aggregate_events(ev, regions="all", region_precision="adm1")
    def unknown(o):
        return o[(o.region == "unknown") & (o.measure == "events")]["value"].sum()
    assert unknown(default) == 2 and unknown(strict) == 3
    for o in (default, strict):
        ev_rows = o[o.measure == "events"]
        assert ev_rows[ev_rows.region != "ALL"]["value"].sum() == ev_rows[ev_rows.region == "ALL"]["value"].sum() == 4


def test_multiline_fields_keep_line_numbers(tmp_path):
    header, rows = _bundled_rows(4)
    rows[0][header.index("source_headline")] = "first line\nsecond line"
    rows[2][header.index("best")] = "many"
    path = _write(tmp_path / "multi.csv", header, rows)
    with pytest.raises(DataValidationError) as info:
        rs.read_ucdp(path)
    t = info.value.failures
    assert t[["row", "column", "check"]].values.tolist() == [[5, "best", "numeric"]]


def test_gzip_is_read_by_content_not_name(tmp_path):
    header, rows = _bundled_rows(3)
    plain = _write(tmp_path / "x.csv", header, rows)
    (tmp_path / "y.csv").write_bytes(gzip.compress(plain.read_bytes()))
    assert len(_quiet_read(tmp_path / "y.csv")) == 3


def test_later_file_replaces_an_event_of_an_earlier_one(tmp_path):
    header, rows = _bundled_rows(3)
    old = _write(tmp_path / "old.csv", header, rows)
    revised = [list(r) for r in rows[:1]]
    revised[0][header.index("best")] = revised[0][header.index("high")] = "99"
    new = _write(tmp_path / "new.csv", header, revised)
    ev = _quiet_read([old, new])
    assert len(ev) == 3 and ev.loc[ev.event_id == rows[0][0], "fatalities"].item() == 99


# ------------------------------------------------------------------------------- bad files


def _corrupt(column: str, value: str):
    def f(header, rows):
        rows[4][header.index(column)] = value
        return header, rows
    return f


BAD = [
    ("not a number", _corrupt("best", "twelve"), "best", "numeric"),
    ("negative deaths", _corrupt("low", "-2"), "low", "non_negative"),
    ("fractional deaths", _corrupt("high", "2.5"), "high", "integer_valued"),
    ("impossible date", _corrupt("date_start", "2019-02-30"), "date_start", "iso_date"),
    ("date order", _corrupt("date_end", "2015-01-01"), "date_end", "date_order"),
    ("unknown code", _corrupt("type_of_violence", "4"), "type_of_violence", "isin"),
    ("future end", _corrupt("date_end", "2031-01-01"), "date_end", "not_in_future"),
    ("unknown governorate", _corrupt("adm_1", "Narnia Governorate"), "adm_1", "in_vocabulary"),
    ("empty id", _corrupt("id", ""), "id", "required"),
    ("duplicate id", lambda h, r: (h, r[:4] + [list(r[3])] + r[5:]), "id", "unique"),
]


@pytest.mark.parametrize("name,corrupt,column,check", BAD, ids=[b[0] for b in BAD])
def test_malformed_cell_is_named_by_row_and_column(tmp_path, capsys, name, corrupt, column, check):
    header, rows = corrupt(*_bundled_rows(8))
    path = _write(tmp_path / "bad.csv", header, rows)
    with pytest.raises(DataValidationError) as info:
        rs.read_ucdp(path)
    t = info.value.failures
    assert ((t["row"] == 6) & (t["column"] == column) & t["check"].str.startswith(check)).any(), t
    code = main(["import", "ucdp", str(path), "--out", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and not (tmp_path / "out.csv").exists()
    assert any(" 6 " in line and column in line and "bad.csv" in line for line in err.splitlines()), err


@pytest.mark.parametrize("how,line,column,check", [
    ("empty", 1, "(header)", "not_empty"),
    ("extra field", 4, "(field 42)", "field_count"),
    ("short row", 5, "(field 30)", "field_count"),
    ("unterminated quote", 4, "(row)", "csv_syntax"),
    ("non-utf8", 4, "(bytes)", "utf8"),
    ("missing column", 1, "best", "column_present"),
])
def test_malformed_file_is_named(tmp_path, how, line, column, check):
    header, rows = _bundled_rows(6)
    path = _write(tmp_path / "bad.csv", header, rows)
    lines = path.read_bytes().split(b"\n")
    if how == "empty":
        path.write_bytes(b"")
    elif how == "extra field":
        lines[3] += b",surplus"
    elif how == "short row":
        lines[4] = b",".join(lines[4].split(b",")[:29]) if b'"' not in lines[4] else lines[4]
        lines[4] = b"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29"
    elif how == "unterminated quote":
        lines[3] = lines[3].replace(b",", b',"', 1)
    elif how == "non-utf8":
        lines[3] = lines[3].replace(b",", b",\xe9", 1)
    elif how == "missing column":
        path = _write(path, [h if h != "best" else "best_guess" for h in header], rows)
    if how not in ("empty", "missing column"):
        path.write_bytes(b"\n".join(lines))
    with pytest.raises(DataValidationError) as info:
        rs.read_ucdp(path)
    t = info.value.failures
    assert ((t["row"] == line) & (t["column"] == column) & (t["check"] == check)).any(), t


def test_no_events_in_the_area_is_a_clear_error(tmp_path):
    header, rows = _bundled_rows(3)
    for r in rows:
        r[header.index("country")] = "Iraq"
    with pytest.raises(InputError, match="no events in Syria.*Iraq"):
        rs.read_ucdp(_write(tmp_path / "iraq.csv", header, rows))


def test_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["import", "ucdp", str(tmp_path / "nowhere.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_split_rule_keeps_every_event_whole_on_the_real_data(bundled_events):
    start = rs.aggregate_events(bundled_events, actor="IS", regions="none")
    split = rs.aggregate_events(bundled_events, actor="IS", regions="none", month_rule="split")
    for measure in ("events", "fatalities", "fatalities_low", "fatalities_high"):
        a = start[start.measure == measure]["value"]
        b = split[split.measure == measure]["value"]
        assert a.sum() == b.sum()
        assert (b == np.round(b)).all()
    jan = split[(split.measure == "fatalities") & (split.start == "2016-01-01")]["value"].item()
    assert jan < start[(start.measure == "fatalities") & (start.start == "2016-01-01")]["value"].item()


def test_codes_out_of_range_are_explained(tmp_path):
    header, rows = _bundled_rows(8)
    rows[4][header.index("type_of_violence")] = "4"
    with pytest.raises(DataValidationError) as info:
        rs.read_ucdp(_write(tmp_path / "bad.csv", header, rows))
    assert info.value.failures["message"].tolist() == [
        "type_of_violence must be 1 (state-based), 2 (non-state) or 3 (one-sided)"]


def test_a_future_date_is_one_problem_named_by_the_reader(tmp_path, capsys):
    header, rows = _bundled_rows(8)
    future = (pd.Timestamp.today().normalize() + pd.Timedelta(days=800)).strftime("%Y-%m-%d")
    rows[2][header.index("date_start")] = rows[2][header.index("date_end")] = future
    path = _write(tmp_path / "candidate.csv", header, rows)
    with pytest.raises(DataValidationError) as info:
        rs.read_ucdp(path)
    t = info.value.failures
    assert t[["row", "column", "check", "value"]].values.tolist() == [
        [4, "date_end", "not_in_future", future], [4, "date_start", "not_in_future", future]]
    assert main(["import", "ucdp", str(path)]) == 1
    err = capsys.readouterr().err
    assert "2 problem(s) in 1 UCDP file(s)" in err and "aggregation" not in err


def test_events_readme_spells_adm_1_as_the_bundled_file_does(repo_root):
    """Every governorate spelling data/events/README.md quotes is a value of ``adm_1``, and
    every value is quoted, with the counts it gives."""
    import re

    text = (repo_root / "data" / "events" / "README.md").read_text(encoding="utf-8")
    quoted = {" ".join(m.split()) for m in re.findall(r"`([^`]*)`", text)
              if "governorate" in m.lower() and "NAME" not in m}
    adm1 = pd.read_csv(bundled_ucdp_file(), usecols=["adm_1"])["adm_1"].value_counts()
    assert quoted == set(adm1.index)
    for name, count in (("Deir ez Zor Governorate", "2,090"), ("Ar Raqqah Governorate", "1,355"),
                        ("Latakia Governorate", "1")):
        assert f"{adm1[name]:,}" == count and f"({count}" in " ".join(text.split())


# ------------------------------------------------------------------------------- releases


def _import_bundled(*extra: str) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return main(["import", "ucdp", str(bundled_ucdp_file()), "--actor", "IS", *extra])


def test_observation_ids_carry_the_release(tmp_path):
    assert _import_bundled("--release", "25.1", "--out", str(tmp_path / "a" / "a.csv")) == 0
    assert _import_bundled("--out", str(tmp_path / "b" / "b.csv")) == 0   # another folder
    a = pd.read_csv(tmp_path / "a" / "a.csv")
    b = pd.read_csv(tmp_path / "b" / "b.csv")
    assert a["obs_id"].str.startswith("ucdp-25.1-syria-is-").all()
    assert a["source_title"].str.startswith("UCDP GED 25.1 ").all()
    assert b["obs_id"].str.startswith("ucdp-ucdp_ged_is_syria_20160101_20191130-syria-is-").all()
    bundled = pd.read_csv(rs.reference.default_series_dir() / "ucdp_ged_is.csv")
    assert bundled["obs_id"].str.startswith("ucdp-ged_syria_20160101_20191130-syria-").all()
    assert not set(bundled["obs_id"]) & set(a["obs_id"])


@pytest.mark.slow
def test_a_second_release_beside_the_bundled_one_conflicts_unless_superseded(tmp_path, capsys):
    data = tmp_path / "series"
    shutil.copytree(rs.reference.default_series_dir(), data)
    old = data / "ucdp_ged_is.csv"
    before = old.read_text(encoding="utf-8")
    new = data / "ucdp_ged_25_1.csv"
    assert _import_bundled("--release", "25.1", "--out", str(new)) == 1
    err = capsys.readouterr().err
    assert "ucdp_ged_is.csv has primary figures for the same series and months: 3,008 row(s) " \
           "of 64 series, 2016-01..2019-11" in err and "--supersede" in err
    assert not new.exists() and old.read_text(encoding="utf-8") == before   # nothing written

    assert _import_bundled("--release", "25.1", "--out", str(new), "--supersede") == 0
    assert "superseded 3,008 row(s)" in capsys.readouterr().err
    assert main(["validate", str(data)]) == 0
    after = pd.read_csv(old, dtype=str, keep_default_na=False)
    was = pd.read_csv(io.StringIO(before), dtype=str, keep_default_na=False)
    changed = (after != was).any(axis=0)
    assert set(changed[changed].index) == {"use", "choice_note"}            # nothing else
    gone = after["use"] == "superseded"
    assert gone.sum() == 3008 and after.loc[gone, "subset"].eq("").all()
    assert after.loc[gone, "choice_note"].str.startswith(
        "superseded by ucdp_ged_25_1.csv (UCDP GED 25.1").all()
    assert (after.loc[~gone, "use"] == "primary").all()    # violence subsets: not in the new one
    panel = rs.load_panel(data)
    rows = panel.monthly[panel.monthly["series_id"] == "ucdp/syria/all/events"]
    assert rows["obs_id"].str.startswith("ucdp-25.1-").all()
    assert rows.loc[rows["month"] == "2016-01-01", "value"].item() == 190   # start rule, not split
    assert panel.get("ucdp/syria/all/events/violence=one_sided").notna().sum() == 47

    # the same release again under another name: the same ids, an error even with --supersede
    assert _import_bundled("--release", "25.1", "--out", str(data / "again.csv"),
                           "--supersede") == 1
    assert "already holds 3,008 of these observation ids" in capsys.readouterr().err
    # over its own file: no conflict with itself, nothing more superseded
    assert _import_bundled("--release", "25.1", "--out", str(new)) == 0


def test_supersede_needs_an_output_file(capsys):
    assert _import_bundled("--supersede") == 1
    assert "--supersede needs --out FILE" in capsys.readouterr().err
