"""ACLED exports: date formats, old and new layouts, exports reconciled, bad cells named."""

from __future__ import annotations

import csv
import io
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import resurgence as rs
from resurgence.cli import main
from resurgence.errors import DataValidationError, DataWarning, InputError
from resurgence.sources.acled import parse_acled_dates
from resurgence.sources.events import EventSchema

FIXTURES = Path(__file__).parent / "fixtures"
MARCH = FIXTURES / "acled_syria_export_2024-03-31.csv"
JUNE = FIXTURES / "acled_syria_export_2024-06-30.csv"
OLD = FIXTURES / "acled_syria_export_2019_old_format.csv"


def _national(obs, measure="events"):
    rows = obs[(obs.region == "ALL") & (obs.measure == measure)]
    return rows.set_index(rows["start"].dt.strftime("%Y-%m"))["value"].to_dict()


@pytest.mark.parametrize("text,day", [
    ("2019-01-31", "2019-01-31"), ("31 January 2019", "2019-01-31"),
    ("31-January-2019", "2019-01-31"), ("31 Jan 2019", "2019-01-31"),
    ("31/01/2019", "2019-01-31"), ("7-Feb-25", "2025-02-07"), ("30-Sept-24", "2024-09-30"),
    ("2019-01-31T00:00:00Z", "2019-01-31"), ("31.01.2019", "2019-01-31"),
])
def test_every_acled_date_format(text, day):
    assert parse_acled_dates(pd.Index([text]))[0] == pd.Timestamp(day)


def test_slashed_dates_read_month_first_only_when_day_first_cannot_be():
    us = parse_acled_dates(pd.Index(["01/31/2019", "02/03/2019"]))
    uk = parse_acled_dates(pd.Index(["31/01/2019", "02/03/2019"]))
    assert us.strftime("%Y-%m-%d").tolist() == ["2019-01-31", "2019-02-03"]
    assert uk.strftime("%Y-%m-%d").tolist() == ["2019-01-31", "2019-03-02"]


def test_current_export_reads_into_the_event_frame():
    ev = rs.read_acled(MARCH)
    EventSchema.validate(ev)
    assert len(ev) == 8 and "IRQ2001" not in set(ev.event_id)  # Iraq is outside the area
    row = ev.set_index("event_id").loc["SYR1003"]
    assert (row.region, row.region_as_published, row.actor1_type) == ("Al-Hasakah", "Al Hasakeh", "Rebel group")
    assert ev.set_index("event_id").loc["SYR1004", ["date_precision", "location_precision"]].tolist() == ["month", "adm1"]
    assert ev.attrs["coverage"] == ("2024-01", "2024-03")


def test_old_export_upper_case_headers_numeric_codes_and_old_event_types():
    ev = rs.read_acled(OLD)
    assert ev["date_start"].dt.strftime("%Y-%m-%d").tolist() == ["2019-01-05", "2019-01-31",
                                                                 "2019-02-14", "2019-03-02"]
    assert ev["actor1_type"].tolist() == ["Rebel group", "Rebel group", "Protesters", "Rebel group"]
    assert ev["violence_type"].tolist() == ["political_violence", "political_violence",
                                            "demonstrations", "strategic_developments"]
    assert ev["region"].tolist() == ["Deir ez-Zor", "Deir ez-Zor", "Al-Raqqah", "Daraa"]
    assert ev["timestamp"].iat[0] == pd.Timestamp("2019-03-14 16:14:48")


def test_exports_reconciled_updates_deletions_and_renumbering():
    with pytest.warns(DataWarning, match=r"2 ACLED event\(s\).*deleted or renumbered.*SYR1007, SYR1008"):
        ev = rs.read_acled([JUNE, MARCH])          # order given does not matter: timestamps do
    ids = set(ev.event_id)
    assert "SYR1007" not in ids and "SYR1008" not in ids and {"SYR1020", "SYR1030"} <= ids
    assert ev.set_index("event_id").loc["SYR1001", "fatalities"] == 4   # the revised toll
    assert ev.attrs["reconciliation"]["dropped"] == 2
    obs = rs.aggregate_events(ev, actor="IS", regions="none")
    assert _national(obs) == {"2024-01": 3.0, "2024-02": 1.0, "2024-03": 1.0, "2024-04": 1.0,
                              "2024-05": 1.0}
    assert _national(obs, "fatalities") == {"2024-01": 11.0, "2024-02": 0.0, "2024-03": 6.0,
                                            "2024-04": 2.0, "2024-05": 0.0}


