"""The briefing built from the bundled data: pages, titles, labels, footers, no overlaps."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from _report_fixtures import ROOT, digest, report_env

from resurgence import load_panel
from resurgence.report import build_report
from resurgence.report.selection import area_streams, governorate_series, publisher_pairs
from resurgence.report.style import report_style


@pytest.fixture(scope="module")
def panel():
    return load_panel()


@pytest.fixture(scope="module")
def report(panel):
    return build_report(panel)


@pytest.mark.slow
def test_a_fresh_process_writes_the_committed_reports_byte_for_byte(tmp_path):
    """The same data gives the same bytes: ``resurgence report`` in a fresh process, with
    another hash seed and another SOURCE_DATE_EPOCH, writes exactly the files committed
    in ``reports/`` (which ``bash scripts/report.sh`` wrote in another process, on another
    day). A change that alters the briefing fails here until the reports are regenerated."""
    env = report_env(PYTHONHASHSEED="12", SOURCE_DATE_EPOCH="1700000000")
    p = subprocess.run([sys.executable, "-m", "resurgence", "report", "--out", str(tmp_path)],
                       cwd=ROOT, env=env, capture_output=True, timeout=600)
    assert p.returncode == 0, p.stderr.decode()
    committed, fresh = digest(ROOT / "reports"), digest(tmp_path)
    assert "resurgence-2025-11.pdf" in committed and len(committed) >= 10
    assert fresh == committed


def test_default_month_and_page_order(report):
    assert report.pdf_name == "resurgence-2025-11.pdf"
    names = [f.name for f in report.figures]
    assert names[:3] == ["summary", "alerts", "coverage"]
    assert names[3:7] == ["area-sohr-sdf-areas", "area-ric-nes", "area-sohr-regime-desert",
                          "area-cep-central-syria"]
    assert any(n == "governorates" or n.startswith("governorates-") for n in names)
    assert "area-ucdp-syria" in names          # the bundled UCDP events, 2016-2019
    assert any(n.startswith("publishers-sohr-sdf-areas-vs-ric-nes") for n in names)
    assert any(n.startswith("publishers-sohr-regime-desert-vs-cep-central-syria") for n in names)
    assert names[-1].startswith("sources")
    assert len(names) == len(set(names))


def test_selection_rules(report):
    ctx = report.context
    streams = area_streams(ctx)
    assert [(s.source, s.area) for s in streams][:4] == [
        ("sohr", "sdf_areas"), ("ric", "nes"), ("sohr", "regime_desert"), ("cep", "central_syria")]
    by = {(s.source, s.area): s for s in streams}
    assert by["sohr", "sdf_areas"].deaths == "sohr/sdf_areas/all/fatalities"
    # CEP's fatalities has 2 figures: its combatants series stands in for deaths
    assert by["cep", "central_syria"].deaths == "cep/central_syria/all/combatants"
    govs = governorate_series(ctx)
    assert list(govs)[0] == "Deir ez-Zor"
    assert all(len(v) >= 1 for v in govs.values())
    pairs = publisher_pairs(ctx)
    assert ("sohr/sdf_areas/all/attacks", "ric/nes/all/attacks") in pairs
    assert ("sohr/regime_desert/all/attacks", "cep/central_syria/all/attacks") in pairs


def _title(ax):
    return ax.get_title(loc="left") or ax.get_title()


@pytest.mark.parametrize("i", range(18))
def test_every_page_is_labelled_and_nothing_overlaps(report, i):
    if i >= len(report.figures):
        pytest.skip("fewer pages")
    page = report.figures[i]
    fig = page.figure
    FigureCanvasAgg(fig)
    with report_style():
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.texts if t.get_text()]
    title, footer = texts[0], texts[-1]
    assert title.get_text() and title.get_fontweight() == "bold"
    assert page.title
    assert "briefing 2025-11" in footer.get_text()
    if not page.name.startswith("sources"):
        assert footer.get_text().startswith("Sources: ")
    header_bottom = min(t.get_window_extent(renderer).y0 for t in texts[:-1])
    footer_top = footer.get_window_extent(renderer).y1
    plots = [ax for ax in fig.axes if ax.axison]
    for ax in plots:
        # every plot: a title and a labelled y axis
        assert ax.get_ylabel(), (page.name, _title(ax))
        assert _title(ax), page.name
        box = ax.get_tightbbox(renderer)
        assert box.y1 <= header_bottom + 1, (page.name, _title(ax), "under the header")
        assert box.y0 >= footer_top - 1, (page.name, _title(ax), "over the footer")
        labels = [t for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
        ext = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
        for a, b in zip(ext, ext[1:]):
            assert a.x1 <= b.x0 + 0.5, (page.name, "x tick labels overlap")
    # plots do not overlap each other
    boxes = [ax.get_window_extent(renderer) for ax in plots]
    for j, a in enumerate(boxes):
        for b in boxes[j + 1:]:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert w <= 1 or h <= 1, (page.name, "two plots overlap")
    if page.name.startswith(("area", "publishers", "governorates", "coverage")):
        # time axes are labelled (on the bottom row) and every value axis has its unit
        assert any(ax.get_xlabel() == "month" for ax in plots), page.name
        for ax in plots:
            assert "per month" in ax.get_ylabel() or "series" in ax.get_ylabel(), page.name


def test_area_page_draws_points_bars_and_changepoints(report):
    page = next(f for f in report.figures if f.name == "area-sohr-regime-desert")
    ax = page.figure.axes[0]
    # the desert series is mostly running-total differences: bars (LineCollections)
    segments = sum(len(c.get_segments()) for c in ax.collections if hasattr(c, "get_segments"))
    assert segments >= 10
    res = report.context.changepoints("sohr/regime_desert/all/attacks")
    assert res is not None and res.n_changepoints >= 1
    text = " ".join(t.get_text() for a in page.figure.axes for t in a.texts)
    assert "Segment levels" in text and "×" in text


def test_summary_cites_the_months_figures_and_the_months_alerts(report):
    fig = report.figures[0].figure
    text = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "SOHR · SDF-held areas · attacks" in text
    assert "20 [1]" in text  # November 2025: 20 attacks, with its source note
    assert "shafaq.com" in text
    # the month's alerts: none in November 2025, and the summary says how many were judged
    assert "No alert in November 2025: none of the 4 series" in text.replace("\n", " ")


def test_sources_page_lists_every_publisher_and_the_ucdp_citation(report, panel):
    pages = [f for f in report.figures if f.name.startswith("sources")]
    text = " ".join(t.get_text() for f in pages for ax in f.figure.axes for t in ax.texts)
    flat = text.replace("\n", " ")
    for pid in report.context.reference.publishers["id"]:
        assert f"[{pid}]" in flat
    assert "CC BY 4.0" in flat and "Sundberg" in flat and "Högbladh" in flat


@pytest.fixture(scope="module")
def march_2024(panel):
    """A back-dated briefing, for a month with alerts."""
    return build_report(panel, month="2024-03")


def test_back_dated_report_leaves_out_later_figures(march_2024):
    ctx = march_2024.context
    assert march_2024.pdf_name == "resurgence-2024-03.pdf"
    assert ctx.panel.intervals["end"].max() <= np.datetime64("2024-04-01")


def test_forecast_fan_only_on_current_long_series(report):
    from resurgence.report.pages.forecast import HORIZON, forecast

    ctx = report.context
    fc = forecast(ctx, "sohr/sdf_areas/all/attacks")
    assert fc is not None
    table, chosen = fc
    assert len(table) == HORIZON and table["month"].iloc[0] == np.datetime64("2025-12-01")
    assert (table["lo-95"] <= table["lo-50"]).all() and (table["hi-50"] <= table["hi-95"]).all()
    # the desert area ended in December 2024: no forecast of it
    assert forecast(ctx, "sohr/regime_desert/all/attacks") is None
    page = next(f for f in report.figures if f.name == "area-sohr-sdf-areas")
    legend = page.figure.axes[1].get_legend()
    assert any("forecast" in t.get_text() for t in legend.get_texts())
    assert page.figure.axes[0].get_xlim()[1] > mdates_num("2026-05-01")


def mdates_num(day):
    import matplotlib.dates as mdates

    return mdates.date2num(np.datetime64(day))


def test_seasonal_page_shows_ramadan_and_trend_with_intervals(report):
    from resurgence.report.pages.seasonal import fit

    page = next(f for f in report.figures if f.name == "seasonal")
    forest = page.figure.axes[1]
    labels = [t.get_text() for t in forest.get_yticklabels()]
    assert any("Ramadan, p" in t for t in labels) and any("trend / year" in t for t in labels)
    res = fit(report.context, "sohr/sdf_areas/all/attacks")
    eff = res.effects.set_index("term")
    assert eff.at["ramadan", "rr_low"] < eff.at["ramadan", "rate_ratio"] < eff.at["ramadan",
                                                                                   "rr_high"]


def test_alerts_page_and_markers_follow_the_monthly_run(march_2024):
    from resurgence import evaluate_month
    from resurgence.report.pages.alerts import alert_history

    rep = march_2024
    names = [f.name for f in rep.figures]
    assert names[1] == "alerts"  # right after the summary
    page = rep.figures[1]
    text = " ".join(t.get_text() for ax in page.figure.axes for t in ax.texts)
    ref = evaluate_month(rep.context.panel, "2024-03")
    flagged = ref[ref["flag"]]
    assert len(flagged) == 2
    for _, row in flagged.iterrows():
        assert rep.context.series_label(row["series_id"]) in text.replace("\n", " ")
    assert "farrington" in text and "high" in text
    # markers: the months the monthly run flagged, each judged with the data known then
    hist = alert_history(rep.context, "cep/central_syria/all/combatants")
    assert [m.strftime("%Y-%m") for m in hist.index] == ["2024-03"]
    area = next(f for f in rep.figures if f.name == "area-cep-central-syria")
    legend = [t.get_text() for ax in area.figure.axes if ax.get_legend()
              for t in ax.get_legend().get_texts()]
    assert "alert raised that month" in legend
    summary = " ".join(t.get_text() for ax in rep.figures[0].figure.axes for t in ax.texts)
    assert "2 alert(s) in March 2024" in summary
