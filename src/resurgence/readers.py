"""Read observation CSV files without trusting them.

Every problem is reported as a failure naming the file, the line (the header is
line 1), the column and the rule, instead of a parser traceback: non-UTF-8
bytes, an empty file or one with a header and no rows, a missing or unknown
column, a row with the wrong number of fields, an unterminated quote (naming the
field it opened in), a date that does not exist, a number that is not a number or
is not written in plain digits (``1e3``, ``inf``). Rows that parse are returned
typed, with ``_file`` and ``_line`` bookkeeping columns so later checks can point
back at the cell.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .schemas import OBSERVATION_COLUMNS, REQUIRED_COLUMNS

__all__ = ["discover_files", "read_observation_file", "Failure"]

Failure = dict  # keys: file, row, column, check, value, message

_DATE_COLUMNS = ("start", "end")
_NUMBER_COLUMNS = ("value", "date_error_days")
#: Numbers are written in plain decimal digits (an optional sign and decimal part): a
#: count is the number as the source states it, so ``1e3``, ``inf`` or ``1_000`` are
#: typing errors, not numbers to interpret.
_PLAIN_DECIMAL = r"[+-]?(\d+(\.\d*)?|\.\d+)"


def _failure(file: str, row: int, column: str, check: str, value: object, message: str) -> Failure:
    return {"file": file, "row": row, "column": column, "check": check, "value": value,
            "message": message}


def discover_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand directories to their ``*.csv`` files (sorted); keep files as given.

    Raises
    ------
    InputError
        If a path does not exist, or a directory holds no CSV file.
    """
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(path.glob("*.csv"))
            if not found:
                raise InputError(f"{path}: no .csv files in this folder")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return out


def _decode(raw: bytes, name: str, failures: list[Failure]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.end]
        failures.append(_failure(name, line, "(bytes)", "utf8", repr(bad),
                                 f"bytes {bad!r} are not UTF-8; save the file as UTF-8"))
        # Keep going so the failing cell can be named and other problems reported too.
        return raw.decode("utf-8-sig", errors="surrogateescape")


_SURROGATE = re.compile("[\udc80-\udcff]")


def _has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def read_observation_file(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, list[Failure]]:
    """Parse one observation file into typed columns plus a list of failures.

    Returns
    -------
    frame : pandas.DataFrame
        The rows that could be parsed, typed (dates as timestamps, numbers as
        floats, empty optional text as NaN), with ``_file`` and ``_line``, and
        ``_value_text`` / ``_date_error_days_text`` holding the numbers as written
        (so a message can show ``-3`` as the file has it, not ``-3.0``).
    failures : list of dict
        One entry per problem: ``file, row, column, check, value, message``.
    """
    path = Path(path)
    name = str(path)
    failures: list[Failure] = []
    empty = pd.DataFrame(columns=[*OBSERVATION_COLUMNS, "_file", "_line"])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text = _decode(raw, name, failures)
    if not text.strip():
        failures.append(_failure(name, 1, "(header)", "not_empty", "",
                                 "the file is empty: expected a header row and data rows"))
        return empty, failures

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    line_before = 0
    try:
        for fields in reader:
            records.append((line_before + 1, fields))
            line_before = reader.line_num
    except csv.Error as exc:
        header = records[0][1] if records else []
        field = _open_quote_field(text, line_before)
        column = ("(row)" if field is None else
                  header[field].strip() if field < len(header) else f"(field {field + 1})")
        failures.append(_failure(name, line_before + 1, column, "csv_syntax", "",
                                 f"malformed CSV: {exc}" + ("" if field is None else
                                 f" (the quoted field {column!r} opened on this line)")))
    if not records:
        failures.append(_failure(name, 1, "(header)", "not_empty", "", "no header row"))
        return empty, failures

    header = [h.strip() for h in records[0][1]]
    header_ok = True
    seen: set[str] = set()
    for h in header:
        if h in seen:
            failures.append(_failure(name, 1, h, "unique_header", h, f"column {h!r} appears twice"))
            header_ok = False
        seen.add(h)
        if h not in OBSERVATION_COLUMNS:
            failures.append(_failure(name, 1, h, "known_column", h,
                                     f"unknown column {h!r}; expected {', '.join(OBSERVATION_COLUMNS)}"))
            header_ok = False
    for col in REQUIRED_COLUMNS:
        if col not in seen:
            failures.append(_failure(name, 1, col, "column_present", "",
                                     f"required column {col!r} is missing"))
            header_ok = False
    if not header_ok:
        return empty, failures  # rows cannot be read reliably against a broken header

    rows, lines = [], []
    for line, fields in records[1:]:
        if not fields or (len(fields) == 1 and fields[0].strip() == ""):
            continue  # blank line
        if len(fields) != len(header):
            col = header[len(fields)] if len(fields) < len(header) else f"(field {len(fields)})"
            failures.append(_failure(name, line, col, "field_count", len(fields),
                                     f"row has {len(fields)} fields, the header has {len(header)}"))
            continue
        rows.append(fields)
        lines.append(line)
    if not rows and not any(f["row"] is not None and f["row"] > 1 for f in failures):
        failures.append(_failure(name, 1, "(rows)", "not_empty", "",
                                 "the file has a header but no data rows: a data file must "
                                 "hold at least one observation"))
        return empty, failures
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    for col in OBSERVATION_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame[list(OBSERVATION_COLUMNS)]
    frame["_file"] = name
    frame["_line"] = lines

    bad_cells: set[tuple[int, str]] = set()
    # undecodable bytes were kept as lone surrogates; only then look cell by cell
    for i, rec in enumerate(frame.itertuples(index=False) if _has_surrogates(text) else ()):
        for col in OBSERVATION_COLUMNS:
            value = getattr(rec, col)
            if _has_surrogates(value):
                shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                failures.append(_failure(name, lines[i], col, "utf8", shown,
                                         "cell holds bytes that are not UTF-8; save the file as UTF-8"))
                bad_cells.add((i, col))
    return _coerce(frame, name, failures, bad_cells), failures


