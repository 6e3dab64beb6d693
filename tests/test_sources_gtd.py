"""GTD: zeros for unknown day and month, perpetrators in nkill, encodings, bad cells named."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import resurgence as rs
from resurgence.cli import main
from resurgence.errors import DataValidationError, DataWarning
from resurgence.sources.events import EventSchema

GTD = Path(__file__).parent / "fixtures" / "gtd_syria_latin1.csv"


@pytest.fixture(scope="module")
def events():
    return rs.read_gtd(GTD)


def test_zeros_mean_unknown_day_or_month(events):
    ev = events.set_index("event_id")
    EventSchema.validate(events)
    assert "201603200007" not in ev.index            # Iraq
    day0 = ev.loc["201601000002"]
    assert (str(day0.date_start.date()), str(day0.date_end.date()), day0.date_precision) == (
        "2016-01-01", "2016-01-31", "month")
    month0 = ev.loc["201600000003"]
    assert (str(month0.date_start.date()), str(month0.date_end.date()), month0.date_precision) == (
        "2016-01-01", "2016-12-31", "year")
    extended = ev.loc["201602100004"]
    assert str(extended.date_end.date()) == "2016-03-02"     # resolution, month-first


def test_unknown_counts_and_places(events):
    ev = events.set_index("event_id")
    assert pd.isna(ev.loc["201601000002", "fatalities"])     # empty
    assert pd.isna(ev.loc["201603010006", "fatalities"])     # -99
    assert ev.loc["201602150005", ["region", "location_precision"]].tolist() == ["unknown", "country"]
    assert ev.loc["201603010006", "violence_type"] == "doubtful"


def test_perpetrators_included_by_default_and_excludable():
    incl = rs.read_gtd(GTD).set_index("event_id")
    excl = rs.read_gtd(GTD, perpetrators="exclude").set_index("event_id")
    assert incl.loc["201601050001", "fatalities"] == 12 and excl.loc["201601050001", "fatalities"] == 11


def test_latin1_is_read_automatically_and_strict_utf8_names_the_line():
    assert "Latin-1" in rs.read_gtd.__doc__ or "Latin-1" in (rs.sources.gtd.__doc__ or "")
    with pytest.raises(DataValidationError) as info:
        rs.read_gtd(GTD, encoding="utf-8")
    t = info.value.failures
    assert t[["row", "check"]].values.tolist() == [[4, "utf8"]]


def test_isil_series_with_month_and_year_zeros(events):
    obs = rs.aggregate_events(events, actor="IS", regions="none")
    ev_rows = obs[obs.measure == "events"]
    assert ev_rows["value"].tolist() == [3.0, 1.0, 2.0]       # Jan (incl. day-0 and year-only), Feb, Mar
    split = rs.aggregate_events(events, actor="IS", regions="none", max_date_precision="month")
    assert split[split.measure == "events"]["value"].tolist() == [2.0, 1.0, 2.0]
    wounded = obs[obs.measure == "wounded"]["value"].tolist()
    assert wounded == [23.0, 0.0, 1.0]
    mar = obs[(obs.measure == "fatalities") & (obs.start == "2016-03-01")]
    assert "1 event(s) with unknown fatalities" in mar["note"].item()


def test_impossible_day_is_named(tmp_path, capsys):
    text = GTD.read_bytes().decode("latin-1").split("\r\n")
    text[1] = text[1].replace("201601050001,2016,1,5,", "201601050001,2016,2,30,", 1)
    bad = tmp_path / "gtd.csv"
    bad.write_bytes("\r\n".join(text).encode("latin-1"))
    with pytest.raises(DataValidationError) as info:
        rs.read_gtd(bad)
    t = info.value.failures
    assert t[["row", "column", "check"]].values.tolist() == [[2, "iday", "valid_date"]]
    assert main(["import", "gtd", str(bad)]) == 1
    assert "iday" in capsys.readouterr().err


def test_cli_import_gtd(tmp_path, capsys):
    out = tmp_path / "gtd.csv"
    assert main(["import", "gtd", str(GTD), "--actor", "IS", "--regions", "none",
                 "--perpetrators", "exclude", "--out", str(out)]) == 0
    obs = rs.load_observations(out, warn=False)
    assert set(obs.measure) == {"events", "fatalities", "wounded"}
    assert obs["source_title"].str.contains("perpetrators excluded").all()


def _gtd_with(tmp_path, edits) -> Path:
    """The fixture with cells replaced: {(line, column): value} (the header is line 1)."""
    rows = list(csv.reader(io.StringIO(GTD.read_bytes().decode("latin-1"), newline="")))
    for (line, column), value in edits.items():
        rows[line - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "gtd.csv"
    path.write_bytes(buf.getvalue().encode("latin-1"))
    return path


def test_codes_out_of_range_are_explained(tmp_path):
    path = _gtd_with(tmp_path, {(3, "imonth"): "13", (4, "specificity"): "9", (5, "iday"): "-1"})
    with pytest.raises(DataValidationError) as info:
        rs.read_gtd(path)
    t = info.value.failures.set_index("column")
    assert t.loc["imonth", ["row", "message"]].tolist() == [3, "imonth must be 0 (unknown) to 12"]
    assert t.loc["specificity", "message"].startswith("specificity must be 1 (the town")
    assert t.loc["iday", "message"] == "iday must be 0 (unknown) to 31"
    assert "_to" not in " ".join(t["message"])          # no bare check names


def test_a_future_incident_is_named(tmp_path):
    year = pd.Timestamp.today().year + 2
    path = _gtd_with(tmp_path, {(3, "iyear"): str(year)})
    with pytest.raises(DataValidationError) as info:
        rs.read_gtd(path)
    t = info.value.failures
    assert t[["row", "column", "check", "value"]].values.tolist() == [
        [3, "iyear", "not_in_future", f"{year}-01-01"]]
    assert "after today" in t["message"].item()


def test_more_attackers_than_deaths_warns_and_is_unknown_when_excluded(tmp_path):
    # eventid 201601050001: nkill 12, nkillter 1 in the fixture; now 7 and 20
    path = _gtd_with(tmp_path, {(2, "nkill"): "7", (2, "nkillter"): "20"})
    with pytest.warns(DataWarning, match=r"1 GTD event\(s\) with nkillter .* above nkill.*"
                                         r"unknown for them.*line 2 \(eventid 201601050001: "
                                         r"nkill 7, nkillter 20\)"):
        excl = rs.read_gtd(path, perpetrators="exclude")
    assert pd.isna(excl.set_index("event_id").loc["201601050001", "fatalities"])   # not 0
    obs = rs.aggregate_events(excl, actor="IS", regions="none")
    jan = obs[(obs.measure == "fatalities") & (obs.start == "2016-01-01")]
    assert "2 event(s) with unknown fatalities not counted" in jan["note"].item()
    with pytest.warns(DataWarning, match="nkill is kept as published"):
        incl = rs.read_gtd(path)
    assert incl.set_index("event_id").loc["201601050001", "fatalities"] == 7
