"""Corpus stage: read a corpus from disk and account for every input.

A corpus is three tables:

- ``documents``: one row per included document (``doc_id``, ``title``, ``text`` = the
  body with one paragraph per line, metadata such as ``published`` (ISO date) and
  ``speaker``, ``source``, ``encoding``);
- ``audit``: every line the page cleaner removed (``doc_id``, ``line``, ``text``, ``rule``);
- ``report``: one row per input (a page file or a table row: ``source``, ``doc_id``,
  ``status``, ``reason``, ...), so that inputs = included + excluded + merged.

The stage runs in four steps. Importers (:mod:`analysis.corpus.importers`) turn folders of
pages and tables into records, decoding bytes (BOM, UTF-8, CP949, then
charset-normalizer) and normalising to NFC. Each record is then judged: unreadable,
empty, without Hangul or with an id already taken means *excluded*, with the reason.
The text of the others is cleaned: scraped pages go through the page cleaner
(:func:`analysis.corpus.cleaning.clean_page`), table rows (already article bodies) only have
their lines tidied, unless ``clean`` says otherwise. Finally exact and near duplicates
(:mod:`analysis.corpus.dedup`) are *merged* into one canonical copy, recorded with
``duplicate_of`` and ``similarity``. :func:`stream_corpus` does the same a batch of
documents at a time, writing the tables to disk (a corpus larger than memory).

Example
-------
>>> corpus = load_corpus(["data/raw"], manifest="data/raw/manifest.csv")  # doctest: +SKIP
>>> corpus.report.status.value_counts().to_dict()  # doctest: +SKIP
{'included': 5}
"""

from analysis.corpus.dedup import DEDUP_THRESHOLD, find_duplicates
from analysis.corpus.importers import Columns, CorpusError, decode_bytes, normalise_text, parse_date
from analysis.corpus.load import (AUDIT_COLUMNS, MAX_MB, REPORT_COLUMNS, Corpus, load_corpus, read_manifest,
                                  read_text_file, tidy_text, write_corpus)
from analysis.corpus.stream import StreamedCorpus, stream_corpus


def __getattr__(name: str):
    # The page cleaner's patterns compile on first use: commands that read tables do not pay for them.
    if name in ("CleanResult", "clean_page"):
        from analysis.corpus import cleaning

        return getattr(cleaning, name)
    raise AttributeError(f"module 'analysis.corpus' has no attribute {name!r}")

__all__ = ["AUDIT_COLUMNS", "DEDUP_THRESHOLD", "MAX_MB", "REPORT_COLUMNS", "CleanResult", "Columns", "Corpus",
           "CorpusError", "clean_page", "decode_bytes", "find_duplicates", "load_corpus", "normalise_text",
           "parse_date", "read_manifest", "read_text_file", "stream_corpus", "StreamedCorpus", "tidy_text", "write_corpus"]
