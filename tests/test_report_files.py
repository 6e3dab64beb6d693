"""Files: deterministic bytes, atomic replacement, PDF metadata and pages, PNGs, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from _report_fixtures import ROOT, digest, report_env, single_folder, tiny_folder
from resurgence import load_panel
from resurgence.cli import main
from resurgence.report import build_report, write_report
from resurgence.report import registry

pypdf = pytest.importorskip("pypdf")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"




def _run(args: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "resurgence", "report", *args], cwd=ROOT,
                            env=report_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return tiny_folder(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def tiny_report(tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    rep = build_report(load_panel([tiny]))
    write_report(rep, out)
    return rep, out


def test_tiny_folder_gives_a_complete_briefing(tiny_report):
    rep, out = tiny_report
    assert rep.pdf_name == "resurgence-2024-06.pdf"
    names = [f.name for f in rep.figures]
    assert names[0] == "summary" and "area-cep-central-syria" in names
    assert names[-1].startswith("sources")
    pdf = pypdf.PdfReader(out / rep.pdf_name)
    assert len(pdf.pages) == len(names)
    assert sorted(p.name for p in (out / "png").iterdir()) == sorted(f"{n}.png" for n in names)


def test_pdf_metadata_is_fixed_and_pages_carry_their_titles(tiny_report):
    rep, out = tiny_report
    pdf = pypdf.PdfReader(out / rep.pdf_name)
    meta = pdf.metadata
    assert "/CreationDate" not in meta and "/ModDate" not in meta
    assert meta["/Producer"].startswith("resurgence ")
    assert meta["/Title"] == "ISIS activity in Syria: briefing for June 2024"
    for page, fig in zip(pdf.pages, rep.figures):
        text = " ".join(page.extract_text().split())
        title = fig.figure.texts[0].get_text()
        assert " ".join(title.split()) in text, fig.name
    assert "A4" and abs(float(pdf.pages[0].mediabox.width) - 841.68) < 0.1  # A4 landscape


def test_pngs_are_a4_landscape_at_120_dpi(tiny_report):
    from PIL import Image

    _, out = tiny_report
    for p in (out / "png").glob("*.png"):
        with Image.open(p) as im:
            assert abs(im.size[0] - 1403) <= 1 and abs(im.size[1] - 992) <= 1, p.name
            assert im.info.get("Software", "").startswith("resurgence")


def test_single_figure_folder_does_not_crash(tmp_path):
    rep = build_report(load_panel([single_folder(tmp_path / "one")]))
    names = [f.name for f in rep.figures]
    assert names[0] == "summary" and names[-1].startswith("sources")
    assert "area-sohr-sdf-areas" in names  # the only series, without changepoints
    note = rep.context.cp_note("sohr/sdf_areas/all/attacks")
    assert "too short" in note
    write_report(rep, tmp_path / "out")


def test_two_processes_give_identical_bytes_on_a_small_folder(tiny, tmp_path):
    a = _run(["--data", str(tiny), "--out", str(tmp_path / "a")], PYTHONHASHSEED="1",
             SOURCE_DATE_EPOCH="1")
    b = _run(["--data", str(tiny), "--out", str(tmp_path / "b")], PYTHONHASHSEED="2")
    for p in (a, b):
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    da, db = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert da == db and len(da) >= 5


def _old_files(out: Path) -> dict[str, str]:
    (out / "png").mkdir(parents=True, exist_ok=True)
    (out / "resurgence-2024-06.pdf").write_bytes(b"%PDF old report")
    (out / "png" / "summary.png").write_bytes(PNG_MAGIC + b"old summary")
    (out / "png" / "sources.png").write_bytes(PNG_MAGIC + b"old sources")
    return digest(out)


KILLER = textwrap.dedent("""
    import os, signal, sys
    import {module} as target
    real = target.{name}
    calls = []
    def dying(*a, **k):
        calls.append(1)
        if len(calls) == {at}:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*a, **k)
    target.{name} = dying
    {extra}
    from resurgence.cli import main
    sys.exit(main(["report"] + sys.argv[1:]))
