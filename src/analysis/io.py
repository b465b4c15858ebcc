"""Files on disk: atomic writes, byte-stable tables and JSON, hashes and versions.

Every stage writes through these functions, so that

- a failed run never leaves half a file (each file is written to a temporary name in
  its folder and renamed; :func:`write_all` renames only once every file succeeded);
- two runs on the same inputs give identical bytes (CSV with ``\\n`` line ends, JSON
  with sorted keys, no timestamps);
- provenance records name each file by its sha256 and each package by its version.

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

import hashlib
import importlib.metadata
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

__all__ = ["collect_versions", "sha256_bytes", "sha256_file", "write_all", "write_atomic", "write_json",
           "write_table", "write_tables", "write_text"]


def write_all(writers: dict[Path, Callable[[str], object]]) -> dict[Path, Path]:
    """Run every ``write(tmp_path)`` first and rename only when all have succeeded.

    Outputs that belong together (a report and the documents it describes) appear
    together or not at all: a failure in any of them leaves every earlier file as it was.
    """
    staged: dict[Path, str] = {}
    try:
        for path, write in writers.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(fd)
            staged[path] = tmp
            write(tmp)
        for path, tmp in staged.items():
            os.replace(tmp, path)
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


def _table_writer(df: pd.DataFrame, path: Path, float_decimals: int | None):
    if path.suffix == ".parquet":
        return lambda tmp: df.to_parquet(tmp, index=False)
    float_format = None if float_decimals is None else f"%.{float_decimals}f"
    return lambda tmp: df.to_csv(tmp, index=False, lineterminator="\n", float_format=float_format)


def write_tables(tables: dict[str | Path, pd.DataFrame], *, float_decimals: int | None = None) -> dict[Path, Path]:
    """Write several tables (parquet or CSV by suffix) all or none; see :func:`write_all`.

    ``float_decimals`` fixes the decimals of floats in CSV files.
    """
    return write_all({Path(p): _table_writer(df, Path(p), float_decimals) for p, df in tables.items()})


def write_table(df: pd.DataFrame, path: str | Path, *, float_decimals: int | None = None) -> Path:
    """Write one table as parquet or CSV (by suffix), atomically and byte-stable."""
    return write_tables({path: df}, float_decimals=float_decimals)[Path(path)]


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
