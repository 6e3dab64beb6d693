"""The alert history under stress: runs killed at any point, two runs at once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _alert_data import escalation_folder
from _webhook_server import Receiver
from resurgence.store import AlertStore

HERE = Path(__file__).resolve().parent
CHILD = HERE / "_alert_child.py"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return escalation_folder(tmp_path_factory.mktemp("obs"))


def _start(args: list[str], *, mark: Path | None = None, sleep: float = 0.0,
           release: Path | None = None) -> subprocess.Popen:
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    if mark is not None:
        env.update(ALERT_CHILD_MARK=str(mark), ALERT_CHILD_SLEEP=str(sleep))
    if release is not None:
        env["ALERT_CHILD_RELEASE"] = str(release)
    return subprocess.Popen([sys.executable, str(CHILD), "alert", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the child never reached the point"
        time.sleep(0.02)


def _check_consistent(state: Path) -> dict[str, int]:
    """integrity_check passes and no run is partial; returns the row counts."""
    conn = sqlite3.connect(state)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM runs WHERE finished = ''").fetchone()[0] == 0
        for run_id, n_judged in conn.execute("SELECT run_id, n_judged FROM runs"):
            assert n_judged >= 0
        assert conn.execute("SELECT COUNT(*) FROM alerts a LEFT JOIN runs r USING (run_id) "
                            "WHERE r.run_id IS NULL").fetchone()[0] == 0
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("runs", "verdicts", "alerts", "outbox")}
    finally:
        conn.close()


@pytest.mark.slow
def test_run_killed_inside_its_transaction_leaves_nothing_and_rerun_completes(data, tmp_path):
    state, mark = tmp_path / "h.sqlite", tmp_path / "in-transaction"
    args = ["--month", "2024-01", "--data", str(data), "--state", str(state), "--format", "json"]
    # a first, complete run for another month, so the history is not empty when killed
    done = _start(["--month", "2023-12", "--data", str(data), "--state", str(state)])
    assert done.wait(timeout=300) == 0
    before = _check_consistent(state)
    proc = _start(args, mark=mark, sleep=60)
    _wait_for(mark, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _check_consistent(state) == before          # all of the killed run or none of it
    rerun = _start(args)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 3, err
    assert [r["status"] for r in json.loads(out) if r["flag"]] == ["new"]
    after = _check_consistent(state)
    assert after["runs"] == before["runs"] + 1 and after["alerts"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 1.5])
def test_run_killed_at_other_points_loses_nothing(data, tmp_path, delay):
    """Killed while loading/judging (0.3 s) or while delivering its webhook (slow receiver)."""
    state = tmp_path / "h.sqlite"
    with Receiver(delay=3.0) as hook:
        args = ["--month", "2024-01", "--data", str(data), "--state", str(state),
                "--format", "json", "--webhook", hook.url, "--webhook-timeout", "30"]
        proc = _start(args)
        if delay > 1:                                   # wait until the POST is under way
            deadline = time.monotonic() + 120
            while not state.exists() or _pending(state) == 0:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
        else:
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if state.exists():
            _check_consistent(state)
        hook.delay = 0.0
        rerun = _start(args)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode in (0, 3), err
        counts = _check_consistent(state)
        assert counts["alerts"] == 1
        # the alert reached the receiver (at least once: a killed delivery may repeat)
        assert hook.accepted and all(a["body"][0]["series_id"] == "sohr/sdf_areas/all/attacks"
                                     for a in hook.accepted)
        assert len({a["headers"]["X-Resurgence-Delivery"] for a in hook.accepted}) == 1
        assert _pending(state) == 0


def _pending(state: Path) -> int:
    conn = sqlite3.connect(state)
    try:
        return conn.execute("SELECT COUNT(*) FROM outbox WHERE delivered IS NULL").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


@pytest.mark.slow
def test_two_concurrent_runs_one_waits_or_exits_4(data, tmp_path):
    state, mark, release = tmp_path / "h.sqlite", tmp_path / "holding", tmp_path / "release"
    args = ["--month", "2024-01", "--data", str(data), "--state", str(state), "--format", "json"]
    first = _start(args, mark=mark, sleep=300, release=release)   # holds the lock until told
    _wait_for(mark, first)
    impatient = _start([*args, "--lock-timeout", "0.5"])
    out, err = impatient.communicate(timeout=120)
    assert impatient.returncode == 4
    assert "another resurgence alert run holds the lock" in err and f"pid {first.pid}" in err
    assert out == "" and "Traceback" not in err
    patient = _start([*args, "--lock-timeout", "300"])
    time.sleep(2.0)
    assert patient.poll() is None                        # still waiting for the lock
    release.touch()
    assert first.wait(timeout=120) == 3
    out, err = patient.communicate(timeout=300)
    assert patient.returncode == 0, err                 # waited, then found it already raised
    assert [r["status"] for r in json.loads(out) if r["flag"]] == ["already_raised"]
    counts = _check_consistent(state)
    assert counts["runs"] == 2 and counts["alerts"] == 1


def test_store_lock_in_process(tmp_path):
    db = tmp_path / "h.sqlite"
    with AlertStore(db) as one:
        one.record_run(months=["2024-01"], config="c", data="d", verdicts=[])
        with pytest.raises(Exception) as exc:
            AlertStore(db, lock_timeout=0.1).open()
        assert getattr(exc.value, "exit_code", None) == 4
    with AlertStore(db, lock_timeout=0.1) as two:          # released on close
        assert two.last_month() == "2024-01"
        assert two.counts()["runs"] == 1
