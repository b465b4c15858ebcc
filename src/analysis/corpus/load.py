"""Load a corpus: read every input, judge it, clean it, merge duplicates, account for all.

The stage's model is in :mod:`analysis.corpus`. Here each input record is judged
(unreadable, empty, without Hangul or with a taken id: *excluded*, with the reason),
its text cleaned (pages by the page cleaner, table rows only tidied), and exact and
near duplicates *merged* into one canonical copy; the report has one row per input.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.corpus.dedup import DEDUP_THRESHOLD, find_duplicates
from analysis.corpus.importers import (HANGUL, MAX_BYTES, Columns, CorpusError, Record, decode_bytes, iter_source,
                                       normalise_text, parse_date)
from analysis.io import write_table_set

REPORT_COLUMNS = ["source", "doc_id", "status", "reason", "title", "format", "encoding", "published", "n_chars_raw",
                  "n_chars_clean", "n_lines_removed", "duplicate_of", "similarity"]
AUDIT_COLUMNS = ["doc_id", "line", "text", "rule"]
MAX_MB = MAX_BYTES / 1e6

__all__ = ["AUDIT_COLUMNS", "MAX_MB", "REPORT_COLUMNS", "Corpus", "load_corpus", "read_manifest", "read_text_file",
           "tidy_text", "write_corpus"]


@dataclass(frozen=True)
class Corpus:
    """The three tables of a loaded corpus; see the module docstring."""

    documents: pd.DataFrame
    audit: pd.DataFrame
    report: pd.DataFrame


def read_text_file(path: str | Path) -> tuple[str, str]:
    """Read one file with :func:`decode_bytes`; returns ``(text, encoding)``."""
    return decode_bytes(Path(path).read_bytes())


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read a manifest CSV with at least ``doc_id`` and ``file``; every column as text.

    Any encoding :func:`decode_bytes` detects is accepted (Excel saves CSV as CP949).
    Ids such as ``000`` or ``01100201.20210303093000002`` must stay text, never numbers.

    Example
    -------
    >>> read_manifest("data/raw/manifest.csv").doc_id.iloc[0]  # doctest: +SKIP
    '000'
    """
    text, _ = read_text_file(path)
    manifest = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    manifest.columns = [c.strip() for c in manifest.columns]
    missing = {"doc_id", "file"} - set(manifest.columns)
    if missing:
        raise CorpusError(f"{path}: manifest lacks column(s) {sorted(missing)}")
    duplicated = manifest.loc[manifest.doc_id.duplicated(), "doc_id"].tolist()
    if duplicated:
        raise CorpusError(f"{path}: duplicate doc_id in manifest: {duplicated}")
    manifest["file"] = manifest["file"].map(lambda f: unicodedata.normalize("NFC", f.strip()))
    return manifest


def tidy_text(text: str) -> str:
    """The light path for article bodies from tables: one paragraph per line, white
    space collapsed, blank lines dropped; nothing else is removed.

    Example
    -------
    >>> tidy_text("\\n\\n첫  문단\\r\\n\\n  둘째 문단 ")
    '첫 문단\\n둘째 문단'
    """
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _attach_manifest(records: Iterable[Record], manifest: pd.DataFrame) -> Iterator[Record]:
    """Give page records their manifest row (matched on file name, or on the path
    relative to the source folder), then a record for every row whose file is absent."""
    rows = {row["file"]: row for row in manifest.to_dict("records")}
    used: set[str] = set()
    for record in records:
        key = record.source if record.source in rows else record.source.rsplit("/", 1)[-1]
        row = rows.get(key) if record.kind == "page" else None
        if record.kind == "page" and row is None:
            record.notes.append("no manifest row: metadata left empty")
        elif row is not None:
            used.add(key)
            record.doc_id = row["doc_id"]
            record.title = row.get("title", "")
            record.meta = {k: v for k, v in row.items() if k not in ("doc_id", "file", "title")}
        yield record
    yield from (Record(source=f, doc_id=row["doc_id"], format=Path(f).suffix.lower().lstrip("."),
                       error="listed in manifest but file not found") for f, row in rows.items() if f not in used)


