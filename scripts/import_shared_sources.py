#!/usr/bin/env python3
"""Regenerate the curated observation tables in data/series/ from ../shared/sources/.

The raw tables hold figures exactly as publishers stated them. This script only
*reshapes* them into the observation model (one row per number, interval
[start, end), qualifier, date basis, provenance) and applies the curation
decisions written below as data: which rows are primary, which are duplicates,
alternatives, superseded or excluded, and why. Every decision is listed in
data/series/README.md. Nothing is estimated, interpolated or differenced here,
except the as-of dates of the 2019-2021 running tallies (see ``ESTIMATED_AS_OF``).

Usage::

    python scripts/import_shared_sources.py [--sources ../shared/sources] [--check]

``--check`` exits 1 if the committed files differ from what the sources give
(tests run it), instead of writing.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from resurgence.atomic import atomic_write_text  # noqa: E402
from resurgence.reference import canonical_region, load_reference  # noqa: E402

COLUMNS = [
    "obs_id", "source", "area", "region", "measure", "kind", "start", "end", "value",
    "qualifier", "date_basis", "date_error_days", "use", "confidence", "source_url",
    "source_title", "via", "region_as_published", "note", "choice_note",
]

PUBLISHER = {
    "SOHR": "sohr", "CEP": "cep", "RIC": "ric", "Jusoor": "jusoor", "IKHRW": "ikhrw",
    "SyriaWeekly": "syria_weekly", "BBC_Monitoring": "bbc_monitoring", "CENTCOM": "centcom",
    "ITIC": "itic", "MEI_Lister": "mei_lister", "NorthPress": "north_press",
    "ISIS_claims": "isis_claims", "ISWNews": "iswnews", "SDF": "sdf",
}
OWN_DOMAINS = {
    "sohr": ("syriahr.com",), "cep": ("counterextremism.com",),
    "ric": ("rojavainformationcenter.org", "rojavainformationcenter.com"),
    "jusoor": ("jusoor.co",), "syria_weekly": ("syriaweekly.com",), "mei_lister": ("mei.edu",),
    "itic": ("terrorism-info.org.il",), "north_press": ("npasyria.com",),
    "iswnews": ("iswnews.com",), "ikhrw": ("ikhrw.com", "ikhrw.org"),
}
MEASURE = {
    "deaths": "fatalities", "civilian_deaths": "civilians", "combatant_deaths": "combatants",
    "isis_deaths": "isis_members", "isis_claimed_deaths": "claimed_fatalities",
    "regime_combatant_deaths": "regime_combatants", "sdf_combatant_deaths": "sdf_combatants",
}
SOHR_MEASURES = ["attacks", "fatalities", "civilians", "combatants", "isis_members"]
ONE_DAY = pd.Timedelta(days=1)


# --------------------------------------------------------------------------------------
# Curation decisions (data, not logic). Keys: (raw file, 0-based raw row, measure or "*").
# --------------------------------------------------------------------------------------

#: SOHR tables keep qualifiers in prose ("over 38", "nearly 155"); assigned per measure.
SOHR_QUALIFIERS: dict[tuple[str, int, str], str] = {
    ("monthly", 1, "combatants"): "at_least",    # 'more than 25 members of SDF were killed'
    ("monthly", 3, "combatants"): "about",       # 'nearly 155'
    ("monthly", 4, "attacks"): "at_least",       # 'over 50 operations'
    ("monthly", 5, "attacks"): "at_least",       # 'over 21 attacks in June'
    ("monthly", 6, "attacks"): "at_least",       # 'over 15'
    ("monthly", 7, "attacks"): "at_least",       # 'over 29 attacks in November'
    ("monthly", 9, "attacks"): "at_least",       # 'at least 11 operations'
    ("monthly", 9, "fatalities"): "at_least",    # 'at least 33 dead'
    ("monthly", 12, "attacks"): "at_least",      # 'over seven'
    ("monthly", 20, "attacks"): "at_least",      # 'over 18'
    ("cumulative", 6, "attacks"): "at_least",    # 'over 38' ops
    ("cumulative", 70, "fatalities"): "at_least",  # 'at least 120 people'
    ("cumulative", 126, "combatants"): "at_least",  # 'over 200 soldiers'
    ("cumulative", 167, "attacks"): "at_least",  # 'more than 220 operations'
    ("cumulative", 167, "fatalities"): "at_least",  # 'over 100 people dead'
    ("cumulative", 169, "fatalities"): "at_least",  # 'at least 23'
    ("annual", 1, "attacks"): "at_least", ("annual", 1, "fatalities"): "about",
    ("annual", 2, "attacks"): "at_least",
    ("annual", 3, "attacks"): "at_least", ("annual", 3, "fatalities"): "about",
    ("annual", 4, "combatants"): "at_least", ("annual", 5, "combatants"): "at_least",
    ("annual", 6, "attacks"): "at_least", ("annual", 6, "fatalities"): "about",
    ("annual", 7, "combatants"): "at_least", ("annual", 8, "combatants"): "at_least",
    ("annual", 9, "combatants"): "at_least", ("annual", 10, "combatants"): "at_least",
    ("annual", 11, "combatants"): "at_least", ("annual", 12, "combatants"): "at_least",
    ("annual", 13, "combatants"): "at_least", ("annual", 14, "combatants"): "at_least",
    ("annual", 15, "combatants"): "at_least", ("annual", 16, "combatants"): "at_least",
    ("annual", 18, "attacks"): "about",          # 'about 55 operations'
    ("annual", 19, "attacks"): "at_least",       # 'more than 43 operations'
    ("annual", 22, "combatants"): "at_least",    # 'more than 800'
    ("annual", 23, "fatalities"): "about",       # 'nearly 1,300'
    ("annual", 25, "attacks"): "about", ("annual", 25, "fatalities"): "at_least",
    ("annual", 28, "attacks"): "about",          # 'nearly 32'
    ("annual", 29, "attacks"): "at_least",       # 'more than 39 operations'
    ("annual", 31, "combatants"): "exact",
    ("annual", 37, "attacks"): "at_least", ("annual", 37, "fatalities"): "about",
    ("annual", 40, "fatalities"): "about",       # 'nearly 23'
    ("annual", 48, "fatalities"): "about",       # 'around 29'
}

#: SOHR rows whose zone is wider than the Syrian desert or combines zones.
REGIME_AREAS_NOTE = "scope: all regime-held areas"
SOHR_AREA_OVERRIDE: dict[tuple[str, int], str] = {
    ("annual", r): "regime_and_sdf_areas" for r in (1, 2, 3, 18, 21, 26, 32, 33, 39, 40, 48, 53)
}

#: Intervals for annual.csv rows whose period is prose: (start, end-exclusive, basis, error days).
#: ``None`` start = a running tally whose start the publisher never states.
ANNUAL_INTERVALS: dict[int, tuple[str | None, str, str, int]] = {
    0: (None, "2019-05-01", "estimated_from_url_id", 20),
    1: ("2019-03-23", "2024-06-30", "secondary_publication", 1),
    2: ("2019-03-23", "2024-06-30", "secondary_publication", 1),
    3: ("2019-03-23", "2024-06-30", "secondary_publication", 1),
    4: ("2019-03-24", "2021-07-09", "estimated_from_url_id", 30),
    5: ("2019-03-24", "2022-01-04", "estimated_from_content", 3),
    6: ("2019-03-23", "2024-06-30", "secondary_publication", 1),
    7: ("2019-03-24", "2020-10-09", "estimated_from_content", 14),
    8: ("2019-03-24", "2020-12-22", "secondary_publication", 1),
    9: ("2019-03-24", "2021-01-21", "estimated_from_content", 40),
    10: ("2019-03-24", "2020-07-14", "estimated_from_url_id", 6),
    11: ("2019-03-24", "2020-09-26", "secondary_publication", 1),
    12: ("2019-03-24", "2020-10-23", "estimated_from_url_id", 12),
    13: ("2019-03-24", "2020-11-19", "estimated_from_url_id", 12),
    14: ("2019-03-24", "2021-03-10", "estimated_from_url_id", 24),
    15: ("2019-03-24", "2021-03-29", "estimated_from_url_id", 27),
    16: ("2019-03-24", "2021-05-21", "estimated_from_url_id", 30),
    17: ("2019-03-23", "2024-06-30", "secondary_publication", 1),
    18: ("2019-07-24", "2019-08-08", "estimated_from_url_id", 7),
    19: ("2019-07-24", "2019-08-08", "estimated_from_url_id", 7),
    20: (None, "2020-06-16", "estimated_from_url_id", 4),
    26: ("2020-04-24", "2020-05-23", "estimated_from_content", 2),
    27: ("2020-04-24", "2020-05-23", "estimated_from_content", 2),
    28: ("2020-04-24", "2020-05-23", "estimated_from_content", 2),
    29: ("2020-05-19", "2020-06-20", "secondary_publication", 0),
    30: ("2020-05-19", "2020-06-20", "secondary_publication", 0),
    31: ("2020-12-01", "2020-12-22", "secondary_publication", 0),
    38: (None, "2021-01-27", "secondary_publication", 1),
    43: ("2023-11-01", "2023-11-29", "estimated_from_url_id", 2),
    44: ("2023-11-01", "2023-11-29", "estimated_from_url_id", 2),
    45: ("2023-11-01", "2023-11-29", "estimated_from_url_id", 2),
    46: ("2023-11-01", "2023-11-29", "estimated_from_url_id", 2),
    47: ("2023-11-01", "2023-11-29", "estimated_from_url_id", 2),
    53: ("2024-01-01", "2024-12-30", "estimated_from_content", 365),
    54: ("2024-01-01", "2024-12-30", "estimated_from_content", 365),
    55: ("2024-01-01", "2024-12-30", "estimated_from_content", 365),
}
#: annual.csv rows that are running tallies (differenced in date order), not one-off periods.
ANNUAL_CUMULATIVE = {0, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 38}
#: The assassinations tally counts killings by 'armed cells' since an unstated start: a
#: different counting rule from attack fatalities, so it gets measures of its own.
ASSASSINATION_ROWS = {0, 20, 38}
ASSASSINATION_MEASURE = {
    "fatalities": "cell_killings", "civilians": "cell_killings_civilians",
    "combatants": "cell_killings_combatants",
}

CLUSTER_326328 = "same-day cluster 326328-326406 whose totals go down (DATES.md section 5.1): not differenced; 326340, the maximum (56 operations / 149 dead), is used"

#: use/choice decisions: (table, raw row, measure or "*") -> (use, why)
DECISIONS: dict[tuple[str, int, str], tuple[str, str]] = {
    # --- SOHR monthly -----------------------------------------------------------------
    ("monthly", 20, "attacks"): ("alternative", "SOHR Nov 2022 SDF areas: its ISIS monthly report (278102, to 29 Nov) says over 18; its later SDF-areas report (279329, full calendar month) says 20 and is used"),
    ("monthly", 20, "combatants"): ("alternative", "SOHR Nov 2022 SDF areas: 278102 says 5 combatants, the later full-month SDF-areas report 279329 says 7 and is used"),
    ("monthly", 20, "civilians"): ("duplicate", "same figure in SOHR's SDF-areas report 279329, which is used for November 2022"),
    ("monthly", 20, "isis_members"): ("duplicate", "same figure in SOHR's SDF-areas report 279329, which is used for November 2022"),
    # --- SOHR cumulative (DATES.md section 5) -------------------------------------------
    **{("cumulative", r, "*"): ("superseded", CLUSTER_326328) for r in (83, 84, 85, 86, 93, 94, 95, 96, 97, 98)},
    ("cumulative", 11, "fatalities"): ("excluded", "definition change, not time (DATES.md section 5.3): 69 excludes the 94 civilians listed separately, while the 145 before and 455 after include them; not differenced"),
    ("cumulative", 14, "fatalities"): ("excluded", "same narrower definition as 293055: 138 = 127 combatants + 11 ISIS members, without the 117 civilians; not differenced"),
    ("cumulative", 91, "civilians"): ("superseded", "reclassified (DATES.md section 5.2): five of these 12 Hama civilians are counted as combatants from 326406 on (Hama civilians 7 in every later snapshot)"),
    ("cumulative", 132, "combatants"): ("superseded", "reclassified (DATES.md section 5.2): 326835 two days later counts 14 combatants (Al-Hasakah 5 -> 3, the Aleppo row gone, ISIS deaths 1 -> 2)"),
    ("cumulative", 133, "combatants"): ("superseded", "reclassified (DATES.md section 5.2): Al-Hasakah combatants 5 -> 3 in 326835 two days later"),
    ("cumulative", 118, "*"): ("superseded", "stale secondary copy: eurasia.ro's 41 attacks on 22 Feb 2024 is below syriahr 326146's 49 the same day (DATES.md section 5.4)"),
    **{("cumulative", r, "*"): ("superseded", "unattributed Hawar News copy of a SOHR-format tally on 24 Feb 2024, below SOHR's own 326340 of the same day; 326340 is used") for r in (119, 120, 121, 122, 123, 124)},
    ("cumulative", 168, "*"): ("duplicate", "Shafaq 30 Nov 2025 repeats the 23 Nov 2025 tally (224 operations / 98 dead), DATES.md section 5.4"),
    ("cumulative", 167, "*"): ("excluded", "Shafaq 28 Dec 2025 covers January-November 2025 only and runs below its own 14 Dec figure; its as-of date is unknown, so it cannot be placed in the running total"),
    # --- SOHR annual --------------------------------------------------------------------
    ("annual", 1, "*"): ("duplicate", "The New Region relays SOHR's 10th-anniversary figures (337526)"),
    ("annual", 2, "attacks"): ("duplicate", "Dagsavisen/NTB relays SOHR's 'over 2,550' (337526)"),
    ("annual", 3, "fatalities"): ("alternative", "SOHR's title rounds to 'nearly 4,100'; the exact 4,085 from the same report (via NTB/AFP) is used"),
    ("annual", 9, "*"): ("excluded", "undated: its figure lies between the 2020-12-21 and ~March 2021 tallies, but a guessed date would misplace the difference"),
    ("annual", 22, "combatants"): ("alternative", "2020 desert deaths 'more than 800 casualties' (232758, a retrospective that may count wounded) versus 780 killed in SOHR's own 2020 annual report (198019), which is used"),
    ("annual", 25, "fatalities"): ("alternative", "consistent lower bound ('over 200'); the exact 208 (232758) is used"),
    ("annual", 30, "*"): ("duplicate", "SouthFront relays SOHR 170672 (same figures)"),
    ("annual", 33, "*"): ("duplicate", "republished press text of SOHR's 2021 release 232790 (same 625)"),
    ("annual", 34, "combatants"): ("alternative", "2021 desert deaths: the section heading's round 400 (232790) versus the itemised 396 (232758, repeated in SOHR's 2022 'alive and kicking' report), which is used"),
    ("annual", 37, "attacks"): ("alternative", "both lower bounds: 'over 340' (232227 title) versus 'over 344' (SOHR's 2022 report); the higher bound is used"),
    ("annual", 37, "fatalities"): ("alternative", "'nearly 230' (title) versus the itemised 229 (232758), which is used"),
    **{("annual", r, "*"): ("excluded", "year unverified (says 'since the beginning of 2018', context suggests 2024); pro-government outlet; kept for the record only") for r in (53, 54, 55)},
    # --- other publishers -------------------------------------------------------------
    ("other_monthly", 221, "*"): ("alternative", "RIC September 2019: its contemporaneous November 2019 database says 51; its March 2020 one-year review (the revised series, consistent with its later February 2020 = 61) says 43, which is used"),
    ("other_monthly", 242, "*"): ("alternative", "RIC February 2020: its March 2020 monthly report says 53; its one-year review and February 2021 report say 61, which is used (RIC's latest revision)"),
    ("other_monthly", 290, "*"): ("alternative", "RIC July 2021: its August 2021 report says 12; the July report updated on 17 Sep 2021 says 14, which is used (latest revision)"),
    ("other_monthly", 283, "*"): ("alternative", "RIC June 2021: its June report says 25 (regions 11+8+4+2); its July report, updated 17 Sep 2021, says June = 24, which is used (RIC's latest revision)"),
    ("other_monthly", 266, "*"): ("primary", "RIC January 2021: the key facts' 29 claimed attacks is used over the body's 'all but 5' of 31 (= 26, an alternative row): one rule for the page, its key facts"),
    ("other_monthly", 267, "*"): ("primary", "RIC January 2021: the key facts' 26 deaths is used over the body's 27 (an alternative row): one rule for the page, its key facts"),
    ("other_monthly", 323, "*"): ("primary", "RIC July 2022: '21 sleeper cell attacks outside of Hol camp' is used over the '23' of '15 out of 23 attacks' on the same page (an alternative row)"),
    ("other_periods", 30, "*"): ("excluded", "ambiguous: 'when there were 215 attacks' may refer to 215 casualties"),
}

#: Extra rows the raw tables mention only inside a note (kept with the same provenance).
EXTRA_ROWS = [
    # SOHR's SDF-areas report for November 2022, recorded in the note of monthly row 20.
    dict(table="monthly", raw=20, measure="attacks", value=20, use="primary", url="https://www.syriahr.com/en/279329/",
         title="SDF-held areas in November 2022 | 83 deaths in acts of violence...",
         note="SOHR monthly 'SDF-held areas' report: 20 ISIS attacks (title)", choice="used for November 2022: full calendar month, published after the ISIS monthly report 278102 (which says over 18)"),
    dict(table="monthly", raw=20, measure="civilians", value=5, use="primary", url="https://www.syriahr.com/en/279329/",
         title="SDF-held areas in November 2022 | 83 deaths in acts of violence...", note="killed by ISIS: 5 civilians", choice=""),
    dict(table="monthly", raw=20, measure="combatants", value=7, use="primary", url="https://www.syriahr.com/en/279329/",
         title="SDF-held areas in November 2022 | 83 deaths in acts of violence...", note="killed by ISIS: 7 combatants", choice="used for November 2022 (278102 says 5)"),
    dict(table="monthly", raw=20, measure="isis_members", value=1, use="primary", url="https://www.syriahr.com/en/279329/",
         title="SDF-held areas in November 2022 | 83 deaths in acts of violence...", note="1 ISIS commander killed in SDF/Coalition security operation", choice=""),
    # Shafaq October 2025: headline 15, body 16.
    dict(table="monthly", raw=30, measure="attacks", value=15, use="alternative", url=None, title=None,
         note="headline figure ('ISIS launches 15 attacks')", choice="headline says 15, body says 16 (and its regions sum to 16); the body figure is used"),
    # CEP October 2023: 19 and 17 on the same page.
    dict(table="other_monthly", raw=127, measure="attacks", value=17, use="alternative", url=None, title=None,
         note="same page later says 'At least 12 of October's 17 confirmed attacks'", choice="CEP October 2023 gives 19 (opening total) and 17 (later sentence); the opening total 19 is used"),
    # RIC June 2021: the June report says 25, the July report (updated 17 Sep 2021) June = 24.
    dict(table="other_monthly", raw=291, month="2021-06", measure="sleeper_cell_attacks", value=24, use="primary", url=None, title=None,
         note="RIC's July 2021 report (updated 17 Sep 2021) gives June = 24; its June report says 25 (oth-m-283, regions 11+8+4+2)",
         choice="used for June 2021: RIC's latest revision (its July report, updated 17 Sep 2021) over the June report's 25, the rule for RIC's own revisions"),
    # RIC July 2022: '21 sleeper cell attacks outside of Hol camp' and '15 out of 23 attacks' on one page.
    dict(table="other_monthly", raw=323, measure="sleeper_cell_attacks", value=23, use="alternative", url=None, title=None,
         note="same page: '15 out of 23 attacks in July' occurred in Deir ez-Zor (23 here, 21 in the page's count)",
         choice="RIC July 2022 gives 21 ('21 sleeper cell attacks outside of Hol camp', the page's own count, in RIC's usual scope) and 23 (in '15 out of 23 attacks', perhaps with Hol camp); 21 is used"),
    # RIC January 2021: key facts and body disagree on deaths (26/27) and claimed attacks (29/26).
    dict(table="other_monthly", raw=267, measure="fatalities", value=27, use="alternative", url=None, title=None,
         note="body text: 'January 2021 had 31 separate attacks by sleeper cells, causing 27 deaths' (key facts: '31 attacks causing 26 deaths')",
         choice="RIC January 2021: key facts 26 deaths, body 27 on the same page; the key-facts figure 26 is used (one rule for the page: its key facts, as for claimed attacks)"),
    dict(table="other_monthly", raw=266, measure="claimed_attacks", value=26, use="alternative", url=None, title=None,
         note="body text: 'ISIS claimed all but 5 attacks' of the 31 attacks (= 26); key facts: 'ISIS claimed 29 attacks'",
         choice="RIC January 2021: key facts 29 claimed attacks, body 'all but 5' of 31 = 26 on the same page; the key-facts figure 29 is used (one rule for the page: its key facts, as for deaths)"),
    # Wounded figures stated next to deaths (CEP: pro-government fighters; RIC: by victims).
    *[dict(table="other_monthly", raw=raw, measure=measure, value=value, qualifier=qual, use="primary",
           url=None, title=None, note=note, choice="")
      for raw, measure, value, qual, note in [
        (17, "wounded", 57, "exact", "'57 wounded' (with 56 pro-Assad regime fighters killed)"),
        (26, "wounded", 27, "exact", "'27 wounded' (with 17 pro-Assad regime fighters killed)"),
        (34, "wounded", 30, "exact", "'30 wounded' (with 24 pro-Assad regime fighters killed)"),
        (37, "wounded", 73, "exact", "'73 wounded' (with 29 pro-Assad regime fighters killed)"),
        (41, "wounded", 59, "exact", "'59 wounded' (with 24 pro-Assad regime fighters killed)"),
        (45, "wounded", 25, "exact", "'25 wounded' (with 25 pro-Assad regime fighters killed)"),
        (49, "wounded", 22, "exact", "'22 wounded' (with 56 pro-Assad regime fighters killed; 3 civilians kidnapped, not recorded)"),
        (52, "wounded", 3, "at_least", "'at least 3 wounded' (with 13 pro-Assad regime fighters killed)"),
        (65, "wounded", 28, "exact", "'28 wounded' (with 25 pro-Assad regime fighters killed)"),
        (69, "wounded", 2, "at_least", "'at least 2 wounded' (with 6 pro-Assad regime fighters killed)"),
        (80, "wounded", 6, "exact", "killed 9 pro-Assad regime soldiers and 'wounded six more'"),
        (91, "wounded_combatants", 10, "exact", "'wounded 10, as well as two civilians': 10 soldiers (4 killed)"),
        (91, "wounded_civilians", 2, "exact", "'wounded 10, as well as two civilians': 2 civilians"),
        (97, "wounded", 2, "at_least", "'at least 2 wounded' (with 30 pro-Assad regime soldiers killed)"),
        (112, "wounded_combatants", 13, "exact", "'13 soldiers wounded' (18 killed; 3 more missing, not counted)"),
        (117, "wounded", 7, "exact", "'7 wounded' (with 16 pro-Assad regime soldiers killed)"),
        (121, "wounded_combatants", 21, "exact", "'wounded 21 soldiers' (and 2 civilians; 40 soldiers killed)"),
        (121, "wounded_civilians", 2, "exact", "wounded '2 civilians' (and 21 soldiers)"),
        (128, "wounded", 3, "at_least", "'at least 3 wounded' (with 9 pro-Assad regime soldiers killed)"),
        (134, "wounded", 14, "exact", "'14 wounded' (soldiers and civilians; 19 soldiers killed)"),
        (149, "wounded", 51, "exact", "'51 wounded' (with 84 pro-Assad regime soldiers killed)"),
        (153, "wounded", 23, "exact", "'23 wounded' (with 50 pro-Assad regime soldiers killed)"),
        (157, "wounded", 22, "exact", "'22 wounded' (with 36 pro-Assad regime soldiers killed)"),
        (161, "wounded", 23, "exact", "'23 wounded' (with 49 pro-Assad regime soldiers killed)"),
        (170, "wounded_combatants", 4, "exact", "'4 soldiers wounded' (13 killed)"),
        (174, "wounded", 21, "exact", "'21 wounded' (with 32 pro-Assad regime soldiers killed)"),
        (178, "wounded", 24, "exact", "'24 wounded' (with 20 pro-Assad regime soldiers killed)"),
        (249, "wounded", 11, "exact", "injuries fell from 17 (June) to 11 in July 2020"),
        (276, "wounded", 40, "at_least", "'13 people died through these attacks, and over 40 were injured'"),
        (282, "wounded", 39, "at_least", "'19 deaths were caused by sleeper cell attacks, and at least 39 people were injured'"),
        (305, "wounded_combatants", 13, "exact", "'12 SDF soldiers were killed, 13 injured'"),
        (313, "wounded", 32, "exact", "'52 killed & 32 injured'"),
        (314, "wounded", 32, "exact", "'killing 52 and injuring 32'"),
        (326, "wounded_civilians", 2, "exact", "civilians: 10 killed, 2 injured"),
        (327, "wounded_combatants", 16, "exact", "military personnel: 19 killed, 16 injured"),
        (343, "wounded_combatants", 17, "exact", "'10 military personnel killed, 17 military personnel injured'"),
        (343, "wounded_civilians", 3, "exact", "'three civilians injured in ISIS attacks'"),
        (346, "wounded_civilians", 5, "exact", "'4 civilians killed, 5 injured'"),
        (347, "wounded_combatants", 5, "exact", "'11 military personnel killed, 5 injured'"),
        (349, "wounded_civilians", 1, "exact", "'1 civilian killed, 1 injured'"),
        (350, "wounded_combatants", 1, "exact", "'3 military personnel killed, 1 injured'"),
        (353, "wounded_combatants", 14, "exact", "'10 military personnel killed, 14 injured'"),
        (355, "wounded_civilians", 1, "exact", "civilians: 3 killed, 1 injured"),
        (356, "wounded_combatants", 8, "exact", "SDF and Asayish personnel: 13 killed, 8 injured"),
        (359, "wounded_combatants", 5, "exact", "SDF and Asayish personnel: 4 killed, 5 injured"),
        (359, "wounded_civilians", 7, "exact", "'7 civilians injured, none reported killed'"),
        (361, "wounded_civilians", 7, "exact", "civilians: 5 killed, 7 injured"),
        (362, "wounded_combatants", 7, "exact", "military personnel: 12 killed, 7 injured"),
        (367, "wounded_combatants", 11, "exact", "'6 military personnel killed, 11 wounded'"),
        (370, "wounded_civilians", 2, "exact", "civilians: 6 killed, 2 injured"),
        (371, "wounded_combatants", 11, "exact", "military personnel: 10 killed, 11 injured"),
        (374, "wounded_civilians", 5, "exact", "'2 civilians killed, 5 injured'"),
        (375, "wounded_combatants", 7, "exact", "'7 military personnel killed ..., 7 injured'"),
        (380, "wounded_combatants", 1, "exact", "SDF members: 4 killed, 1 injured"),
        (382, "wounded_civilians", 5, "exact", "'two civilians killed, five injured'"),
        (383, "wounded_combatants", 5, "exact", "'one SDF member killed, five injured'"),
        (387, "wounded_civilians", 2, "exact", "civilians: 1 killed, 2 injured"),
        (388, "wounded_combatants", 9, "exact", "military personnel: 2 killed, 9 injured"),
        (390, "wounded_civilians", 7, "exact", "civilians: 4 killed, 7 injured"),
        (391, "wounded_combatants", 15, "exact", "military personnel: 4 killed, 15 injured"),
        (396, "wounded_combatants", 5, "exact", "military personnel: 6 killed, 5 injured"),
        (398, "wounded_combatants", 4, "exact", "'one military personnel killed, four injured'"),
        (400, "wounded_combatants", 2, "exact", "'Two military personnel killed, two others injured'"),
    ]],
    dict(table="other_monthly", raw=249, month="2020-06", measure="wounded", value=17, use="primary", url=None, title=None,
         note="RIC's July 2020 report: injuries fell from 17 in June to 11 in July", choice=""),
    # Period tables: wounded and claimed casualties stated beside other figures.
    dict(table="other_periods", raw=3, area="syria", measure="isis_members", value=14, use="primary", url=None, title=None,
         note="CENTCOM's operations in Syria in the first half of 2024: 59 missions, '14 ISIS killed', 92 detained (missions and detentions not recorded)", choice=""),
    dict(table="other_periods", raw=22, interval=("2024-01-01", "2024-07-01"), measure="attacks", value=35, use="primary", url=None, title=None,
         note="MEI (Lister): ISIS attacks in Iraq, '35 in H1 2024' (after 122 in 2023)", choice=""),
    *[dict(table="other_periods", raw=raw, measure=measure, value=value, qualifier=qual, use="primary",
           url=None, title=None, note=note, choice="")
      for raw, measure, value, qual, note in [
        (7, "wounded", 212, "at_least", "CEP 2023: 231 civilians killed; 'wounded more than 212'"),
        (13, "claimed_casualties", 53, "exact", "al-Naba issue 517: '53 SDF killed or wounded' in the 38 claimed operations (via Enab Baladi)"),
        (19, "wounded", 208, "exact", "ISWNews: 192 killed, '208 injured' since the onset of 2024"),
        (25, "wounded", 189, "exact", "'552 casualties ... of which 363 were killed and 189 others were wounded'"),
        (34, "wounded_civilians", 29, "exact", "RIC 2023: '29 civilians injured' (41 killed)"),
        (34, "wounded_combatants", 93, "exact", "RIC 2023: '93 military injured' (84 killed)"),
        (38, "wounded_combatants", 12, "exact", "'The attacks left 30 SDF fighters dead, 12 others wounded'"),
        (39, "wounded_combatants", 12, "exact", "'At least 30 SDF fighters have been killed and 12 injured'"),
    ]],
]

#: A dated secondary figure that sohr/url_dates.csv quotes for page 241853 (not in the tables).
EXTRA_CUMULATIVE = [
    dict(obs_id="sohr-c-x241853-combatants", source="sohr", area="regime_desert", region="ALL",
         measure="combatants", kind="cumulative", start="2022-01-01", end="2022-03-07", value="61",
         qualifier="exact", date_basis="secondary_publication", date_error_days="0", use="primary",
         confidence="medium", source_url="https://www.i24news.tv/en/news/middle-east/levant-turkey/1646594046-syria-15-soldiers-killed-in-attack-on-military-bus",
         source_title="i24news/AFP 2022-03-06: Syria: 15 soldiers killed in attack on military bus (quoting SOHR 241853)",
         via="i24news.tv", region_as_published="ALL",
         note="from sohr/url_dates.csv (page 241853): '61 pro-regime killed in 2022' as of the Palmyra bus attack on Sunday 6 Mar 2022",
         choice_note=""),
    # Page 326400, quoted only in sohr/DATES.md section 5.1: part of the same-day cluster.
    *[dict(obs_id=f"sohr-c-x326400-{code}{measure}", source="sohr", area="regime_desert",
           region=region, measure=measure, kind="cumulative", start="2024-01-01", end="2024-02-26",
           value=value, qualifier="exact", date_basis="estimated_from_url_id", date_error_days="2",
           use="superseded", confidence="high", source_url="https://www.syriahr.com/en/326400/",
           source_title="page 326400, not in the tables; quoted in sohr/DATES.md section 5.1",
           via="", region_as_published=published,
           note=("DATES.md 5.1: page 326400 (53 operations / 144 dead) sits between 326340 and 326406; "
                 "operations by region Deir Ezzor 17 / Homs 27 / Al-Raqqah 4; as-of date of its "
                 "neighbour 326406 (the cluster dates to 24-25 Feb 2024)"),
           choice_note=CLUSTER_326328)
      for code, region, published, measure, value in [
          ("", "ALL", "ALL", "attacks", "53"), ("", "ALL", "ALL", "fatalities", "144"),
          ("deir_ez_zor-", "Deir ez-Zor", "Deir Ezzor", "attacks", "17"),
          ("homs-", "Homs", "Homs", "attacks", "27"), ("al_raqqah-", "Al-Raqqah", "Al-Raqqah", "attacks", "4")]],
]

#: Dated event and window figures quoted outside the SOHR tables' own rows.
EXTRA_PERIODS = [
    # sohr/url_dates.csv, page 241853 via i24news/AFP: the Palmyra bus attack of Sunday 6 March 2022.
    *[dict(obs_id=f"sohr-p-x241853-{measure}", source="sohr", area="regime_desert", region="Homs",
           measure=measure, kind="period", start="2022-03-06", end="2022-03-07", value=value,
           qualifier="exact", date_basis="secondary_publication", date_error_days="0", use="primary",
           confidence="medium", source_url=EXTRA_CUMULATIVE[0]["source_url"],
           source_title=EXTRA_CUMULATIVE[0]["source_title"], via="i24news.tv",
           region_as_published="Palmyra",
           note=f"from sohr/url_dates.csv (page 241853): Palmyra bus attack on Sunday 6 Mar 2022, {text}",
           choice_note="")
      for measure, value, text in [("combatants", "15", "'15 soldiers killed'"),
                                   ("wounded", "18", "'18 wounded'")]],
    # sohr/cumulative.csv, page 314614: the title counts six days of operations.
    dict(obs_id="sohr-p-x314614-attacks", source="sohr", area="sdf_areas", region="ALL",
         measure="attacks", kind="period", start="2023-10-14", end="2023-10-20", value="8",
         qualifier="exact", date_basis="stated", date_error_days="0", use="primary",
         confidence="high", source_url="https://www.syriahr.com/en/314614/",
         source_title="title: ISIS resurgence | Cells carry out eight operations in SDF-held areas in six days (Oct 14-19 [2023])",
         via="", region_as_published="ALL",
         note="title: 'Cells carry out eight operations in SDF-held areas in six days (Oct 14-19 [2023])'; the page's running totals are sohr-c-059..063",
         choice_note=""),
]

# --------------------------------------------------------------------------------------


def _domain(url: str) -> str:
    host = urlparse(str(url)).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _via(source: str, url: str) -> str:
    if not isinstance(url, str) or not url.startswith("http"):
        return ""
    dom = _domain(url)
    if any(dom == d or dom.endswith("." + d) for d in OWN_DOMAINS.get(source, ())):
        return ""
    return dom


#: Flags in the raw tables' notes that make a row ``low`` confidence: the page contradicts
#: itself (two figures for the same count: "INTERNAL INCONSISTENCY", "INCONSISTENT"), or its
#: scope or period is uncertain. Regional or component lines that do not add up are not a
#: confidence matter: ``resurgence validate --warnings`` lists them.
LOW_CONFIDENCE_FLAGS = (r"LOW CONFIDENCE|AMBIGUOUS|unverified|APPROXIMATE PERIOD"
                        r"|INTERNAL INCONSISTENCY|INCONSISTENT")


def _confidence(note: str, via: str, error_days: float) -> str:
    text = note or ""
    if re.search(LOW_CONFIDENCE_FLAGS, text):
        return "low"
    if via or (error_days or 0) > 7:
        return "medium"
    return "high"


#: How a derived note names a measure: plural, singular ("13 operations", "1 civilian killed").
MEASURE_WORDS = {
    "attacks": ("attacks", "attack"), "operations": ("operations", "operation"),
    "claimed_attacks": ("attacks claimed by ISIS", "attack claimed by ISIS"),
    "sleeper_cell_attacks": ("sleeper-cell attacks", "sleeper-cell attack"),
    "high_quality_attacks": ("high-quality attacks", "high-quality attack"),
    "fatalities": ("people killed", "person killed"),
    "civilians": ("civilians killed", "civilian killed"),
    "combatants": ("combatants killed", "combatant killed"),
    "isis_members": ("ISIS members killed", "ISIS member killed"),
}
PUBLISHER_NAMES = {"sohr": "SOHR", "cep": "CEP", "ric": "RIC", "jusoor": "Jusoor"}
AS_OF_BASIS = {
    "stated": "as-of date stated on the page",
    "secondary_publication": "as-of date = the secondary publication's date",
    "estimated_from_url_id": "as-of date estimated from the page id",
    "estimated_from_content": "as-of date estimated from the content",
}


def _amount(value: str, qualifier: str, measure: str, source: str) -> str:
    key = "operations" if (source == "sohr" and measure == "attacks") else measure  # SOHR's word
    plural, singular = MEASURE_WORDS.get(key, (measure.replace("_", " "),) * 2)
    qual = {"at_least": "at least ", "about": "about ", "at_most": "at most "}.get(qualifier, "")
    return f"{qual}{value} {singular if value == '1' else plural}"


def _derived_note(row: dict, *, period: str, as_of: str = "", basis: str = "",
                  error_days: int = 0) -> str:
    """A note saying what the page stated, for rows whose raw note is empty."""
    amount = _amount(row["value"], row["qualifier"], row["measure"], row["source"])
    if row["kind"] == "cumulative":
        what = (f"running total since early {period} as of {as_of} "
                f"({AS_OF_BASIS.get(basis, basis)}, error up to {error_days} day(s))")
    else:
        what = f"{PUBLISHER_NAMES.get(row['source'], row['source'])}'s figure for {period}"
    if row["region"] == "ALL":
        return f"{what}: {amount}"
    return f"{what}, {row['region_as_published']} line of the page's regional breakdown: {amount}"


def _month_interval(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(month + "-01")
    return start, start + pd.offsets.MonthBegin(1)


def _row(**kw) -> dict:
    out = {c: kw.get(c, "") for c in COLUMNS}
    return out


def _fmt(ts) -> str:
    return "" if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


def _decide(table: str, raw: int, measure: str) -> tuple[str, str]:
    return DECISIONS.get((table, raw, measure)) or DECISIONS.get((table, raw, "*")) or ("primary", "")


def _sohr_area(table: str, raw: int, zone: str, note: str) -> str:
    if (table, raw) in SOHR_AREA_OVERRIDE:
        return SOHR_AREA_OVERRIDE[(table, raw)]
    if zone == "regime_desert" and REGIME_AREAS_NOTE in str(note):
        return "regime_areas"
    if zone == "ALL":
        raise SystemExit(f"{table} row {raw}: zone ALL needs an explicit area in SOHR_AREA_OVERRIDE")
    return zone


def sohr_rows(src: Path) -> dict[str, list[dict]]:
    """SOHR monthly, cumulative and annual tables, wide -> long."""
    out: dict[str, list[dict]] = {"sohr_monthly": [], "sohr_cumulative": [], "sohr_periods": []}
    monthly = pd.read_csv(src / "sohr" / "monthly.csv", dtype=str, keep_default_na=False)
    cumul = pd.read_csv(src / "sohr" / "cumulative_dated.csv", dtype=str, keep_default_na=False)
    annual = pd.read_csv(src / "sohr" / "annual.csv", dtype=str, keep_default_na=False)

    for table, frame, outname, prefix in (
        ("monthly", monthly, "sohr_monthly", "sohr-m"),
        ("cumulative", cumul, "sohr_cumulative", "sohr-c"),
        ("annual", annual, "sohr_periods", "sohr-p"),
    ):
        for i, r in frame.iterrows():
            note = r["note"]
            area = _sohr_area(table, i, r["zone"], note)
            if table == "monthly":
                start, end = _month_interval(r["month"])
                kind, basis, err = "period", "stated", 0
                title = r["source_title"]
            elif table == "cumulative":
                start = pd.Timestamp(f"{r['year']}-01-01")
                end = pd.Timestamp(r["as_of"]) + ONE_DAY
                kind, basis, err = "cumulative", r["as_of_basis"], int(r["as_of_error_days"])
                title = r["page_date_or_hint"]
            else:
                if i in ANNUAL_INTERVALS:
                    s, e, basis, err = ANNUAL_INTERVALS[i]
                    start = pd.Timestamp(s) if s else None
                    end = pd.Timestamp(e)
                else:  # stated ISO start/end (end inclusive in the raw table)
                    start = pd.Timestamp(r["period_start"])
                    end = pd.Timestamp(r["period_end"]) + ONE_DAY
                    basis, err = "stated", 0
                kind = "cumulative" if i in ANNUAL_CUMULATIVE else "period"
                title = r["source_title"]
            for m in SOHR_MEASURES:
                if r[m] == "":
                    continue
                measure = ASSASSINATION_MEASURE[m] if (table == "annual" and i in ASSASSINATION_ROWS) else m
                use, why = _decide(table, i, m)
                via = _via("sohr", r["source_url"])
                row = _row(
                    obs_id=f"{prefix}-{i:03d}-{measure}", source="sohr", area=area,
                    region=canonical_region(r["region"]), measure=measure, kind=kind,
                    start=_fmt(start), end=_fmt(end), value=str(int(float(r[m]))),
                    qualifier=SOHR_QUALIFIERS.get((table, i, m), "exact"), date_basis=basis,
                    date_error_days=str(err), use=use,
                    confidence=_confidence(note, via, err), source_url=r["source_url"],
                    source_title=title, via=via, region_as_published=r["region"], note=note,
                    choice_note=why,
                )
                if not note and table == "cumulative":
                    row["note"] = _derived_note(row, period=r["year"], as_of=r["as_of"],
                                                basis=basis, error_days=err)
                elif not note:
                    raise SystemExit(f"{table} row {i}: empty note; write one in the raw table")
                out[outname].append(row)
    return out


def other_rows(src: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"other_monthly": [], "other_periods": []}
    monthly = pd.read_csv(src / "other" / "monthly.csv", dtype=str, keep_default_na=False)
    periods = pd.read_csv(src / "other" / "periods.csv", dtype=str, keep_default_na=False)
    for table, frame, prefix in (("other_monthly", monthly, "oth-m"), ("other_periods", periods, "oth-p")):
        for i, r in frame.iterrows():
            source = PUBLISHER[r["source_org"]]
            if table == "other_monthly":
                start, end = _month_interval(r["month"])
                basis, err, title = "stated", 0, r["source_title"]
            else:
                start = pd.Timestamp(r["period_start"])
                end = pd.Timestamp(r["period_end"]) + ONE_DAY
                approx = "APPROXIMATE PERIOD" in r["note"]
                basis, err = ("estimated_from_content", 10) if approx else ("stated", 0)
                title = ""
            use, why = _decide(table, i, "*")
            via = _via(source, r["source_url"])
            measure = MEASURE.get(r["measure"], r["measure"])
            row = _row(
                obs_id=f"{prefix}-{i:03d}", source=source, area=r["area"],
                region=canonical_region(r["region"]), measure=measure, kind="period",
                start=_fmt(start), end=_fmt(end), value=str(int(float(r["value"]))),
                qualifier=r["qualifier"], date_basis=basis, date_error_days=str(err), use=use,
                confidence=_confidence(r["note"], via, err), source_url=r["source_url"],
                source_title=title, via=via, region_as_published=r["region"], note=r["note"],
                choice_note=why,
            )
            if not row["note"]:
                period = (start.strftime("%B %Y") if table == "other_monthly" else
                          f"{_fmt(start)} to {_fmt(end - ONE_DAY)}")
                row["note"] = _derived_note(row, period=period)
            out[table].append(row)
    return out


def _add_extras(tables: dict[str, list[dict]]) -> None:
    where = {"monthly": "sohr_monthly", "other_monthly": "other_monthly",
             "other_periods": "other_periods"}
    for k, x in enumerate(EXTRA_ROWS):
        rows = tables[where[x["table"]]]
        base = next(r for r in rows if r["obs_id"].split("-")[2] == f"{x['raw']:03d}")
        new = dict(base)
        new.update(
            obs_id=f"{base['obs_id'].rsplit('-', 1)[0] if x['table'] == 'monthly' else base['obs_id']}-x{k}-{x['measure']}",
            measure=x["measure"], value=str(x["value"]), use=x["use"], choice_note=x["choice"],
            note=x["note"], qualifier=x.get("qualifier", "exact"),
        )
        if x.get("month"):  # a figure the page gives for another month
            start, end = _month_interval(x["month"])
            new.update(start=_fmt(start), end=_fmt(end))
        if x.get("interval"):  # [start, end) of a figure for another period
            new.update(start=x["interval"][0], end=x["interval"][1])
        if x.get("area"):
            new["area"] = x["area"]
        if x["url"]:
            new.update(source_url=x["url"], source_title=x["title"], via="")
            new["confidence"] = _confidence(x["note"], "", 0)
        rows.append(new)
    tables["sohr_cumulative"].extend(_row(**x) for x in EXTRA_CUMULATIVE)
    tables["sohr_periods"].extend(_row(**x) for x in EXTRA_PERIODS)


def _auto_duplicates(rows: list[dict]) -> None:
    """Same series, interval and value from several pages: the publisher's own page is
    primary, the others are duplicates. Different values must have an explicit decision."""
    key = lambda r: (r["source"], r["area"], r["region"], r["measure"], r["kind"], r["start"], r["end"])  # noqa: E731
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["use"] == "primary":
            groups.setdefault(key(r), []).append(r)
    for k, grp in groups.items():
        if len(grp) < 2:
            continue
        values = {g["value"] for g in grp}
        if len(values) > 1:
            ids = ", ".join(g["obs_id"] for g in grp)
            raise SystemExit(f"conflicting primary figures need a decision in DECISIONS: {k}: {ids}")
        grp = sorted(grp, key=lambda g: (g["via"] != "", g["obs_id"]))
        for g in grp[1:]:
            g["use"] = "duplicate"
            g["choice_note"] = f"same figure as {grp[0]['obs_id']}, which is used"


def build(src: Path) -> dict[str, pd.DataFrame]:
    load_reference()  # fail early if the vocabularies are missing
    tables = {**sohr_rows(src), **other_rows(src)}
    _add_extras(tables)
    every = [r for rows in tables.values() for r in rows]
    _auto_duplicates(every)
    out = {}
    for name, rows in tables.items():
        frame = pd.DataFrame(rows, columns=COLUMNS)
        out[name] = frame.sort_values("obs_id", kind="stable").reset_index(drop=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "sources")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "series")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    tables = build(args.sources)
    stale = []
    for name, frame in tables.items():
        buf = io.StringIO()
        frame.to_csv(buf, index=False, lineterminator="\n")
        path = args.out / f"{name}.csv"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != buf.getvalue():
                stale.append(str(path))
        else:
            atomic_write_text(path, buf.getvalue())
    if stale:
        print("out of date with ../shared/sources: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
