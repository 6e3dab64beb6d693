"""Reference vocabularies: publishers, areas, measures and regions with aliases.

They are data (``data/reference/*.csv``), not code, so another country, publisher
or measure is added by editing a table. An installed wheel carries a copy under
``resurgence/_data``; a source checkout reads ``data/`` beside ``src/``.

Region names from any source are resolved through :func:`canonical_region`,
which accepts canonical names, codes and aliases in any case, spacing,
apostrophe or hyphen style, with or without a "Governorate"/"Province" suffix.
An unknown name is an :class:`~resurgence.errors.UnknownRegionError`, never a
silent new region.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InputError, UnknownRegionError

__all__ = [
    "data_root",
    "default_series_dir",
    "Reference",
    "load_reference",
    "canonical_region",
    "region_code",
    "QUALIFIERS",
    "KINDS",
    "USES",
    "CONFIDENCES",
    "DATE_BASES",
]

#: How a stated number relates to the truth.
QUALIFIERS = ("exact", "at_least", "about", "at_most")
#: ``period``: a count over [start, end); ``cumulative``: a running total as of ``end``.
KINDS = ("period", "cumulative")
#: Which rows feed models; the others keep what a source said and why it was not used.
USES = ("primary", "duplicate", "alternative", "superseded", "excluded")
CONFIDENCES = ("high", "medium", "low")
#: How the interval's dates are known.
DATE_BASES = (
    "stated",
    "stated_relative",
    "secondary_publication",
    "event_report",
    "estimated_from_url_id",
    "estimated_from_content",
    "event_data",
)


def data_root() -> Path:
    """The folder holding ``series/`` and ``reference/``.

    ``RESURGENCE_DATA`` overrides it; otherwise the copy bundled in an installed
    wheel, else the source checkout's ``data/``.
    """
    env = os.environ.get("RESURGENCE_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    bundled = here / "_data"
    if (bundled / "reference").is_dir():
        return bundled
    checkout = here.parent.parent / "data"
    if (checkout / "reference").is_dir():
        return checkout
    raise InputError(
        "cannot find the resurgence data folder: set RESURGENCE_DATA to a folder "
        "with series/ and reference/"
    )


def default_series_dir() -> Path:
    """The bundled curated observation tables (``data/series``)."""
    return data_root() / "series"


def _normalise(name: str) -> str:
    """Fold a place name to a matching key: accents, case, punctuation, suffixes."""
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    s = s.lower().strip()
    s = re.sub(r"['`\u2019\u2018]", "", s)
    s = re.sub(r"\b(governorate|province|muhafazat|gov\.?)\b", " ", s)
    s = re.sub(r"[^a-z0-9()/]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class Reference:
    """The loaded vocabularies (immutable; cached per data folder)."""

    publishers: pd.DataFrame
    areas: pd.DataFrame
    measures: pd.DataFrame
    regions: pd.DataFrame
    aliases: dict[str, str]  # normalised name -> canonical region name

    @property
    def region_names(self) -> frozenset[str]:
        return frozenset(self.regions["name"])

    def region_level(self, name: str) -> str:
        return str(self.regions.set_index("name").at[name, "level"])


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"reference table missing: {path}") from None


@functools.lru_cache(maxsize=8)
def _load(root: str) -> Reference:
    ref = Path(root) / "reference"
    regions = _read(ref / "regions.csv")
    aliases: dict[str, str] = {}
    for row in regions.itertuples(index=False):
        names = [row.name, row.code] + [a for a in row.aliases.split("|") if a]
        for n in names:
            key = _normalise(n)
            prev = aliases.get(key)
            if prev is not None and prev != row.name:
                raise InputError(
                    f"{ref / 'regions.csv'}: alias {n!r} maps to both {prev!r} and {row.name!r}"
                )
            aliases[key] = row.name
    return Reference(
        publishers=_read(ref / "publishers.csv"),
        areas=_read(ref / "areas.csv"),
        measures=_read(ref / "measures.csv"),
        regions=regions,
        aliases=aliases,
    )


def load_reference(root: str | os.PathLike[str] | None = None) -> Reference:
    """Load (and cache) the vocabularies from ``root/reference``.

    Examples
    --------
    >>> ref = load_reference()
    >>> "sohr" in set(ref.publishers["id"])
    True
    """
    return _load(str(Path(root) if root is not None else data_root()))


def canonical_region(
    name: str,
    *,
    reference: Reference | None = None,
    file: str | None = None,
    row: int | None = None,
) -> str:
    """Resolve a region name, code or alias to its canonical name.

    Parameters
    ----------
    name : str
        A name as a source wrote it, e.g. ``"Dayr az Zawr Governorate"``.
    reference : Reference, optional
        Vocabularies to use; the bundled ones by default.
    file, row : optional
        Where the name came from, for the error message.

    Raises
    ------
    UnknownRegionError
        If the name matches no region or alias.

    Examples
    --------
    >>> canonical_region("Dayr az Zawr Governorate")
    'Deir ez-Zor'
    >>> canonical_region("hims")
    'Homs'
    """
    ref = reference or load_reference()
    if name is None or (isinstance(name, float) and pd.isna(name)) or str(name).strip() == "":
        raise UnknownRegionError("", file=file, row=row)
    hit = ref.aliases.get(_normalise(name))
    if hit is None:
        raise UnknownRegionError(str(name), file=file, row=row)
    return hit


def region_code(name: str, *, reference: Reference | None = None) -> str:
    """The short code of a region (used in series ids), e.g. ``deir_ez_zor``.

    Examples
    --------
    >>> region_code("ALL"), region_code("Deir Ezzor")
    ('all', 'deir_ez_zor')
    """
    ref = reference or load_reference()
    canon = canonical_region(name, reference=ref)
    return str(ref.regions.set_index("name").at[canon, "code"])
