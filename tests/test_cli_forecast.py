"""The forecast and backtest subcommands: CSV input, the bundled panel, formats, errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from resurgence.cli import main
from _simulate import seasonal_nb


@pytest.fixture()
def csv_file(tmp_path):
    a = seasonal_nb(1, years=5, mean=20)
    b = seasonal_nb(2, years=5, mean=8)
    b.iloc[10] = np.nan
    table = pd.DataFrame({"month": a.index.strftime("%Y-%m"), "a": a.astype("Int64"),
                          "b": b.astype("Int64")})
    path = tmp_path / "series.csv"
    table.to_csv(path, index=False)
    return path


def test_forecast_csv_json(csv_file, capsys):
    code = main(["forecast", "--csv", str(csv_file), "--column", "a", "--horizon", "3",
                 "--level", "50", "90", "--model", "glm", "--format", "json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["month"] for r in rows] == ["2018-01", "2018-02", "2018-03"]
    assert set(rows[0]) == {"series_id", "model", "month", "mean", "lo-50", "hi-50",
                            "lo-90", "hi-90"}
    assert all(isinstance(r["lo-90"], int) and r["lo-90"] <= r["hi-90"] for r in rows)


def test_forecast_default_model_names_its_choice(csv_file, capsys):
    assert main(["forecast", "--csv", str(csv_file), "--column", "b", "--horizon", "1",
                 "--format", "csv"]) == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert out["model"].iloc[0].startswith("auto:")
    assert out.columns.tolist() == ["series_id", "model", "month", "mean", "lo-80", "hi-80",
                                    "lo-95", "hi-95"]


def test_backtest_csv_scores_with_overall_rows(csv_file, capsys):
    code = main(["backtest", "--csv", str(csv_file), "--column", "a", "--column", "b",
                 "--horizon", "2", "--step", "6", "--initial", "36",
                 "--models", "naive", "seasonal_naive", "--format", "csv"])
    assert code == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert set(out["series_id"]) == {"a", "b", "all"}
    assert {"crps", "pinball", "coverage_50", "coverage_80", "coverage_95"} <= set(out.columns)
    overall = out[out["series_id"] == "all"].set_index("model")
    assert overall.loc["naive", "n"] == out[(out["series_id"] != "all") & (out["model"] == "naive")]["n"].sum()


def test_backtest_details(csv_file, capsys):
    assert main(["backtest", "--csv", str(csv_file), "--column", "a", "--horizon", "1",
                 "--windows", "2", "--models", "naive", "--details", "--format", "csv"]) == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert len(out) == 2 and out["origin"].tolist() == ["2017-11", "2017-12"]


@pytest.mark.slow
def test_forecast_panel_series(capsys):
    sid = "sohr/sdf_areas/all/attacks"
    code = main(["forecast", "--series", sid, "--horizon", "2", "--model", "glm",
                 "--format", "json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and rows[0]["series_id"] == sid
    assert rows[0]["lo-95"] >= 0


@pytest.mark.slow
def test_backtest_panel_series(capsys):
    sid = "sohr/sdf_areas/all/attacks"
    code = main(["backtest", "--series", sid, "--horizon", "1", "--windows", "3",
                 "--models", "glm", "naive", "--format", "json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["model"] for r in rows} == {"glm", "naive"} and rows[0]["n"] > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--column", "zzz"], "no column 'zzz'"),
        ([], "--csv needs --column"),
        (["--column", "a", "--date-column", "when"], "no column 'when'"),
    ],
)
def test_bad_csv_input_exits_1(csv_file, capsys, argv, message):
    code = main(["forecast", "--csv", str(csv_file), *argv])
    assert code == 1
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_unknown_series_exits_1(capsys):
    assert main(["forecast", "--series", "sohr/nowhere/all/attacks"]) == 1
    assert "unknown series" in capsys.readouterr().err


def test_non_numeric_csv_value(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("month,a\n2024-01,3\n2024-02,many\n")
    assert main(["forecast", "--csv", str(path), "--column", "a"]) == 1
    assert "row 3" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["forecast"], ["forecast", "--model", "naive"],
                                     ["forecast", "--model", "glm"], ["backtest"]])
def test_empty_column_is_a_clear_input_error(tmp_path, capsys, command):
    """Column b has no values: exit 70 (IndexError) or a zero forecast before."""
    path = tmp_path / "tiny.csv"
    path.write_text("month,a,b\n2020-01,3,\n2020-02,4,\n2020-03,5,\n")
    assert main([*command, "--csv", str(path), "--column", "b"]) == 1
    err = capsys.readouterr().err
    assert "no observed values" in err and "internal error" not in err


@pytest.mark.parametrize("command", ["forecast", "backtest"])
def test_horizon_beyond_the_bound_exits_1(csv_file, capsys, command):
    """--horizon 100000 was a MemoryError (exit 70); 20000 was killed by the OOM killer."""
    assert main([command, "--csv", str(csv_file), "--column", "a", "--horizon", "100000"]) == 1
    assert "--horizon must be at most 120 months" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["forecast", "backtest"])
def test_negative_min_months_is_rejected(capsys, command):
    """--min-months -5 was accepted silently (every series selected)."""
    assert main([command, "--min-months", "-5"]) == 1
    assert "--min-months must be 0 or more" in capsys.readouterr().err


@pytest.mark.slow
def test_backtest_defaults_work_on_the_47_month_ucdp_series(capsys):
    code = main(["backtest", "--series", "ucdp/syria/all/events", "--models", "naive",
                 "--format", "csv"])
    assert code == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert out["n"].iloc[0] == 12 * 12  # 12 origins, 12 months each
