"""The topic and frame explorer: the tables' numbers, hostile text kept as text, caps, same bytes."""

import base64
import io
import json
import re

import pandas as pd
import pytest

from analysis.io import write_table, write_table_set
from analysis.report import explorer as X
from analysis.report import name_topics
from analysis.textstats import make_concordance
from analysis.topics import estimate_prevalence

SCRIPT_END = "</script><script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
DOCS = pd.DataFrame({
    "doc_id": ["d1", "d2", "d3", "d4", "d5", "d6"],
    "published": ["2018-03-01", "2018-05-01", "2019-01-02", "2021-06-01", "", "2021-07-01"],
    "speaker": ["김", "이", "김", "이", "박", "박"],
    "city": ["광주", "대구", "광주", "대구", "부산", "부산"],
    "title": [f"인공지능 도시 {SCRIPT_END}", FORMULA, "일본 추월", "데이터 행정\u2028둘째 줄", "날짜 없음", "<!--<script>"],
})
SHARES = {"d1": (0.9, 0.1), "d2": (0.2, 0.8), "d3": (0.3, 0.7), "d4": (0.8, 0.2), "d5": (0.6, 0.4), "d6": (0.0, 0.0)}
SENTENCES = {  # per document: (text, voice)
    "d1": [("인공지능 도시를 만든다.", "narration"), (f"시장은 \"데이터가 {SCRIPT_END} 답이다\"라고 했다.", "quote")],
    "d2": [("일본을 추월하자.", "quote"), (f"{FORMULA} 일본 경제", "narration")],
    "d3": [("일본을 추월할 기회다.", "quote"), ("인공지능도 있다.", "narration"), ("일본 추월은 꿈이 아니다.", "quote")],
    "d4": [("데이터 행정을 편다.", "narration"), ("인공지능 데이터 센터.", "quote")],
    "d5": [("인공지능과 일본을 추월.", "quote")],
    "d6": [("아무 말 없음.", "narration")],
}
FRAME_RATES = {"japan_rivalry": 2.5, "tech_future": 4.25, "crisis_as_opportunity": 0.0}


