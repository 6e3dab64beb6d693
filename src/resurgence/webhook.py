"""Deliver alert payloads to a webhook: POST JSON with a timeout and bounded retries.

Standard library only (``urllib.request``). A delivery succeeds when the receiver
answers 2xx; anything else (connection refused, timeout, 4xx/5xx) is an attempt
that failed. :func:`deliver_pending` sends every payload still in the alert
history's outbox -- this run's and those earlier runs could not deliver -- and
records each attempt there, so a failed delivery is retried next run and never
lost. Each request carries ``X-Resurgence-Delivery: <delivery_id>`` so a receiver
can ignore a repeat (delivery is at least once: a run killed between the
receiver's answer and the record of it sends the payload again).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from ._version import __version__
from .errors import InputError
from .store import AlertStore

__all__ = ["post_json", "deliver_pending", "DeliveryReport", "check_url"]


def check_url(url: str) -> str:
    """Return ``url`` if it is an ``http(s)://`` address, else raise :class:`InputError`.

    Examples
    --------
    >>> check_url("http://127.0.0.1:8080/hook")
    'http://127.0.0.1:8080/hook'
    """
    from urllib.parse import urlparse

    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"invalid webhook URL {url!r}: expected http:// or https://HOST/PATH")
    return url


def post_json(url: str, body: str, *, timeout: float = 10.0, headers: dict | None = None) -> int:
    """POST ``body`` (JSON text) to ``url``; return the HTTP status or raise ``OSError``."""
    req = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"resurgence/{__version__}", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) checked
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass
class DeliveryReport:
    """What :func:`deliver_pending` did."""

    delivered: list[int]
    failed: list[tuple[int, str]]
    #: payloads left queued without an attempt because an earlier one failed this run
    deferred: list[int] = field(default_factory=list)


def deliver_pending(store: AlertStore, *, timeout: float = 10.0, retries: int = 3,
                    backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep
                    ) -> DeliveryReport:
    """Send every undelivered payload in ``store``'s outbox.

    Payloads go oldest first. Each gets up to ``retries`` attempts in this run,
    ``backoff``, ``2 * backoff``, ... seconds apart; every attempt is recorded.
    After a payload fails every attempt the receiver is taken to be down: the
    later payloads of that URL are deferred to the next run without an attempt,
    so a run against a dead receiver costs one payload's retries, not one per
    queued payload (the queue would otherwise make every later run longer). Nothing
    is dropped: what fails or is deferred stays queued for the next run.
    """
    delivered: list[int] = []
    failed: list[tuple[int, str]] = []
    deferred: list[int] = []
    down: set[str] = set()
    for delivery_id, url, payload, _ in store.pending_deliveries():
        if url in down:
            deferred.append(delivery_id)
            continue
        error = "not attempted"
        for attempt in range(max(int(retries), 1)):
            if attempt:
                sleep(backoff * 2 ** (attempt - 1))
            try:
                status = post_json(url, payload, timeout=timeout,
                                   headers={"X-Resurgence-Delivery": str(delivery_id)})
            except (OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                error = f"{type(exc).__name__}: {reason}"
            else:
                if 200 <= status < 300:
                    store.mark_attempt(delivery_id, ok=True)
                    delivered.append(delivery_id)
                    break
                error = f"HTTP {status}"
            store.mark_attempt(delivery_id, ok=False, error=error)
        else:
            failed.append((delivery_id, error))
            down.add(url)
    return DeliveryReport(delivered, failed, deferred)
