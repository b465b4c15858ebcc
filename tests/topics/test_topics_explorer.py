"""The offline HTML topic explorer and the pyLDAvis input."""

import json
import re

import numpy as np
import pytest

from analysis import topics as T
from analysis.topics import explorer as E


def test_topic_explorer_html_is_standalone_and_stable(models, tmp_path):
    model = models["tomotopy"]
    first = E.write_topic_explorer_html(model, tmp_path / "a.html", n_bars=5).read_bytes()
    second = E.write_topic_explorer_html(model, tmp_path / "b.html", n_bars=5).read_bytes()
    assert first == second
    html = first.decode("utf-8")
    assert "https://" not in html and " src=" not in html  # nothing fetched from the network
    data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S).group(1))
    assert [t["topic"] for t in data["topics"]] == [1, 2, 3]
    assert sum(t["share"] for t in data["topics"]) == pytest.approx(1.0, abs=1e-5)
    labels = T.label_topics(model, n=1)
    for topic in data["topics"]:
        terms = [row[0] for row in topic["terms"]]
        assert labels.loc[labels["topic"] == topic["topic"], "term"].item() in terms  # same numbering
        assert set(terms) <= set(data["term_freq"])
    # distinct themes sit apart on the map
    xy = np.array([[t["x"], t["y"]] for t in data["topics"]])
    assert min(np.linalg.norm(xy[i] - xy[j]) for i in range(3) for j in range(i + 1, 3)) > 0.1


def test_prepare_ldavis_data_matches_model(models):
    data = E.prepare_ldavis_data(models["gensim"])
    assert data["topic_term_dists"].shape == (3, len(data["vocab"]))
    assert len(data["doc_lengths"]) == data["doc_topic_dists"].shape[0]
    assert data["term_frequency"].sum() == data["doc_lengths"].sum()


def test_explorer_is_exported_from_the_package():
    assert T.write_topic_explorer_html is E.write_topic_explorer_html
    assert T.prepare_ldavis_data is E.prepare_ldavis_data
