"""What the three tables of the data model are: pandera ``DataFrameModel``s.

- :class:`ObservationSchema` — one row per number seen in a source.
- :class:`IntervalCountSchema` — counts over intervals derived from observations.
- :class:`PanelSchema` — the long monthly panel every model and plot uses.

The rules are named checks from :mod:`resurgence.checks`; running them and
turning failures into a report is :mod:`resurgence.validation`'s job.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import checks  # noqa: F401  (registers the named checks)
from .reference import CONFIDENCES, DATE_BASES, KINDS, QUALIFIERS, USES

__all__ = [
    "ObservationSchema",
    "IntervalCountSchema",
    "PanelSchema",
    "OBSERVATION_COLUMNS",
    "REQUIRED_COLUMNS",
    "empty_frame",
]

_ID = r"^[A-Za-z0-9][A-Za-z0-9._:+-]*$"
_SOURCE_REF = r"^(https?://\S+|reports/\S+\.txt)$"
#: A subset of what the source counts, as ``key=value`` pairs joined by ``;``
#: (e.g. ``violence=one_sided`` or ``actor=IS;event_type=Battles``); empty = all of it.
SUBSET_PATTERN = r"^[a-z][a-z0-9_]*=[^;/=]+(;[a-z][a-z0-9_]*=[^;/=]+)*$"


class ObservationSchema(pa.DataFrameModel):
    """One number as a source stated it, over the half-open interval ``[start, end)``.

    Examples
    --------
    >>> sorted(ObservationSchema.to_schema().columns)[:4]
    ['area', 'choice_note', 'confidence', 'date_basis']
    """

    obs_id: Series[str] = pa.Field(unique=True, str_matches=_ID)
    source: Series[str] = pa.Field(in_vocabulary={"vocab": "publishers"})
    area: Series[str] = pa.Field(in_vocabulary={"vocab": "areas"})
    region: Series[str] = pa.Field(in_vocabulary={"vocab": "regions"})
    measure: Series[str] = pa.Field(in_vocabulary={"vocab": "measures"})
    subset: Series[str] = pa.Field(nullable=True, str_matches=SUBSET_PATTERN)
    kind: Series[str] = pa.Field(isin=list(KINDS))
    start: Series[pd.Timestamp] = pa.Field(nullable=True)
    end: Series[pd.Timestamp]
    value: Series[float] = pa.Field(ge=0, integer_valued=(), count_bound=())
    qualifier: Series[str] = pa.Field(isin=list(QUALIFIERS))
    date_basis: Series[str] = pa.Field(isin=list(DATE_BASES))
    date_error_days: Series[float] = pa.Field(ge=0)
    use: Series[str] = pa.Field(isin=list(USES))
    confidence: Series[str] = pa.Field(isin=list(CONFIDENCES))
    source_url: Series[str] = pa.Field(str_matches=_SOURCE_REF)
    source_title: Series[str] = pa.Field(nullable=True)
    via: Series[str] = pa.Field(nullable=True)
    region_as_published: Series[str] = pa.Field(nullable=True)
    note: Series[str] = pa.Field(nullable=True)
    choice_note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = "filter"  # bookkeeping columns (_file, _line) pass through unchecked
        start_before_end = ()
        start_required_for_periods = ()
        not_in_future = ()
        not_before_1970 = ()
        area_in_force = ()
        unique_primary_key = ()


#: Columns an observation file must have, in the canonical order.
OBSERVATION_COLUMNS: tuple[str, ...] = tuple(ObservationSchema.to_schema().columns)
#: Columns that may be left out of a file (filled with empty values).
_OPTIONAL = {"subset", "source_title", "via", "region_as_published", "note", "choice_note"}
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in OBSERVATION_COLUMNS if c not in _OPTIONAL)


class IntervalCountSchema(pa.DataFrameModel):
    """A count over ``[start, end)`` for one series, with its exposure in months."""

    series_id: Series[str]
    source: Series[str] = pa.Field(in_vocabulary={"vocab": "publishers"})
    area: Series[str] = pa.Field(in_vocabulary={"vocab": "areas"})
    region: Series[str] = pa.Field(in_vocabulary={"vocab": "regions"})
    measure: Series[str] = pa.Field(in_vocabulary={"vocab": "measures"})
    subset: Series[str] = pa.Field(nullable=True)
    start: Series[pd.Timestamp]
    end: Series[pd.Timestamp]
    months: Series[float] = pa.Field(gt=0)
    value: Series[float] = pa.Field(integer_valued=())
    qualifier: Series[str] = pa.Field(isin=list(QUALIFIERS))
    derivation: Series[str] = pa.Field(isin=["period", "difference"])
    status: Series[str] = pa.Field(isin=["ok", "revision"])
    date_error_days: Series[float] = pa.Field(ge=0)
    obs_ids: Series[str]

    class Config:
        strict = True
        start_before_end = ()
        value_nonnegative_unless_revision = ()


class PanelSchema(pa.DataFrameModel):
    """The long monthly panel: every month of every series, NaN where unobserved."""

    series_id: Series[str]
    source: Series[str] = pa.Field(in_vocabulary={"vocab": "publishers"})
    area: Series[str] = pa.Field(in_vocabulary={"vocab": "areas"})
    region: Series[str] = pa.Field(in_vocabulary={"vocab": "regions"})
    measure: Series[str] = pa.Field(in_vocabulary={"vocab": "measures"})
    subset: Series[str] = pa.Field(nullable=True)
    month: Series[pd.Timestamp] = pa.Field(month_start=())
    value: Series[float] = pa.Field(ge=0, nullable=True, integer_valued=())
    qualifier: Series[str] = pa.Field(isin=list(QUALIFIERS), nullable=True)
    obs_id: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        unique_series_month = ()
        months_contiguous = ()


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """A zero-row frame with the columns and dtypes ``model`` expects.

    Examples
    --------
    >>> empty_frame(PanelSchema).dtypes["month"]
    dtype('<M8[ns]')
    """
    schema = model.to_schema()
    return pd.DataFrame({name: pd.Series(dtype=col.dtype.type) for name, col in schema.columns.items()})
