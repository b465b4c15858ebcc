"""Two hostile pages against their tame twins: cleaning, text layer and frames time.

A hostile page must not cost much more than the same text without the problem (the
goal: at most 3 times), because one such page in a corpus of thousands would otherwise
hold up the whole run:

- **unclosed quote**: 100,000 lines (speech sentences, one per line, about 4 million
  characters) with a quotation mark opened near the top and never closed, against the
  same lines with it closed;
- **one huge paragraph**: about 1,000,000 characters of speech sentences run together
  on one line (a table cell, a page saved without line breaks), against the same text
  with one paragraph per line.

The text is real (the presidential speeches, in archive order). Each stage is timed
once per page in this process, after a warm-up that loads Kiwi.

Usage: ``python benchmarks/bench_hostile.py [--lines 100000] [--chars 1000000]``
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import show_table, write_machine  # noqa: E402
from _speeches import select_speeches, split_paragraphs  # noqa: E402

GOAL = 3.0
HEADLINE = "대통령 연설문 모음"


def speech_lines(n_lines: int, *, sentences: bool = False) -> list[str]:
    """The speeches' paragraphs (or sentences) in archive order, ``n_lines`` of them."""
    lines: list[str] = []
    for text in select_speeches()["speech_text"]:
        for paragraph in split_paragraphs(text).split("\n"):
            lines += re.split(r"(?<=[.?!])\s+", paragraph) if sentences else [paragraph]
        if len(lines) >= n_lines:
            break
    return lines[:n_lines]


def time_stages(page: str) -> dict:
    from analysis.corpus.cleaning import clean_page
    from analysis.frames import match_frames
    from analysis.text import analyse_documents

    t0 = time.perf_counter()
    cleaned = clean_page(page)
    t1 = time.perf_counter()
    tables = analyse_documents(pd.DataFrame({"doc_id": ["page"], "title": [cleaned.title], "text": [cleaned.body]}),
                               progress=False)
    t2 = time.perf_counter()
    hits = match_frames(tables.sentences, tables.morphemes)
    t3 = time.perf_counter()
    return {"characters": len(page), "lines": page.count("\n") + 1, "paragraphs": cleaned.body.count("\n") + 1,
            "sentences": len(tables.sentences), "hits": len(hits), "clean_s": t1 - t0, "text_s": t2 - t1,
            "frames_s": t3 - t2}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    write_machine()
    from analysis.text import analyse_texts

    analyse_texts(["워밍업 문장이다."])  # load Kiwi once, outside every timing
    lines = speech_lines(args.lines, sentences=True)
    # The open quote goes into the second paragraph: it must not swallow the rest.
    opened = [HEADLINE, '대통령은 "' + lines[0]] + lines[1:]
    closed = [HEADLINE, '대통령은 "' + lines[0] + '"'] + lines[1:]
    text, used = [], 0
    for line in speech_lines(args.lines * 2):
        if used > args.chars:
            break
        text.append(line)
        used += len(line) + 1
    pairs = {"unclosed quote": ("\n".join(opened), "\n".join(closed)),
             "one huge paragraph": (HEADLINE + "\n" + " ".join(text), HEADLINE + "\n" + "\n".join(text))}
    rows = []
    for case, (hostile, tame) in pairs.items():
        for kind, page in (("hostile", hostile), ("tame", tame)):
            print(f"{case}, {kind}: {len(page):,} characters", flush=True)
            rows.append({"case": case, "page": kind, **time_stages(page)})
    table = pd.DataFrame(rows)
    for stage in ("clean_s", "text_s", "frames_s"):
        table[stage] = table[stage].round(2)
    ratios = []
    for case, group in table.groupby("case", sort=False):
        hostile, tame = group.iloc[0], group.iloc[1]
        for stage in ("clean_s", "text_s", "frames_s"):
            ratio = hostile[stage] / max(tame[stage], 0.01)
            ratios.append({"case": case, "stage": stage[:-2], "hostile_s": hostile[stage], "tame_s": tame[stage],
                           "ratio": round(ratio, 2), "goal": GOAL, "met": ratio <= GOAL})
    show_table(table, "hostile_pages", "Hostile pages and their tame twins")
    show_table(pd.DataFrame(ratios), "hostile_ratios", f"Hostile / tame time per stage (goal <= {GOAL:g})")


if __name__ == "__main__":
    main()
