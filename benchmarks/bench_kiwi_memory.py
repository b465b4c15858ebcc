"""The text layer's memory beside Kiwi's own, at two corpus sizes.

The text layer (``analyse_dataset``) streams a corpus through Kiwi a chunk at a time,
so what it holds itself is bounded by a chunk; its peak still rises a little with the
corpus. This separates the package's share from Kiwi's: the same documents go through
Kiwi alone (``kiwi_bare``: the same paragraphs, call, batches and workers, every result
dropped), each in a fresh process, and both rows give their peak and their resident
memory in each fifth of the run. Growth is the peak at the largest size minus the peak
at the smallest.

Usage: ``python benchmarks/bench_kiwi_memory.py [--sizes 5000,50000] [--work DIR]``
(article-sized documents, as ``bench_growth.py --articles`` cuts them; the import runs
first when its documents file is not in the work folder).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import run_isolated, show_table, size_parser, write_machine  # noqa: E402


def main(argv=None) -> None:
    parser = size_parser(__doc__, "5000,50000")
    args = parser.parse_args(argv)
    write_machine()
    workers = os.cpu_count() or 1  # as bench_growth's text stage
    rows = []
    for size in args.sizes:
        for stage, name in (("analyse_dataset", "text layer"), ("kiwi_bare", "Kiwi alone")):
            row = run_isolated(stage, n=f"a{size}", work=str(args.work), workers=workers)
            rows.append({"corpus": f"a{size}", "stage": name, "docs": row["docs"], "workers": workers,
                         "seconds": round(row["seconds"], 1), "peak_rss_mb": round(row["peak_rss_mb"]),
                         "rss_by_fifth_mb": row["rss_by_fifth_mb"], "load_before": round(row["load_before"], 2),
                         "code": row["code"]})
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    peaks = table.pivot(index="stage", columns="corpus", values="peak_rss_mb")
    first, last = table["corpus"].iloc[0], table["corpus"].iloc[-1]
    table["growth_mb"] = table["stage"].map(peaks[last] - peaks[first])
    show_table(table, "kiwi_memory", "The text layer's peak memory beside Kiwi's own")


if __name__ == "__main__":
    main()
