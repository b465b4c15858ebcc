"""Topic engines at K = 20 on the same tokens: time, peak memory and NPMI coherence.

The four engines of :class:`analysis.topics.TopicModel` (gensim LDA, tomotopy LDA,
scikit-learn LDA, NMF on TF-IDF) fit the same document token lists (the project's
default :class:`analysis.text.Tokenizer` filter over the pipeline's morphemes) with one
vocabulary (terms in at least 5 speeches) and their own default training settings;
each fit runs alone in a fresh interpreter. Coherence is one
:func:`analysis.topics.score_coherence` call over all engines' top-10 terms, so every
engine is scored against the same reference texts with the same window (gensim
``c_npmi``, 10-token sliding window).

Two corpora: the whole speech collection and Moon Jae-in's speeches (the field notes'
reference figures are on that subset). The default engine's top-10 terms per topic on
the whole collection are printed and written as well.

Usage: ``python benchmarks/bench_topics.py [--n N] [--engines gensim,tomotopy,sklearn-lda,nmf]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import DEFAULT_WORK, run_isolated, show_table, write_machine  # noqa: E402
from _stages import K, corpus_name, path_in, subset_name  # noqa: E402

ENGINES = ("gensim", "tomotopy", "sklearn-lda", "nmf")
# Field notes, Moon Jae-in's 1,389 speeches, K = 20, nouns, the engines' settings then.
FIELD_NOTES = {"gensim": (31, 0.012), "tomotopy": (22, 0.116), "sklearn-lda": (21, 0.110), "nmf": (19, 0.177)}
MOON = "문재인"


def prepare_tokens(n=None, work=DEFAULT_WORK, workers=None) -> list[dict]:
    """Import, analyse and tokenise ``n`` speeches unless the tokens table exists."""
    if path_in(work, "tokens", n).exists():
        return []
    import os

    w = workers or os.cpu_count() or 1
    return [run_isolated("import", n=n, work=str(work)),
            run_isolated("analyse", n=n, work=str(work), workers=w),
            run_isolated("tokens", n=n, work=str(work))]


def compare_engines(n=None, engines=ENGINES, speaker=None, work=DEFAULT_WORK, k=K) -> pd.DataFrame:
    """One row per engine: seconds, CPU seconds, peak memory, NPMI, corpus size.

    Example
    -------
    >>> compare_engines(n=1000, engines=("nmf",))  # doctest: +SKIP
    """
    rows = [run_isolated("topics", n=n, work=str(work), engine=e, k=k, speaker=speaker) for e in engines]
    coherence = run_isolated("coherence", n=n, work=str(work), engines=list(engines), speaker=speaker)
    table = pd.DataFrame(rows)
    table["npmi"] = [coherence[f"npmi_{e}"] for e in engines]
    table["corpus"] = subset_name(n, speaker)
    table["k"] = k
    table["notes_moon_seconds"] = [FIELD_NOTES[e][0] for e in engines]
    table["notes_moon_npmi"] = [FIELD_NOTES[e][1] for e in engines]
    table["coherence_seconds"] = coherence["seconds"]
    columns = ["corpus", "engine", "k", "docs", "tokens", "vocabulary", "seconds", "cpu_seconds", "peak_rss_mb",
               "npmi", "notes_moon_seconds", "notes_moon_npmi", "coherence_seconds", "load_before", "load_after",
               "code", "options"]
    return table[[c for c in columns if c in table.columns]]


def tabulate_top_terms(n=None, engine="tomotopy", speaker=None, work=DEFAULT_WORK) -> pd.DataFrame:
    """One row per topic: its 10 most probable terms, space-separated."""
    terms = pd.read_csv(Path(work) / f"topterms-{engine}-{subset_name(n, speaker)}.csv")
    joined = terms.sort_values(["topic", "rank"]).groupby("topic")["term"].agg(lambda t: " ".join(map(str, t)))
    return joined.reset_index().rename(columns={"term": "top_10_terms"}).assign(engine=engine)[
        ["engine", "topic", "top_10_terms"]]


def main(argv=None) -> None:
    from analysis.topics import DEFAULT_ENGINE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="number of speeches (default: all)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--no-moon", action="store_true", help="skip the Moon Jae-in subset")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for intermediate files")
    args = parser.parse_args(argv)
    engines = tuple(args.engines.split(","))
    write_machine()
    prepare_tokens(args.n, args.work)
    tables = [compare_engines(args.n, engines, None, args.work)]
    if not args.no_moon:
        tables.append(compare_engines(args.n, engines, MOON, args.work))
    table = pd.concat(tables, ignore_index=True)
    show_table(table.drop(columns=["options"]).round(3), "topics", f"Topic engines, K = {K}")
    table[["corpus", "engine", "options"]].to_csv(Path(__file__).parent / "results" / "topics_options.csv", index=False)
    if DEFAULT_ENGINE in engines:
        top = tabulate_top_terms(args.n, DEFAULT_ENGINE, None, args.work)
        with pd.option_context("display.max_colwidth", 200):
            show_table(top, "topics_default_terms", f"Default engine ({DEFAULT_ENGINE}), top 10 terms, corpus "
                       f"{corpus_name(args.n)}")


if __name__ == "__main__":
    main()
