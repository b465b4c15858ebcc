"""Growth: every stage at 1k, 2k, 4k and all 8,771 speeches, cost per document.

The samples are nested prefixes of one seeded permutation, so each size has the
collection's mix of presidents and speech lengths and per-document costs are
comparable. For each stage the scaling exponent b in ``time ~ size^b`` is fitted on
the log-log points (ordinary least squares) and computed between the two largest
sizes; b > 1.15 on either is flagged ``superlinear`` (the margin absorbs timing noise
on a shared machine; fixed costs such as loading Kiwi push b below 1 at small sizes).
Peak memory gets the same treatment.

The largest size is the end-to-end run: its tables are also written as
``end_to_end.csv`` and ``end_to_end_summary.csv``.

With ``--articles``, the sizes count article-sized documents (about 1,100 characters,
cut from the speeches at paragraph ends, then cut again at other lengths:
``_speeches.cut_into_articles``) instead of speeches, and the tables are written as
``growth_articles*.csv``.

Usage: ``python benchmarks/bench_growth.py [--sizes 1000,2000,4000,0]`` (0 = all)
or ``python benchmarks/bench_growth.py --articles --sizes 5000,10000,25000,50000``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import show_table, size_parser, write_machine  # noqa: E402
from bench_end_to_end import run_chain, summarise_chain  # noqa: E402

SUPERLINEAR = 1.15


def fit_exponent(sizes, values) -> float:
    """Slope of log(value) on log(size): 1 is linear, 2 quadratic.

    Example
    -------
    >>> round(fit_exponent([1, 2, 4], [3, 6, 12]), 3)
    1.0
    """
    sizes, values = np.asarray(sizes, float), np.asarray(values, float)
    ok = (sizes > 0) & (values > 0)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(sizes[ok]), np.log(values[ok]), 1)[0])


def summarise_growth(growth: pd.DataFrame) -> pd.DataFrame:
    """Per stage: exponents of time and memory, fitted and between the two largest sizes.

    Example
    -------
    >>> g = pd.DataFrame({"stage": ["a"] * 3, "corpus_docs": [1, 2, 4], "seconds": [1, 2, 4], "peak_rss_mb": [1, 1, 1]})
    >>> summarise_growth(g).loc[0, "flag"]
    'linear or better'
    """
    rows = []
    for stage, part in growth.groupby("stage", sort=False):
        part = part.sort_values("corpus_docs")
        last = part.tail(2)
        entry = {"stage": stage}
        for name, column in (("time", "seconds"), ("memory", "peak_rss_mb")):
            entry[f"{name}_exponent_fit"] = round(fit_exponent(part["corpus_docs"], part[column]), 3)
            entry[f"{name}_exponent_top"] = round(fit_exponent(last["corpus_docs"], last[column]), 3)
        worst = max(entry["time_exponent_fit"], entry["time_exponent_top"],
                    entry["memory_exponent_fit"], entry["memory_exponent_top"])
        entry["flag"] = "SUPERLINEAR" if worst > SUPERLINEAR else "linear or better"
        rows.append(entry)
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    parser = size_parser(__doc__, "1000,2000,4000,0", "speech counts; 0 means all")
    parser.add_argument("--articles", action="store_true", help="sizes count article-sized documents")
    parser.add_argument("--in-memory", action="store_true",
                        help="whole tables in memory (analyse_documents), not the dataset read in batches")
    args = parser.parse_args(argv)
    write_machine()
    chains = []
    for size in args.sizes:
        chain = run_chain(f"a{size}" if args.articles else (size or None), args.work, streaming=not args.in_memory)
        chains.append(chain)
        print(chain.round(2).to_string(index=False), flush=True)
    growth = pd.concat(chains, ignore_index=True)
    growth["ms_per_doc"] = (1000 * growth["seconds"] / growth["corpus_docs"]).round(3)
    growth["us_per_char"] = (1e6 * growth["seconds"] / growth["corpus_chars"]).round(3)
    columns = ["corpus", "speeches", "stage", "corpus_docs", "corpus_chars", "seconds", "ms_per_doc", "us_per_char", "cpu_seconds",
               "peak_rss_mb", "rss_by_fifth_mb", "load_before", "load_after", "code"]
    name = "growth_articles" if args.articles else "growth"
    show_table(growth[[c for c in columns if c in growth.columns]].round(2), name, "Growth: time and memory by corpus size")
    show_table(summarise_growth(growth), f"{name}_summary", "Growth: scaling exponents (1 = linear)")
    if args.articles:
        return
    largest = chains[-1]
    show_table(largest.round(2), "end_to_end", "End to end, per stage (largest size)")
    show_table(summarise_chain(largest), "end_to_end_summary", "End to end, totals (largest size)")


if __name__ == "__main__":
    main()
