"""Choosing K: sweep_k runs and summarise_sweep."""

import numpy as np
import pandas as pd
import pytest

from analysis import topics as T


def test_sweep_k_rows_columns_and_summary(units):
    # subsample=1.0: every run sees all training units, so stability here is across seeds only.
    runs = T.sweep_k(
        units, ks=[2, 3], seeds=[1, 2], engine="tomotopy", progress=False, topn=5, subsample=1.0,
        min_df=2, max_df=0.9, options={"iterations": 150},
    )
    expected = ["k", "seed", "npmi_doc", "npmi", "c_v", "exclusivity", "heldout_ll", "perplexity", "stability", "n_train",
                "n_fit", "n_heldout"]
    assert list(runs.columns) == expected
    assert runs[["k", "seed"]].values.tolist() == [[2, 1], [2, 2], [3, 1], [3, 2]]
    assert (runs["n_heldout"] == round(0.1 * len(units))).all()
    assert (runs["n_train"] + runs["n_heldout"] == len(units)).all()
    assert (runs["n_fit"] == runs["n_train"]).all()
    assert runs["perplexity"].between(1, 24).all()  # better than uniform over 24 terms
    assert runs["stability"].between(0, 1).all()
    # three themes: k=3 reproduces across seeds and coheres better than k=2
    at3 = runs[runs["k"] == 3]
    assert at3["stability"].min() == 1.0
    assert runs.groupby("k")["npmi"].mean()[3] > runs.groupby("k")["npmi"].mean()[2]
    assert runs.groupby("k")["npmi_doc"].mean()[3] > runs.groupby("k")["npmi_doc"].mean()[2]

    summary = T.summarise_sweep(runs)
    assert summary["k"].tolist() == [2, 3] and summary["n_seeds"].tolist() == [2, 2]
    assert summary.loc[summary["k"] == 3, "stability"].item() == 1.0

    nmf = T.sweep_k(units["tokens"].tolist(), ks=[3], seeds=[1], engine="nmf", progress=False, min_df=2)
    assert len(nmf) == 1 and np.isnan(nmf["perplexity"].item()) and np.isnan(nmf["stability"].item())
    assert -1 <= nmf["heldout_ll"].item() <= 0  # NMF's held-out fit: minus its relative reconstruction error
    assert {"npmi_doc_sd", "stability_sd"} <= set(summary.columns)


def test_choose_k_states_its_rule_and_says_when_no_k_is_stable():
    summary = pd.DataFrame({"k": [5, 10, 15], "npmi_doc": [0.10, 0.14, 0.16], "stability": [0.7, 0.6, 0.4]})
    assert T.choose_k(summary)[0] == 10
    k, reason = T.choose_k(summary.assign(stability=0.3))
    assert k == 15 and "no K reached stability 0.5" in reason


def test_sweep_subsamples_make_nmf_stability_informative(units):
    # NMF starts deterministically, so across seeds alone it would always look stable;
    # each run fitting its own 80% subsample shows that k=3 (the true number of themes,
    # eight words each, hence topn=8)
    # survives a change of data while k=5 splits themes differently each time.
    runs = T.sweep_k(units, ks=[3, 5], seeds=[1, 2, 3], engine="nmf", progress=False, topn=8, min_df=2,
                     max_df=0.9)
    assert (runs["n_fit"] == (0.8 * runs["n_train"]).round().astype(int)).all()
    stability = T.summarise_sweep(runs).set_index("k")["stability"]
    assert stability[3] == 1.0
    assert stability[5] < 0.9


def test_sweep_k_passes_model_parameters_on(units):
    # Engine options go in options={...}; loose keywords are not accepted any more.
    with pytest.raises(TypeError):
        T.sweep_k(units, ks=[2], seeds=[1], engine="tomotopy", progress=False, iterations=150)
    with pytest.raises(TypeError, match="unknown option"):
        T.sweep_k(units, ks=[2], seeds=[1], engine="nmf", progress=False, options={"passes": 3})
    # min_df reaches the model: a threshold above every term's unit count leaves no vocabulary.
    with pytest.raises(ValueError):
        T.sweep_k(units, ks=[2], seeds=[1], engine="nmf", progress=False, min_df=len(units))


def test_a_covariate_engine_sweeps_a_units_table_with_its_covariate():
    rng = np.random.default_rng(0)
    themes = {"a": ["인공지능", "데이터", "산업"], "b": ["일본", "추월", "경제"], "c": ["운명", "개척", "자립"]}
    rows = [{"tokens": list(rng.choice(themes[s], size=6)), "speaker": s} for s in "abc" * 20]
    table = pd.DataFrame(rows)
    runs = T.sweep_k(table, ks=[2, 3], seeds=[1, 2], engine="dmr", min_df=1,
                   options={"metadata": "speaker", "iterations": 50}, progress=False)
    assert runs.heldout_ll.notna().all()  # held-out units inferred with their covariate
    with pytest.raises(ValueError, match="covariate column 'speaker'"):
        T.sweep_k(table["tokens"].tolist(), ks=[2], seeds=[1], engine="dmr", min_df=1,
                options={"metadata": "speaker"}, progress=False)


@pytest.mark.parametrize("engine", ["nmf", "sklearn-lda"])
def test_a_sweep_on_counts_gives_the_runs_of_a_sweep_on_token_lists(seed_corpus, units, engine):
    # Real units (the bundled pages' paragraphs, where a subsample leaves terms no fitted
    # unit has) and the synthetic ones; every score but the window-based two is the same.
    from analysis.text import analyse_documents, tokens_by_unit
    from analysis.topics.model import as_token_lists, count_terms

    real = tokens_by_unit(analyse_documents(seed_corpus.documents, progress=False).morphemes, unit="paragraph")
    for table, min_df in ((real, 1), (units, 2)):
        texts = as_token_lists(table)
        counts = count_terms([texts[:5], texts[5:]])
        settings = dict(ks=[2, 3], seeds=[1, 2], engine=engine, progress=False, topn=5, min_df=min_df, max_df=0.9)
        tokens = T.sweep_k(table, **settings)
        counted = T.sweep_k(None, counts=counts, **settings)
        same = ["k", "seed", "npmi_doc", "exclusivity", "heldout_ll", "perplexity", "stability", "n_train", "n_fit",
                "n_heldout"]
        pd.testing.assert_frame_equal(counted[same], tokens[same], check_exact=True)
        assert counted[["npmi", "c_v"]].isna().all().all() and tokens["c_v"].notna().all()
