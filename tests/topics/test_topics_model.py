"""TopicModel: the scikit-learn estimator contract, argument checks, input forms, empty units."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from topics_corpus import EMPTY_ROWS, ENGINES

from analysis import topics as T
from analysis.settings import DEFAULTS
from analysis.topics.model import as_token_lists, normalise_rows, top_indices, top_terms

PARAMS = {"engine", "k", "seed", "min_df", "max_df", "options"}


def test_get_params_returns_exactly_the_constructor_arguments():
    model = T.TopicModel("tomotopy", 4, seed=7, min_df=3, max_df=0.8, options={"iterations": 50})
    assert model.get_params() == {"engine": "tomotopy", "k": 4, "seed": 7, "min_df": 3, "max_df": 0.8,
                                  "options": {"iterations": 50}}
    defaults = T.TopicModel(seed=1).get_params()
    assert set(defaults) == PARAMS
    assert defaults == {"engine": T.DEFAULT_ENGINE, "k": 10, "seed": 1, "min_df": DEFAULTS.min_df, "max_df": DEFAULTS.max_df,
                        "options": None}
    assert DEFAULTS.min_df == 2


def test_init_stores_arguments_only():
    # sklearn rule: no validation and no copying in __init__; fit checks.
    options = {"no_such_option": 1}
    model = T.TopicModel("mallet", -1, seed=1, options=options)
    assert model.engine == "mallet" and model.k == -1 and model.options is options
    assert not hasattr(model, "options_") and not hasattr(model, "topic_term_")


def test_seed_is_required_and_keyword_only():
    with pytest.raises(TypeError):
        T.TopicModel("nmf", 3)
    with pytest.raises(TypeError):
        T.TopicModel("nmf", 3, 1)


def test_clone_gives_an_unfitted_model_with_equal_params(models):
    model = models["tomotopy"]
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert copy.options == model.options and copy.options is not model.options
    assert not hasattr(copy, "topic_term_")
    with pytest.raises(NotFittedError):
        copy.transform([["인공지능"]])


def test_set_params_then_fit_returns_self(units):
    model = T.TopicModel("nmf", 2, seed=1, min_df=2, max_df=0.9)
    assert model.set_params(k=3) is model
    assert model.k == 3 and model.get_params()["k"] == 3
    assert model.fit(units) is model
    assert model.topic_term_.shape[0] == 3 and model.doc_topic_.shape == (len(units), 3)
    with pytest.raises(ValueError):
        model.set_params(passes=3)  # not a parameter


def test_repr_names_the_parameters():
    assert repr(T.TopicModel("tomotopy", 3, seed=1, options={"iterations": 50})) == (
        "TopicModel(engine='tomotopy', k=3, seed=1, min_df=2, max_df=0.5, options={'iterations': 50})"
    )


def test_model_arguments_are_checked():
    with pytest.raises(TypeError):
        T.TopicModel("tomotopy", 3)  # seed is required
    with pytest.raises(TypeError):
        T.TopicModel("tomotopy", 3, seed=1, passes=3)  # engine options go in options={...}
    with pytest.raises(TypeError, match="unknown option"):
        T.TopicModel("tomotopy", 3, seed=1, options={"passes": 3}).fit([["가", "나"]])
    with pytest.raises(TypeError, match=r"valid: \['alpha', 'eta', 'infer_iterations', 'iterations'\]"):
        T.TopicModel("tomotopy", 3, seed=1, options={"passes": 3}).fit([["가", "나"]])
    with pytest.raises(TypeError, match="unknown option"):
        T.TopicModel("nmf", 3, seed=1, options={"min_df": 1}).fit([["가", "나"]])  # a parameter, not an option
    with pytest.raises(ValueError, match="unknown engine"):
        T.TopicModel("mallet", 3, seed=1).fit([["가", "나"]])
    with pytest.raises(TypeError, match="seed must be an int"):
        T.TopicModel("nmf", 3, seed="1").fit([["가", "나"]])
    with pytest.raises(ValueError, match="k must be at least 1"):
        T.TopicModel("nmf", 0, seed=1).fit([["가", "나"]])
    assert T.DEFAULT_ENGINE in T.ENGINES


def test_tokens_read_back_as_arrays_fit_like_lists(units):
    # parquet gives numpy arrays in the tokens column
    as_arrays = units.assign(tokens=[None if t is None else np.array(t, dtype=object) for t in units["tokens"]])
    a = T.TopicModel("nmf", 3, seed=1, min_df=2).fit(units)
    b = T.TopicModel("nmf", 3, seed=1, min_df=2).fit(as_arrays)
    c = T.TopicModel("nmf", 3, seed=1, min_df=2).fit(units["tokens"].tolist())
    assert a.vocabulary_ == b.vocabulary_ == c.vocabulary_
    assert np.array_equal(a.topic_term_, b.topic_term_) and np.array_equal(a.doc_topic_, c.doc_topic_)
    with pytest.raises(TypeError, match="not a string"):
        T.TopicModel("nmf", 3, seed=1).fit(["인공지능 데이터"])


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_units_keep_rows_and_are_flagged(models, units, engine):
    model = models[engine]
    assert np.flatnonzero(model.empty_).tolist() == EMPTY_ROWS
    np.testing.assert_allclose(model.doc_topic_[EMPTY_ROWS], 1 / 3)
    assert model.doc_lengths_[EMPTY_ROWS].tolist() == [0, 0, 0]
    table = T.tabulate_doc_topics(model, units, covariates=["theme"])
    assert len(table) == len(units)
    assert table["empty"].tolist() == [i in EMPTY_ROWS for i in range(len(units))]
    assert list(table.columns) == ["doc_id", "sent_id", "theme", "empty", "topic_1", "topic_2", "topic_3"]
    # asking for every unit returns all but the empty ones
    thoughts = T.find_thoughts(model, units, n=len(units))
    assert (thoughts.groupby("topic").size() == len(units) - len(EMPTY_ROWS)).all()
    chosen = set(zip(thoughts["doc_id"], thoughts["sent_id"]))
    assert not chosen & set(zip(units["doc_id"][EMPTY_ROWS], units["sent_id"][EMPTY_ROWS]))


def test_shared_helpers():
    assert as_token_lists([["a", 1], None, float("nan"), ("b",)]) == [["a", "1"], [], [], ["b"]]
    np.testing.assert_allclose(normalise_rows(np.array([[1.0, 3.0], [0.0, 0.0]])), [[0.25, 0.75], [0.5, 0.5]])
    assert top_indices(np.array([[0.2, 0.5, 0.2, 0.1]]), 3).tolist() == [[1, 0, 2]]  # ties by column order


def test_top_indices_of_many_columns_equal_the_full_stable_sort():
    # Wide rows take the partition path: ties at the cut, -inf and repeated values must
    # give the same indices, in the same order, as sorting every column.
    rng = np.random.default_rng(3)
    for trial in range(60):
        columns = int(rng.integers(200, 2000))
        weights = rng.integers(0, 4, size=(3, columns)).astype(float) if trial % 2 else rng.random((3, columns))
        weights[:, rng.integers(0, columns, 7)] = -np.inf
        n = int(rng.integers(1, 25))
        assert (top_indices(weights, n) == np.argsort(-weights, axis=1, kind="stable")[:, :n]).all()


def test_top_terms_follow_probability(models):
    model = models["nmf"]
    terms = top_terms(model, 3)
    labels = T.label_topics(model, n=3)
    assert terms == labels.groupby("topic")["term"].apply(list).tolist()


@pytest.mark.parametrize("engine", ["nmf", "sklearn-lda"])
@pytest.mark.parametrize("min_df,max_df", [(1, 1.0), (2, 0.9), (0.02, 30)])
def test_counts_built_a_batch_at_a_time_fit_the_same_model(seed_corpus, units, engine, min_df, max_df):
    # Real units (the bundled pages' paragraphs) and the synthetic ones with empty rows,
    # counted in uneven batches, give CountVectorizer's matrix and the same fitted model.
    from sklearn.feature_extraction.text import CountVectorizer

    from analysis.text import analyse_documents, tokens_by_unit
    from analysis.topics.model import count_terms

    real = tokens_by_unit(analyse_documents(seed_corpus.documents, progress=False).morphemes, unit="paragraph")
    for table in (real, units):
        texts = as_token_lists(table)
        batches = [texts[a:b] for a, b in zip([0, 1, 7, 40], [1, 7, 40, len(texts)])]
        X, vocabulary = count_terms(batches)
        expected = CountVectorizer(analyzer=lambda t: t).fit(texts)
        assert vocabulary == expected.get_feature_names_out().tolist()
        assert (X != expected.transform(texts)).nnz == 0
        whole = T.TopicModel(engine, 3, seed=4, min_df=min_df, max_df=max_df).fit(table)
        counted = T.TopicModel(engine, 3, seed=4, min_df=min_df, max_df=max_df).fit_counts(X, vocabulary)
        assert counted.vocabulary_ == whole.vocabulary_
        for name in ("topic_term_", "doc_topic_", "empty_", "term_freq_", "doc_lengths_"):
            np.testing.assert_array_equal(getattr(counted, name), getattr(whole, name), err_msg=name)


def test_fit_counts_refuses_engines_that_read_token_order():
    from analysis.topics.model import count_terms

    X, vocabulary = count_terms([[["가", "나"], ["나", "다"]]])
    with pytest.raises(ValueError, match="fit\\(\\)"):
        T.TopicModel("tomotopy", 2, seed=1).fit_counts(X, vocabulary)


def test_document_npmi_from_counts_equals_npmi_from_token_lists(seed_corpus):
    from analysis.text import analyse_documents, tokens_by_unit
    from analysis.topics.model import count_terms
    from analysis.topics.quality import score_npmi_counts, score_npmi_documents

    units = tokens_by_unit(analyse_documents(seed_corpus.documents, progress=False).morphemes, unit="paragraph")
    texts = as_token_lists(units)
    model = T.TopicModel("nmf", 4, seed=1, min_df=2).fit(units)
    top = top_terms(model, 10) + [["없는말", "데이터"]]  # a topic whose terms are not all known
    X, vocabulary = count_terms([texts[:9], texts[9:]])
    np.testing.assert_array_equal(score_npmi_counts(top, X, {t: i for i, t in enumerate(vocabulary)}),
                                  score_npmi_documents(top, texts))
