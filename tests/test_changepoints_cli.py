"""The ``resurgence changepoints`` command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from resurgence.cli import main


@pytest.fixture()
def csv_file(tmp_path):
    rng = np.random.default_rng(0)
    months = pd.date_range("2021-01", periods=48, freq="MS").strftime("%Y-%m")
    vals = np.r_[rng.poisson(3, 24), rng.poisson(12, 24)].astype(float)
    frame = pd.DataFrame({"month": months, "attacks": vals, "note": "x"})
    frame.loc[[3, 30], "attacks"] = np.nan
    frame = frame.drop(index=[10])  # an absent month is missing, not zero
    path = tmp_path / "series.csv"
    frame.to_csv(path, index=False)
    return path


def test_table_output(csv_file, capsys):
    code = main(["changepoints", "--csv", str(csv_file), "--column", "attacks",
                 "--date-column", "month"])
    out = capsys.readouterr().out
    assert code == 0
    assert "1 changepoint(s); cost negbin" in out
    assert "2021-01" in out and "2023-01" in out


def test_json_and_csv_output(csv_file, capsys, tmp_path):
    assert main(["changepoints", "--csv", str(csv_file), "--column", "attacks",
                 "--date-column", "month", "--format", "json", "--cost", "poisson"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["first"] for r in rows] == ["2021-01", "2023-01"]
    assert rows[1]["n_obs"] == 23 and rows[0]["n_obs"] == 22
    assert rows[1]["change_ratio"] > 2
    out = tmp_path / "cp.csv"
    assert main(["changepoints", "--csv", str(csv_file), "--column", "attacks",
                 "--penalty", "bic", "--format", "csv", "-o", str(out)]) == 0
    assert pd.read_csv(out)["segment"].tolist() == [1, 2]


@pytest.mark.parametrize("args, message", [
    (["--column", "nope"], "no column 'nope' (--column)"),
    (["--column", "note"], "column 'note' has non-numeric values"),
    (["--column", "attacks", "--date-column", "when"], "no column 'when' (--date-column)"),
    (["--column", "attacks", "--penalty", "often"], "unknown penalty 'often'"),
])
def test_bad_column_or_option_is_a_clear_input_error(csv_file, capsys, args, message):
    code = main(["changepoints", "--csv", str(csv_file), *args])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err and "Traceback" not in err
    if "column" in message:
        assert str(csv_file) in err


def test_missing_empty_or_too_short_file(tmp_path, capsys):
    assert main(["changepoints", "--csv", str(tmp_path / "no.csv"), "--column", "a"]) == 1
    assert "no such file" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["changepoints", "--csv", str(empty), "--column", "a"]) == 1
    assert "empty" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    short.write_text("a\n1\n2\n")
    assert main(["changepoints", "--csv", str(short), "--column", "a"]) == 1
    err = capsys.readouterr().err
    assert "too short" in err and "short.csv" in err


def test_series_from_the_bundled_panel_uses_interval_exposure(capsys):
    """SOHR regime-desert attacks mix monthly figures with multi-month totals: the model
    frame gives those their exposure, so a 6-month total is a rate, not a spike."""
    sid = "sohr/regime_desert/all/attacks"
    assert main(["changepoints", "--series", sid, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    from resurgence.panel import load_panel

    frame = load_panel().frame(sid)
    assert sum(r["n_obs"] for r in rows) == len(frame)
    assert (frame["months"] > 1).any()
    assert all(r["level_lo"] <= r["level"] <= r["level_hi"] for r in rows)
    assert main(["changepoints", "--series", "nope/x/y/z"]) == 1
    assert "unknown series" in capsys.readouterr().err


def test_gaussian_table_has_the_difference_and_csv_without_dates_names_positions(tmp_path,
                                                                                 capsys):
    rng = np.random.default_rng(4)
    path = tmp_path / "temps.csv"
    pd.DataFrame({"anomaly": np.r_[rng.normal(-0.5, 0.3, 30), rng.normal(0.4, 0.3, 30)]}
                 ).to_csv(path, index=False)
    assert main(["changepoints", "--csv", str(path), "--column", "anomaly",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["first"] for r in rows] == [0, 30]  # positions: no --date-column
    assert rows[1]["change_ratio"] is None  # levels cross zero: no ratio ...
    assert rows[1]["change_lo"] < rows[1]["change"] < rows[1]["change_hi"]  # ... a difference
    assert 0.6 < rows[1]["change"] < 1.2


def test_csv_options_with_series_and_a_missing_output_folder_are_errors(csv_file, tmp_path,
                                                                       capsys):
    sid = "sohr/regime_desert/all/attacks"
    assert main(["changepoints", "--series", sid, "--column", "attacks"]) == 1
    assert "--column is for --csv" in capsys.readouterr().err
    out = tmp_path / "missing" / "cp.csv"
    assert main(["changepoints", "--csv", str(csv_file), "--column", "attacks",
                 "-o", str(out)]) == 1
    assert "no such folder" in capsys.readouterr().err
    assert not out.parent.exists()  # never created
