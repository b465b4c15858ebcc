"""Where the pipeline's time goes: each step of ``analyse_documents`` timed on its own,
against bare ``Kiwi.tokenize``, plus a cProfile of the whole call.

Kiwi's analysis runs in its own threads and the pipeline's Python runs in the main
thread, so timing the steps inside one call mixes them. Here the Kiwi call is made
once and its results kept in a list; the pipeline's Python steps then run on that list
(``analysis.text.analyse.run_kiwi``, the package's single Kiwi entry point, is replaced for the
measurement only), which isolates:

- ``Kiwi split_into_sents (paragraphs)``: the one Kiwi call the pipeline makes;
- ``token loop``: ``analyse_paragraphs`` on the kept results (offsets, suffix joining,
  synonyms: pure Python, one iteration per morpheme);
- ``DataFrame building``: the rest of ``build_tables`` (columns to pandas, string dtypes);
- ``split_paragraphs`` and ``attribute_quotes`` (quotes and speakers);
- ``bare tokenize (documents)`` and the whole ``analyse_documents`` call for reference.

Everything but the Kiwi calls is single-threaded: with more Kiwi workers those steps
do not get faster, so their share of the wall time grows with the core count.
The cProfile listing (top functions by own time, file and line) is written to
``results/profile_pipeline.txt``.

Usage: ``python benchmarks/profile_pipeline.py [--n 500] [--workers 1]``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import RESULTS, show_table  # noqa: E402
from _speeches import load_speeches  # noqa: E402


def clock(function, *args, **kwargs):
    cpu, wall = time.process_time(), time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def decompose_pipeline(documents: pd.DataFrame, workers: int = 1) -> pd.DataFrame:
    """Seconds (wall and CPU) per step of the pipeline and of the bare baseline.

    Example
    -------
    >>> decompose_pipeline(load_speeches(n=50)).step.tolist()[:1]  # doctest: +SKIP
    ['bare tokenize (documents)']
    """
    from unittest import mock

    from analysis.text import Tokenizer, analyse
    from analysis.text.quotes import attribute_quotes

    tokenizer = Tokenizer(num_workers=workers)
    kiwi = tokenizer.kiwi  # loaded once, outside every timing
    rows = []

    def add(step, seconds, cpu):
        rows.append({"step": step, "seconds": seconds, "cpu_seconds": cpu})

    texts = documents["text"].tolist()
    list(kiwi.tokenize(texts[:5]))  # Kiwi builds some structures on first use: keep that out
    _, s, c = clock(lambda: sum(len(t) for t in kiwi.tokenize(texts)))
    add("bare tokenize (documents)", s, c)
    paragraphs, s, c = clock(analyse.split_paragraphs, documents)
    add("split_paragraphs", s, c)
    cleaned = [analyse.strip_invisible(t)[0] for t in paragraphs.text]
    results, s, c = clock(lambda: list(analyse.run_kiwi(kiwi, cleaned)))
    add("Kiwi split_into_sents (paragraphs)", s, c)
    with mock.patch.object(analyse, "run_kiwi", lambda _kiwi, _texts: results):
        _, s_loop, c_loop = clock(analyse.analyse_paragraphs, tokenizer, paragraphs.text.tolist(), False)
        add("token loop (analyse_paragraphs without Kiwi)", s_loop, c_loop)
        (sentences, morphemes), s, c = clock(analyse.build_tables, paragraphs, tokenizer, False)
        add("DataFrame building (build_tables minus the loop)", s - s_loop, c - c_loop)
    speakers = analyse.collect_speakers(documents)
    _, s, c = clock(attribute_quotes, paragraphs, sentences, morphemes, speakers)
    add("attribute_quotes", s, c)
    _, s, c = clock(analyse.analyse_documents, documents, tokenizer, None, False)
    add("analyse_documents (whole call)", s, c)
    table = pd.DataFrame(rows)
    base = table.loc[table.step == "bare tokenize (documents)", "cpu_seconds"].iloc[0]
    table["cpu_vs_bare"] = table["cpu_seconds"] / base
    return table


def profile_pipeline(documents: pd.DataFrame, workers: int = 1, top: int = 25) -> str:
    """cProfile of ``analyse_documents`` without the Kiwi call; the top functions by own time."""
    from analysis.text import Tokenizer, analyse

    tokenizer = Tokenizer(num_workers=workers)
    _ = tokenizer.kiwi
    profiler = cProfile.Profile()
    # Kiwi's results are computed first, so the profile shows the Python steps, not the
    # main thread waiting for Kiwi's worker threads.
    results = list(analyse.run_kiwi(tokenizer.kiwi, [analyse.strip_invisible(t)[0]
                                                     for t in analyse.split_paragraphs(documents).text]))
    from unittest import mock

    with mock.patch.object(analyse, "run_kiwi", lambda _kiwi, _texts: results):
        profiler.runcall(analyse.analyse_documents, documents, tokenizer, None, False)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def measure_memory(documents: pd.DataFrame, workers: int = 1) -> pd.DataFrame:
    """Memory held by the text layer's intermediate results, in MB.

    Python objects are counted with tracemalloc, Arrow buffers (string columns) with
    pyarrow's allocator, which tracemalloc does not see. ``held`` is what a step's output
    keeps alive; ``python_peak`` the most Python memory allocated during it. tracemalloc
    slows allocation down, so this runs apart from the timings.

    Example
    -------
    >>> measure_memory(load_speeches(n=50)).step.tolist()[0]  # doctest: +SKIP
    'analyse_paragraphs: column arrays'
    """
    import tracemalloc
    from unittest import mock

    import pyarrow as pa

    from analysis.text import Tokenizer, analyse

    tokenizer = Tokenizer(num_workers=workers)
    paragraphs = analyse.split_paragraphs(documents)
    results = list(analyse.run_kiwi(tokenizer.kiwi, [analyse.strip_invisible(t)[0] for t in paragraphs.text]))
    rows = []
    with mock.patch.object(analyse, "run_kiwi", lambda _kiwi, _texts: results):
        for step, function in (("analyse_paragraphs: column arrays",
                                lambda: analyse.analyse_paragraphs(tokenizer, paragraphs.text.tolist(), False)),
                               ("build_tables: sentences + morphemes DataFrames",
                                lambda: analyse.build_tables(paragraphs, tokenizer, False))):
            arrow_before = pa.total_allocated_bytes()
            tracemalloc.start()
            kept = function()
            held, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rows.append({"step": step, "python_held_mb": held / 2**20, "python_peak_mb": peak / 2**20,
                         "arrow_held_mb": (pa.total_allocated_bytes() - arrow_before) / 2**20})
            del kept
    morphemes = analyse.build_tables(paragraphs, tokenizer, False)[1]
    rows.append({"step": "morphemes DataFrame (memory_usage deep)", "python_held_mb": float("nan"),
                 "python_peak_mb": float("nan"), "arrow_held_mb": float("nan"),
                 "table_mb": morphemes.memory_usage(deep=True).sum() / 2**20})
    table = pd.DataFrame(rows)
    table.insert(0, "morphemes", len(morphemes))
    table.insert(0, "chars", int(documents["text"].str.len().sum()))
    held = table[["python_held_mb", "arrow_held_mb"]].sum(axis=1, min_count=1).fillna(table.get("table_mb"))
    table["bytes_per_morpheme_held"] = held * 2**20 / len(morphemes)
    return table


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    documents = load_speeches(n=args.n)
    table = decompose_pipeline(documents, args.workers)
    table.insert(0, "workers", args.workers)
    table.insert(0, "speeches", len(documents))
    show_table(table.round(3), "profile_pipeline", "Pipeline steps vs bare Kiwi")
    show_table(measure_memory(documents, args.workers).round(1), "profile_memory",
               "Pipeline memory: intermediate results (Python heap and Arrow buffers)")
    listing = profile_pipeline(documents, args.workers)
    # Machine paths would leak into a committed file: keep paths from the package down.
    listing = re.sub(r"/\S*?/(?:site-packages|src|lib/python3\.\d+)/", "", listing)
    (RESULTS / "profile_pipeline.txt").write_text(listing + "\n", encoding="utf-8")
    print(listing)


if __name__ == "__main__":
    main()
