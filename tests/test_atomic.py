"""Atomic writes: whole files or nothing, with ordinary permissions."""

from __future__ import annotations


def test_atomic_outputs_get_ordinary_permissions(tmp_path):
    import os
    import stat

    from resurgence.atomic import atomic_write_text

    old = os.umask(0o022)
    try:
        new = atomic_write_text(tmp_path / "new.csv", "a\n")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644  # not mkstemp's 0600
        kept = tmp_path / "kept.csv"
        kept.write_text("x")
        os.chmod(kept, 0o640)
        atomic_write_text(kept, "y")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640  # an existing file keeps its mode
    finally:
        os.umask(old)


def test_a_failure_inside_the_block_leaves_the_old_file_and_no_temporary(tmp_path):
    import pytest

    from resurgence.atomic import atomic_path

    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
