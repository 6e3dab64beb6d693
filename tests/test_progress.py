"""The progress bar: only on a terminal, never in CI, never for runs under a second."""

from __future__ import annotations

import io

from resurgence.progress import Progress, progress_enabled


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_enabled_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert progress_enabled(Tty())
    assert not progress_enabled(io.StringIO())
    assert not progress_enabled(None)
    monkeypatch.setenv("CI", "true")
    assert not progress_enabled(Tty())
    monkeypatch.setenv("CI", "false")
    assert progress_enabled(Tty())


def test_quiet_for_the_first_second_then_draws(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream, clock = Tty(), Clock()
    p = Progress(stream, clock=clock)
    p.phase("building pages", 4)
    p.step()
    assert stream.getvalue() == "" and not p.drawn
    clock.t = 1.5
    p.step(detail="area")
    p.close()
    text = stream.getvalue()
    assert "building pages" in text and "2/4" in text and text.endswith("\n")
    assert "#" * 15 in text


def test_a_fast_run_prints_nothing(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = Tty()
    with Progress(stream, clock=Clock()) as p:
        p.phase("x", 2)
        p.step()
        p.step()
    assert stream.getvalue() == ""


def test_piped_output_gets_no_bar(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream, clock = io.StringIO(), Clock()
    p = Progress(stream, clock=clock)
    clock.t = 10
    p.phase("x", 1)
    p.step()
    p.close()
    assert stream.getvalue() == ""
