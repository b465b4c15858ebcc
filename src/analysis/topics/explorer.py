"""A standalone, offline HTML topic explorer in the spirit of LDAvis.

An intertopic map (classical MDS of Jensen-Shannon distances between topics) beside
bars of each topic's terms ranked by relevance, with LDAvis' lambda slider. The page
embeds its data and a little vanilla JavaScript: it opens from disk with no network,
and its topic numbers (1..K) match the static figures and tables.
``prepare_ldavis_data`` hands the same arrays to pyLDAvis instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy.spatial.distance import pdist, squareform
from sklearn.decomposition import KernelPCA

from analysis.io import write_text
from analysis.topics.model import check_fitted, normalise_rows, top_indices

__all__ = ["prepare_ldavis_data", "write_topic_explorer_html"]


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


_EXPLORER_TEMPLATE = """<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>__TITLE__</title>
<style>
body{font-family:sans-serif;margin:16px;display:flex;gap:32px;flex-wrap:wrap;color:#222}
#map circle{fill:#1f77b4;fill-opacity:.3;stroke:#1f77b4;cursor:pointer}
#map circle.sel{fill:#d62728;stroke:#d62728}
#map text{font-size:12px;text-anchor:middle;dominant-baseline:middle;pointer-events:none}
.row{display:flex;align-items:center;font-size:13px;height:20px}
.term{width:120px;text-align:right;padding-right:6px;white-space:nowrap;overflow:hidden}
.track{position:relative;width:380px;height:14px}
.bar{position:absolute;left:0;top:0;height:14px}
.all{background:#c6dbef}.in{background:#d62728}
.note{font-size:12px;color:#666;max-width:520px}
</style>
</head>
<body>
<div>
<h3>__TITLE__</h3>
<svg id="map" width="440" height="440"></svg>
<p class="note">Intertopic map: classical MDS of Jensen-Shannon distances; area is proportional to topic share. Click a topic.</p>
</div>
<div>
<label>&lambda; = <span id="lv"></span> <input id="lam" type="range" min="0" max="1" step="0.01"></label>
<button id="clear">all topics</button>
<h4 id="head"></h4>
<div id="bars"></div>
<p class="note">Relevance = &lambda; log p(w|k) + (1 - &lambda;) log(p(w|k) / p(w)). Blue: term count in the corpus; red: estimated count in the topic.</p>
</div>
<script type="application/json" id="data">__DATA__</script>
<script>
(function () {
  var D = JSON.parse(document.getElementById("data").textContent);
  var NS = "http://www.w3.org/2000/svg", W = 440, PAD = 50;
  var svg = document.getElementById("map"), slider = document.getElementById("lam");
  var sel = 0, lam = D.lambda;
  var xs = D.topics.map(function (t) { return t.x; }), ys = D.topics.map(function (t) { return t.y; });
  var x0 = Math.min.apply(null, xs), y0 = Math.min.apply(null, ys);
  var span = Math.max(Math.max.apply(null, xs) - x0, Math.max.apply(null, ys) - y0, 1e-9);
  function px(v, lo) { return PAD + (v - lo) / span * (W - 2 * PAD); }
  D.topics.forEach(function (t) {
    var c = document.createElementNS(NS, "circle");
    c.setAttribute("cx", px(t.x, x0)); c.setAttribute("cy", W - px(t.y, y0));
    c.setAttribute("r", 4 + 45 * Math.sqrt(t.share)); c.id = "c" + t.topic;
    c.addEventListener("click", function () { sel = t.topic; draw(); });
    svg.appendChild(c);
    var s = document.createElementNS(NS, "text");
    s.setAttribute("x", px(t.x, x0)); s.setAttribute("y", W - px(t.y, y0)); s.textContent = t.topic;
    svg.appendChild(s);
  });
  function draw() {
    document.getElementById("lv").textContent = lam.toFixed(2);
    D.topics.forEach(function (t) { document.getElementById("c" + t.topic).classList.toggle("sel", t.topic === sel); });
    var rows, head;
    if (!sel) {
      rows = D.overall.map(function (r) { return {w: r[0], all: r[1], inn: 0}; });
      head = "Most frequent terms";
    } else {
      var t = D.topics[sel - 1];
      rows = t.terms.map(function (r) {
        var all = D.term_freq[r[0]];
        return {w: r[0], all: all, inn: r[2], rel: lam * Math.log(r[1]) + (1 - lam) * Math.log(r[1] * D.total / all)};
      });
      rows.sort(function (a, b) { return b.rel - a.rel || (a.w < b.w ? -1 : a.w > b.w ? 1 : 0); });
      rows = rows.slice(0, D.n_bars);
      head = "Topic " + sel + " (" + (100 * t.share).toFixed(1) + "% of tokens)";
    }
    document.getElementById("head").textContent = head;
    var top = Math.max.apply(null, rows.map(function (r) { return r.all; }));
    var box = document.getElementById("bars");
    box.textContent = "";
    rows.forEach(function (r) {
      var row = document.createElement("div"); row.className = "row";
      var term = document.createElement("span"); term.className = "term"; term.textContent = r.w;
      var track = document.createElement("span"); track.className = "track";
      [["all", r.all], ["in", r.inn]].forEach(function (b) {
        var bar = document.createElement("span"); bar.className = "bar " + b[0];
        bar.style.width = (100 * b[1] / top) + "%"; bar.title = Math.round(b[1]);
        track.appendChild(bar);
      });
      row.appendChild(term); row.appendChild(track); box.appendChild(row);
    });
  }
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
    title: str = "Topic explorer",
) -> Path:
    """Write a standalone LDAvis-like page: intertopic map plus term bars.

    No network: data and a little vanilla JavaScript are inlined.  Topic
    circles sit at classical-MDS coordinates of Jensen-Shannon distances
    between ``topic_term_`` rows, sized by token share; clicking one shows
    its ``n_bars`` most relevant terms, re-ranked live by the lambda slider
    (relevance as in LDAvis, default 0.6).  Topic numbers match
    ``label_topics`` (1-based).  Same model gives identical bytes.

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
    beta = model.topic_term_
    total = float(model.term_freq_.sum())
    p_term = model.term_freq_ / total
    share = normalise_rows((model.doc_lengths_ @ model.doc_topic_)[None, :])[0]
    coords = _locate_topics(beta)
    vocabulary = np.asarray(model.vocabulary_, dtype=object)
    log_beta = np.log(np.where(beta > 0, beta, np.nan))
    log_lift = log_beta - np.log(np.where(p_term > 0, p_term, np.nan))

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
        terms = [
            [vocabulary[i], _round_sig(beta[k, i]), _round_sig(beta[k, i] * share[k] * total)] for i in candidates
        ]
        topics.append(
            {"topic": k + 1, "x": round(float(coords[k, 0]), 6), "y": round(float(coords[k, 1]), 6),
             "share": _round_sig(share[k]), "terms": terms}
        )
    overall = top_indices(model.term_freq_[None, :].astype(float), n_bars)[0]
    data = {
        "lambda": float(lambda_),
        "n_bars": int(n_bars),
        "total": total,
        "topics": topics,
        "overall": [[vocabulary[i], int(model.term_freq_[i])] for i in overall],
        "term_freq": {vocabulary[i]: int(model.term_freq_[i]) for i in sorted(used | set(overall.tolist()))},
    }
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("</", "<\\/")  # keep the JSON from closing its <script>
    escaped_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    html = _EXPLORER_TEMPLATE.replace("__TITLE__", escaped_title).replace("__DATA__", payload)
    return write_text(html, path)