def iter_records(sources: Iterable[str | Path], manifest: str | Path | None = None, *, columns: Columns | None = None,
                 max_bytes: int = MAX_BYTES) -> Iterator[Record]:
    """Every input of ``sources`` as a record, in report order, read as it is reached
    (:func:`analysis.corpus.importers.iter_source`), with the manifest's rows attached."""
    sources = list(sources)
    for source in sources:
        if not Path(source).exists():
            raise CorpusError(f"{source}: no such file or folder")
    records = (record for source in sources for record in iter_source(source, columns, max_bytes))
    return _attach_manifest(records, read_manifest(manifest)) if manifest is not None else records


def judge_record(record: Record, seen_ids: dict[str, str], clean: bool | None) -> tuple[dict, dict | None,
                                                                                  pd.DataFrame | None]:
    """Decide one record: its report row, and its document and audit when included."""
    row = {"source": record.source, "doc_id": record.doc_id, "status": "excluded", "reason": record.error, "title": "",
           "format": record.format, "encoding": record.encoding, "published": "",
           "n_chars_raw": len(record.text), "n_chars_clean": 0, "n_lines_removed": 0, "duplicate_of": "",
           "similarity": float("nan")}
    nothing = (row, None, None)
    if record.error:
        return nothing
    if not record.text.strip():
        row["reason"] = "empty file" if record.kind == "page" else "empty text"
        return nothing
    if not HANGUL.search(record.text):
        row["reason"] = "no Korean text"
        return nothing
    if record.doc_id in seen_ids:
        row["reason"] = f"duplicate doc_id (first seen in {seen_ids[record.doc_id]})"
        return nothing
    notes = list(record.notes)
    meta = dict(record.meta)
    raw_date = meta.pop("published", "")
    try:
        row["published"] = parse_date(raw_date)
    except ValueError as error:
        notes.append(f"{error}: published left empty")
    if (record.kind == "page") if clean is None else clean:
        # Cleaning a table cell treats it as a whole scraped page, headline included.
        from analysis.corpus.cleaning import clean_page  # its many patterns compile only when a page is cleaned

        cleaned = clean_page(record.text)
        title, body, removed = record.title or cleaned.title, cleaned.body, cleaned.removed
    else:
        title, body, removed = record.title, tidy_text(record.text), None
    if not body:
        row["reason"] = "no article text left after cleaning"
        return nothing
    seen_ids[record.doc_id] = record.source
    row.update(status="included", reason="; ".join(notes), title=title, n_chars_clean=len(body),
               n_lines_removed=0 if removed is None else len(removed))
    doc = {"doc_id": record.doc_id, "title": title, "text": body, **meta, "published": row["published"]}
    if raw_date or "published" in record.meta:
        doc["published_raw"] = raw_date
    doc.update(source=record.source, encoding=record.encoding, n_chars_raw=len(record.text))
    audit = None if removed is None or removed.empty else removed.assign(doc_id=record.doc_id)
    return row, doc, audit


def mark_duplicates(report: pd.DataFrame, duplicates: pd.DataFrame) -> None:
    """Mark the duplicates :func:`analysis.corpus.dedup.find_duplicates` found as merged
    in the report (in place), and their canonical copies with how many they stand for."""
    if duplicates.empty:
        return
    included = report.status.eq("included")
    position = pd.Series(report.index[included], index=report.loc[included, "doc_id"])
    where = position[duplicates.doc_id].to_numpy()
    exact = duplicates.similarity.eq(1.0).to_numpy()
    report.loc[where, "status"] = "merged"
    report.loc[where, "duplicate_of"] = duplicates.duplicate_of.to_numpy()
    report.loc[where, "similarity"] = duplicates.similarity.to_numpy()
    # Notes from reading (an unreadable date, say) stay after the duplicate's reason.
    report.loc[where, "reason"] = [f"{'exact' if e else 'near'} duplicate of {c}" + (f"; {r}" if r else "")
                                   for e, c, r in zip(exact, duplicates.duplicate_of, report.loc[where, "reason"])]
    sizes = duplicates.duplicate_of.value_counts()
    canon = position[sizes.index].to_numpy()
    notes = [f"canonical copy for {n} duplicate(s)" for n in sizes]
    report.loc[canon, "reason"] = [f"{r}; {n}" if r else n for r, n in zip(report.loc[canon, "reason"], notes)]


def fill_source_type(docs: pd.DataFrame, source_type: str | None) -> pd.DataFrame:
    """Give ``source_type`` to the documents that do not name one (in place; returned)."""
    if source_type:
        # In a speech, text outside quotation marks is the speaker's own words.
        given = docs["source_type"].astype(str).str.strip() if "source_type" in docs else pd.Series("", index=docs.index)
        docs["source_type"] = given.where(given != "", source_type)
    return docs


