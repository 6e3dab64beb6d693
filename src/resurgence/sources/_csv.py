"""Read one event export (CSV or gzip CSV) fast, and name every problem in it.

Exports run to a million rows, so rows are parsed by pandas' C reader. Beside
it (in a second thread: both release the GIL), a vectorised scan of the bytes
checks the structure (quote parity, fields per record) and gives each record's
line number; pandas pads short rows and drops extra fields silently, so the
scan's verdict comes first, and only when it sees an anomaly does the exact
(slow) :mod:`csv` pass run to describe it. Every problem
is a failure ``{file, row, column, check, value, message}`` — the table
:mod:`resurgence.readers` and :mod:`resurgence.validation` use — so a bad export
is reported exactly like a bad observation file: ``row`` is the line number
(the header, when there is one, is line 1).

Converting the columns and validating them is :mod:`._convert`'s job.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..readers import Failure, _failure

__all__ = ["Export", "read_export"]

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 24
_QUOTE, _COMMA, _NEWLINE, _CR = 34, 44, 10, 13


def _open(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == _GZIP_MAGIC else open(path, "rb")


@dataclass
class Export:
    """One export as read: raw text columns plus where each row came from.

    Attributes
    ----------
    name : str
        The file name used in messages.
    frame : pandas.DataFrame
        The requested columns, text as categories (``""`` = empty cell) or
        strings; one row per data record.
    lines : numpy.ndarray
        1-based line number of each row's record.
    header : bool
        Whether the file had a header row.
    failures : list of dict
        Every problem found so far.
    present : frozenset of str
        The requested columns the file actually has (absent optional ones are
        filled with empty cells).
    """

    name: str
    frame: pd.DataFrame
    lines: np.ndarray
    header: bool
    failures: list[Failure] = field(default_factory=list)
    present: frozenset[str] = frozenset()

    def fail(self, positions: Iterable[int], column: str, check: str, values: Iterable[object],
             message: str | Callable[[object], str]) -> None:
        """Record one failure per row position."""
        for i, v in zip(positions, values):
            text = message(v) if callable(message) else message
            self.failures.append(_failure(self.name, int(self.lines[i]), column, check, v, text))


def _scan(path: Path) -> tuple[np.ndarray, np.ndarray, int | None]:
    """Line number and field count of every non-blank record, and the line of an open quote.

    A delimiter is inside a quoted field iff an odd number of quote characters
    precede it (escaped quotes come in pairs). Records end at newlines outside
    quotes; a record's fields are its commas, minus those inside its quoted
    spans, plus one. All of it is array arithmetic on the bytes, chunk by chunk,
    carrying the parity and the open record; the per-comma work is a single
    ``flatnonzero``.
    """
    lines_out: list[np.ndarray] = []
    counts_out: list[np.ndarray] = []
    parity = 0           # quotes seen so far, mod 2
    newlines = 0         # newlines (any) seen before this chunk
    commas = 0           # structural commas of the open record so far
    start_line = 1       # line where the open record starts
    length = 0           # bytes in the open record so far
    last_byte = -1
    with _open(path) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            b = np.frombuffer(chunk, dtype=np.uint8)
            q = np.flatnonzero(b == _QUOTE)
            nl = np.flatnonzero(b == _NEWLINE)
            cm = np.flatnonzero(b == _COMMA)
            nl_s = nl[((parity + np.searchsorted(q, nl)) & 1) == 0]
            # quoted spans (one may open before this chunk or close after it) and their commas
            bounds = np.concatenate(([-1], q)) if parity else q
            if len(bounds) % 2:
                bounds = np.concatenate((bounds, [len(b)]))
            opens, closes = bounds[0::2], bounds[1::2]
            inside = np.searchsorted(cm, closes) - np.searchsorted(cm, opens)
            per_record = np.bincount(np.searchsorted(nl_s, np.maximum(opens, 0)),
                                     weights=inside, minlength=len(nl_s) + 1).astype(np.int64)
            all_before = np.searchsorted(cm, nl_s)
            n_commas = np.diff(np.concatenate(([0], all_before))) - per_record[:-1]
            if len(nl_s):
                n_commas[0] += commas
                ends = nl_s
                starts = np.concatenate(([-1], ends[:-1])) + 1
                lens = ends - starts
                lens[0] += length
                prev = np.where(ends > 0, b[np.maximum(ends - 1, 0)], last_byte)
                blank = (n_commas == 0) & ((lens == 0) | ((lens == 1) & (prev == _CR)))
                rec_lines = newlines + np.searchsorted(nl, starts) + 1
                rec_lines[0] = start_line
                lines_out.append(rec_lines[~blank])
                counts_out.append((n_commas + 1)[~blank])
                commas = len(cm) - int(all_before[-1]) - int(per_record[-1])
                length = len(b) - int(ends[-1]) - 1
                start_line = newlines + int(np.searchsorted(nl, ends[-1])) + 2
            else:
                commas += len(cm) - int(per_record[-1])
                length += len(b)
            parity = (parity + len(q)) & 1
            newlines += len(nl)
            last_byte = int(b[-1])
    if length > 0 and not (length == 1 and last_byte == _CR):
        lines_out.append(np.array([start_line]))
        counts_out.append(np.array([commas + 1]))
    lines = np.concatenate(lines_out) if lines_out else np.zeros(0, dtype=np.int64)
    counts = np.concatenate(counts_out) if counts_out else np.zeros(0, dtype=np.int64)
    return lines.astype(np.int64), counts.astype(np.int64), (start_line if parity else None)


def _exact_structure(path: Path, name: str, encoding: str, width: int,
                     failures: list[Failure]) -> None:
    """The slow, exact description of structural problems (only run when the scan saw one)."""
    with _open(path) as fh:
        text = fh.read().decode(encoding, errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line_before = 0
    try:
        for fields in reader:
            line = line_before + 1
            line_before = reader.line_num
            if len(fields) == 0 or (len(fields) == 1 and fields[0].strip() == ""):
                continue
            if len(fields) != width:
                failures.append(_failure(name, line, f"(field {min(len(fields), width) + 1})",
                                         "field_count", len(fields),
                                         f"row has {len(fields)} fields, the header has {width}"))
    except csv.Error as exc:
        failures.append(_failure(name, line_before + 1, "(row)", "csv_syntax", "",
                                 f"malformed CSV: {exc}"))


def _decode_failure(path: Path, name: str, encoding: str, failures: list[Failure]) -> None:
    """Find the first lines whose bytes are not valid in ``encoding``."""
    with _open(path) as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as exc:
                bad = raw[exc.start:exc.end]
                failures.append(_failure(
                    name, number, "(bytes)", "utf8" if encoding.replace("-", "") == "utf8"
                    else "encoding", repr(bad),
                    f"bytes {bad!r} are not {encoding}; save the file as UTF-8 or pass its "
                    "encoding"))
                if len(failures) >= 20:
                    return


def _first_record(path: Path, encoding: str) -> list[str] | None:
    with _open(path) as fh:
        head = fh.read(1 << 16)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    for fields in csv.reader(io.StringIO(text, newline="")):
        if fields and any(f.strip() for f in fields):
            return fields
    return None


def read_export(
    path: str | os.PathLike[str],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    text_columns: Sequence[str] = (),
    numeric_columns: Sequence[str] = (),
    aliases: dict[str, str] | None = None,
    lowercase_header: bool = False,
    headerless_layouts: dict[int, Sequence[str]] | None = None,
    encoding: str = "utf-8",
) -> Export:
    """Read the columns an event reader needs from a CSV or gzip CSV export.

    Parameters
    ----------
    path : path
        The export; gzip is recognised by its content, not its name.
    required, optional : sequence of str
        Columns to read; a missing required column is a ``column_present``
        failure, a missing optional one is filled with empty cells.
    text_columns : sequence of str
        Columns read as plain strings (unique ids); the others are read as
        categories, which is what makes a million rows cheap.
    numeric_columns : sequence of str
        Columns read as numbers directly; if one holds a cell that is not a
        number, they are read as categories instead so that the cell can be
        named.
    aliases : dict, optional
        Other names of a column (``best_est`` -> ``best``).
    lowercase_header : bool
        Compare header names case-insensitively (old exports use upper case).
    headerless_layouts : dict, optional
        ``{number of fields: column names}`` for files published without a
        header row; a first row that names none of the required columns and
        has one of these widths is read as data.
    encoding : str
        Text encoding; bytes that are not valid in it are failures.

    Returns
    -------
    Export
        ``failures`` non-empty means the rows cannot be trusted; call
        :func:`raise_if_failed`.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    aliases = aliases or {}
    failures: list[Failure] = []
    empty = Export(name, pd.DataFrame(columns=[*required, *optional]), np.zeros(0, dtype=np.int64),
                   True, failures)
    try:
        first = _first_record(path, encoding)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    if first is None:
        failures.append(_failure(name, 1, "(header)", "not_empty", "",
                                 "the file is empty: expected a header row and data rows"))
        return empty

    def norm(h: str) -> str:
        h = h.strip().lstrip("\ufeff")
        h = h.lower() if lowercase_header else h
        return aliases.get(h, h)

    names = [norm(h) for h in first]
    header = True
    if not set(required) & set(names) and headerless_layouts and len(first) in headerless_layouts:
        names, header = list(headerless_layouts[len(first)]), False
    seen: set[str] = set()
    for h in names:
        if h in seen and h in (*required, *optional):
            failures.append(_failure(name, 1, h, "unique_header", h, f"column {h!r} appears twice"))
        seen.add(h)
    missing = [c for c in required if c not in seen]
    for col in missing:
        hint = ""
        if not set(required) & seen and headerless_layouts:
            widths = ", ".join(str(w) for w in sorted(headerless_layouts))
            hint = (f"; the first row names none of the expected columns and has {len(first)} "
                    f"fields (a file without a header row must have {widths})")
        failures.append(_failure(name, 1, col, "column_present", "",
                                 f"required column {col!r} is missing{hint}"))
    if failures:
        return empty

    width = len(names)
    use = [c for c in (*required, *optional) if c in seen]
    positions = {c: names.index(c) for c in use}

    def kind(c: str, fast: bool) -> object:
        if c in text_columns:
            return object
        return "float64" if fast and c in numeric_columns else "category"

    def parse(fast: bool) -> tuple[pd.DataFrame | None, Exception | None]:
        try:
            return pd.read_csv(
                path, header=None, names=list(range(width)), skiprows=1 if header else 0,
                usecols=list(positions.values()),
                dtype={positions[c]: kind(c, fast) for c in use},
                keep_default_na=False, na_values=[""], encoding=_read_encoding(encoding),
                encoding_errors="strict", compression="gzip" if _is_gzip(path) else None,
                skip_blank_lines=True, index_col=False), None
        except (UnicodeDecodeError, ValueError) as exc:  # ParserError, EmptyDataError too
            return None, exc

    # The byte scan and pandas' parser each take a second or two on a million rows and
    # both release the GIL (numpy's array passes, pandas' tokenizer): the scan runs in a
    # second thread while pandas parses. The scan still decides first: if it sees an
    # anomaly, the parsed frame is discarded and the exact pass describes the problem.
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanning = pool.submit(_scan, path)
        frame, error = parse(True)
        rec_lines, counts, open_quote = scanning.result()
    if open_quote is not None or (counts != width).any():
        _exact_structure(path, name, encoding, width, failures)
        if open_quote is not None and not any(f["check"] == "csv_syntax" for f in failures):
            failures.append(_failure(name, open_quote, "(row)", "csv_syntax", "",
                                     "malformed CSV: a quoted field is never closed"))
        if failures:
            return empty
    data_lines = rec_lines[1:] if header else rec_lines
    if len(data_lines) == 0:
        failures.append(_failure(name, 2 if header else 1, "(row)", "not_empty", "",
                                 "the file has no data rows"))
        return empty
    if isinstance(error, ValueError) and not isinstance(
            error, pd.errors.ParserError | UnicodeDecodeError):
        frame, error = parse(False)   # a number column holds text: read it as text to name it
        if isinstance(error, ValueError) and not isinstance(
                error, pd.errors.ParserError | UnicodeDecodeError):
            failures.append(_failure(name, int(data_lines[0]), "(row)", "csv_syntax", "",
                                     f"malformed CSV: {error}"))
            return empty
    if isinstance(error, UnicodeDecodeError):
        _decode_failure(path, name, encoding, failures)
        return empty
    if isinstance(error, pd.errors.ParserError):  # a row with too many fields, or worse
        _exact_structure(path, name, encoding, width, failures)
        if not failures:
            failures.append(_failure(name, int(data_lines[0]), "(row)", "csv_syntax", "",
                                     f"malformed CSV: {error}"))
        return empty
    frame.columns = [names[i] for i in frame.columns]
    frame = frame[use]
    if len(frame) != len(data_lines):  # stray quotes the scan cannot see: count exactly
        _exact_structure(path, name, encoding, width, failures)
        if failures:
            return empty
        data_lines = np.arange(len(frame)) + (2 if header else 1)
    for col in optional:
        if col not in frame.columns:
            frame[col] = (np.full(len(frame), np.nan) if col in numeric_columns
                          else pd.Categorical.from_codes(np.full(len(frame), -1, dtype=np.int8),
                                                         categories=[]))
    return Export(name, frame.reset_index(drop=True), data_lines, header, failures,
                  frozenset(use))


def _read_encoding(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == _GZIP_MAGIC
