"""Benchmark: first vs cached tokenisation of a corpus (the issue asks for >= 10x).

Times the text layer twice on the same documents with the same cache directory: the first
run analyses every paragraph with Kiwi and writes the cache, the second finds the cache and
only reads it; each figure is the best of ``--repeat`` runs. Kiwi's model and pyarrow are
loaded and warmed up before timing (a one-off 1-3 s per process), so the numbers compare
analysis with cache reading. Two stages are timed: ``tokenise`` (the Kiwi pass or the cache
read) and ``analyse_documents`` (that plus quote attribution, which always runs).

Usage::

    python benchmarks/bench_cache.py                      # the seed corpus in data/raw
    python benchmarks/bench_cache.py --corpus speeches.parquet --text-column speech_text --repeat 1

Prints a table and writes ``benchmarks/results/bench_cache.csv`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis.corpus import load_corpus
from analysis.text import Tokenizer, analyse_documents, analyse_texts
from analysis.text.analyse import load_or_build_tables, split_paragraphs

ROOT = Path(__file__).resolve().parents[1]


def read_documents(path: str | None, text_column: str, limit: int | None) -> tuple[str, pd.DataFrame]:
    """The seed corpus, or a parquet/CSV file with one document per row."""
    if path is None:
        raw = ROOT / "data" / "raw"
        return "seed", load_corpus([raw], manifest=raw / "manifest.csv").documents
    table = pd.read_parquet(path) if str(path).endswith(".parquet") else pd.read_csv(path, dtype=str)
    table = table.head(limit) if limit else table
    docs = pd.DataFrame({"doc_id": [str(i) for i in range(len(table))], "title": "",
                         "text": table[text_column].fillna("").astype(str).str.replace("\r", "").tolist()})
    return Path(path).stem, docs


def time_runs(documents: pd.DataFrame, tokenizer: Tokenizer, repeat: int) -> list[dict]:
    """Best of ``repeat`` cold and cached timings for both stages, each cold run in a fresh cache."""
    rows = []
    paragraphs = split_paragraphs(documents)
    stages = {
        "tokenise": lambda cache: load_or_build_tables(paragraphs, tokenizer, cache, progress=False)[:2],
        "analyse_documents": lambda cache: analyse_documents(documents, tokenizer, cache, progress=False),
    }
    for stage, run in stages.items():
        best = {"first": float("inf"), "cached": float("inf")}
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as cache:
                for label in best:
                    start = time.perf_counter()
                    run(cache)
                    best[label] = min(best[label], time.perf_counter() - start)
        speedup = round(best["first"] / best["cached"], 1)
        rows += [{"stage": stage, "run": label, "seconds": round(seconds, 4), "speedup": speedup}
                 for label, seconds in best.items()]
    return rows


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="parquet or CSV with one document per row (default: the seed corpus)")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--limit", type=int, help="use only the first N rows of --corpus")
    parser.add_argument("--repeat", type=int, default=3, help="take the best of N runs (default 3)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "bench_cache.csv"))
    args = parser.parse_args(argv)

    name, documents = read_documents(args.corpus, args.text_column, args.limit)
    tokenizer = Tokenizer()
    with tempfile.TemporaryDirectory() as warm:  # load Kiwi's model and pyarrow outside the timed region
        analyse_texts(["준비 운동 삼아 문장 하나를 분석한다."], tokenizer, cache_dir=warm)
        analyse_texts(["준비 운동 삼아 문장 하나를 분석한다."], tokenizer, cache_dir=warm)
    rows = time_runs(documents, tokenizer, max(1, args.repeat))
    table = pd.DataFrame(rows).assign(corpus=name, n_docs=len(documents), repeat=args.repeat,
                                      n_chars=int(documents.text.str.len().sum()), workers=tokenizer.kiwi.num_workers,
                                      cores=os.cpu_count())
    print(table.to_string(index=False))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {out}")
    return table


if __name__ == "__main__":
    main()
