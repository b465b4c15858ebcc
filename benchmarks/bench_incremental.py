"""A corpus that grows: the text layer's rerun after adding documents, against a cold run.

1. A cold run of the text layer (``analyse_documents`` with a fresh cache) over all
   speeches but ``--new`` of them, drawn at random (seeded) from the whole collection;
2. the rerun over all of them with that cache: only the new documents are analysed;
3. a cold run over all of them in a fresh cache, whose tables must equal the rerun's.

Each run is timed in this process after Kiwi's model is loaded (its load time is
reported apart). The goal: the rerun takes at most 5% of the cold run's time.

Usage: ``python benchmarks/bench_incremental.py [--n all] [--new 100]``
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import show_table, write_machine  # noqa: E402
from _speeches import load_speeches  # noqa: E402

GOAL = 0.05


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="speeches (default: all 8,771)")
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args(argv)
    write_machine()
    from analysis.text import Tokenizer, analyse_documents

    documents = load_speeches(args.n)
    new = np.zeros(len(documents), dtype=bool)
    new[np.random.default_rng(args.seed).choice(len(documents), size=args.new, replace=False)] = True
    tokenizer = Tokenizer()
    t0 = time.perf_counter()
    tokenizer.kiwi  # noqa: B018  (load the model once, outside every timing)
    kiwi_load = time.perf_counter() - t0
    work = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    rows, tables = [], {}
    for run, corpus, cache in (("cold, without the new", documents[~new], work / "cache"),
                               ("rerun with the new", documents, work / "cache"),
                               ("cold, all", documents, work / "fresh")):
        t0 = time.perf_counter()
        tables[run] = analyse_documents(corpus, tokenizer=tokenizer, cache_dir=cache, progress=False)
        seconds = time.perf_counter() - t0
        rows.append({"run": run, "documents": len(corpus), "characters": int(corpus.text.str.len().sum()),
                     "seconds": round(seconds, 2), "kiwi_load_s": round(kiwi_load, 2),
                     "cache_files": sum(1 for _ in cache.rglob("*.parquet"))})
        print(f"{run}: {len(corpus)} documents in {seconds:.1f} s", flush=True)
    same = all(getattr(tables["rerun with the new"], name).equals(getattr(tables["cold, all"], name))
               for name in ("sentences", "morphemes", "quotes"))
    table = pd.DataFrame(rows)
    cold = table.loc[table.run == "cold, without the new", "seconds"].iloc[0]
    rerun = table.loc[table.run == "rerun with the new", "seconds"].iloc[0]
    table["share_of_cold"] = (table["seconds"] / cold).round(4)
    table["goal"] = GOAL
    table["met"] = rerun / cold <= GOAL
    table["rerun_equals_cold"] = same
    show_table(table, "incremental", f"Text layer: rerun after adding {args.new} documents (goal <= {GOAL:.0%} of cold)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
