"""Effects with intervals at the document level, and their coverage measured by simulation."""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import estimate_effects, tabulate_frame_counts
from analysis.errors import InputError
from effects_simulation import measure_coverage


def test_document_level_intervals_cover_the_planted_effects_and_sentence_level_ones_do_not():
    coverage = measure_coverage(n_corpora=200).set_index("estimand")
    print("\n" + coverage.to_string())
    assert coverage["document level"].between(0.92, 0.98).all()
    assert (coverage["sentence level"] < 0.90).all()


def test_a_smooth_of_time_gives_bands_and_contrasts_between_years():
    rng = np.random.default_rng(2)
    docs = pd.DataFrame({"year": rng.integers(2015, 2023, 400)})
    docs["share"] = np.clip(0.1 + 0.04 * (docs.year - 2015) + rng.normal(0, 0.05, len(docs)), 0, 1)
    docs["tokens"] = 500
    fit = estimate_effects(docs, "share", "bs(year, df=3)", seed=1)
    grid = fit.predict(pd.DataFrame({"year": np.arange(2015, 2023)}))
    assert list(grid.columns) == ["year", "estimate", "low", "high", "n_documents", "interval"]
    assert grid.estimate.is_monotonic_increasing and (grid.low < grid.estimate).all() and (grid.estimate < grid.high).all()
    diff = fit.contrast({"year": 2022}, {"year": 2015}).iloc[0]
    assert diff.low < 0.28 < diff.high and diff.measure == "difference"
    composed = estimate_effects(docs, "share", "bs(year, df=3)", concentration="tokens", seed=1)
    wide = composed.contrast({"year": 2022}, {"year": 2015}).iloc[0]
    assert wide.high - wide.low > diff.high - diff.low  # the topic model's own uncertainty adds
    assert "composition" in wide.interval


def test_rates_are_poisson_with_robust_errors_and_clusters_widen_them():
    rng = np.random.default_rng(3)
    docs = pd.DataFrame({"kind": np.repeat(["speech", "interview"], 60), "outlet": np.tile(np.arange(6), 20),
                         "tokens": rng.integers(200, 2000, 120)})
    outlet_effect = rng.gamma(2, 0.5, 6)[docs.outlet]
    docs["hits"] = rng.poisson(np.where(docs.kind == "speech", 4, 2) / 1000 * docs.tokens * outlet_effect)
    fit = estimate_effects(docs, "hits", "C(kind)", exposure="tokens", seed=1)
    table = fit.coefficients()
    assert list(table.columns) == ["term", "estimate", "low", "high", "scale", "n_documents", "interval"]
    assert (table.scale == "rate ratio").all() and table.n_documents.iloc[0] == 120
    by_outlet = estimate_effects(docs, "hits", "C(kind)", exposure="tokens", cluster="outlet", seed=1)
    one, other = (f.contrast({"kind": "speech"}, {"kind": "interview"}).set_index("measure").loc["ratio"]
                  for f in (fit, by_outlet))
    assert "outlet clusters" in other.interval and one.estimate == pytest.approx(other.estimate)
    again = estimate_effects(docs, "hits", "C(kind)", exposure="tokens", seed=1)
    pd.testing.assert_frame_equal(again.coefficients(), table)
    with pytest.raises(InputError, match="not in the table"):
        estimate_effects(docs, "hits", "C(kind)", exposure="words", seed=1)


def test_frame_counts_per_document_keep_every_document():
    morphemes = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "c"], "tag": ["NNG", "VV", "SF", "NNG", "NNP"]})
    hits = pd.DataFrame({"doc_id": ["a", "a", "c"], "frame": ["f", "g", "f"], "voice": ["quote", "narration", "quote"]})
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "year": [2017, 2018, 2019]})
    table = tabulate_frame_counts(hits, morphemes, documents, frames=["f", "g", "h"])
    assert table.values.tolist() == [["a", 2017, 2, 1, 1, 0], ["b", 2018, 1, 0, 0, 0], ["c", 2019, 1, 1, 0, 0]]
    quoted = tabulate_frame_counts(hits, morphemes, documents, frames=["g"], voice="quote")
    assert quoted.hits_g.tolist() == [0, 0, 0]
