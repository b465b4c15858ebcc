"""The import of a folder of scraped pages, at growing sizes: time and peak memory.

The growth benchmark imports a parquet table, which is only tidied. Pages (a folder of
``.txt`` or ``.html``, the usual way a scraped corpus arrives) also go through the page
cleaner, and the import keeps every line it removed (the cleaning audit). Here each
article-sized speech piece (``_speeches.cut_into_articles``) becomes a page with its
title, a dateline and a news site's byline, copyright line, "most read" list and photo
credit around its text (``_stages.PAGE_BOILERPLATE``), so every page leaves audit rows.

Usage: ``python benchmarks/bench_page_import.py [--sizes 5000,20000] [--work DIR]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import run_isolated, show_table, size_parser, write_machine  # noqa: E402


def main(argv=None) -> None:
    parser = size_parser(__doc__, "5000,20000")
    args = parser.parse_args(argv)
    write_machine()
    rows = []
    for size in args.sizes:
        row = run_isolated("import_pages", n=f"a{size}", work=str(args.work))
        rows.append({"corpus": f"a{size}", "pages": row["inputs"], "docs": row["docs"], "audit_rows": row["audit_rows"],
                     "seconds": round(row["seconds"], 1), "ms_per_page": round(1000 * row["seconds"] / row["inputs"], 2),
                     "peak_rss_mb": round(row["peak_rss_mb"]), "rss_by_fifth_mb": row["rss_by_fifth_mb"],
                     "load_before": round(row["load_before"], 2), "code": row["code"]})
        print(rows[-1], flush=True)
    show_table(pd.DataFrame(rows), "page_import", "Import of a folder of scraped pages: time and peak memory")


if __name__ == "__main__":
    main()
