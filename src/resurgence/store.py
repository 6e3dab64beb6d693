"""The alert history: an embedded SQLite database that a scheduled run can trust.

Guarantees
----------
* **Idempotent.** Verdicts are upserted and alerts inserted under the key
  ``(series_id, month, config)`` (``config``: a short hash of the detector
  settings), so re-running a month adds nothing and reports what was already
  raised.
* **Atomic.** One run writes everything -- its run row, every verdict, every new
  alert and the webhook deliveries to make -- in one ``BEGIN IMMEDIATE``
  transaction. A run killed at any point leaves either all of it or none of it
  (SQLite's journal); ``runs.finished`` is set inside the same transaction, so
  the history never holds a partial run.
* **Exclusive.** A run holds an exclusive ``fcntl.flock`` on ``<db>.lock`` from
  before it reads the history until it has delivered its webhooks. A second run
  waits up to ``lock_timeout`` seconds, then fails with
  :class:`~resurgence.errors.StateError` (exit code 4) naming the holder; the
  lock dies with its process, so a killed run never leaves it stuck.
  ``BEGIN IMMEDIATE`` with a busy timeout guards the database against writers
  that bypass the lock.
* **Nothing lost.** Webhook payloads are queued in the ``outbox`` table inside
  the run's transaction and marked delivered only after the receiver accepted
  them; an undelivered payload is retried by the next run (at-least-once
  delivery; each carries its ``delivery_id`` so a receiver can drop repeats).

Tables: ``meta`` (schema version), ``runs``, ``verdicts``, ``alerts``, ``outbox``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import StateError

__all__ = ["AlertStore", "default_state_path", "config_key", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id     INTEGER PRIMARY KEY,
    months     TEXT NOT NULL,            -- comma-separated YYYY-MM judged by this run
    config     TEXT NOT NULL,
    data       TEXT NOT NULL,            -- where the observations came from
    started    TEXT NOT NULL,
    finished   TEXT NOT NULL,            -- set in the same transaction: no partial runs
    n_judged   INTEGER NOT NULL,
    n_new      INTEGER NOT NULL,
    n_already  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS verdicts (
    series_id TEXT NOT NULL, month TEXT NOT NULL, config TEXT NOT NULL,
    observed REAL, expected REAL, threshold REAL, score REAL, p_value REAL,
    flag INTEGER NOT NULL, severity TEXT NOT NULL, detectors TEXT NOT NULL,
    reasons TEXT NOT NULL, status TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(run_id),
    PRIMARY KEY (series_id, month, config)
);
CREATE TABLE IF NOT EXISTS alerts (
    alert_id  INTEGER PRIMARY KEY,
    series_id TEXT NOT NULL, month TEXT NOT NULL, config TEXT NOT NULL,
    severity  TEXT NOT NULL, detectors TEXT NOT NULL, payload TEXT NOT NULL,
    run_id    INTEGER NOT NULL REFERENCES runs(run_id),
    raised_at TEXT NOT NULL,
    UNIQUE (series_id, month, config)
);
CREATE TABLE IF NOT EXISTS outbox (
    delivery_id  INTEGER PRIMARY KEY,
    url          TEXT NOT NULL,
    payload      TEXT NOT NULL,
    run_id       INTEGER NOT NULL REFERENCES runs(run_id),
    created      TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_attempt TEXT,
    last_error   TEXT,
    delivered    TEXT
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_state_path() -> Path:
    """The default history: ``$XDG_DATA_HOME/resurgence/alerts.sqlite``.

    Without ``XDG_DATA_HOME``: ``~/.local/share/resurgence/alerts.sqlite``.

    Examples
    --------
    >>> default_state_path().name
    'alerts.sqlite'
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "resurgence" / "alerts.sqlite"


def config_key(config: str) -> str:
    """A short stable key for a detector configuration string.

    Examples
    --------
    >>> len(config_key("farrington(alpha=0.005)"))
    12
    """
    return hashlib.sha256(config.encode("utf-8")).hexdigest()[:12]


