"""Command line: ``python -m analysis corpus | topics | frames | reproduce``.

Each subcommand is a thin wrapper over the functions the notebooks call.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.corpus import CorpusError, load_corpus, write_corpus


def _cmd_corpus(args: argparse.Namespace) -> int:
    from analysis.importers import Columns

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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``analysis`` command."""
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    from analysis.corpus import MAX_MB
    from analysis.dedup import DEDUP_THRESHOLD

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
    corpus.set_defaults(func=_cmd_corpus)

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
    except (CorpusError, FileNotFoundError, ValueError) as error:
        print(f"analysis {args.command}: error: {error}", file=sys.stderr)
        return 2
