"""``resurgence alert``: output, idempotence, catch-up, webhook retries, bad input, exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from _alert_data import escalation_folder
from _webhook_server import Receiver
from resurgence.cli import main
from resurgence.store import default_state_path

SPIKE = "sohr/sdf_areas/all/attacks"
DESERT = "sohr/regime_desert/all/attacks"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return escalation_folder(tmp_path_factory.mktemp("obs"))


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["alert", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_json_output_flags_the_spike_and_explains_why(data, tmp_path, capsys):
    state = tmp_path / "h.sqlite"
    code, out, err = _run(capsys, "--month", "2024-01", "--data", str(data), "--state", str(state),
                          "--format", "json")
    assert code == 3, err
    rows = {r["series_id"]: r for r in json.loads(out)}
    spike = rows[SPIKE]
    for key in ("series_id", "month", "observed", "expected", "threshold", "score", "detectors",
                "severity", "p_value", "reasons", "status", "flag", "checks"):
        assert key in spike
    assert spike["month"] == "2024-01" and spike["observed"] == 60.0
    assert spike["flag"] and spike["status"] == "new" and spike["severity"] != "none"
    assert "farrington" in spike["detectors"] and spike["observed"] > spike["threshold"]
    assert any("above the threshold" in r for r in spike["reasons"])
    quiet = rows["sohr/sdf_areas/all/civilians"]
    assert not quiet["flag"] and quiet["status"] == "none" and quiet["detectors"] == []
    assert "Traceback" not in err


def test_rerun_is_idempotent_and_says_already_raised(data, tmp_path, capsys):
    state = tmp_path / "h.sqlite"
    args = ["--month", "2024-01", "--data", str(data), "--state", str(state), "--format", "json"]
    code1, out1, _ = _run(capsys, *args)
    code2, out2, _ = _run(capsys, *args)
    assert (code1, code2) == (3, 0)            # re-raised alerts do not count as new
    first, second = json.loads(out1), json.loads(out2)
    assert [r["status"] for r in second if r["flag"]] == ["already_raised"]
    for a, b in zip(first, second):
        assert {k: v for k, v in a.items() if k != "status"} == \
               {k: v for k, v in b.items() if k != "status"}
    with _db(state) as conn:
        assert conn.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2
        n_verdicts = conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
        assert n_verdicts == len(first)
        assert conn.execute("SELECT n_new, n_already FROM runs ORDER BY run_id").fetchall() == \
            [(1, 0), (0, 1)]
    code3, md, _ = _run(capsys, "--month", "2024-01", "--data", str(data), "--state", str(state))
    assert code3 == 0 and "already raised" in md and "# Escalation alerts for 2024-01" in md


def test_markdown_and_out_folder(data, tmp_path, capsys):
    state, out = tmp_path / "h.sqlite", tmp_path / "reports"
    code, printed, _ = _run(capsys, "--month", "2024-01", "--data", str(data), "--state",
                            str(state), "--out", str(out))
    assert code == 3 and printed == ""
    text = (out / "alerts-2024-01.md").read_text()
    assert f"`{SPIKE}`" in text and "## Alerts" in text and "(new)" in text
    _run(capsys, "--month", "2024-01", "--data", str(data), "--state", str(state), "--out",
         str(out), "--format", "json")
    assert json.loads((out / "alerts-2024-01.json").read_text())[0]["month"] == "2024-01"
    assert sorted(p.name for p in out.iterdir()) == ["alerts-2024-01.json", "alerts-2024-01.md"]


def test_default_state_path_and_catch_up_after_missed_months(data, capsys):
    assert str(default_state_path()).startswith(os.environ["XDG_DATA_HOME"])
    code, out, _ = _run(capsys, "--data", str(data), "--as-of", "2024-01-20", "--format", "json")
    assert code == 0 and {r["month"] for r in json.loads(out)} == {"2023-12"}
    # the next run comes three months later: it judges every month it missed
    code, out, _ = _run(capsys, "--data", str(data), "--as-of", "2024-04-02", "--format", "json")
    assert code == 3
    assert sorted({r["month"] for r in json.loads(out)}) == ["2024-01", "2024-02", "2024-03"]
    assert default_state_path().is_file()
    code, out, _ = _run(capsys, "--data", str(data), "--as-of", "2024-04-30", "--format", "json")
    assert code == 0 and {r["month"] for r in json.loads(out)} == {"2024-03"}


def test_a_back_fill_does_not_move_the_catch_up_point(data, tmp_path, capsys):
    state = ["--data", str(data), "--state", str(tmp_path / "h.sqlite"), "--format", "json"]
    code, out, _ = _run(capsys, *state, "--as-of", "2023-11-20")
    assert {r["month"] for r in json.loads(out)} == {"2023-10"}
    # someone judges February by hand; the next scheduled run still catches up from November
    _run(capsys, *state, "--month", "2024-02", "--as-of", "2024-03-10")
    code, out, _ = _run(capsys, *state, "--as-of", "2024-03-10")
    assert sorted({r["month"] for r in json.loads(out)}) == ["2023-11", "2023-12", "2024-01",
                                                             "2024-02"]


def test_a_dead_receiver_costs_one_payload_s_retries_and_loses_nothing(data, tmp_path, capsys):
    state = tmp_path / "h.sqlite"
    with Receiver(fail_first=100) as hook:
        args = ["--data", str(data), "--state", str(state), "--format", "json",
                "--webhook", hook.url, "--webhook-retries", "2", "--webhook-backoff", "0",
                "--webhook-timeout", "5", "--month", "2024-01"]
        _run(capsys, *args)
        with _db(state) as conn:  # a second payload waiting (as after another alert month)
            conn.execute("INSERT INTO outbox (url, payload, run_id, created) SELECT url, payload,"
                         " run_id, created FROM outbox")
        n = len(hook.requests)
        code, _, err = _run(capsys, *args)
        with _db(state) as conn:
            rows = conn.execute("SELECT attempts, delivered FROM outbox ORDER BY delivery_id"
                                ).fetchall()
    assert rows == [(4, None), (0, None)]        # both still queued, nothing lost
    assert len(hook.requests) - n == 2           # this run tried the oldest only
    assert "1 more webhook deliveries stay queued" in err


def test_webhook_fails_then_recovers_delivered_exactly_once(data, tmp_path, capsys):
    state = tmp_path / "h.sqlite"
    with Receiver(fail_first=3) as hook:
        args = ["--month", "2024-01", "--data", str(data), "--state", str(state),
                "--format", "json", "--webhook", hook.url, "--webhook-retries", "2",
                "--webhook-backoff", "0", "--webhook-timeout", "5"]
        code, _, err = _run(capsys, *args)
        assert code == 3
        assert len(hook.requests) == 2 and not hook.accepted
        assert "stays queued" in err and "retried by the next run" in err
        with _db(state) as conn:
            assert conn.execute("SELECT attempts, delivered FROM outbox").fetchall() == [(2, None)]
        # the receiver is back: the next run (nothing new to raise) delivers the queued payload
        code, _, err = _run(capsys, *args)
        assert code == 0 and err == ""
        assert len(hook.requests) == 4 and len(hook.accepted) == 1
        body = hook.accepted[0]["body"]
        assert [a["series_id"] for a in body] == [SPIKE] and body[0]["status"] == "new"
        assert hook.accepted[0]["headers"]["X-Resurgence-Delivery"] == "1"
        _run(capsys, *args)
        assert len(hook.requests) == 4          # delivered once: never sent again
    with _db(state) as conn:
        (attempts, delivered), = conn.execute("SELECT attempts, delivered FROM outbox").fetchall()
        assert attempts == 4 and delivered is not None


@pytest.mark.parametrize("args,message", [
    (["--month", "2024-13"], "invalid month '2024-13'"),
    (["--month", "24-01"], "invalid month"),
    (["--month", "0000-01"], "year 0000 is out of range"),
    (["--month", "2999-01"], "is in the future"),
    (["--month", "2024-05", "--as-of", "2024-05-20"], "not complete yet"),
    (["--data", "/nonexistent/folder"], "no such file or folder"),
    (["--webhook", "ftp://x"], "invalid webhook URL"),
    (["--as-of", "yesterday"], "invalid --as-of"),
])
def test_bad_input_exits_1_with_a_clear_message_and_writes_nothing(args, message, tmp_path,
                                                                    capsys):
    state = tmp_path / "state" / "h.sqlite"
    code, out, err = _run(capsys, *args, "--state", str(state))
    assert code == 1
    assert message in err and err.startswith("resurgence: error:")
    assert out == "" and not state.parent.exists()
    assert not default_state_path().exists()


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["alert", "--format", "xml"])
    assert exc.value.code == 2


def test_unusable_history_exits_4(data, tmp_path, capsys):
    state = tmp_path / "h.sqlite"
    state.write_bytes(b"this is not a database" * 100)
    code, _, err = _run(capsys, "--month", "2024-01", "--data", str(data), "--state", str(state))
    assert code == 4 and "unusable" in err


def test_bundled_data_done_when(tmp_path):
    """The scheduled run on the bundled data, as an operator runs it (a real process)."""
    env = {**os.environ, "CI": "true"}
    base = [sys.executable, "-m", "resurgence", "alert", "--format", "json",
            "--state", str(tmp_path / "h.sqlite")]
    jan = subprocess.run([*base, "--month", "2024-01"], capture_output=True, text=True, env=env,
                         timeout=600)
    assert jan.returncode in (0, 3) and "Traceback" not in jan.stderr
    desert = {r["series_id"]: r for r in json.loads(jan.stdout)}[DESERT]
    assert desert["observed"] == 26 and desert["reasons"]
    assert desert["checks"][0]["detector"] == "farrington"
    aug = subprocess.run([*base, "--month", "2024-08"], capture_output=True, text=True, env=env,
                         timeout=600)
    assert aug.returncode == 0, aug.stderr
    quiet = {r["series_id"]: r for r in json.loads(aug.stdout)}[DESERT]
    assert quiet["observed"] == 9 and not quiet["flag"] and quiet["severity"] == "none"
    bad = subprocess.run([*base, "--month", "2024-13"], capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