class AlertStore:
    """The alert history database, opened for one run (use as a context manager).

    Parameters
    ----------
    path : path-like
        The SQLite file (created with its folder if missing).
    lock_timeout : float
        Seconds to wait for another run's lock before :class:`StateError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "alerts.sqlite"
    >>> with AlertStore(db) as store:
    ...     store.last_month() is None
    True
    """

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.lock_timeout = float(lock_timeout)
        self._lock_fd: int | None = None
        self.conn: sqlite3.Connection | None = None

    # -- opening, locking -------------------------------------------------------------
    def __enter__(self) -> "AlertStore":
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Take the run lock, open the database and create or check its schema."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"cannot create the state folder {self.path.parent}: "
                             f"{exc.strerror or exc}") from None
        self._lock()
        try:
            self.conn = sqlite3.connect(self.path, timeout=self.lock_timeout,
                                        isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA synchronous = FULL")
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if row is None:
                    self.conn.execute("INSERT INTO meta VALUES ('schema', ?)",
                                      (str(SCHEMA_VERSION),))
                elif int(row[0]) != SCHEMA_VERSION:
                    raise StateError(f"{self.path}: alert history schema {row[0]}, this version of "
                                     f"resurgence reads {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StateError(f"{self.path}: the alert history is unusable: {exc}") from None
        except BaseException:
            self.close()
            raise

    def _lock(self) -> None:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise StateError(f"cannot lock {self.lock_path}: {exc}") from None
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise StateError(
                        f"another resurgence alert run holds the lock on {self.path}"
                        f"{holder}; waited {self.lock_timeout:g} s. Try again when it has "
                        "finished (--lock-timeout to wait longer)") from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} since {_now()}\n".encode())
        self._lock_fd = fd

    def close(self) -> None:
        """Close the database and release the lock."""
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on any error)."""
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StateError(f"{self.path} is busy: {exc}") from None
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _conn(self) -> sqlite3.Connection:
        if self.conn is None:
            raise StateError("the alert history is not open")
        return self.conn

    # -- reading ------------------------------------------------------------------------
    def last_month(self, config: str | None = None) -> str | None:
        """The latest month any finished run judged (for ``config``, if given)."""
        sql = "SELECT months FROM runs" + (" WHERE config = ?" if config else "")
        rows = self._conn().execute(sql, (config,) if config else ()).fetchall()
        months = [m for (ms,) in rows for m in ms.split(",") if m]
        return max(months) if months else None

    def last_scheduled_month(self, config: str) -> str | None:
        """The latest month judged by a scheduled run (``--month`` omitted) for ``config``.

        A run for a given ``--month`` (a back-fill, a re-run) does not move it, so the
        next scheduled run still catches up on every month since the last scheduled
        one. Histories written before this was recorded fall back on
        :meth:`last_month`.
        """
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?",
                                   (f"scheduled:{config}",)).fetchone()
        return row[0] if row else self.last_month(config)

    def raised(self, month: str, config: str) -> set[str]:
        """Series with an alert already raised for ``month`` under ``config``."""
        rows = self._conn().execute("SELECT series_id FROM alerts WHERE month = ? AND config = ?",
                                    (month, config)).fetchall()
        return {r[0] for r in rows}

    def pending_deliveries(self) -> list[tuple[int, str, str, int]]:
        """Undelivered webhook payloads: ``(delivery_id, url, payload, attempts)``, oldest first."""
        return self._conn().execute(
            "SELECT delivery_id, url, payload, attempts FROM outbox WHERE delivered IS NULL "
            "ORDER BY delivery_id").fetchall()

    def counts(self) -> dict[str, int]:
        """Rows per table (for checks and tests)."""
        conn = self._conn()
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in ("runs", "verdicts", "alerts", "outbox")}

    # -- writing ------------------------------------------------------------------------
    def record_run(self, *, months: Iterable[str], config: str, data: str,
                   verdicts: list[dict[str, Any]], webhook: str | None = None,
                   started: str | None = None, scheduled: bool = False
                   ) -> tuple[int, list[dict[str, Any]]]:
        """Write one run atomically; return its id and the verdicts with ``status`` set.

        ``scheduled`` marks a run that chose its months itself (the catch-up point of
        :meth:`last_scheduled_month`).

        ``status`` becomes ``new`` (an alert raised now), ``already_raised`` (flagged,
        raised by an earlier run), ``none`` (not flagged) or ``insufficient``. With
        ``webhook``, the new alerts are queued in the outbox in the same transaction.
        """
        months = sorted(set(months))
        out = []
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs (months, config, data, started, finished, n_judged, n_new, "
                "n_already) VALUES (?, ?, ?, ?, '', 0, 0, 0)",
                (",".join(months), config, data, started or _now()))
            run_id = int(cur.lastrowid)
            raised: dict[str, set[str]] = {m: self.raised(m, config) for m in months}
            new = already = 0
            for v in verdicts:
                status = v.get("status", "ok")
                if status == "insufficient":
                    state = "insufficient"
                elif not v["flag"]:
                    state = "none"
                elif v["series_id"] in raised.get(v["month"], set()):
                    state, already = "already_raised", already + 1
                else:
                    state, new = "new", new + 1
                row = {**v, "status": state}
                out.append(row)
                conn.execute(
                    "INSERT INTO verdicts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT (series_id, month, config) DO UPDATE SET"
                    " observed=excluded.observed, expected=excluded.expected,"
                    " threshold=excluded.threshold, score=excluded.score,"
                    " p_value=excluded.p_value, flag=excluded.flag, severity=excluded.severity,"
                    " detectors=excluded.detectors, reasons=excluded.reasons,"
                    " status=excluded.status, run_id=excluded.run_id",
                    (v["series_id"], v["month"], config, _num(v["observed"]), _num(v["expected"]),
                     _num(v["threshold"]), _num(v["score"]), _num(v["p_value"]), int(v["flag"]),
                     v["severity"], _text(v["detectors"]), _text(v["reasons"]), state, run_id))
                if state == "new":
                    conn.execute(
                        "INSERT INTO alerts (series_id, month, config, severity, detectors,"
                        " payload, run_id, raised_at) VALUES (?,?,?,?,?,?,?,?)",
                        (v["series_id"], v["month"], config, v["severity"], _text(v["detectors"]),
                         json.dumps(row, default=str), run_id, _now()))
            fresh = [r for r in out if r["status"] == "new"]
            if webhook and fresh:
                conn.execute("INSERT INTO outbox (url, payload, run_id, created) VALUES (?,?,?,?)",
                             (webhook, json.dumps(fresh, default=str), run_id, _now()))
            conn.execute("UPDATE runs SET finished = ?, n_judged = ?, n_new = ?, n_already = ? "
                         "WHERE run_id = ?", (_now(), len(out), new, already, run_id))
            if scheduled and months:
                key = f"scheduled:{config}"
                prev = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
                last = max([months[-1], *([prev[0]] if prev else [])])
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, last))
        return run_id, out

    def mark_attempt(self, delivery_id: int, *, ok: bool, error: str | None = None) -> None:
        """Record one delivery attempt (and its success) in its own transaction."""
        with self.transaction() as conn:
            conn.execute("UPDATE outbox SET attempts = attempts + 1, last_attempt = ?, "
                         "last_error = ?, delivered = CASE WHEN ? THEN ? ELSE NULL END "
                         "WHERE delivery_id = ?",
                         (_now(), error, int(ok), _now(), delivery_id))


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _text(x: Any) -> str:
    """Detector names joined by ``+``; reasons (or anything else) as a JSON list."""
    if isinstance(x, list | tuple):
        if all(isinstance(i, str) and i.isidentifier() for i in x):
            return "+".join(x)
        return json.dumps(list(x), ensure_ascii=False)
    return "" if x is None else str(x)


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 200).decode("utf-8", "replace").strip()
        if text:
            return f" ({text})"
    return ""
