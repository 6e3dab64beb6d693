"""Bad input gets one clear message naming file, row, column and rule; exit 1; nothing written."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from resurgence.cli import main
from resurgence.errors import DataValidationError
from resurgence.reference import default_series_dir
from resurgence.validation import load_observations

DATA = default_series_dir()
FILES = sorted(p.name for p in DATA.glob("*.csv"))
with open(DATA / FILES[0], encoding="utf-8") as _fh:
    HEADER = next(csv.reader(_fh))
COL = {name: i for i, name in enumerate(HEADER)}


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _set(column: str, value: str):
    def corrupt(rows, i):
        rows[i][COL[column]] = value
        return rows
    return corrupt


def _end_before_start(rows, i):
    rows[i][COL["start"]], rows[i][COL["end"]] = "2024-03-01", "2024-02-01"
    return rows


def _duplicate_key(rows, i):
    twin = list(rows[i])
    twin[COL["obs_id"]] = twin[COL["obs_id"]] + "-twin"
    twin[COL["use"]] = "primary"
    rows[i][COL["use"]] = "primary"
    rows.insert(i + 1, twin)
    return rows


# (name, corruption, column the message must name, check the message must name)
CELL_CORRUPTIONS = [
    ("negative count", _set("value", "-3"), "value", "non_negative"),
    ("wrong type", _set("value", "twelve"), "value", "numeric"),
    ("fractional count", _set("value", "2.5"), "value", "integer_valued"),
    ("unknown region", _set("region", "Narnia"), "region", "in_vocabulary"),
    ("unknown area", _set("area", "moon_areas"), "area", "in_vocabulary"),
    ("unknown measure", _set("measure", "smiles"), "measure", "in_vocabulary"),
    ("unknown publisher", _set("source", "rumour_mill"), "source", "in_vocabulary"),
    ("bad qualifier", _set("qualifier", "roughly"), "qualifier", "isin"),
    ("impossible date", _set("start", "2024-02-30"), "start", "iso_date"),
    ("non-ISO date", _set("end", "01/02/2024"), "end", "iso_date"),
    ("future date", _set("end", "2099-01-01"), "end", "not_in_future"),
    ("ancient date", _set("start", "1024-01-01"), "start", "not_before_1970"),
    ("end before start", _end_before_start, "start", "start_before_end"),
    ("missing source", _set("source_url", ""), "source_url", "required"),
    ("source not a link", _set("source_url", "somewhere"), "source_url", "str_matches"),
    ("duplicate key", _duplicate_key, "start", "unique_primary_key"),
]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "series"
    shutil.copytree(DATA, target)
    return target


def _run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("file", FILES)
@pytest.mark.parametrize("name,corrupt,column,check", CELL_CORRUPTIONS, ids=[c[0] for c in CELL_CORRUPTIONS])
def test_each_corrupted_cell_is_named(data_copy, capsys, file, name, corrupt, column, check):
    path = data_copy / file
    rows = _rows(path)
    # a primary period row in the middle of the file, so every rule applies to it
    candidates = [i for i, r in enumerate(rows[1:], start=1)
                  if r[COL["use"]] == "primary" and r[COL["kind"]] == "period"]
    if not candidates:
        candidates = list(range(1, len(rows)))
    i = candidates[len(candidates) // 2]
    _write(path, corrupt(rows, i))
    code, out, err = _run(capsys, ["validate", str(data_copy)])
    assert code == 1
    assert "Traceback" not in err
    line = str(i + 1)  # the header is line 1
    hits = [l for l in err.splitlines() if file in l and f" {line} " in l and column in l and check in l]
    assert hits, f"{name}: no line names {file}:{line} {column} {check}\n{err}"
    with pytest.raises(DataValidationError) as info:
        load_observations([data_copy], warn=False)
    table = info.value.failures
    assert ((table["file"].str.endswith(file)) & (table["row"] == i + 1)
            & (table["column"] == column) & (table["check"] == check)).any()


def _file_level(path: Path, how: str) -> None:
    if how == "empty":
        path.write_bytes(b"")
    elif how == "missing column":
        rows = [[c for j, c in enumerate(r) if j != COL["value"]] for r in _rows(path)]
        _write(path, rows)
    elif how == "unknown column":
        rows = _rows(path)
        rows[0].append("colour")
        for r in rows[1:]:
            r.append("red")
        _write(path, rows)
    elif how == "extra field":
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[3] += ",surplus"
        path.write_text("\n".join(lines), encoding="utf-8")
    elif how == "unterminated quote":
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[3] = lines[3].replace(",", ',"', 1)
        path.write_text("\n".join(lines), encoding="utf-8")
    elif how == "non-utf8":
        raw = path.read_bytes().split(b"\n")
        raw[3] = raw[3].replace(b",", b",\xe9", 1)
        path.write_bytes(b"\n".join(raw))


FILE_CORRUPTIONS = [
    ("empty", "1", "(header)", "not_empty"),
    ("missing column", "1", "value", "column_present"),
    ("unknown column", "1", "colour", "known_column"),
    ("extra field", "4", "(field", "field_count"),
    ("unterminated quote", "4", "source", "csv_syntax"),  # the field the quote opened
    ("non-utf8", "4", "", "utf8"),
]


@pytest.mark.parametrize("how,line,column,check", FILE_CORRUPTIONS, ids=[c[0] for c in FILE_CORRUPTIONS])
def test_malformed_files_are_reported_not_crashed(data_copy, capsys, how, line, column, check):
    path = data_copy / "sohr_monthly.csv"
    _file_level(path, how)
    code, out, err = _run(capsys, ["validate", str(data_copy)])
    assert code == 1, err
    assert "Traceback" not in err
    assert any("sohr_monthly.csv" in l and f" {line} " in l and column in l and check in l
               for l in err.splitlines()), err


def test_nothing_is_written_when_input_is_bad(data_copy, tmp_path, capsys):
    _set("value", "-1")(rows := _rows(data_copy / "other_monthly.csv"), 5)
    _write(data_copy / "other_monthly.csv", rows)
    out = tmp_path / "panel.csv"
    code, _, err = _run(capsys, ["series", "--data", str(data_copy), "--format", "csv", "--out", str(out)])
    assert code == 1 and "non_negative" in err
    assert not out.exists()
    assert not list(tmp_path.glob(".panel.csv.*"))  # no temporary file left behind


def test_all_problems_are_reported_at_once(data_copy, capsys):
    for file, col, value in [("sohr_monthly.csv", "value", "-1"), ("other_periods.csv", "region", "Atlantis")]:
        rows = _rows(data_copy / file)
        rows[2][COL[col]] = value
        _write(data_copy / file, rows)
    code, _, err = _run(capsys, ["validate", str(data_copy)])
    assert code == 1
    assert "2 problem(s) in 2 file(s)" in err
    assert "Atlantis" in err and "-1" in err


def test_missing_folder_is_a_clear_error(capsys, tmp_path):
    code, _, err = _run(capsys, ["validate", str(tmp_path / "nowhere")])
    assert code == 1
    assert "no such file or folder" in err and "Traceback" not in err


def test_bundled_data_is_valid(capsys):
    code, out, err = _run(capsys, ["validate"])
    assert code == 0
    assert out.startswith("valid: ")


# --- single-file cases (a copy of the small reports.csv keeps them fast) ---------------

SMALL = "reports.csv"


@pytest.fixture
def small_copy(tmp_path: Path) -> Path:
    target = tmp_path / SMALL
    shutil.copy(DATA / SMALL, target)
    return target


def _first_primary_period(rows: list[list[str]]) -> int:
    return next(i for i, r in enumerate(rows[1:], start=1)
                if r[COL["use"]] == "primary" and r[COL["kind"]] == "period")


def _corrupt_cell(path: Path, column: str, value: str) -> int:
    rows = _rows(path)
    i = _first_primary_period(rows)
    rows[i][COL[column]] = value
    _write(path, rows)
    return i + 1  # the file line (the header is line 1)


def _failure_at(table, line: int, column: str, check: str):
    hit = table[(table["row"] == line) & (table["column"] == column) & (table["check"] == check)]
    assert len(hit) == 1, table.to_string()
    return hit.iloc[0]


def test_period_without_start_is_reported_not_crashed(small_copy, capsys):
    """pandera drops the null cell from its failure cases; the row is still reported."""
    line = _corrupt_cell(small_copy, "start", "")
    code, _, err = _run(capsys, ["validate", str(small_copy)])
    assert code == 1, err
    assert any(SMALL in l and f" {line} " in l and " start " in l
               and "start_required_for_periods" in l for l in err.splitlines()), err
    with pytest.raises(DataValidationError) as info:
        load_observations([small_copy], warn=False)
    failure = _failure_at(info.value.failures, line, "start", "start_required_for_periods")
    assert failure["value"] == "" and failure["file"].endswith(SMALL)
    code, _, err = _run(capsys, ["series", "--data", str(small_copy), "--intervals"])
    assert code == 1 and "internal error" not in err


def test_running_tally_may_leave_its_start_blank(small_copy, capsys):
    rows = _rows(small_copy)
    i = _first_primary_period(rows)
    rows[i][COL["start"]], rows[i][COL["kind"]] = "", "cumulative"
    _write(small_copy, rows)
    assert _run(capsys, ["validate", str(small_copy)])[0] == 0


def test_oversized_count_is_rejected_with_the_bound(small_copy, capsys):
    line = _corrupt_cell(small_copy, "value", "99999999999999999999999")
    code, _, err = _run(capsys, ["series", "--data", str(small_copy), "--format", "csv"])
    assert code == 1 and "internal error" not in err
    with pytest.raises(DataValidationError) as info:
        load_observations([small_copy], warn=False)
    failure = _failure_at(info.value.failures, line, "value", "count_bound")
    assert failure["value"] == "99999999999999999999999"  # as written, not 1e+23
    assert "9,007,199,254,740,991" in failure["message"]


def test_the_largest_accepted_count_survives_the_int64_cast(small_copy, capsys):
    from resurgence.checks import MAX_COUNT

    _corrupt_cell(small_copy, "value", str(MAX_COUNT))
    assert _run(capsys, ["validate", str(small_copy)])[0] == 0
    code, out, err = _run(capsys, ["series", "--data", str(small_copy), "--format", "csv"])
    assert code == 0, err
    assert f",{MAX_COUNT}," in out


@pytest.mark.parametrize("written", ["1e3", "1E3", "inf", "1_000", "0x10"])
def test_counts_must_be_written_in_plain_digits(small_copy, capsys, written):
    line = _corrupt_cell(small_copy, "value", written)
    code, _, err = _run(capsys, ["validate", str(small_copy)])
    assert code == 1 and "Traceback" not in err
    with pytest.raises(DataValidationError) as info:
        load_observations([small_copy], warn=False)
    table = info.value.failures
    assert len(table) == 1, table.to_string()  # one failure, not a second "missing value"
    failure = table.iloc[0]
    assert (failure["row"], failure["column"], failure["value"]) == (line, "value", written)
    assert failure["check"] in ("plain_decimal", "numeric")
    if written in ("1e3", "1E3", "inf"):
        assert failure["check"] == "plain_decimal" and "plain digits" in failure["message"]


def test_header_only_file_is_an_error_naming_the_file(tmp_path, capsys):
    path = tmp_path / "only_header.csv"
    path.write_text(",".join(HEADER) + "\n\n", encoding="utf-8")
    code, out, err = _run(capsys, ["validate", str(path)])
    assert code == 1
    assert "valid:" not in out
    assert any("only_header.csv" in l and "not_empty" in l and "no data rows" in l
               for l in err.splitlines()), err


def test_negative_value_is_shown_as_written(small_copy):
    line = _corrupt_cell(small_copy, "value", "-3")
    with pytest.raises(DataValidationError) as info:
        load_observations([small_copy], warn=False)
    assert _failure_at(info.value.failures, line, "value", "non_negative")["value"] == "-3"


def test_region_alias_names_the_canonical_form(small_copy):
    line = _corrupt_cell(small_copy, "region", "Deir Ezzor")
    with pytest.raises(DataValidationError) as info:
        load_observations([small_copy], warn=False)
    failure = _failure_at(info.value.failures, line, "region", "in_vocabulary")
    assert "did you mean 'Deir ez-Zor'?" in failure["message"]


def test_near_miss_of_a_vocabulary_value_is_suggested(small_copy):
    line = _corrupt_cell(small_copy, "area", "sdf_area")
    with pytest.raises(DataValidationError) as info:
        load_observations([small_copy], warn=False)
    assert "did you mean 'sdf_areas'?" in _failure_at(
        info.value.failures, line, "area", "in_vocabulary")["message"]


def test_quote_in_a_later_field_names_that_field(small_copy, capsys):
    lines = small_copy.read_text(encoding="utf-8").split("\n")
    cut = lines[3].index(",reports/") + 1
    lines[3] = lines[3][:cut] + '"' + lines[3][cut:]
    small_copy.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = _run(capsys, ["validate", str(small_copy)])
    assert code == 1
    assert any(" 4 " in l and "source_url" in l and "csv_syntax" in l
               for l in err.splitlines()), err


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_validate_warnings_in_a_machine_format_parse(capsys, fmt):
    from resurgence.validation import consistency_report

    code, out, err = _run(capsys, ["validate", "--warnings", "--format", fmt])
    assert code == 0
    assert err.startswith("valid: ")  # the status line is on standard error
    rows = json.loads(out) if fmt == "json" else list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(consistency_report(load_observations(warn=False)))
    assert rows and rows[0]["check"]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_validate_warnings_without_any_still_parse(small_copy, capsys, fmt):
    rows = _rows(small_copy)
    _write(small_copy, rows[:2])  # one row: nothing to contradict
    code, out, err = _run(capsys, ["validate", "--warnings", "--format", fmt, str(small_copy)])
    assert code == 0 and "valid: 1 observations" in err
    if fmt == "json":
        assert json.loads(out) == []
    else:
        assert next(csv.reader(io.StringIO(out)))[0] == "check"


def test_blank_lines_between_rows_are_skipped(small_copy, capsys):
    lines = small_copy.read_text(encoding="utf-8").split("\n")
    lines.insert(3, "")
    small_copy.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = _run(capsys, ["validate", str(small_copy)])
    assert code == 0, err
    assert out.startswith(f"valid: {len(lines) - 3} observations")