def load_corpus(sources: Iterable[str | Path], manifest: str | Path | None = None, *,
                columns: Columns | None = None, clean: bool | None = None, dedup: bool = True,
                dedup_threshold: float = DEDUP_THRESHOLD, max_mb: float = MAX_MB,
                source_type: str | None = None) -> Corpus:
    """Read, decode, clean, deduplicate and account for every input under ``sources``.

    ``sources`` are folders of pages (``.txt``/``.html``, recursively), single pages,
    or tables (``.csv``, ``.tsv``, ``.jsonl``, ``.parquet``, ``.xlsx``; BigKinds
    exports are recognised). ``columns`` maps table columns; ``clean`` forces the page
    cleaner on (True) or off (False) for every input, by default pages are cleaned and
    table rows only tidied; ``dedup`` merges duplicates at ``dedup_threshold`` (Jaccard
    of character shingles); a page file or text cell over ``max_mb`` is excluded;
    ``source_type`` (speech, press_release, interview, news, ...) is given to every
    document whose manifest or table does not name one.

    Without a manifest, a page's ``doc_id`` is its file name without extension. With
    one, its row (matched on the file name) gives ``doc_id`` and metadata; pages
    without a row are still included under their file stem, and rows whose file is
    absent are reported as excluded.

    Example
    -------
    >>> corpus = load_corpus(["speeches.parquet"], columns=Columns(text="speech_text"))  # doctest: +SKIP
    >>> list(corpus.documents.columns[:3])  # doctest: +SKIP
    ['doc_id', 'title', 'text']
    """
    if dedup and not 0 < dedup_threshold <= 1:
        raise CorpusError(f"dedup threshold must be in (0, 1], got {dedup_threshold}")
    rows, documents, audits = [], [], []
    seen_ids: dict[str, str] = {}
    # Records are read as they are judged: the raw text goes once judged.
    for record in iter_records(sources, manifest, columns=columns, max_bytes=int(max_mb * 1e6)):
        row, doc, audit = judge_record(record, seen_ids, clean)
        rows.append(row)
        if doc is not None:
            documents.append(doc)
        if audit is not None:
            audits.append(audit)
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS).astype({"similarity": float})
    docs = pd.DataFrame(documents) if documents else pd.DataFrame(
        columns=["doc_id", "title", "text", "published", "source", "encoding", "n_chars_raw"])
    docs = docs.fillna("")
    if dedup and len(docs) > 1:
        duplicates = find_duplicates(docs[["doc_id", "title", "text", "published"]], dedup_threshold)
        mark_duplicates(report, duplicates)
        merged = set(duplicates.doc_id)
        docs = docs[~docs.doc_id.isin(merged)]
        audits = [a for a in audits if a.doc_id.iloc[0] not in merged]
    audit = pd.concat(audits, ignore_index=True)[AUDIT_COLUMNS] if audits else pd.DataFrame(columns=AUDIT_COLUMNS)
    return Corpus(documents=fill_source_type(docs.reset_index(drop=True), source_type), audit=audit, report=report)


def write_corpus(corpus: Corpus, out_dir: str | Path, text=None) -> dict[str, Path]:
    """Write ``documents.parquet``, ``cleaning_audit.csv`` and ``report.csv`` into ``out_dir``
    as one set (:func:`analysis.io.write_table_set`), with the text layer's sentences,
    morphemes and quotes when ``text`` (a :class:`analysis.text.TextTables`, or a
    :class:`analysis.text.TextDataset`, written a batch at a time) is given.

    Example
    -------
    >>> write_corpus(load_corpus(["data/raw"]), "output/corpus")["report"].name  # doctest: +SKIP
    'report.csv'
    """
    tables = {"documents.parquet": corpus.documents, "cleaning_audit.csv": corpus.audit, "report.csv": corpus.report}
    for name in ("sentences", "morphemes", "quotes") if text is not None else ():
        if hasattr(text, "write_table"):  # a TextDataset: streamed from the cache, a batch at a time
            tables[f"{name}.parquet"] = lambda tmp, name=name: text.write_table(name, tmp)
        else:
            tables[f"{name}.parquet"] = getattr(text, name)
    written = write_table_set(out_dir, tables)
    return {"documents": written["documents.parquet"], "audit": written["cleaning_audit.csv"],
            "report": written["report.csv"]}
