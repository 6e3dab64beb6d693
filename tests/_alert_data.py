"""Synthetic observation folders for the alert tests (valid files, known escalations)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

HEADER = ["obs_id", "source", "area", "region", "measure", "kind", "start", "end", "value",
          "qualifier", "date_basis", "date_error_days", "use", "confidence", "source_url",
          "source_title", "via", "region_as_published", "note", "choice_note"]


def write_observations(folder: Path, series: dict[tuple[str, str], pd.Series],
                       *, name: str = "test_monthly.csv") -> Path:
    """Write monthly SOHR figures: ``{(area, measure): monthly Series}`` (NaN = not stated)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for (area, measure), y in series.items():
        for month, value in y.items():
            if value != value:
                continue
            start = pd.Timestamp(month)
            end = start + pd.offsets.MonthBegin(1)
            rows.append([f"t-{area}-{measure}-{start:%Y%m}", "sohr", area, "ALL", measure, "period",
                         f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", str(int(value)), "exact",
                         "stated", "0", "primary", "high", "https://example.org/test",
                         "synthetic", "", "ALL", "synthetic test figure", ""])
    path = folder / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def escalation_folder(folder: Path, *, spike_month: str = "2024-01", spike: int = 60,
                      seed: int = 11) -> Path:
    """Five years of Poisson(10) attacks in SDF areas with a spike, and a quiet civilians series."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2019-01-01", "2024-06-01", freq="MS")
    attacks = pd.Series(rng.poisson(10, len(idx)).astype(float), index=idx)
    attacks[pd.Timestamp(spike_month + "-01")] = spike
    civilians = pd.Series(rng.poisson(4, len(idx)).astype(float), index=idx)
    write_observations(folder, {("sdf_areas", "attacks"): attacks,
                                ("sdf_areas", "civilians"): civilians})
    return folder
