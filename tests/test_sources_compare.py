"""Cross-source comparison: two series side by side for the months both state."""

from __future__ import annotations

import numpy as np
import pytest

import resurgence as rs
from resurgence.cli import main
from resurgence.errors import DataWarning, InputError

UCDP = "ucdp/syria/hasakah/events"
RIC = "ric/nes/hasakah/sleeper_cell_attacks"


@pytest.fixture(scope="module")
def panel():
    return rs.load_panel()


def test_months_both_state(panel):
    with pytest.warns(DataWarning, match="different areas"):
        t = rs.compare_series(panel, UCDP, RIC)
    a, b = panel.get(UCDP), panel.get(RIC)
    both = a.notna() & b.notna()
    assert t["month"].tolist() == list(a.index[both.reindex(a.index, fill_value=False)])
    assert (t["difference"] == t[UCDP] - t[RIC]).all()
    assert np.allclose(t["ratio"], t[UCDP] / t[RIC])
    s = rs.comparison_summary(t)
    assert s["months"] == len(t) and s["total_a"] == t[UCDP].sum() and s["months_b_higher"] == len(t)


def test_either_keeps_every_month_one_states(panel):
    with pytest.warns(DataWarning):
        t = rs.compare_series(panel, UCDP, RIC, months="either")
    assert len(t) > 47 and t[RIC].isna().any() and t[UCDP].isna().any()


def test_same_area_series_compare_without_warning(panel):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = rs.compare_series(panel, "ucdp/syria/all/fatalities",
                              "ucdp/syria/all/fatalities_high")
    assert len(t) == 47


def test_no_common_month_and_unknown_series_are_errors(panel):
    with pytest.raises(InputError, match="share no month"), pytest.warns(DataWarning):
        rs.compare_series(panel, "ucdp/syria/all/events", "sohr/regime_desert/all/attacks")
    with pytest.raises(InputError, match="unknown series"):
        rs.compare_series(panel, "ucdp/syria/all/eventsis", RIC)


def test_cli_compare(capsys):
    with pytest.warns(DataWarning, match="different areas"):
        assert main(["compare", UCDP, RIC, "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == f"month,{UCDP},{RIC},difference,ratio"
    assert "month(s) both state" in err
    assert main(["compare", UCDP, "nope/x"]) == 1