def test_islamic_state_variants_and_associated_actors():
    ev = rs.read_acled(MARCH)
    plain = rs.aggregate_events(ev, actor="IS", regions="none")
    assoc = rs.aggregate_events(ev, actor="IS", actor_fields=("actor1", "actor2", "actor_other"),
                                regions="none")
    assert _national(plain) == {"2024-01": 3.0, "2024-02": 1.0, "2024-03": 2.0}
    assert _national(assoc)["2024-02"] == 2.0          # SYR1005 names IS as an associated actor
    named = rs.aggregate_events(ev, actor="Islamic State (Syria)", regions="none")
    assert _national(named) == _national(plain) and named.subset.isna().all()
    assert named.obs_id.str.startswith(      # the release part: the export's file name
        "acled-acled_syria_export_2024_03_31-syria-islamic_state_syria-total-").all()


def test_breakdown_by_event_type():
    obs = rs.aggregate_events(rs.read_acled(MARCH), actor="IS", by=("event_type",), regions="none")
    assert "event_type=explosions_remote_violence" in set(obs.subset)


def test_cli_import_writes_a_table_the_panel_reads(tmp_path, capsys):
    data = tmp_path / "series"
    shutil.copytree(rs.reference.default_series_dir(), data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        code = main(["import", "acled", str(MARCH), str(JUNE), "--actor", "IS",
                     "--out", str(data / "acled_is.csv")])
    assert code == 0
    assert "imported" in capsys.readouterr().err
    panel = rs.load_panel(data)
    assert panel.get("acled/syria/all/events").tolist() == [3, 1, 1, 1, 1]
    assert main(["validate", str(data)]) == 0


def _bad(tmp_path, line: int, column: str, value: str) -> Path:
    rows = list(csv.reader(io.StringIO(MARCH.read_text(encoding="utf-8"), newline="")))
    rows[line - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path = tmp_path / "bad.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("line,column,value,check", [
    (3, "event_date", "2024-02-30", "date"),
    (4, "event_date", "the 3rd", "date"),
    (5, "fatalities", "-1", "non_negative"),
    (6, "time_precision", "4", "isin"),
    (7, "event_id_cnty", "SYR1001", "unique"),
    (8, "admin1", "Narnia", "in_vocabulary"),
    (9, "timestamp", "yesterday", "timestamp"),
    (3, "latitude", "north", "numeric"),
    (4, "latitude", "95", "less_than_or_equal_to"),
    (5, "longitude", "-181", "greater_than_or_equal_to"),
    (6, "inter1", "Martians", "in_vocabulary"),
    (7, "inter2", "9", "in_vocabulary"),
    (8, "fatalities", "2.5", "integer_valued"),
])
def test_malformed_cells_are_named(tmp_path, capsys, line, column, value, check):
    path = _bad(tmp_path, line, column, value)
    with pytest.raises(DataValidationError) as info:
        rs.read_acled(path)
    t = info.value.failures
    assert ((t["row"] == line) & (t["column"] == column) & (t["check"] == check)).any(), t
    assert main(["import", "acled", str(path)]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err and column in err and "Traceback" not in err


def test_missing_column_is_named(tmp_path):
    text = MARCH.read_text(encoding="utf-8").replace("fatalities", "deaths", 1)
    (tmp_path / "x.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        rs.read_acled(tmp_path / "x.csv")
    assert info.value.failures[["row", "column", "check"]].values.tolist() == [[1, "fatalities", "column_present"]]


def _future(days: int = 400) -> str:
    return (pd.Timestamp.today().normalize() + pd.Timedelta(days=days)).strftime("%Y-%m-%d")


def test_a_future_date_is_one_problem_named_by_the_reader(tmp_path, capsys):
    path = _bad(tmp_path, 3, "event_date", _future())
    with pytest.raises(DataValidationError) as info:
        rs.read_acled(path)
    t = info.value.failures
    assert t[["row", "column", "check", "value"]].values.tolist() == [
        [3, "event_date", "not_in_future", _future()]]
    assert "after today" in t["message"].item() and t["file"].item() == str(path)
    assert main(["import", "acled", str(path)]) == 1
    err = capsys.readouterr().err
    assert "1 problem(s) in 1 ACLED file(s)" in err and "aggregation" not in err


def test_the_month_in_progress_is_not_counted(tmp_path):
    today = pd.Timestamp.today().normalize()
    path = _bad(tmp_path, 3, "event_date", today.strftime("%Y-%m-%d"))
    ev = rs.read_acled(path)                     # today is a valid date for an event
    with pytest.warns(DataWarning, match=r"1 event\(s\) dated in .* not counted there: the "
                                         r"month has not ended"):
        obs = rs.aggregate_events(ev, actor="IS", regions="none")
    last = (today + pd.Timedelta(days=1)).to_period("M") - 1
    assert obs["start"].max().to_period("M") == last          # valid rows, up to the last month
    assert obs.attrs["summary"]["month_in_progress"] == 1
    with pytest.raises(InputError, match="has not ended yet"):
        rs.aggregate_events(ev, coverage=("2024-01", (last + 1).strftime("%Y-%m")))


def test_bad_values_have_readable_messages(tmp_path):
    rows = list(csv.reader(io.StringIO(MARCH.read_text(encoding="utf-8"), newline="")))
    for line, column, value in ((3, "fatalities", "2.5"), (4, "inter1", "Martians"),
                                (5, "time_precision", "4"), (6, "latitude", "95")):
        rows[line - 1][rows[0].index(column)] = value
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError) as info:
        rs.read_acled(path)
    msg = info.value.failures.set_index("column")["message"]
    assert msg["fatalities"] == "2.5 is not a whole number"
    assert msg["inter1"].startswith("'Martians' is not an ACLED actor type: a code 0-8 or one of")
    assert msg["time_precision"] == "time_precision must be 1 (day), 2 (week) or 3 (month)"
    assert msg["latitude"] == "latitude must be a number from -90 to 90"


def test_actor_type_labels_in_any_case_and_the_codebook_plurals(tmp_path):
    rows = list(csv.reader(io.StringIO(MARCH.read_text(encoding="utf-8"), newline="")))
    rows[1][rows[0].index("inter1")] = "STATE FORCES"
    rows[2][rows[0].index("inter1")] = "Rebel Groups"
    rows[3][rows[0].index("inter1")] = "0"
    path = tmp_path / "labels.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    ev = rs.read_acled(path).set_index("event_id")
    assert ev.loc[["SYR1001", "SYR1002"], "actor1_type"].tolist() == ["State forces", "Rebel group"]
    assert pd.isna(ev.loc["SYR1003", "actor1_type"])


def test_unknown_event_type_fails_in_an_old_export_and_warns_in_a_current_one(tmp_path):
    rows = list(csv.reader(io.StringIO(OLD.read_text(encoding="utf-8"), newline="")))
    rows[2][rows[0].index("EVENT_TYPE")] = "Picnic"
    old = tmp_path / "old.csv"
    with old.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError) as info:
        rs.read_acled(old)
    t = info.value.failures
    assert t[["row", "column", "check", "value"]].values.tolist() == [
        [3, "event_type", "in_vocabulary", "Picnic"]]
    assert "disorder type cannot be derived" in t["message"].item()
    current = _bad(tmp_path, 4, "event_type", "Picnic")
    with pytest.warns(DataWarning, match=r"bad.csv: event_type not among those ACLED defines, "
                                         r"kept as published: 'Picnic' \(line 4\)"):
        ev = rs.read_acled(current)
    assert ev.set_index("event_id").loc["SYR1003", "event_type"] == "Picnic"