def _hits(sentences: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for s in sentences.itertuples():
        for frame, word in (("japan_rivalry", "추월"), ("tech_future", "인공지능")):
            start = s.text.find(word)
            if start >= 0:
                rows.append({"doc_id": s.doc_id, "para_id": s.para_id, "sent_id": s.sent_id, "frame": frame, "rule": frame,
                             "match": word, "start": start, "end": start + len(word), "voice": s.voice,
                             "speaker": s.speaker, "score": "", "decided_by": f"rule {frame}", "sentence_voice": s.voice})
    return pd.DataFrame(rows)


def _rates(by: str, values) -> pd.DataFrame:
    """A frame prevalence table shaped like notebook 04's, with numbers that tell rows apart."""
    rows = []
    for i, value in enumerate(values):
        for frame, rate in FRAME_RATES.items():
            for voice in ("all", "quote", "narration"):
                shift = {"all": 0.0, "quote": 0.5, "narration": 0.25}[voice]
                rows.append({by: value, "voice": voice, "frame": frame, "n_documents": i + 1, "n_hits": 1,
                             "per_1k": rate + i + shift, "per_1k_low": rate / 2, "per_1k_high": rate * 2 + i + 1})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A run's output folder as notebooks 01-04 leave it (the tables the explorer reads)."""
    out = tmp_path_factory.mktemp("run")
    tables = out / "tables"
    sentences = pd.DataFrame([{"doc_id": d, "para_id": 1, "sent_id": i, "start": 0, "end": len(text), "text": text,
                               "voice": voice, "speaker": DOCS.set_index("doc_id").speaker[d] if voice == "quote" else ""}
                              for d, rows in SENTENCES.items() for i, (text, voice) in enumerate(rows)])
    write_table_set(out / "text", {"sentences.parquet": sentences})
    write_table(DOCS, tables / "01-documents.csv")
    meta = DOCS.assign(year=DOCS.published.str[:4])
    doc_topics = pd.DataFrame({"doc_id": list(SHARES), "speaker": meta.speaker, "city": meta.city, "year": meta.year,
                               "empty": [d == "d6" for d in SHARES],
                               "topic_1": [s[0] for s in SHARES.values()], "topic_2": [s[1] for s in SHARES.values()]})
    write_table(doc_topics, tables / "03-doc-topics.csv")
    prob = pd.DataFrame({"topic": [1, 1, 1, 2, 2, 2], "rank": [1, 2, 3] * 2,
                         "term": ["인공지능", "데이터", "도시", "일본", "추월", "경제"], "weight": [.4, .3, .1, .5, .2, .1]})
    frex = prob.assign(term=["데이터", "인공지능", "도시", "추월", "일본", "경제"])
    write_table(prob, tables / "03-topic-terms-prob.csv")
    write_table(frex, tables / "03-topic-terms-frex.csv")
    write_table(pd.DataFrame({"topic": [1, 2], "prob": "", "frex": "", "share": [0.56, 0.44]}),
                tables / "03-topic-labels.csv")
    for group in ("year", "speaker", "city"):
        write_table(estimate_prevalence(doc_topics, group, n_boot=50, seed=1).round(6),
                    tables / f"03-prevalence-by-{group}.csv")
    write_table(pd.DataFrame({"voice": ["narration", "quote"] * 2, "topic": [1, 1, 2, 2], "mean": [.61, .52, .39, .48],
                              "ci_low": 0.1, "ci_high": 0.9, "n": 3, "n_documents": 3}), tables / "03-prevalence-by-voice.csv")
    hits = _hits(sentences)
    write_table(hits, tables / "04-frame-hits.csv")
    write_table(pd.DataFrame({"frame": list(FRAME_RATES), "label": ["일본 추월·극일", "기술 미래", "위기를 기회로"]}),
                tables / "04-frame-labels.csv")
    write_table(_rates("year", ["", "2018", "2019", "2021"]), tables / "04-frame-prevalence-by-year.csv")
    write_table(_rates("speaker", ["김", "박", "이"]), tables / "04-frame-prevalence-by-speaker.csv")
    write_table(_rates("doc_id", list(SHARES)), tables / "04-frame-prevalence-by-doc-id.csv")
    write_table(_rates("pooled", ["all"]).drop(columns="pooled"), tables / "04-frame-prevalence-by-voice.csv")
    return {"out": out, "sentences": sentences, "hits": hits, "doc_topics": doc_topics, "prob": prob, "frex": frex}


@pytest.fixture(scope="module")
def data(run):
    return X.prepare_explorer_data(run["out"])


def _read(path):
    return pd.read_csv(path, dtype={"doc_id": str, "year": str, "speaker": str}, keep_default_na=False)


def _page_data(path):
    text = path.read_text(encoding="utf-8")
    return text, json.loads(re.search(r'id="explorer-data">(.*?)</script>', text, re.S).group(1))


def test_topics_carry_the_numbers_and_names_of_the_tables_and_figures(run, data):
    tables = run["out"] / "tables"
    names = name_topics(run["frex"], n=3)
    assert [t["name"] for t in data["topics"]] == [names[1], names[2]] == ["토픽 1: 데이터·인공지능·도시", "토픽 2: 추월·일본·경제"]
    assert [t["summary"]["share"] for t in data["topics"]] == [0.56, 0.44]
    assert data["topics"][1]["terms"] == [["일본", 0.5], ["추월", 0.2], ["경제", 0.1]]
    by_year, by_speaker = _read(tables / "03-prevalence-by-year.csv"), _read(tables / "03-prevalence-by-speaker.csv")
    for topic in data["topics"]:
        rows = by_year[(by_year.topic == topic["number"]) & by_year.year.str.fullmatch(r"\d{4}")]
        assert topic["by_year"] == [[r.year, r.mean, r.ci_low, r.ci_high, r.n_documents] for r in rows.itertuples()]
        assert topic["no_year"] == int(by_year[(by_year.topic == topic["number"]) & (by_year.year == "")].n_documents.sum()) == 1
        rows = by_speaker[by_speaker.topic == topic["number"]]
        assert topic["by_group"] == {r.speaker: [r.mean, r.ci_low, r.ci_high, r.n_documents] for r in rows.itertuples()}
    assert [y for y, *_ in data["topics"][0]["by_year"]] == ["2018", "2019", "2021"]  # 2020 has none: the chart breaks there
    assert data["group"]["column"] == "speaker" and data["group"]["label"] == "발화자"
    assert data["group"]["values"] == [["김", 2], ["박", 2], ["이", 2]] and data["years"][0] == ["2018", 2]


def test_topic_lines_are_sentences_of_its_units_that_hold_its_terms(run, data):
    terms = run["prob"].groupby("topic").term.agg(list)
    largest = {d: 1 + int(s[1] > s[0]) for d, s in SHARES.items() if d != "d6"}
    for topic in data["topics"]:
        assert topic["lines"], topic["key"]
        for doc_id, _, _, left, match, right in topic["lines"]:
            assert match in terms[topic["number"]] and largest[doc_id] == topic["number"]
            sentence = left + match + right
            assert any(sentence in s for s in run["sentences"].text)
        shares = [SHARES[line[0]][topic["number"] - 1] for line in topic["lines"]]
        assert shares == sorted(shares, reverse=True)  # highest share first
        # documents by their share of the topic, with their number of lines
        assert [d[1] for d in topic["docs"]] == sorted((s[topic["number"] - 1] for d, s in SHARES.items()
                                                        if d != "d6" and s[topic["number"] - 1] > 0), reverse=True)


def test_frame_lines_are_notebook_04s_concordance_and_rates_its_tables(run, data):
    kwic = make_concordance(run["hits"], run["sentences"], width=30)
    assert [f["name"] for f in data["frames"]] == ["일본 추월·극일", "기술 미래", "위기를 기회로"]
    for frame in data["frames"]:
        rows = kwic[kwic.frame == frame["frame"]]
        assert frame["lines"] == rows[["doc_id", "speaker", "voice", "left", "match", "right"]].values.tolist()
        assert frame["summary"]["hits"] == len(rows)
        rate = FRAME_RATES[frame["frame"]]
        assert frame["summary"] == {"hits": len(rows), "per_1k": rate, "low": rate / 2, "high": rate * 2 + 1}
        assert frame["by_year"] == [[year, rate + i, rate / 2, rate * 2 + i + 1, i + 1]
                                    for i, year in enumerate(["2018", "2019", "2021"], start=1)]
        assert frame["no_year"] == 1 and frame["by_group"]["이"] == [rate + 2, rate / 2, rate * 2 + 3, 3]
        assert frame["by_voice"] == [["quote", rate + 0.5], ["narration", rate + 0.25]]
        index = {d: i for i, d in enumerate(SHARES)}
        assert all(per_1k == rate + index[doc_id] for doc_id, _, per_1k in frame["docs"])
    assert data["frames"][2]["lines"] == [] and data["frames"][2]["docs"] == []


def test_hostile_text_stays_text_in_the_page(run, data, tmp_path):
    titles = {d: meta[1] for d, meta in data["documents"].items()}
    assert titles["d2"] == FORMULA  # the CSV's inert apostrophe is undone: the page shows the title as written
    html, embedded = _page_data(X.write_explorer_html(data, tmp_path / "e.html"))
    assert embedded == json.loads(json.dumps(data))  # every string survives, </script> included
    assert html.count("<script") == 2 and html.count("</script>") == 2  # the data cannot close its block
    assert "<!--" not in html and "\u2028" not in html and "alert(1)</script>" not in html
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in html
    # The front end only ever sets text: no HTML parsing of data anywhere.
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", X._FRONT_END)


def test_same_tables_give_the_same_bytes(run, data, tmp_path):
    again = X.prepare_explorer_data(run["out"])
    assert again == data
    a = X.write_explorer_html(data, tmp_path / "a.html").read_bytes()
    assert X.write_explorer_html(again, tmp_path / "b.html").read_bytes() == a


def test_the_page_works_offline_with_its_hangul_in_the_embedded_font(data, tmp_path):
    from fontTools.ttLib import TTFont

    html, _ = _page_data(X.write_explorer_html(data, tmp_path / "e.html"))
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|fetch\(|import\(|XMLHttpRequest""", html)
    font = re.search(r"base64,([A-Za-z0-9+/=]+)\) format\(\"woff\"\)", html)
    cmap = TTFont(io.BytesIO(base64.b64decode(font.group(1)))).getBestCmap()
    hangul = {c for c in json.dumps(data, ensure_ascii=False) if "\uac00" <= c <= "\ud7a3"}
    assert hangul and all(ord(c) in cmap for c in hangul)
    assert "<title>토픽·프레임 탐색기</title>" in html and '<html lang="ko">' in html


def test_caps_spread_over_groups_and_years_and_the_page_counts_the_rest(run):
    small = X.prepare_explorer_data(run["out"], max_lines=2, max_documents=1)
    for item in small["topics"] + small["frames"]:
        full = next(f for f in X.prepare_explorer_data(run["out"])[item["kind"] + "s"] if f["key"] == item["key"])
        assert len(item["lines"]) <= 2 and len(item["docs"]) <= 1
        assert sum(n for *_, n in item["line_cells"]) == len(full["lines"])  # "of N" counts the uncapped lines
        cells = {tuple(small["documents"][line[0]][2:4]) for line in item["lines"]}
        assert len(cells) == min(2, len(item["line_cells"]))  # one cell's lines never crowd out another's
    assert small["caps"] == {"lines": 2, "documents": 1}
    assert "{lines}" in small["ui"]["intro"] and "{documents}" in small["ui"]["intro"]  # the page says the caps


def test_english_and_another_group_on_request(run):
    data = X.prepare_explorer_data(run["out"], language="en", group="city")
    assert data["title"] == "Topic and frame explorer" and data["topics"][0]["name"].startswith("Topic 1: ")
    assert [f["name"] for f in data["frames"]][:2] == ["overtaking Japan", "tech future (4IR, AI, smart city)"]
    assert data["group"]["label"] == "city" and data["ui"]["voices"]["quote"] == "quoted"
    assert set(data["topics"][0]["by_group"]) == {"광주", "대구", "부산"}
    with pytest.raises(ValueError, match="not a column"):
        X.prepare_explorer_data(run["out"], group="outlet")
    with pytest.raises(ValueError, match="language"):
        X.prepare_explorer_data(run["out"], language="fr")


def test_the_widget_runs_the_pages_front_end_and_says_where_it_shows_without_a_widget_manager(data, monkeypatch):
    pytest.importorskip("anywidget")
    import ipywidgets

    widget = X.show_explorer(data, selection={"focus": "topic-2"})
    assert widget._esm == X._FRONT_END + "\nexport default { render };\n"  # the page inlines the same front end
    assert widget.data == data and widget.selection == {"focus": "topic-2"} and "ExplorerKorean" in widget._css
    monkeypatch.setattr(ipywidgets.Widget, "_control_comm", None)  # papermill, nbconvert: no front end
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    bundle = widget._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"} and "JupyterLab" in bundle["text/html"]
    for connected, session in ((object(), None), (None, "notebooks/05-paper-figures.ipynb")):
        # a widget manager has connected, or a Jupyter server started the kernel for a notebook
        monkeypatch.setattr(ipywidgets.Widget, "_control_comm", connected)
        if session:
            monkeypatch.setenv("JPY_SESSION_NAME", session)
        bundle, _ = widget._repr_mimebundle_()
        assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == widget.model_id


def test_without_anywidget_the_cell_says_so_and_the_notebook_runs_on(data, monkeypatch):
    monkeypatch.setattr(X, "_widget_class", lambda: __import__("anywidget_is_not_installed"))
    bundle = X.show_explorer(data)._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"} and "anywidget" in bundle["text/plain"]
