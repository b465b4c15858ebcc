"""Files on disk: atomic writes, byte-stable tables and JSON, hashes and versions.

Every stage writes through these functions, so that

- a failed run never leaves half a file (each file is written to a temporary name in
  its folder and renamed; :func:`write_all` renames only once every file succeeded);
- two runs on the same inputs give identical bytes (CSV with ``\\n`` line ends, JSON
  with sorted keys, no timestamps);
- provenance records name each file by its sha256 and each package by its version;
- files get the permissions any other tool's would (``0666`` less the umask), and a
  temporary file left by a killed run is removed by the next run that writes the file;
- a stage's folder is replaced as a set (:func:`write_table_set`): its ``set.json``,
  written last, names each table's sha256 and the inputs it was built from, and
  :func:`read_table_set` refuses a folder that an interrupted run left half-written,
  whose tables come from different runs, or that was built from another corpus;
- no text cell becomes a live spreadsheet formula: a CSV cell (or an xlsx cell, through
  :func:`neutralise_formulas`) starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe, as OWASP's CSV-injection guidance says
  (numbers such as ``-0.5`` are left alone).

Example
-------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> path = write_table(pd.DataFrame({"doc_id": ["000"], "n": [1]}), folder / "t.csv")
>>> path.read_text()
'doc_id,n\\n000,1\\n'
>>> sha256_file(path) == sha256_bytes(path.read_bytes())
True
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from analysis.errors import OutputError

__all__ = ["SET_FILE", "collect_versions", "neutralise_formulas", "read_table_set", "restore_formulas", "sha256_bytes",
           "sha256_file", "write_all", "write_atomic", "write_json", "write_table", "write_table_set", "write_tables",
           "write_text"]

SET_FILE = "set.json"

_FORMULA = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise_formulas(df: pd.DataFrame, starts: str = "=+-@\t\r") -> pd.DataFrame:
    """The table with every text cell a spreadsheet would run as a formula made inert.

    A cell starting with one of ``starts`` gets a leading apostrophe (``=HYPERLINK(...)``
    becomes ``'=HYPERLINK(...)``); plain numbers written as text (``-0.5``, ``+3%``) are
    left alone. :func:`restore_formulas` undoes it when a sheet is read back.

    Example
    -------
    >>> neutralise_formulas(pd.DataFrame({"t": ["=1+1", "-0.5", "좋다"]}))["t"].tolist()
    ["'=1+1", '-0.5', '좋다']
    """
    out = df
    for col in df.columns:
        values = df[col]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        risky = [isinstance(v, str) and v[:1] in starts and v[:1] != "" and not _NUMBER.fullmatch(v) for v in values]
        if any(risky):
            if out is df:
                out = df.copy()
            out[col] = ["'" + v if r else v for v, r in zip(values, risky)]
    return out


def restore_formulas(values: pd.Series) -> pd.Series:
    """Undo :func:`neutralise_formulas` on a column read back from a sheet."""
    return values.map(lambda v: v[1:] if isinstance(v, str) and v[:1] == "'" and _FORMULA.match(v[1:2] or "x")
                      else v)


_CANNOT_WRITE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files an interrupted run left for ``path`` (never renamed, so never trusted)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass


def write_all(writers: dict[Path, Callable[[str], object]],
              before_rename: Callable[[], object] | None = None) -> dict[Path, Path]:
    """Run every ``write(tmp_path)`` first and rename only when all have succeeded.

    Outputs that belong together (a report and the documents it describes) appear
    together or not at all: a failure in any of them leaves every earlier file as it was.
    ``before_rename`` runs once everything is written, just before the renames.
    """
    staged: dict[Path, str] = {}
    mode = 0o666 & ~_umask()  # mkstemp makes 0600 files; outputs follow the umask like any tool's
    try:
        for path, write in writers.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_temporaries(path)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(fd)
            staged[path] = tmp
            write(tmp)
            os.chmod(tmp, mode)
        if before_rename is not None:
            before_rename()
        for path, tmp in staged.items():
            os.replace(tmp, path)
    except OSError as error:
        if error.errno in _CANNOT_WRITE:
            raise OutputError(error.errno, f"cannot write {path}: {os.strerror(error.errno)}") from None
        raise
    finally:
        for tmp in staged.values():
            if os.path.exists(tmp):
                os.remove(tmp)
    return {path: path for path in writers}


def write_atomic(path: str | Path, write: Callable[[str], object]) -> Path:
    """Call ``write(tmp_path)`` then rename onto ``path``, so a failed run leaves old files intact."""
    return write_all({Path(path): write})[Path(path)]


def write_text(text: str, path: str | Path) -> Path:
    """Write UTF-8 text atomically."""
    return write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def write_json(payload: dict, path: str | Path, *, compact: bool = False) -> Path:
    """Write JSON atomically and byte-stable: sorted keys, UTF-8 (Korean unescaped).

    ``compact`` drops the indentation (for payloads embedded in pages).
    """
    if compact:
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=2, default=str) + "\n"
    return write_text(text, path)


ROW_GROUP_BYTES = 32_000_000


def _row_group_rows(df: pd.DataFrame) -> int:
    """Rows per parquet row group, about ``ROW_GROUP_BYTES`` in memory each (estimated on
    the first rows), so a reader can stream a large table a group at a time: a few
    thousand documents, or hundreds of thousands of morphemes."""
    sample = df.head(1000)
    per_row = sample.memory_usage(index=False, deep=True).sum() / max(len(sample), 1)
    return int(min(1_000_000, max(1_000, ROW_GROUP_BYTES / max(per_row, 1))))


def _table_writer(df: pd.DataFrame | Callable[[str], object], path: Path, float_decimals: int | None):
    if callable(df):  # a table too large to hold, written by its own function to the path given
        return df
    if path.suffix == ".parquet":
        return lambda tmp: df.to_parquet(tmp, index=False, row_group_size=_row_group_rows(df))
    float_format = None if float_decimals is None else f"%.{float_decimals}f"
    return lambda tmp: neutralise_formulas(df).to_csv(tmp, index=False, lineterminator="\n", float_format=float_format)


def write_tables(tables: dict[str | Path, pd.DataFrame], *, float_decimals: int | None = None,
                 before_rename: Callable[[], object] | None = None) -> dict[Path, Path]:
    """Write several tables (parquet or CSV by suffix) all or none; see :func:`write_all`.

    ``float_decimals`` fixes the decimals of floats in CSV files.
    """
    return write_all({Path(p): _table_writer(df, Path(p), float_decimals) for p, df in tables.items()},
                     before_rename)


def write_table(df: pd.DataFrame, path: str | Path, *, float_decimals: int | None = None) -> Path:
    """Write one table as parquet or CSV (by suffix), atomically and byte-stable."""
    return write_tables({path: df}, float_decimals=float_decimals)[Path(path)]


def write_table_set(folder: str | Path, tables: dict[str, pd.DataFrame], *,
                    built_from: dict[str, str | Path] | None = None, float_decimals: int | None = None) -> dict[str, Path]:
    """Replace a folder's tables as one set: ``{"documents.parquet": df, ...}``; a value
    may instead be a function that writes the table to the path it is given (a table too
    large to hold in memory, e.g. :meth:`analysis.text.TextDataset.write_table`).

    Every table is written to a temporary name first: a failure there leaves the previous
    set as it was, still whole. Then ``set.json`` is removed, the tables renamed into
    place, and ``set.json`` written again, naming every table with its sha256 and every
    input in ``built_from`` (e.g. ``{"documents": path}``) with its sha256; a run killed
    during the renames leaves no ``set.json``, so :func:`read_table_set` refuses the
    folder instead of mixing tables of two runs. Tables of the previous set that this
    one does not have are removed.
    """
    folder = Path(folder)
    marker = folder / SET_FILE
    previous = json.loads(marker.read_text(encoding="utf-8")).get("files", {}) if marker.exists() else {}
    written = write_tables({folder / name: df for name, df in tables.items()}, float_decimals=float_decimals,
                           before_rename=lambda: marker.unlink(missing_ok=True))
    for name in set(previous) - set(tables):
        (folder / name).unlink(missing_ok=True)
    record = {"files": {path.name: sha256_file(path) for path in written},
              "built_from": {key: {"path": Path(os.path.relpath(path, folder)).as_posix(), "sha256": sha256_file(path)}
                             for key, path in (built_from or {}).items()}}
    write_json(record, marker)
    return {path.name: path for path in written}


def read_table_set(folder: str | Path, names: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Read tables of a set written by :func:`write_table_set`, after checking it is whole
    (:func:`locate_table_set`). Keys of the result drop the suffix."""
    return {name.rsplit(".", 1)[0]: pd.read_parquet(path) if name.endswith(".parquet") else pd.read_csv(
        path, dtype={"doc_id": str}, keep_default_na=False) for name, path in locate_table_set(folder, names).items()}


def locate_table_set(folder: str | Path, names: Iterable[str]) -> dict[str, Path]:
    """The paths of tables of a set written by :func:`write_table_set`, after checking it
    is whole, for a reader that streams them.

    Refused, with the step to rerun: a folder without ``set.json`` (its run did not
    finish, or wrote it by hand), a table missing or changed since the set was written
    (a later run was interrupted), an input in ``built_from`` that has changed since
    (the tables belong to another corpus).
    """
    from analysis.errors import InputError

    folder = Path(folder)
    marker = folder / SET_FILE
    if not marker.exists():
        raise InputError(f"{folder}: no {SET_FILE}: the run that wrote this folder did not finish (or wrote it "
                         "with another tool); rerun the step that writes it")
    record = json.loads(marker.read_text(encoding="utf-8"))
    out = {}
    for name in names:
        path = folder / name
        expected = record["files"].get(name)
        if expected is None or not path.exists() or sha256_file(path) != expected:
            raise InputError(f"{path}: not the table its set was written with (a later run was interrupted, or "
                             "the file was changed); rerun the step that writes it")
        out[name] = path
    for key, source in record.get("built_from", {}).items():
        path = folder / source["path"]
        if not path.exists() or sha256_file(path) != source["sha256"]:
            raise InputError(f"{folder}: built from another version of {path} ({key}); rerun the step that "
                             "writes this folder")
    return out


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def collect_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed version of each distribution; ``""`` for one that is not installed.

    Example
    -------
    >>> collect_versions(["pandas", "no-such-distribution"])["no-such-distribution"]
    ''
    """
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = ""
    return versions
