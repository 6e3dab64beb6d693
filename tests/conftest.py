"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
# ../shared/sources beside the checkout; a worktree in ../wt/NAME finds it one level up.
SHARED_SOURCES = next((base / "shared" / "sources" for base in (ROOT.parent, ROOT.parent.parent)
                       if (base / "shared" / "sources").is_dir()),
                      ROOT.parent / "shared" / "sources")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_sources() -> Path:
    if not SHARED_SOURCES.is_dir():
        pytest.skip("../shared/sources is not beside this checkout")
    return SHARED_SOURCES


@pytest.fixture(autouse=True)
def _no_user_state(tmp_path_factory, monkeypatch):
    """Keep tests away from the user's real data directory."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.delenv("RESURGENCE_DEBUG", raising=False)
    os.environ.setdefault("MPLBACKEND", "Agg")
