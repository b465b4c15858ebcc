"""The HTML topic explorer: counts that add up, shares explained, Hangul without system fonts."""

import base64
import io
import json
import re

import numpy as np
import pytest

from analysis.report import find_korean_font
from analysis.topics import TopicModel
from analysis.topics import explorer as E


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(5)
    themes = [["인공지능", "데이터", "산업", "혁신", "기업"], ["일본", "추월", "경제", "수출", "기술"],
              ["운명", "개척", "자립", "지역", "미래"]]
    units = [[str(w) for w in rng.choice(themes[i % 3] + themes[(i + 1) % 3][:2], size=int(rng.integers(3, 40)))]
             for i in range(90)]
    return TopicModel("nmf", k=3, seed=1).fit(units)


def _page(model, path, **options):
    html = E.write_topic_explorer_html(model, path, **options).read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S).group(1))
    return html, data


def test_in_topic_counts_never_exceed_the_corpus_counts(model, tmp_path):
    _, data = _page(model, tmp_path / "e.html")
    for topic in data["topics"]:
        for term, _, count in topic["terms"]:
            assert count <= data["term_freq"][term] + 1e-6, (topic["topic"], term)
    # a term's count is shared out over the topics
    vocabulary = list(model.vocabulary_)
    term = data["overall"][0][0]
    total = sum(next(c for t, _, c in topic["terms"] if t == term) for topic in data["topics"]
                if any(t == term for t, _, _ in topic["terms"]))
    assert total <= model.term_freq_[vocabulary.index(term)] + 1e-6


def test_both_shares_are_on_the_page_the_tables_one_included(model, tmp_path):
    _, data = _page(model, tmp_path / "e.html")
    table_share = model.doc_topic_[~model.empty_].mean(axis=0)
    assert [t["unit_share"] for t in data["topics"]] == pytest.approx(table_share, rel=1e-5)
    assert sum(t["share"] for t in data["topics"]) == pytest.approx(1.0, abs=1e-5)
    assert "share" in data["ui"]["share_note"] and "단위 평균 비중" in data["ui"]["topic_head"]


def test_the_page_embeds_the_figures_font_subset_to_its_characters(model, tmp_path):
    from fontTools.ttLib import TTFont

    assert E.korean_font_path() == find_korean_font()  # the font the figures embed
    html, data = _page(model, tmp_path / "e.html", labels={1: "토픽 1: 첫째"})
    font = re.search(r"base64,([A-Za-z0-9+/=]+)\) format\(\"woff\"\)", html)
    assert font and len(html) < 400_000  # a subset, not the 4.7 MB font
    cmap = TTFont(io.BytesIO(base64.b64decode(font.group(1)))).getBestCmap()
    hangul = {c for c in html if "\uac00" <= c <= "\ud7a3"}
    assert hangul and all(ord(c) in cmap for c in hangul)  # no tofu on a machine without Korean fonts
    assert data["topics"][0]["name"] == "토픽 1: 첫째" and data["ui"]["axis_x"] == "MDS 차원 1"
    assert E.write_topic_explorer_html(model, tmp_path / "f.html", labels={1: "토픽 1: 첫째"}).read_bytes() == \
        (tmp_path / "e.html").read_bytes()


def test_the_interface_speaks_english_on_request(model, tmp_path):
    html, data = _page(model, tmp_path / "e.html", language="en")
    assert '<html lang="en">' in html and data["title"] == "Topic explorer" and data["ui"]["bars_axis"] == "tokens"
    with pytest.raises(ValueError):
        E.write_topic_explorer_html(model, tmp_path / "x.html", language="fr")
