"""Read a corpus from disk and account for every input.

A corpus is three tables:

- ``documents``: one row per included document (``doc_id``, ``title``, ``text`` = the
  cleaned body with one paragraph per line, manifest metadata, ``source``, ``encoding``);
- ``audit``: every line the cleaner removed (``doc_id``, ``line``, ``text``, ``rule``);
- ``report``: one row per input (``source``, ``doc_id``, ``status``, ``reason``, ...),
  so that the number of inputs always equals included + excluded.

Text is decoded with a fixed cascade that holds on short Korean text (BOM, strict UTF-8,
strict CP949, then charset-normalizer) and normalised to NFC, because NFD Hangul from
macOS silently breaks regular expressions and the morphological analyser.

Example
-------
>>> corpus = load_corpus(["data/raw"], manifest="data/raw/manifest.csv")  # doctest: +SKIP
>>> corpus.report.status.value_counts().to_dict()  # doctest: +SKIP
{'included': 5}
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.cleaning import clean_page

REPORT_COLUMNS = ["source", "doc_id", "status", "reason", "encoding", "n_chars_raw", "n_chars_clean", "n_lines_removed"]
AUDIT_COLUMNS = ["doc_id", "line", "text", "rule"]
_HANGUL = re.compile(r"[가-힣]")
# Zero-width and byte-order characters become tokens in Kiwi; NBSP breaks splitting.
_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\xa0": " "})


class CorpusError(ValueError):
    """An input that cannot be read at all (as opposed to one that is excluded)."""


@dataclass(frozen=True)
class Corpus:
    """The three tables of a loaded corpus; see the module docstring."""

    documents: pd.DataFrame
    audit: pd.DataFrame
    report: pd.DataFrame


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode raw bytes to NFC text and name the encoding that worked.

    Raises :class:`CorpusError` for binary data or bytes no Korean encoding decodes.

    Example
    -------
    >>> decode_bytes("광주".encode("cp949"))
    ('광주', 'cp949')
    >>> decode_bytes("\\ufeff광주".encode("utf-8"))
    ('광주', 'utf-8-sig')
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-8-sig" if data.startswith(b"\xef") else "utf-16"
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError as error:
            raise CorpusError(f"invalid {encoding} after its byte-order mark: {error.reason}") from None
    elif b"\x00" in data:
        raise CorpusError("binary file (contains NUL bytes)")
    else:
        text = encoding = None
        for candidate in ("utf-8", "cp949"):
            try:
                text, encoding = data.decode(candidate, errors="strict"), candidate
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                raise CorpusError("undetectable encoding")
            text, encoding = str(best), best.encoding
    return normalise_text(text), encoding


def normalise_text(text: str) -> str:
    """NFC-normalise and drop invisible characters that confuse tokenisers.

    Example
    -------
    >>> normalise_text(unicodedata.normalize("NFD", "한국\\u200b어")) == "한국어"
    True
    """
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE)


def read_text_file(path: str | Path) -> tuple[str, str]:
    """Read one file with :func:`decode_bytes`; returns ``(text, encoding)``."""
    return decode_bytes(Path(path).read_bytes())


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read a manifest CSV with at least ``doc_id`` and ``file``; every column as text.

    Ids such as ``000`` or ``01100201.20210303093000002`` must stay text, never numbers.
    """
    manifest = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = {"doc_id", "file"} - set(manifest.columns)
    if missing:
        raise CorpusError(f"{path}: manifest lacks column(s) {sorted(missing)}")
    duplicated = manifest.loc[manifest.doc_id.duplicated(), "doc_id"].tolist()
    if duplicated:
        raise CorpusError(f"{path}: duplicate doc_id in manifest: {duplicated}")
    manifest["file"] = manifest["file"].map(lambda f: unicodedata.normalize("NFC", f))
    return manifest


