"""A standalone, offline HTML topic explorer in the spirit of LDAvis.

An intertopic map (classical MDS of Jensen-Shannon distances between topics) beside
bars of each topic's terms ranked by relevance, with LDAvis' lambda slider. The page
embeds its data, a little vanilla JavaScript and the Korean font the figures use
(NanumGothic, subset to the page's characters), so it opens from disk with no network
and shows Hangul on a machine without Korean fonts; its topic numbers (1..K) match the
static figures and tables. The interface is Korean (``language="en"`` for English).
``prepare_ldavis_data`` hands the same arrays to pyLDAvis instead.

Two numbers per topic, both on the page: its share of the corpus's tokens (circle
area, as in LDAvis) and the mean of its share over units (the ``share`` of the topic
tables); they differ when long and short units lean to different topics. A term's
in-topic count is its corpus count times p(topic | term), as LDAvis computes it, so it
never exceeds the corpus count.
"""

from __future__ import annotations

import base64
import importlib.metadata
import io
import json
import logging
from html import escape as escape_html
from pathlib import Path

import numpy as np
from scipy.spatial.distance import pdist, squareform
from sklearn.decomposition import KernelPCA

from analysis.io import write_text
from analysis.topics.model import check_fitted, normalise_rows, top_indices

__all__ = ["embed_json", "korean_font_path", "prepare_ldavis_data", "subset_korean_font", "write_topic_explorer_html"]


def prepare_ldavis_data(model) -> dict:
    """Keyword arguments for ``pyLDAvis.prepare`` (pyLDAvis is not a dependency).

    Pass ``sort_topics=False`` so pyLDAvis keeps this module's 1-based
    topic numbers.

    Example
    -------
    >>> from analysis.topics import TopicModel
    >>> units = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
    >>> data = prepare_ldavis_data(TopicModel("nmf", k=2, seed=1).fit(units))
    >>> sorted(data)
    ['doc_lengths', 'doc_topic_dists', 'term_frequency', 'topic_term_dists', 'vocab']
    >>> import pyLDAvis  # doctest: +SKIP
    >>> vis = pyLDAvis.prepare(**data, sort_topics=False)  # doctest: +SKIP
    """
    check_fitted(model)
    return {
        "topic_term_dists": model.topic_term_,
        "doc_topic_dists": model.doc_topic_,
        "doc_lengths": model.doc_lengths_,
        "vocab": list(model.vocabulary_),
        "term_frequency": model.term_freq_,
    }


def _locate_topics(topic_term: np.ndarray) -> np.ndarray:
    """2-D topic coordinates: classical MDS on Jensen-Shannon distances."""
    if topic_term.shape[0] < 2:
        return np.zeros((topic_term.shape[0], 2))
    distances = squareform(pdist(topic_term, metric="jensenshannon"))
    # Kernel PCA on -D^2/2 double-centres it: that is classical MDS.
    return KernelPCA(n_components=2, kernel="precomputed", eigen_solver="dense").fit_transform(-0.5 * distances**2)


def _round_sig(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}")


def korean_font_path() -> Path:
    """NanumGothic.ttf from the ``koreanize-matplotlib`` wheel: the file the figures embed
    (:func:`analysis.report.find_korean_font` finds the same one)."""
    dist = importlib.metadata.distribution("koreanize-matplotlib")
    path = Path(dist.locate_file("koreanize_matplotlib/fonts/NanumGothic.ttf"))
    if not path.exists():
        raise FileNotFoundError(f"NanumGothic not found at {path}; reinstall koreanize-matplotlib")
    return path


def subset_korean_font(text: str) -> tuple[str, str]:
    """The page's font as base64 and its CSS format: NanumGothic subset (fontTools) to the
    characters of ``text`` plus printable ASCII, as WOFF; the whole TTF without fontTools.
    Same text, same bytes (the font's timestamp is kept as it is)."""
    path = korean_font_path()
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:  # no subsetter: the whole font (about 4.7 MB)
        return base64.b64encode(path.read_bytes()).decode("ascii"), "truetype"
    characters = sorted({ord(c) for c in text if not c.isspace()} | set(range(0x20, 0x7F)) | {0x3BB, 0x2013, 0x2212, 0xB7})
    options = subset.Options()
    options.layout_features = []  # NanumGothic has no GSUB or GPOS
    options.hinting = False
    options.notdef_outline = True
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5", "DSIG"]
    options.flavor = "woff"
    logger = logging.getLogger("fontTools.subset")
    level = logger.level
    logger.setLevel(logging.ERROR)  # it reports every table it drops
    try:
        with TTFont(str(path), recalcTimestamp=False, lazy=True) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=characters)
            subsetter.subset(font)
            buffer = io.BytesIO()
            subset.save_font(font, buffer, options)
    finally:
        logger.setLevel(level)
    return base64.b64encode(buffer.getvalue()).decode("ascii"), "woff"


