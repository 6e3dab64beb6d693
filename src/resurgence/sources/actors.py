"""Actors: one name (``IS``) for each dataset's own names and ids, and the events involving it.

``data/reference/actors.csv`` holds, per actor, UCDP's ids and names, ACLED's and
GTD's names (``*`` and ``?`` are wildcards). Any other actor is matched by the
name the file uses, or by a UCDP id.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataWarning, InputError
from ..reference import data_root
from .events import event_frame, slug  # noqa: F401  (event_frame: doctest)

__all__ = ["resolve_actor", "match_actor"]


@functools.lru_cache(maxsize=4)
def _actors(root: str) -> pd.DataFrame:
    path = Path(root) / "reference" / "actors.csv"
    if not path.is_file():
        return pd.DataFrame(columns=["id", "name"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def resolve_actor(actor: str, source: str) -> tuple[str, list[str], list[int], bool]:
    """How to find ``actor`` in ``source``'s files: ``(label, name patterns, ids, known)``.

    ``actor`` is an id or name from ``data/reference/actors.csv`` (``IS``,
    ``Islamic State``: each dataset's own names and ids are used), a numeric
    UCDP actor id, or a name as the file spells it (``*`` and ``?`` are
    wildcards; case is ignored).

    Examples
    --------
    >>> resolve_actor("IS", "ucdp")
    ('is', ['IS'], [234], True)
    >>> resolve_actor("234", "ucdp")[1:]
    ([], [234], False)
    """
    text = str(actor).strip()
    if not text:
        raise InputError("empty actor name")
    table = _actors(str(data_root()))
    hit = table[(table["id"].str.casefold() == text.casefold())
                | (table["name"].str.casefold() == text.casefold())]
    if len(hit):
        row = hit.iloc[0]
        names = [n for n in row.get(f"{source}_names", "").split("|") if n]
        ids = [int(i) for i in row.get(f"{source}_ids", "").split("|") if i]
        return slug(row["id"]), names, ids, True
    if text.isdigit():
        return text, [], [int(text)], False
    return slug(text), [text], [], False


def _name_hits(categories: pd.Index, patterns: Sequence[str]) -> np.ndarray:
    """Which category names match a pattern, whole or as one part of a ``,``/``;`` list."""
    pats = [p.casefold() for p in patterns]
    hits = np.zeros(len(categories), dtype=bool)
    for i, name in enumerate(categories):
        parts = [str(name)] + [p.strip() for p in re.split(r"[;,]", str(name))]
        hits[i] = any(fnmatch.fnmatchcase(part.casefold(), p) for part in parts for p in pats)
    return hits


def match_actor(events: pd.DataFrame, actor: str, *, fields: Sequence[str] = ("actor1", "actor2"),
                ) -> tuple[np.ndarray, str]:
    """Boolean mask of the events involving ``actor`` on any of ``fields``, and its label.

    Raises
    ------
    InputError
        If a name that is not in ``data/reference/actors.csv`` matches no event
        (a typo would otherwise give a series of real-looking zeros); the
        message lists similar names in the file.

    Examples
    --------
    >>> ev = event_frame(source="acled", event_id=["a", "b"], date_start=["2020-01-01"] * 2,
    ...                  date_end=["2020-01-01"] * 2, actor1=["Islamic State (Syria)", "SDF"],
    ...                  actor2=[None, "Civilians (Syria)"])
    >>> match_actor(ev, "IS")
    (array([ True, False]), 'is')
    """
    source = str(events["source"].iloc[0]) if len(events) else "ucdp"
    label, names, ids, known = resolve_actor(actor, source)
    mask = np.zeros(len(events), dtype=bool)
    for f in fields:
        col = events[f]
        if names and isinstance(col.dtype, pd.CategoricalDtype) and len(col.cat.categories):
            hits = _name_hits(col.cat.categories, names)
            codes = col.cat.codes.to_numpy()
            mask |= (codes >= 0) & hits[np.maximum(codes, 0)]
        idcol = f"{f}_id"
        if ids and idcol in events.columns:
            mask |= events[idcol].isin(ids).fillna(False).to_numpy(dtype=bool)
    if not mask.any() and len(events):
        if known:
            warnings.warn(f"no event involves {actor!r} in this {source} data "
                          f"(names tried: {', '.join(names) or '-'}; ids: "
                          f"{', '.join(map(str, ids)) or '-'})", DataWarning, stacklevel=3)
        else:
            seen = sorted({str(c) for f in fields for c in events[f].cat.categories}
                          if all(isinstance(events[f].dtype, pd.CategoricalDtype) for f in fields)
                          else set())
            close = difflib.get_close_matches(str(actor), seen, n=5, cutoff=0.4)
            hint = f"; similar names in the file: {', '.join(close)}" if close else ""
            raise InputError(f"no event involves actor {actor!r} (fields "
                             f"{', '.join(fields)}){hint}")
    return mask, label
