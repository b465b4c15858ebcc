"""Command line: ``python -m analysis corpus | topics | frames | reproduce``.

Each subcommand is a thin wrapper over the functions the notebooks call.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.corpus import CorpusError, load_corpus, write_corpus
from analysis.lexicons import LexiconError

DEFAULT_CACHE = ".cache/text"


def _cmd_corpus(args: argparse.Namespace) -> int:
    from analysis.corpus import Columns

    columns = Columns(text=args.text_col, id=args.id_col, date=args.date_col, title=args.title_col,
                      speaker=args.speaker_col)
    corpus = load_corpus(args.sources, manifest=args.manifest, columns=columns, clean=args.clean,
                         dedup=args.dedup, dedup_threshold=args.dedup_threshold, max_mb=args.max_mb)
    write_corpus(corpus, args.out)
    counts = corpus.report.status.value_counts()
    print(f"{len(corpus.report)} inputs: "
          + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("included", "excluded", "merged")))
    if args.dedup:
        merged = corpus.report[corpus.report.status.eq("merged")]
        print(f"duplicates: {len(merged)} merged into {merged.duplicate_of.nunique()} canonical copies "
              f"(Jaccard >= {args.dedup_threshold:g}; see duplicate_of in report.csv)")
    else:
        print("duplicates: not searched (--no-dedup)")
    print(f"wrote {Path(args.out) / 'documents.parquet'}, cleaning_audit.csv, report.csv")
    if args.text and len(corpus.documents):
        from analysis.io import write_tables
        from analysis.text import analyse_documents

        tables = analyse_documents(corpus.documents, cache_dir=args.cache_dir)
        write_tables({Path(args.out) / f"{name}.parquet": getattr(tables, name)
                      for name in ("sentences", "morphemes", "quotes")})
        voices = tables.sentences.voice.value_counts()
        print(f"{len(tables.sentences)} sentences ({voices.get('quote', 0)} quote, {voices.get('narration', 0)} "
              f"narration), {len(tables.quotes)} quotes; wrote sentences.parquet, morphemes.parquet, quotes.parquet")
    return 0


def _read_input_table(path: str, text_col: str | None, id_col: str | None):
    """A table of texts (parquet, CSV, TSV, JSONL, xlsx) as a documents table, rows tidied, not cleaned."""
    from analysis.corpus import Columns

    corpus = load_corpus([path], columns=Columns(text=text_col, id=id_col), clean=False, dedup=False)
    excluded = corpus.report[corpus.report.status.ne("included")]
    if len(excluded):
        print(f"{len(excluded)} of {len(corpus.report)} rows excluded (e.g. {excluded.reason.iloc[0]})", file=sys.stderr)
    if corpus.documents.empty:
        raise ValueError(f"{path}: no usable rows")
    return corpus.documents


def _cmd_topics(args: argparse.Namespace) -> int:
    from analysis.explorer import write_topic_explorer_html
    from analysis.text import analyse_documents, tokens_by_unit
    from analysis.topics import run_topics, save_model

    documents = _read_input_table(args.input, args.text_col, args.id_col)
    tables = analyse_documents(documents, cache_dir=args.cache_dir)
    units = tokens_by_unit(tables.morphemes, unit=args.unit)
    keys = [c for c in ("doc_id", "para_id", "sent_id") if c in units]
    passages = tables.sentences.groupby(keys, sort=False)["text"].agg(" ".join).reset_index()
    units = units.merge(passages, on=keys, how="left")
    result = run_topics(units, k=args.k, seed=args.seed, out_dir=args.out, engine=args.engine, min_df=args.min_df)
    save_model(result["model"], Path(args.out) / "model")
    write_topic_explorer_html(result["model"], Path(args.out) / "topic_explorer.html")
    info = result["info"]
    print(f"{len(units)} {args.unit} units, K={args.k}, engine={args.engine}: "
          f"NPMI {info['coherence']['npmi']:.3f}; wrote {', '.join(sorted(p.name for p in result['files'].values()))}, "
          f"model/, topic_explorer.html")
    return 0


def _cmd_frames(args: argparse.Namespace) -> int:
    from analysis.frames import run_frames

    documents = _read_input_table(args.input, args.text_col, args.id_col)
    hits = run_frames(documents, args.out, lexicon=args.lexicon, id_col="doc_id")
    counts = hits.frame.value_counts().sort_index()
    print(f"{len(hits)} frame matches in {hits.doc_id.nunique()} of {len(documents)} documents"
          + (": " + ", ".join(f"{f} {n}" for f, n in counts.items()) if len(counts) else ""))
    print(f"wrote {args.out}")
    return 0


def _parse_parameters(items: list[str]) -> dict:
    """``KEY=VALUE`` pairs; values are read as Python literals when they parse as one."""
    import ast

    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.isupper():
            raise ValueError(f"parameter {item!r} is not KEY=VALUE with an UPPER_CASE key")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from analysis.reproduce import run_notebooks

    executed = run_notebooks(args.out, corpus=args.corpus, manifest=args.manifest,
                             parameters=_parse_parameters(args.param), only=args.only)
    print(f"executed {len(executed)} notebooks into {Path(args.out) / 'notebooks'}")
    return 0


def _add_input_columns(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text-col", help="column holding the text (default: text)")
    parser.add_argument("--id-col", help="column holding the id (default: doc_id, else id)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``analysis`` command."""
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    from analysis.corpus import MAX_MB
    from analysis.corpus import DEDUP_THRESHOLD

    corpus = sub.add_parser(
        "corpus", help="read, clean, deduplicate and account for a corpus",
        description="Sources are folders of .txt/.html pages (recursive), single pages, or tables "
                    "(.csv, .tsv, .jsonl, .parquet, .xlsx; BigKinds exports are recognised).")
    corpus.add_argument("sources", nargs="+", help="folders of pages, page files or table files")
    corpus.add_argument("--out", required=True, help="output folder")
    corpus.add_argument("--manifest", help="CSV with doc_id, file and metadata columns (for pages)")
    cols = corpus.add_argument_group("table columns (default: text, doc_id, published or date, title, speaker)")
    cols.add_argument("--text-col", help="column holding the document text")
    cols.add_argument("--id-col", help="column holding the document id (default: row number)")
    cols.add_argument("--date-col", help="column holding the date, parsed into published (YYYY-MM-DD)")
    cols.add_argument("--title-col", help="column holding the title")
    cols.add_argument("--speaker-col", help="column holding the speaker")
    corpus.add_argument("--clean", action=argparse.BooleanOptionalAction, default=None,
                        help="run the scraped-page cleaner (default: on for pages, off for table rows)")
    corpus.add_argument("--no-dedup", dest="dedup", action="store_false",
                        help="keep exact and near duplicates instead of merging them")
    corpus.add_argument("--dedup-threshold", type=float, default=DEDUP_THRESHOLD, metavar="J",
                        help=f"Jaccard similarity of character shingles that makes a duplicate "
                             f"(default: {DEDUP_THRESHOLD})")
    corpus.add_argument("--max-mb", type=float, default=MAX_MB, metavar="MB",
                        help=f"exclude a page file or text cell larger than this (default: {MAX_MB:g})")
    corpus.add_argument("--no-text", dest="text", action="store_false",
                        help="skip the text layer (sentences, morphemes, quotes)")
    corpus.add_argument("--cache-dir", default=DEFAULT_CACHE, help=f"text-layer cache (default: {DEFAULT_CACHE})")
    corpus.set_defaults(func=_cmd_corpus)

    from analysis.topics import DEFAULT_ENGINE, ENGINES

    topics = sub.add_parser("topics", help="fit a topic model to a table of texts",
                            description="INPUT is a documents or sentences table (parquet, CSV, TSV, JSONL) "
                                        "with doc_id or id, and text.")
    topics.add_argument("input")
    topics.add_argument("--k", type=int, required=True, help="number of topics")
    topics.add_argument("--seed", type=int, required=True, help="random seed (same seed, same topics)")
    topics.add_argument("--out", required=True, help="output folder")
    topics.add_argument("--unit", choices=["document", "paragraph", "sentence"], default="document",
                        help="unit of analysis (default: document)")
    topics.add_argument("--engine", choices=sorted(ENGINES), default=DEFAULT_ENGINE,
                        help=f"topic engine (default: {DEFAULT_ENGINE})")
    topics.add_argument("--min-df", type=int, default=2, help="drop terms in fewer units (default: 2)")
    topics.add_argument("--cache-dir", default=DEFAULT_CACHE, help=f"text-layer cache (default: {DEFAULT_CACHE})")
    _add_input_columns(topics)
    topics.set_defaults(func=_cmd_topics)

    frames = sub.add_parser("frames", help="find frame matches in a table of texts",
                            description="INPUT is a table (parquet, CSV, TSV, JSONL) with doc_id or id, and text; "
                                        "other columns are carried through.")
    frames.add_argument("input")
    frames.add_argument("--out", required=True, help="output CSV, one row per frame match")
    frames.add_argument("--lexicon", help="frame lexicon YAML (default: the packaged one)")
    _add_input_columns(frames)
    frames.set_defaults(func=_cmd_frames)

    rep = sub.add_parser("reproduce", help="run every notebook in order against a corpus")
    rep.add_argument("--corpus", default="data/raw", help="folder of pages (default: data/raw)")
    rep.add_argument("--manifest", help="metadata CSV for the corpus")
    rep.add_argument("--out", default="output", help="output folder (default: output)")
    rep.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                     help="notebook parameter, e.g. -p SEED=7 (repeatable)")
    rep.add_argument("--only", action="append", metavar="NN", help="run only notebooks starting with NN")
    rep.set_defaults(func=_cmd_reproduce)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code. Input errors print one line, not a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CorpusError, LexiconError, FileNotFoundError, ValueError) as error:
        print(f"analysis {args.command}: error: {error}", file=sys.stderr)
        return 2
