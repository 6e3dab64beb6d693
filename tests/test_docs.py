"""Every command and code block in README.md and docs/*.md runs as shown.

Python blocks run in order, one namespace per page, from the repository root.
Shell blocks: each line starting with ``resurgence`` runs (through the same
``main`` that ``python -m resurgence`` calls) and must exit 0, or the code written after ``# exits`` on that
line. Put ``<!-- no-test -->`` on the line before a block that cannot run here
(installation steps, cron lines).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from resurgence.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"(<!-- no-test -->\s*\n)?```(\w+)\n(.*?)```", re.S)


def _blocks(page: Path, lang: str) -> list[str]:
    return [m.group(3) for m in FENCE.finditer(page.read_text(encoding="utf-8"))
            if m.group(2) == lang and not m.group(1)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_blocks_run(page, monkeypatch):
    blocks = _blocks(page, "python")
    if not blocks:
        pytest.skip("no python blocks")
    monkeypatch.chdir(ROOT)
    namespace: dict = {"__name__": "__docs__"}
    for code in blocks:
        exec(compile(code, f"{page.name}", "exec"), namespace)  # noqa: S102


def _commands(page: Path):
    for block in _blocks(page, "bash"):
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("resurgence ") or line == "resurgence":
                expect = 0
                m = re.search(r"#\s*exits\s+(\d+)", line)
                if m:
                    expect = int(m.group(1))
                yield line.split("#")[0].strip(), expect


CASES = [(p, c, e) for p in PAGES for c, e in _commands(p)]


@pytest.mark.parametrize("page,command,expect", CASES,
                         ids=[f"{p.name}:{c[:60]}" for p, c, _ in CASES])
def test_shell_commands_run(page, command, expect, monkeypatch, capsys):
    """Runs through ``resurgence.cli.main`` in-process (what ``python -m resurgence``
    calls), which spares a Python start-up per command;
    ``test_the_module_entry_point_runs`` checks the real entry point once."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CI", "true")
    code = main(shlex.split(command)[1:])
    out = capsys.readouterr()
    assert code == expect, f"{command}\n{out.out[-2000:]}\n{out.err[-2000:]}"
    assert "Traceback" not in out.err


def test_the_module_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "resurgence", "--version"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("resurgence ")


def test_readme_csv_example_is_what_the_command_prints(monkeypatch, capsys):
    """The README's sample output (the text block after the quick-start commands) is
    made of lines the ``series --format csv`` command above it really prints."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```bash\n(resurgence validate\n(resurgence series [^\n]*\n)+)```\s*\n"
                  r"```text\n(.*?)```", text, re.S)
    assert m, "README: the quick-start commands are followed by their sample output"
    command = next(line for line in m.group(1).splitlines() if "--format csv" in line)
    monkeypatch.chdir(ROOT)
    assert main(shlex.split(command)[1:]) == 0
    printed = capsys.readouterr().out.splitlines()
    for line in m.group(3).splitlines():
        if line != "...":
            assert line in printed, f"README shows {line!r}, the command prints {printed[0]!r} ..."
