"""``--workers`` and ``--scheduler`` on ``resurgence alert`` and ``resurgence changepoints``."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from resurgence.cli import main


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _alert_rows(out: str) -> list[dict]:
    return sorted(json.loads(out), key=lambda r: r["series_id"])


def test_alert_gives_the_same_verdicts_on_worker_processes(tmp_path, capsys):
    base = ["alert", "--month", "2024-03", "--format", "json", "--all"]
    c1, out1, err1 = _run(capsys, *base, "--state", str(tmp_path / "a.sqlite"))
    c2, out2, err2 = _run(capsys, *base, "--state", str(tmp_path / "b.sqlite"), "--workers", "2")
    assert (c1, c2) == (3, 3), err1 + err2
    assert _alert_rows(out1) == _alert_rows(out2)
    assert sum(r["flag"] for r in _alert_rows(out1)) == 2


def test_changepoints_all_is_one_table_the_same_on_workers(capsys):
    c1, out1, _ = _run(capsys, "changepoints", "--all", "--format", "csv")
    c2, out2, err2 = _run(capsys, "changepoints", "--all", "--format", "csv", "--workers", "2")
    assert c1 == c2 == 0 and out1 == out2
    table = pd.read_csv(io.StringIO(out1))
    assert list(table.columns[:4]) == ["series_id", "segment", "first", "last"]
    desert = table[table["series_id"] == "sohr/regime_desert/all/attacks"]
    assert len(desert) >= 2 and desert["change_ratio"].iloc[1] > 1  # the 2023 rise
    assert "not segmented" in err2  # the too-short series are reported, not fatal


def test_changepoints_on_a_long_csv(tmp_path, capsys):
    months = pd.date_range("2018-01", periods=48, freq="MS").strftime("%Y-%m")
    rows = [{"region": r, "month": m, "n": (4 if i < 24 else 16) + (i % 3) * (1 + k)}
            for k, r in enumerate(["north", "south"]) for i, m in enumerate(months)]
    path = tmp_path / "long.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    code, out, err = _run(capsys, "changepoints", "--csv", str(path), "--id-column", "region",
                          "--date-column", "month", "--column", "n", "--format", "json")
    assert code == 0, err
    rec = json.loads(out)
    assert {r["series_id"] for r in rec} == {"north", "south"}
    assert [r["first"] for r in rec if r["series_id"] == "north"] == ["2018-01", "2020-01"]


@pytest.mark.slow
def test_scheduler_address_runs_on_that_dask_cluster(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    c1, out1, _ = _run(capsys, "changepoints", "--all", "--format", "csv")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        c2, out2, err = _run(capsys, "changepoints", "--all", "--format", "csv",
                             "--scheduler", cluster.scheduler_address)
    assert c1 == c2 == 0, err
    assert out1 == out2


@pytest.mark.parametrize("args, message", [
    (["changepoints", "--series", "sohr/sdf_areas/all/attacks", "--workers", "2"],
     "apply to many series"),
    (["changepoints", "--all", "--workers", "-1"], "--workers must be 0"),
    (["changepoints", "--csv", "x.csv", "--id-column", "id"], "needs --column"),
])
def test_bad_parallel_options(capsys, args, message):
    code, _, err = _run(capsys, *args)
    assert code == 1 and message in err and "Traceback" not in err
