"""Event-level sources: UCDP GED, ACLED and GTD exports into observations and the panel.

Layout (one job per module):

=================  ===================================================================
``events``         the common event frame every reader returns; regions and areas
``actors``         actor names and ids per dataset (``data/reference/actors.csv``)
``_csv``           fast, checked reading of large CSV/gzip exports; failures by line
``_convert``       text columns -> typed arrays; pandera failures by line and column
``ucdp``           UCDP GED and candidate files (:func:`read_ucdp`)
``acled``          ACLED exports, reconciled across exports (:func:`read_acled`)
``gtd``            Global Terrorism Database (:func:`read_gtd`)
``aggregate``      event frame -> monthly observation rows (:func:`aggregate_events`)
``compare``        two publishers' series side by side (:func:`compare_series`)
``releases``       two releases of one series: overlap, and superseding the older
=================  ===================================================================
"""

from .acled import read_acled
from .actors import match_actor, resolve_actor
from .aggregate import MONTH_RULES, aggregate_events, assign_months, observations_csv
from .compare import compare_series, comparison_summary
from .events import EVENT_COLUMNS, EventSchema, bundled_events_dir
from .gtd import read_gtd
from .ucdp import bundled_ucdp_file, read_ucdp

__all__ = [
    "read_ucdp",
    "read_acled",
    "read_gtd",
    "aggregate_events",
    "assign_months",
    "observations_csv",
    "compare_series",
    "comparison_summary",
    "match_actor",
    "resolve_actor",
    "bundled_events_dir",
    "bundled_ucdp_file",
    "EventSchema",
    "EVENT_COLUMNS",
    "MONTH_RULES",
]
