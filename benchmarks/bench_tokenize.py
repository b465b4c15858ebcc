"""Tokenisation: the project's pipeline against bare Kiwi, 1 to all cores, cached rerun.

- ``bare``: ``Kiwi(num_workers=w)`` with the project's user dictionary, then
  ``kiwi.tokenize(texts)`` over the documents' texts, every token list consumed.
- ``pipeline``: ``analysis.text.analyse_documents(documents, Tokenizer(num_workers=w))``:
  paragraphs, sentences, morphemes, suffix joining, synonyms, quotes and speakers.
- ``pipeline, cache cold`` / ``pipeline, cache warm``: the same with ``cache_dir``, first
  into an empty folder, then again (the rerun reads the cached Kiwi tables; quote
  attribution is recomputed).

The full corpus is measured at all cores (the overhead that matters); the speedup from
1 worker to all cores is measured on a nested sample (``--speedup-n``, default 2,000
speeches), because single-core runs of the whole corpus take about ten minutes each.
Each measurement runs in a fresh interpreter; model loading is inside the timed
section for both. ``overhead`` = pipeline / bare at the same worker count (goal <= 1.10),
given for wall time and for CPU time: on a shared machine CPU time is the steadier of the
two, because other users' load stretches wall time but not this process's CPU seconds.
With ``--repeat`` the variants alternate and the fastest repeat counts.

Usage: ``python benchmarks/bench_tokenize.py [--n N] [--speedup-n 2000] [--workers 1,2] [--repeat 1]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import DEFAULT_WORK, run_isolated, show_table, write_machine  # noqa: E402
from _stages import corpus_name, path_in  # noqa: E402


def measure_tokenisation(n=None, workers=(1, 2), repeat=1, work=DEFAULT_WORK, cache=True) -> pd.DataFrame:
    """One row per variant and worker count on ``n`` speeches (fastest of ``repeat`` runs).

    Example
    -------
    >>> measure_tokenisation(n=200, workers=(1,))  # doctest: +SKIP
    """
    run_isolated("import", n=n, work=str(work))
    rows = []
    for rep in range(repeat):
        for w in workers:
            rows.append({"variant": "bare", **run_isolated("kiwi_bare", n=n, work=str(work), workers=w), "repeat": rep})
            rows.append({"variant": "pipeline", **run_isolated("analyse", n=n, work=str(work), workers=w, keep=False),
                         "repeat": rep})
    if cache:
        folder = path_in(work, "cache", n, "")
        shutil.rmtree(folder, ignore_errors=True)
        for variant in ("pipeline, cache cold", "pipeline, cache warm"):
            rows.append({"variant": variant, **run_isolated("analyse", n=n, work=str(work), workers=max(workers),
                                                             cache=True, keep=False), "repeat": 0})
        shutil.rmtree(folder, ignore_errors=True)
    table = pd.DataFrame(rows)
    table = table.sort_values("seconds").groupby(["variant", "workers"], as_index=False, sort=False).first()
    table["corpus"] = corpus_name(n)
    table["chars_per_s"] = (table["chars"] / table["seconds"]).round(0).astype("int64")
    order = {"bare": 0, "pipeline": 1, "pipeline, cache cold": 2, "pipeline, cache warm": 3}
    table = table.sort_values(["workers", "variant"], key=lambda c: c.map(order) if c.name == "variant" else c)
    columns = ["corpus", "variant", "workers", "docs", "chars", "seconds", "cpu_seconds", "chars_per_s",
               "peak_rss_mb", "load_before", "load_after", "code"]
    return table[[c for c in columns if c in table.columns]].reset_index(drop=True)


def summarise_tokenisation(table: pd.DataFrame) -> pd.DataFrame:
    """Overhead (pipeline / bare) per corpus and worker count; speedup from 1 worker to
    the most on each corpus measured at both; cached rerun against the first run.

    Example
    -------
    >>> summarise_tokenisation(measure_tokenisation(n=200))  # doctest: +SKIP
    """
    rows = []
    for corpus, part in table.groupby("corpus", sort=False):
        runs = part.set_index(["variant", "workers"])
        for w in sorted(part.workers.unique()):
            if ("bare", w) in runs.index and ("pipeline", w) in runs.index:
                bare, pipe = runs.loc[("bare", w)], runs.loc[("pipeline", w)]
                for clock, column in (("wall", "seconds"), ("CPU", "cpu_seconds")):
                    rows.append({"corpus": corpus, "measure": f"overhead pipeline/bare, {w} worker(s), {clock}",
                                 "value": pipe[column] / bare[column]})
        low, high = part.workers.min(), part.workers.max()
        for variant in ("bare", "pipeline"):
            if low != high and (variant, low) in runs.index and (variant, high) in runs.index:
                rows.append({"corpus": corpus, "measure": f"speedup {low} -> {high} workers, {variant}",
                             "value": runs.loc[(variant, low)].seconds / runs.loc[(variant, high)].seconds})
        cached = part.set_index("variant")
        if {"pipeline, cache cold", "pipeline, cache warm"} <= set(cached.index):
            rows.append({"corpus": corpus, "measure": "cached rerun / first run (wall)", "value":
                         cached.loc["pipeline, cache warm"].seconds / cached.loc["pipeline, cache cold"].seconds})
    out = pd.DataFrame(rows)
    out["value"] = out["value"].round(3)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="speeches for the overhead and cache runs (default: all)")
    parser.add_argument("--speedup-n", type=int, default=2000, help="speeches for the 1-worker runs (0: skip)")
    parser.add_argument("--workers", default=f"1,{os.cpu_count() or 1}", help="worker counts for the speedup")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for intermediate files")
    args = parser.parse_args(argv)
    write_machine()
    workers = tuple(sorted({int(w) for w in args.workers.split(",")}))
    tables = [measure_tokenisation(args.n, (max(workers),), args.repeat, args.work)]
    if args.speedup_n:
        tables.append(measure_tokenisation(args.speedup_n, workers, args.repeat, args.work, cache=False))
    table = pd.concat(tables, ignore_index=True)
    show_table(table.round(2), "tokenize", "Tokenisation: pipeline vs bare Kiwi")
    show_table(summarise_tokenisation(table), "tokenize_summary", "Tokenisation: overhead and speedup")


if __name__ == "__main__":
    main()
