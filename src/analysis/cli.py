"""Command line: ``python -m analysis corpus | topics | frames | reproduce``.

Each subcommand is a thin wrapper over the functions the notebooks call.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.corpus import CorpusError, load_corpus, write_corpus


def _cmd_corpus(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.sources, manifest=args.manifest)
    write_corpus(corpus, args.out)
    counts = corpus.report.status.value_counts().to_dict()
    print(f"{len(corpus.report)} inputs: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
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
    corpus = sub.add_parser("corpus", help="read, clean and account for a corpus of pages")
    corpus.add_argument("sources", nargs="+", help="folders of .txt pages or single .txt files")
    corpus.add_argument("--out", required=True, help="output folder")
    corpus.add_argument("--manifest", help="CSV with doc_id, file and metadata columns")
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