def _open_quote_field(text: str, line_before: int) -> int | None:
    """0-based index of the quoted field that broke the record starting after
    ``line_before`` lines (a quote never closed, or text after a closing quote)."""
    lines = io.StringIO(text, newline="").readlines()  # the lines csv.reader counts
    record = "".join(lines[line_before:])
    field, i, n = 0, 0, len(record)
    while i < n:
        if record[i] == '"':  # a quoted field: find its closing quote
            j = i + 1
            while True:
                j = record.find('"', j)
                if j < 0:
                    return field  # never closed
                if j + 1 < n and record[j + 1] == '"':
                    j += 2  # escaped quote
                    continue
                break
            i = j + 1
            if i < n and record[i] not in ",\r\n":
                return field  # text after the closing quote
        else:
            while i < n and record[i] not in ',\r\n':
                i += 1
        if i >= n or record[i] in "\r\n":
            return None
        field += 1
        i += 1
    return None


def _coerce(frame: pd.DataFrame, name: str, failures: list[Failure],
            bad_cells: set[tuple[int, str]]) -> pd.DataFrame:
    """Strings -> typed columns; every cell that does not convert becomes a failure."""
    out = frame.copy()
    text = out[list(OBSERVATION_COLUMNS)].apply(lambda s: s.str.strip())
    lines = out["_line"].tolist()
    for col in OBSERVATION_COLUMNS:
        s = text[col]
        if col in _DATE_COLUMNS:
            parsed = pd.to_datetime(s.where(s != ""), format="%Y-%m-%d", errors="coerce")
            for i in np.flatnonzero(parsed.isna().to_numpy() & (s != "").to_numpy()):
                if (i, col) not in bad_cells:
                    failures.append(_failure(name, lines[i], col, "iso_date", s.iat[i],
                                             f"{s.iat[i]!r} is not a valid date (YYYY-MM-DD)"))
            out[col] = parsed
        elif col in _NUMBER_COLUMNS:
            parsed = pd.to_numeric(s.where(s != ""), errors="coerce")
            plain = s.str.fullmatch(_PLAIN_DECIMAL).to_numpy(dtype=bool)
            for i in np.flatnonzero((s != "").to_numpy() & ~plain):
                if (i, col) in bad_cells:
                    continue
                if pd.isna(parsed.iat[i]):
                    failures.append(_failure(name, lines[i], col, "numeric", s.iat[i],
                                             f"{s.iat[i]!r} is not a number"))
                else:
                    failures.append(_failure(
                        name, lines[i], col, "plain_decimal", s.iat[i],
                        f"{s.iat[i]!r} is not written in plain digits: write numbers as digits, "
                        "e.g. 1000 (no exponent such as 1e3, no inf, no digit separators)"))
                    bad_cells.add((i, col))
            out[col] = parsed.where(plain | (s == "")).astype(float)
            out[f"_{col}_text"] = s.astype(object)  # the cell as written, for messages
        else:
            out[col] = s.where(s != "", np.nan).astype(object)
        if col in REQUIRED_COLUMNS and col != "start":
            for i in np.flatnonzero((s == "").to_numpy()):
                failures.append(_failure(name, lines[i], col, "required", "",
                                         f"{col} is required"))
    return out