""")


def _killed_run(tiny: Path, out: Path, module: str, name: str, at: int, extra: str = ""):
    code = KILLER.format(module=module, name=name, at=at, extra=extra)
    p = subprocess.run([sys.executable, "-c", code, "--data", str(tiny), "--out", str(out)],
                       cwd=ROOT, env=report_env(), capture_output=True, timeout=300)
    assert p.returncode == -9, p.stderr.decode()


def test_killed_while_rendering_leaves_the_old_report_and_no_temporary(tiny, tmp_path):
    out = tmp_path / "reports"
    before = _old_files(out)
    _killed_run(tiny, out, "resurgence.report.render", "png_bytes", at=3,
                extra="import resurgence.report.render as r; r.png_bytes = dying")
    assert digest(out) == before


def test_killed_while_writing_leaves_whole_files_and_the_next_run_cleans_up(tiny, tmp_path):
    out = tmp_path / "reports"
    before = _old_files(out)
    # killed inside the second rename: one PNG is new, one temporary file is left
    _killed_run(tiny, out, "os", "replace", at=2)
    after = digest(out)
    temps = [k for k in after if k.endswith(".tmp")]
    assert len(temps) == 1
    assert after["resurgence-2024-06.pdf"] == before["resurgence-2024-06.pdf"]
    for k in after:
        data = (out / k).read_bytes()
        if k.endswith(".png"):
            assert data.startswith(PNG_MAGIC)
    assert main(["report", "--quiet", "--data", str(tiny), "--out", str(out)]) == 0
    final = digest(out)
    assert not [k for k in final if k.endswith(".tmp")]
    assert final["resurgence-2024-06.pdf"] != before["resurgence-2024-06.pdf"]
    assert (out / "resurgence-2024-06.pdf").read_bytes().rstrip().endswith(b"%%EOF")


def test_a_failing_page_leaves_the_old_report(tiny, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    before = _old_files(out)

    def broken(ctx):
        raise RuntimeError("page builder failed")

    monkeypatch.setitem(registry._PAGES, "zz-broken",
                        registry.PageKind("zz-broken", 95, broken, "test"))
    assert main(["report", "--quiet", "--data", str(tiny), "--out", str(out)]) == 70
    assert digest(out) == before


def test_a_failing_render_leaves_the_old_report(tiny, tmp_path, monkeypatch):
    import resurgence.report.render as render

    out = tmp_path / "reports"
    before = _old_files(out)
    calls = []

    def failing(fig, **kw):
        calls.append(fig.name)
        if len(calls) == 2:
            raise MemoryError("out of memory while rendering")
        return b""

    monkeypatch.setattr(render, "png_bytes", failing)
    rep = build_report(load_panel([tiny]))
    with pytest.raises(MemoryError):
        write_report(rep, out)
    assert digest(out) == before


def test_stale_pngs_of_our_pages_are_removed_others_kept(tiny_report, tmp_path):
    rep, _ = tiny_report
    out = tmp_path / "reports"
    (out / "png").mkdir(parents=True)
    (out / "png" / "area-somewhere-old.png").write_bytes(b"x")
    (out / "png" / "my-logo.png").write_bytes(b"x")
    write_report(rep, out)
    names = {p.name for p in (out / "png").iterdir()}
    assert "area-somewhere-old.png" not in names and "my-logo.png" in names


def test_cli_errors_are_clear(tiny, capsys):
    assert main(["report", "--data", str(tiny), "--month", "2024-13"]) == 1
    assert "invalid month" in capsys.readouterr().err
    assert main(["report", "--data", str(tiny), "--month", "1999-01"]) == 1
    assert "before the first figure" in capsys.readouterr().err


def test_cli_lists_the_files_it_wrote(tiny, tmp_path, capsys):
    assert main(["report", "--data", str(tiny), "--out", str(tmp_path), "--no-png"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == str(tmp_path / "resurgence-2024-06.pdf")
    assert "page(s) for 2024-06" in out.err
    assert not (tmp_path / "png").exists()


def test_make_reports_wrapper_runs(tiny, tmp_path):
    p = subprocess.run([sys.executable, "scripts/make_reports.py", "--data", str(tiny), "--out",
                        str(tmp_path), "--no-png", "--quiet"], cwd=ROOT, env=report_env(),
                       capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    assert (tmp_path / "resurgence-2024-06.pdf").is_file()
