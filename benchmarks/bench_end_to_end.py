"""End to end on the speech collection: import, text layer, tokens, topics, frames.

Each stage runs alone in a fresh interpreter, reading the previous stage's tables
from parquet, so its peak memory is its own (the whole process: interpreter,
libraries, inputs and work). The end-to-end wall time is the sum of the stages'
process times (imports and parquet I/O included); the peak is the largest stage peak,
since stages never run at the same time. Goal: under 12 minutes and 4 GB on 2 cores.

- ``import``: :func:`analysis.corpus.load_corpus` on the speeches as a parquet table
  (decoding, NFC, tidying, dates, near-duplicate merging, report);
- ``text``: :func:`analysis.text.analyse_documents` with every core (segmentation,
  morphemes, quotes and speakers);
- ``tokens``: :func:`analysis.text.tokens_by_unit` per document;
- ``topics``: the default engine at K = 20;
- ``frames``: :func:`analysis.frames.match_frames` with the packaged lexicon.

Usage: ``python benchmarks/bench_end_to_end.py [--n N]``
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import DEFAULT_WORK, run_isolated, show_table, write_machine  # noqa: E402
from _stages import K, corpus_name  # noqa: E402

GOAL_SECONDS = 12 * 60
GOAL_MB = 4 * 1024


def run_chain(n=None, work=DEFAULT_WORK, workers=None, streaming: bool = True) -> pd.DataFrame:
    """Run every stage on ``n`` speeches; one row per stage.

    ``streaming`` (the default) runs the text layer as a dataset on disk
    (``analysis.text.analyse_corpus``) and the token and frame stages batch by batch over
    it; ``streaming=False`` holds each stage's whole tables in memory, as
    ``analyse_documents`` returns them (the way of a corpus that fits).

    Example
    -------
    >>> run_chain(n=200).stage.tolist()  # doctest: +SKIP
    ['import', 'text', 'tokens', 'topics', 'frames']
    """
    from analysis.topics import DEFAULT_ENGINE

    workers = workers or os.cpu_count() or 1
    w = str(work)
    run_isolated("sample", n=n, work=w)
    rows = [
        {**run_isolated("import", n=n, work=w), "stage": "import"},
        {**run_isolated("analyse_dataset" if streaming else "analyse", n=n, work=w, workers=workers), "stage": "text"},
        {**run_isolated("tokens_dataset" if streaming else "tokens", n=n, work=w), "stage": "tokens"},
        {**run_isolated("topics", n=n, work=w, engine=DEFAULT_ENGINE, k=K), "stage": "topics"},
        {**run_isolated("frames_dataset" if streaming else "frames", n=n, work=w), "stage": "frames"},
    ]
    table = pd.DataFrame(rows)
    table["corpus"] = corpus_name(n)
    first = table.loc[table.stage == "import"].iloc[0]
    # Stage sizes are counted in the corpus's documents and characters after import.
    table["speeches"], table["corpus_docs"], table["corpus_chars"] = first["inputs"], first["docs"], first["chars"]
    columns = ["corpus", "speeches", "corpus_docs", "corpus_chars", "stage", "docs", "chars", "sentences", "morphemes", "tokens", "hits",
               "seconds", "cpu_seconds", "process_seconds", "peak_rss_mb", "rss_by_fifth_mb", "load_before", "load_after",
               "code"]
    return table[[c for c in columns if c in table.columns]]


def summarise_chain(chain: pd.DataFrame) -> pd.DataFrame:
    """Total wall time, largest peak and whether both meet the goal."""
    total = float(chain["process_seconds"].sum())
    peak = float(chain["peak_rss_mb"].max())
    return pd.DataFrame([
        {"measure": "end-to-end wall seconds (sum of stage processes)", "value": round(total, 1),
         "goal": GOAL_SECONDS, "met": total <= GOAL_SECONDS},
        {"measure": "end-to-end CPU seconds", "value": round(float(chain["cpu_seconds"].sum()), 1), "goal": None,
         "met": None},
        {"measure": f"peak memory MB (largest stage: {chain.loc[chain.peak_rss_mb.idxmax(), 'stage']})",
         "value": round(peak, 1), "goal": GOAL_MB, "met": peak <= GOAL_MB},
    ])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="number of speeches (default: all)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for intermediate files")
    parser.add_argument("--in-memory", action="store_true",
                        help="whole tables in memory (analyse_documents), not the dataset read in batches")
    args = parser.parse_args(argv)
    write_machine()
    chain = run_chain(args.n, args.work, streaming=not args.in_memory)
    show_table(chain.round(2), "end_to_end", "End to end, per stage")
    show_table(summarise_chain(chain), "end_to_end_summary", "End to end, totals")


if __name__ == "__main__":
    main()