def embed_json(data) -> str:
    """``data`` as JSON that cannot end or alter the <script> that holds it: every <, >
    and & is written as a \\u escape (so no "</script>" or "<!--"), and so are U+2028/9.

    Example
    -------
    >>> embed_json({"t": "</script>"})
    '{"t":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


# The page's words; "en" is the English option.
_UI = {
    "ko": {
        "title": "토픽 탐색기",
        "map_note": "토픽 사이 지도: 토픽별 단어 분포의 젠슨-섀넌 거리를 고전적 다차원 척도법(MDS)으로 펼친 것. "
                    "원 넓이는 토큰 비중에 비례한다. 원을 누르면 그 토픽의 단어를 본다.",
        "axis_x": "MDS 차원 1", "axis_y": "MDS 차원 2", "size_legend": "원 넓이: 토큰 비중",
        "lambda": "λ (관련도 가중치)", "all_topics": "전체 보기",
        "overall": "말뭉치 전체에서 가장 흔한 단어 {n}개",
        "topic_head": "{name} · 토큰의 {tokens}% · 단위 평균 비중 {units}%",
        "bars_axis": "토큰 수", "corpus_bar": "말뭉치 전체 빈도", "topic_bar": "이 토픽의 추정 빈도",
        "bars_note": "관련도 = λ·log p(단어|토픽) + (1 − λ)·log(p(단어|토픽) / p(단어)). "
                     "이 토픽의 추정 빈도 = 말뭉치 빈도 × p(토픽|단어) (LDAvis와 같은 계산)이라 말뭉치 빈도를 넘지 않는다.",
        "share_note": "토큰 비중은 토픽에 돌아간 토큰의 비율이고(원 넓이), 단위 평균 비중은 분석 단위마다의 토픽 비중을 "
                      "평균한 값으로 토픽 표의 share와 같다. 긴 단위와 짧은 단위가 다른 토픽에 기울면 둘이 다르다.",
        "topic": "토픽",
    },
    "en": {
        "title": "Topic explorer",
        "map_note": "Intertopic map: classical MDS of Jensen-Shannon distances between the topics' term distributions; "
                    "circle area is proportional to the topic's share of tokens. Click a topic to see its terms.",
        "axis_x": "MDS dimension 1", "axis_y": "MDS dimension 2", "size_legend": "circle area: share of tokens",
        "lambda": "λ (relevance weight)", "all_topics": "all topics",
        "overall": "The {n} most frequent terms of the corpus",
        "topic_head": "{name} · {tokens}% of tokens · mean unit share {units}%",
        "bars_axis": "tokens", "corpus_bar": "count in the corpus", "topic_bar": "estimated count in this topic",
        "bars_note": "Relevance = λ log p(w|k) + (1 − λ) log(p(w|k) / p(w)). The estimated count in the topic is the "
                     "corpus count times p(k|w), as LDAvis computes it, so it never exceeds the corpus count.",
        "share_note": "Share of tokens is the fraction of tokens assigned to the topic (circle area); mean unit share "
                      "is the topic's share averaged over the units of analysis, the share of the topic tables. They "
                      "differ when long and short units lean to different topics.",
        "topic": "Topic",
    },
}

_EXPLORER_TEMPLATE = """<!DOCTYPE html>
<html lang="__LANG__">
<head>
<meta charset="utf-8">
<title>__TITLE__</title>
<style>
@font-face{font-family:"ExplorerKorean";src:url(data:font/__FONTFORMAT__;base64,__FONT__) format("__FONTFORMAT__")}
body{font-family:"ExplorerKorean","NanumGothic",sans-serif;margin:16px;display:flex;gap:32px;flex-wrap:wrap;color:#222}
svg text,button,input{font-family:inherit}
#map circle.topic{fill:#1f77b4;fill-opacity:.3;stroke:#1f77b4;cursor:pointer}
#map circle.topic.sel{fill:#d62728;stroke:#d62728}
#map text.num{font-size:12px;text-anchor:middle;dominant-baseline:central;pointer-events:none}
#map text.name{font-size:11px;fill:#555;pointer-events:none}
#map .axis{stroke:#bbb;stroke-dasharray:3 3}
#map text.axislabel,#bars text.axislabel{font-size:11px;fill:#666}
#bars text{font-size:12px}
#bars text.tick{font-size:10px;fill:#666;text-anchor:middle}
.note{font-size:12px;color:#666;max-width:560px}
.key{display:inline-block;width:12px;height:12px;margin:0 4px 0 10px;vertical-align:middle}
</style>
</head>
<body>
<div>
<h3 id="title"></h3>
<svg id="map" width="460" height="532"></svg>
<p class="note" id="mapnote"></p>
</div>
<div>
<label><span id="lamname"></span> = <span id="lv"></span> <input id="lam" type="range" min="0" max="1" step="0.01"></label>
<button id="clear"></button>
<h4 id="head"></h4>
<div class="note"><span class="key" style="background:#c6dbef"></span><span id="k1"></span><span class="key" style="background:#d62728"></span><span id="k2"></span></div>
<svg id="bars" width="560" height="100"></svg>
<p class="note" id="barsnote"></p>
<p class="note" id="sharenote"></p>
</div>
<script type="application/json" id="data">__DATA__</script>
<script>
(function () {
  var D = JSON.parse(document.getElementById("data").textContent), U = D.ui;
  var NS = "http://www.w3.org/2000/svg", W = 460, PAD = 56;
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function fmt(v, d) { return v.toFixed(d); }
  document.getElementById("title").textContent = D.title;
  document.getElementById("mapnote").textContent = U.map_note;
  document.getElementById("lamname").textContent = U.lambda;
  document.getElementById("clear").textContent = U.all_topics;
  document.getElementById("k1").textContent = U.corpus_bar;
  document.getElementById("k2").textContent = U.topic_bar;
  document.getElementById("barsnote").textContent = U.bars_note;
  document.getElementById("sharenote").textContent = U.share_note;
  var svg = document.getElementById("map"), slider = document.getElementById("lam");
  var sel = 0, lam = D.lambda;
  var xs = D.topics.map(function (t) { return t.x; }), ys = D.topics.map(function (t) { return t.y; });
  var cx0 = (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2;
  var cy0 = (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2;
  var span = Math.max(Math.max.apply(null, xs) - Math.min.apply(null, xs), Math.max.apply(null, ys) - Math.min.apply(null, ys), 1e-9);
  function px(v, c) { return W / 2 + (v - c) / span * (W - 2 * PAD); }
  function radius(share) { return Math.max(3, 70 * Math.sqrt(share)); }
  // Axes through the middle of the map, labelled at their ends (names keep clear of the labels).
  svg.appendChild(el("line", {"class": "axis", x1: 8, y1: W / 2, x2: W - 8, y2: W / 2}));
  svg.appendChild(el("line", {"class": "axis", x1: W / 2, y1: 8, x2: W / 2, y2: W - 8}));
  var ax1 = el("text", {"class": "axislabel", x: W - 8, y: W / 2 + 16, "text-anchor": "end"}, U.axis_x);
  var ax2 = el("text", {"class": "axislabel", x: W / 2 + 6, y: 16}, U.axis_y);
  svg.appendChild(ax1); svg.appendChild(ax2);
  // Size key under the map: circles of 1%, 5% and 20% of tokens.
  svg.appendChild(el("line", {x1: 0, y1: W + 2, x2: W, y2: W + 2, stroke: "#eee"}));
  svg.appendChild(el("text", {"class": "axislabel", x: 8, y: W + 40}, U.size_legend));
  [[0.01, 190], [0.05, 240], [0.2, 330]].forEach(function (s) {
    svg.appendChild(el("circle", {cx: s[1], cy: W + 36, r: radius(s[0]), fill: "none", stroke: "#999"}));
    svg.appendChild(el("text", {"class": "axislabel", x: s[1] + radius(s[0]) + 3, y: W + 40}, fmt(100 * s[0], 0) + "%"));
  });
  var names = [];
  D.topics.forEach(function (t) {
    var x = px(t.x, cx0), y = W - px(t.y, cy0), r = radius(t.share);
    var c = el("circle", {"class": "topic", cx: x, cy: y, r: r, id: "c" + t.topic});
    c.appendChild(el("title", {}, t.name));
    c.addEventListener("click", function () { sel = t.topic; draw(); });
    svg.appendChild(c);
    svg.appendChild(el("text", {"class": "num", x: x, y: y}, t.topic));
    names.push({t: t, x: x, y: y, r: r});
  });
  // Each topic's first terms beside its circle (right, else left, else below), the
  // largest topics first; a name that fits nowhere is left to the tooltip.
  var boxes = [ax1.getBBox(), ax2.getBBox()];
  names.sort(function (a, b) { return b.t.share - a.t.share || a.t.topic - b.t.topic; }).forEach(function (n) {
    var places = [[n.x + n.r + 3, n.y + 4, "start"], [n.x - n.r - 3, n.y + 4, "end"], [n.x, n.y + n.r + 13, "middle"]];
    for (var i = 0; i < places.length; i++) {
      var s = el("text", {"class": "name", x: places[i][0], y: places[i][1], "text-anchor": places[i][2]}, n.t.short);
      svg.appendChild(s);
      var b = s.getBBox();
      var clash = b.x < 0 || b.x + b.width > W || b.y + b.height > W || boxes.some(function (o) {
        return b.x < o.x + o.width && b.x + b.width > o.x && b.y < o.y + o.height && b.y + b.height > o.y;
      });
      if (!clash) { boxes.push(b); return; }
      svg.removeChild(s);
    }
  });
  function ticks(top) {
    var raw = top / 4, mag = Math.pow(10, Math.floor(Math.log10(raw))), step = mag;
    [1, 2, 2.5, 5, 10].forEach(function (m) { if (m * mag <= raw * 1.0001) { step = m * mag; } });
    if (step < raw * 0.7) { step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; }).filter(function (s) { return s >= raw; })[0]; }
    var out = [];
    for (var v = 0; v <= top * 1.0001; v += step) { out.push(v); }
    return {values: out, step: step};
  }
  function draw() {
    document.getElementById("lv").textContent = lam.toFixed(2);
    D.topics.forEach(function (t) { document.getElementById("c" + t.topic).classList.toggle("sel", t.topic === sel); });
    var rows, head;
    if (!sel) {
      rows = D.overall.map(function (r) { return {w: r[0], all: r[1], inn: 0}; });
      head = U.overall.replace("{n}", rows.length);
    } else {
      var t = D.topics[sel - 1];
      rows = t.terms.map(function (r) {
        var all = D.term_freq[r[0]];
        return {w: r[0], all: all, inn: r[2], rel: lam * Math.log(r[1]) + (1 - lam) * Math.log(r[1] * D.total / all)};
      });
      rows.sort(function (a, b) { return b.rel - a.rel || (a.w < b.w ? -1 : a.w > b.w ? 1 : 0); });
      rows = rows.slice(0, D.n_bars);
      head = U.topic_head.replace("{name}", t.name).replace("{tokens}", fmt(100 * t.share, 1)).replace("{units}", fmt(100 * t.unit_share, 1));
    }
    document.getElementById("head").textContent = head;
    var top = Math.max.apply(null, rows.map(function (r) { return r.all; })), tk = ticks(top), scaleTop = Math.max(top, tk.values[tk.values.length - 1]);
    var bars = document.getElementById("bars"), L = 130, BW = 400, RH = 19, H = rows.length * RH + 44;
    bars.setAttribute("height", H);
    bars.textContent = "";
    rows.forEach(function (r, i) {
      var y = i * RH + 4;
      bars.appendChild(el("text", {x: L - 6, y: y + 12, "text-anchor": "end"}, r.w));
      [["#c6dbef", r.all], ["#d62728", r.inn]].forEach(function (b) {
        var rect = el("rect", {x: L, y: y + 1, width: BW * b[1] / scaleTop, height: RH - 5, fill: b[0]});
        rect.appendChild(el("title", {}, r.w + ": " + fmt(b[1], b[1] % 1 ? 1 : 0)));
        bars.appendChild(rect);
      });
    });
    var base = rows.length * RH + 6, digits = tk.step < 1 ? 1 : 0;
    bars.appendChild(el("line", {x1: L, y1: base, x2: L + BW, y2: base, stroke: "#888"}));
    tk.values.forEach(function (v) {
      var x = L + BW * v / scaleTop;
      bars.appendChild(el("line", {x1: x, y1: base, x2: x, y2: base + 4, stroke: "#888"}));
      bars.appendChild(el("text", {"class": "tick", x: x, y: base + 16}, fmt(v, digits)));
    });
    bars.appendChild(el("text", {"class": "axislabel", x: L + BW / 2, y: base + 34, "text-anchor": "middle"}, U.bars_axis));
  }
  // A link to page.html#3 opens topic 3.
  var asked = parseInt((window.location.hash || "").replace("#", ""), 10);
  if (asked >= 1 && asked <= D.topics.length) { sel = asked; }
  slider.value = lam;
  slider.addEventListener("input", function () { lam = parseFloat(slider.value); draw(); });
  document.getElementById("clear").addEventListener("click", function () { sel = 0; draw(); });
  draw();
})();
</script>
</body>
</html>
"""


def write_topic_explorer_html(
    model,
    path: str | Path,
    *,
    n_bars: int = 20,
    lambda_: float = 0.6,
    title: str | None = None,
    labels: dict[int, str] | None = None,
    language: str = "ko",
) -> Path:
    """Write a standalone LDAvis-like page: intertopic map plus term bars.

    No network: data, a little vanilla JavaScript and the Korean font (subset) are
    inlined.  Topic circles sit at classical-MDS coordinates of Jensen-Shannon
    distances between ``topic_term_`` rows, sized by token share, numbered and named
    by their first terms; clicking one shows its ``n_bars`` most relevant terms,
    re-ranked live by the lambda slider (relevance as in LDAvis, default 0.6), on a
    count axis.  ``labels`` names the topics (e.g. ``analysis.report.name_topics`` of
    the FREX terms; default: the three most probable terms).  Topic numbers match
    ``label_topics`` (1-based).  ``language`` is ``"ko"`` or ``"en"``.  Same model
    gives identical bytes.

    Example
    -------
    >>> import tempfile
    >>> from analysis.topics import TopicModel
    >>> units = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
    >>> model = TopicModel("nmf", k=2, seed=1).fit(units)
    >>> path = write_topic_explorer_html(model, Path(tempfile.mkdtemp()) / "explorer.html")
    >>> path.name, "https://" in path.read_text(encoding="utf-8")
    ('explorer.html', False)
    """
    check_fitted(model)
    if language not in _UI:
        raise ValueError(f"language must be one of {sorted(_UI)}, not {language!r}")
    ui = _UI[language]
    title = ui["title"] if title is None else title
    beta = model.topic_term_
    counts = model.term_freq_.astype(float)
    total = float(counts.sum())
    p_term = counts / total
    share = normalise_rows((model.doc_lengths_ @ model.doc_topic_)[None, :])[0]
    kept = ~np.asarray(model.empty_, dtype=bool)
    unit_share = model.doc_topic_[kept].mean(axis=0) if kept.any() else np.full(beta.shape[0], np.nan)
    # p(topic | term) by Bayes' rule with the topics' token shares; a term's in-topic
    # count is its corpus count split over the topics (LDAvis's term-topic frequency).
    joint = beta * share[:, None]
    column = joint.sum(axis=0, keepdims=True)
    in_topic = counts[None, :] * np.divide(joint, column, out=np.zeros_like(joint), where=column > 0)
    coords = _locate_topics(beta)
    vocabulary = np.asarray(model.vocabulary_, dtype=object)
    log_beta = np.log(np.where(beta > 0, beta, np.nan))
    log_lift = log_beta - np.log(np.where(p_term > 0, p_term, np.nan))
    first = top_indices(beta, 3)

    topics, used = [], set()
    for k in range(beta.shape[0]):
        # Candidates: every term that is in the top n_bars for some lambda
        # on LDAvis's 0.01 grid, so the slider never needs terms not sent.
        candidates = set()
        for lam in np.linspace(0.0, 1.0, 101):
            relevance = np.nan_to_num(lam * log_beta[k] + (1 - lam) * log_lift[k], nan=-np.inf)
            candidates.update(top_indices(relevance[None, :], n_bars)[0].tolist())
        candidates = sorted(i for i in candidates if beta[k, i] > 0)
        used.update(candidates)
        terms = [[vocabulary[i], _round_sig(beta[k, i]), _round_sig(in_topic[k, i])] for i in candidates]
        name = (labels or {}).get(k + 1) or f"{ui['topic']} {k + 1}: {'·'.join(vocabulary[i] for i in first[k])}"
        short = "·".join(str(name).split(": ", 1)[-1].split("·")[:2])  # the name's first two terms
        topics.append(
            {"topic": k + 1, "x": round(float(coords[k, 0]), 6), "y": round(float(coords[k, 1]), 6),
             "share": _round_sig(share[k]), "unit_share": _round_sig(float(unit_share[k])), "name": str(name),
             "short": short, "terms": terms}
        )
    overall = top_indices(counts[None, :], n_bars)[0]
    data = {
        "lambda": float(lambda_),
        "n_bars": int(n_bars),
        "total": total,
        "title": title,
        "ui": ui,
        "topics": topics,
        "overall": [[vocabulary[i], int(model.term_freq_[i])] for i in overall],
        "term_freq": {vocabulary[i]: int(model.term_freq_[i]) for i in sorted(used | set(overall.tolist()))},
    }
    payload = embed_json(data)
    html = (_EXPLORER_TEMPLATE.replace("__TITLE__", escape_html(title)).replace("__LANG__", language)
            .replace("__DATA__", payload))
    font, font_format = subset_korean_font(html)
    html = html.replace("__FONTFORMAT__", font_format).replace("__FONT__", font)
    return write_text(html, path)
