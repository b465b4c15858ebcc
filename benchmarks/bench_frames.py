"""Frame detection over the speech collection, beside the text layer it reads.

Each stage runs alone in a fresh interpreter (see ``_harness``): ``text`` is
:func:`analysis.text.analyse_documents` with every core; ``detect`` is the default
frame detector (:func:`analysis.frames.detect_frames`, as the ``frames`` command and
notebook 04 run it, with voices from the quotes); ``score`` is the shipped classifier
(character n-grams) on every sentence that carries a frame cue, timed whole; ``embed`` is
what the sentence-encoder model (``features="use"``) would cost there: a seeded sample
of those sentences embedded and timed, the whole set's time extrapolated (embedding
every candidate of the whole collection takes too long to run here; the rate is
measured, the total is not).

Usage: ``python benchmarks/bench_frames.py [--n N]``
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import DEFAULT_WORK, run_isolated, show_table, write_machine  # noqa: E402
from _stages import corpus_name  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="number of speeches (default: all)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for intermediate files")
    parser.add_argument("--sample", type=int, default=3000, help="candidate sentences embedded and timed")
    args = parser.parse_args(argv)
    write_machine()
    w, workers = str(args.work), os.cpu_count() or 1
    run_isolated("sample", n=args.n, work=w)
    run_isolated("import", n=args.n, work=w)
    rows = [{**run_isolated("analyse", n=args.n, work=w, workers=workers), "stage": "text"},
            {**run_isolated("detect", n=args.n, work=w), "stage": "detect"},
            {**run_isolated("score", n=args.n, work=w), "stage": "score (all candidates)"},
            {**run_isolated("embed", n=args.n, work=w, sample=args.sample), "stage": "embed (sample)"}]
    table = pd.DataFrame(rows).assign(corpus=corpus_name(args.n))
    columns = ["corpus", "stage", "docs", "chars", "sentences", "morphemes", "hits", "candidates", "embedded",
               "sentences_per_second", "extrapolated_seconds_all_candidates", "seconds", "cpu_seconds",
               "process_seconds", "peak_rss_mb", "load_before", "load_after", "code"]
    show_table(table[[c for c in columns if c in table.columns]].round(2), "frames", "Frames beside the text layer")


if __name__ == "__main__":
    main()
