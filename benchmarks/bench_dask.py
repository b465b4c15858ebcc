"""The Dask path into a dataset: client memory, identity with the single-machine tables.

For each size, article-sized documents cut from the speeches (``_speeches.cut_into_articles``)
are imported, analysed on this machine into a cached dataset (``analysis.text.analyse_corpus``),
then analysed again on a LocalCluster of two single-threaded worker processes
(``analysis.distributed.analyse_corpus_dask``, frames matched on the workers) into a cache
of its own. The workers write their partitions to the cache; only which chunk holds each
document and the frame hits travel back. Reported: wall time of each path, the client's
peak memory (its own process; goal under 1 GB), the workers' largest peak, and whether
the dataset's tables and the hits equal the single-machine ones (compared batch by batch).

Usage: ``python benchmarks/bench_dask.py [--sizes 5000,18955]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import run_isolated, show_table, size_parser, write_machine  # noqa: E402

GOAL_CLIENT_MB = 1024


def main(argv=None) -> None:
    parser = size_parser(__doc__, "5000,18955", "article counts")
    args = parser.parse_args(argv)
    write_machine()
    rows = []
    for size in args.sizes:
        n, w = f"a{size}", str(args.work)
        run_isolated("sample", n=n, work=w)
        run_isolated("import", n=n, work=w)
        local = run_isolated("analyse_dataset", n=n, work=w, workers=2)
        dask = run_isolated("dask_dataset", n=n, work=w, workers=2)
        rows.append({"articles": size, "docs": dask["docs"], "local_seconds": round(local["seconds"], 1),
                     "dask_seconds": round(dask["seconds"], 1), "local_peak_mb": round(local["peak_rss_mb"]),
                     "client_peak_mb": dask["client_peak_mb"], "worker_peak_mb": dask["worker_peak_mb"],
                     "chunks": dask["chunks"], "identical_tables": dask["identical_tables"],
                     "identical_hits": dask["identical_hits"], "client_under_goal": dask["client_peak_mb"] < GOAL_CLIENT_MB,
                     "load_before": dask["load_before"], "code": dask["code"]})
        print(rows[-1], flush=True)
    show_table(pd.DataFrame(rows), "dask_dataset", "Dask path into a dataset (LocalCluster, 2 workers)")


if __name__ == "__main__":
    main()