def _list_files(sources: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """``(path, label)`` pairs; the label is relative to the source folder, so reports
    do not depend on where the corpus sits on disk."""
    files: dict[Path, str] = {}
    for source in sources:
        source = Path(source)
        if source.is_dir():
            for p in source.rglob("*.txt"):
                if p.is_file():
                    files[p] = p.relative_to(source).as_posix()
        elif source.is_file():
            files[source] = source.name
        else:
            raise CorpusError(f"{source}: no such file or folder")
    return sorted(files.items(), key=lambda item: (item[1], item[0].as_posix()))


def load_corpus(sources: Iterable[str | Path], manifest: str | Path | None = None) -> Corpus:
    """Read, decode, clean and account for every .txt page under ``sources``.

    Without a manifest, ``doc_id`` is the file name without extension. With one, its
    row (matched on the file name) gives ``doc_id`` and metadata; files without a row
    are still included under their file stem, and rows whose file is absent are
    reported as excluded.

    Example
    -------
    >>> corpus = load_corpus(["data/raw"], manifest="data/raw/manifest.csv")  # doctest: +SKIP
    >>> list(corpus.documents.columns[:3])  # doctest: +SKIP
    ['doc_id', 'title', 'text']
    """
    meta = read_manifest(manifest) if manifest is not None else None
    by_file = {} if meta is None else {row["file"]: row for row in meta.to_dict("records")}
    documents, audits, report = [], [], []
    seen_ids: dict[str, str] = {}
    seen_files: set[str] = set()
    for path, label in _list_files(sources):
        name = unicodedata.normalize("NFC", path.name)
        row = {"source": unicodedata.normalize("NFC", label), "doc_id": "", "status": "excluded", "reason": "",
               "encoding": "", "n_chars_raw": 0, "n_chars_clean": 0, "n_lines_removed": 0}
        report.append(row)
        meta_row = by_file.get(name)
        if meta_row is not None:
            seen_files.add(name)
        doc_id = meta_row["doc_id"] if meta_row is not None else unicodedata.normalize("NFC", path.stem)
        row["doc_id"] = doc_id
        try:
            raw, row["encoding"] = read_text_file(path)
        except CorpusError as error:
            row["reason"] = str(error)
            continue
        row["n_chars_raw"] = len(raw)
        if not raw.strip():
            row["reason"] = "empty file"
            continue
        if not _HANGUL.search(raw):
            row["reason"] = "no Korean text"
            continue
        if doc_id in seen_ids:
            row["reason"] = f"duplicate doc_id (first seen in {seen_ids[doc_id]})"
            continue
        cleaned = clean_page(raw)
        if not cleaned.body:
            row["reason"] = "no article text left after cleaning"
            continue
        seen_ids[doc_id] = row["source"]
        row.update(status="included", n_chars_clean=len(cleaned.body), n_lines_removed=len(cleaned.removed))
        if meta is not None and meta_row is None:
            row["reason"] = "no manifest row: metadata left empty"
        doc = {"doc_id": doc_id, "title": cleaned.title, "text": cleaned.body}
        if meta_row is not None:
            doc.update({k: v for k, v in meta_row.items() if k not in ("doc_id", "file")})
            doc["title"] = meta_row.get("title") or cleaned.title
        doc.update(source=row["source"], encoding=row["encoding"], n_chars_raw=len(raw))
        documents.append(doc)
        audits.append(cleaned.removed.assign(doc_id=doc_id))
    if meta is not None:
        for file_name, meta_row in by_file.items():
            if file_name not in seen_files:
                report.append({"source": file_name, "doc_id": meta_row["doc_id"], "status": "excluded",
                               "reason": "listed in manifest but file not found", "encoding": "",
                               "n_chars_raw": 0, "n_chars_clean": 0, "n_lines_removed": 0})
    docs = pd.DataFrame(documents)
    if docs.empty:
        docs = pd.DataFrame(columns=["doc_id", "title", "text", "source", "encoding", "n_chars_raw"])
    docs = docs.fillna("")
    audit = pd.concat(audits, ignore_index=True)[AUDIT_COLUMNS] if audits else pd.DataFrame(columns=AUDIT_COLUMNS)
    return Corpus(documents=docs.reset_index(drop=True), audit=audit, report=pd.DataFrame(report, columns=REPORT_COLUMNS))


def write_atomic(path: str | Path, write) -> Path:
    """Call ``write(tmp_path)`` then rename onto ``path``, so a failed run leaves old files intact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as parquet or CSV (by suffix), atomically and byte-stable.

    Example
    -------
    >>> write_table(pd.DataFrame({"doc_id": ["000"]}), "/tmp/t.csv")  # doctest: +SKIP
    """
    path = Path(path)
    if path.suffix == ".parquet":
        return write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False))
    return write_atomic(path, lambda tmp: df.to_csv(tmp, index=False, lineterminator="\n"))


def write_corpus(corpus: Corpus, out_dir: str | Path) -> dict[str, Path]:
    """Write ``documents.parquet``, ``cleaning_audit.csv`` and ``report.csv`` into ``out_dir``."""
    out = Path(out_dir)
    return {
        "documents": write_table(corpus.documents, out / "documents.parquet"),
        "audit": write_table(corpus.audit, out / "cleaning_audit.csv"),
        "report": write_table(corpus.report, out / "report.csv"),
    }
