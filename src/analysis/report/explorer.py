"""The explorer: topics and frames side by side, as a JupyterLab widget and as one HTML page.

Pick a topic or a frame, and a group (the document's ``speaker``, ``city`` or
``outlet``: the column's own name) or a year, and see the topic's or frame's terms,
its prevalence over the years with 95% intervals, the matching sentences in context
(KWIC) with their voice and speaker, and the documents they come from.

The numbers are the tables' own: a run's ``OUT/tables`` (topic terms and names as in
``03-topic-terms``, prevalence as in ``03-prevalence-by-year`` and
``04-frame-prevalence-by-year``, frame hits as in ``04-concordance``) and its
``OUT/text/sentences.parquet``; :func:`prepare_explorer_data` turns them into one
dict. One front end (a plain ES module, no build step, nothing fetched) draws it
twice: as an anywidget in JupyterLab (:func:`show_explorer`), and inlined in a page
that opens from disk (:func:`write_explorer_html`), where a few lines give it the
same ``model.get/set/on`` it has in the widget. Both embed the figures' Korean font
(NanumGothic, subset to the characters used), so Hangul shows on a machine without
Korean fonts. Text from the corpus is only ever set as text, never parsed as HTML.

A large corpus stays a page a browser opens: each topic and frame carries at most
``max_lines`` KWIC lines and ``max_documents`` documents, taken in turn from every
(group, year) cell so that a filter still finds some, and the page says how many of
how many it shows.

Example
-------
>>> data = prepare_explorer_data("output")  # doctest: +SKIP
>>> write_explorer_html(data, "output/figures/05-explorer.html")  # doctest: +SKIP
>>> show_explorer(data, selection={"focus": "topic-3"})  # the cell's value, in JupyterLab  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import html
import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.groups import GROUP_COLUMNS, find_group_columns
from analysis.io import read_table_set, restore_formulas, write_text
from analysis.report.labels import LANGUAGES, display_label, display_labels, frame_labels, name_topics
from analysis.report.provenance import record_outputs
from analysis.textstats import make_concordance
from analysis.topics.explorer import embed_json, subset_korean_font

__all__ = ["prepare_explorer_data", "show_explorer", "write_explorer_html"]

# Groups the explorer filters by; the year is the period, a filter of its own.
_GROUPS = tuple(g for g in GROUP_COLUMNS if g != "year")
_YEAR = re.compile(r"\d{4}")

# The page's words; "en" is the English option. Column names come from the label table.
_UI = {
    "ko": {
        "title": "토픽·프레임 탐색기",
        "intro": "토픽이나 프레임을 고르면 그 단어, 연도별 비중, 용례(KWIC), 출처 문서를 본다. 토픽 번호와 숫자는 "
                 "그림·표와 같다. 이 페이지에는 항목마다 용례 최대 {lines}줄, 문서 최대 {documents}건을 담았다 "
                 "({group}·연도마다 고르게).",
        "topics": "토픽", "frames": "프레임", "all": "전체", "period": "연도",
        "topic_summary": "단위 평균 비중 {share}",
        "frame_summary": "일치 {hits}건 · 1,000 토큰당 {per_1k} (95% {low}–{high})",
        "by_voice": "발화 주체별: {values}",
        "topic_terms": "상위 단어 (확률)", "frame_terms": "일치한 표현",
        "topic_terms_axis": "토픽 안 단어 확률 p(단어|토픽)", "frame_terms_axis": "일치 수",
        "frex": "FREX 상위 단어: {terms}",
        "topic_time": "연도별 토픽 비중", "frame_time": "연도별 프레임 빈도 (전체 발화)",
        "topic_time_axis": "토픽 비중", "frame_time_axis": "1,000 토큰당 빈도",
        "interval": "세로 선: 95% 구간 (문서 단위 부트스트랩). 점을 누르면 그 연도만 본다.",
        "gaps": "자료 없는 연도에서는 선을 끊음: {values}",
        "no_year": "연도 없는 문서 {n}건은 그리지 않음",
        "no_time": "연도별 표가 없다 (연도가 둘 이상이 아님)",
        "cell_value": "{name}: {estimate} (95% {low}–{high}), 문서 {n}건",
        "cell_missing": "{name}: 표에 없음",
        "lines": "용례 (KWIC)",
        "topic_lines_note": "이 토픽이 가장 큰 분석 단위의 문장 가운데 상위 단어가 나오는 문장, 비중이 높은 순.",
        "frame_lines_note": "프레임 일치 하나에 한 줄 (04-concordance와 같은 줄), 문서 순.",
        "filter_note": "{group} 필터는 문서의 메타데이터를 따르고, 줄의 발화자는 그 말을 한 사람이다.",
        "shown": "{shown}개 표시 / 조건에 맞는 {total}개",
        "documents": "출처 문서",
        "none": "없음",
        "no_widget": "토픽·프레임 탐색기: 위젯을 그리는 화면(JupyterLab)에서 실행하면 여기에 보인다. 같은 탐색기가 "
                     "HTML 파일로도 저장된다.",
        "no_anywidget": "토픽·프레임 탐색기: 위젯에는 anywidget이 필요하다 (pip install -e \".[lab]\"). 같은 탐색기가 HTML "
                        "파일로도 저장된다.",
        "lines_count": "용례 수", "hits": "일치 수",
    },
    "en": {
        "title": "Topic and frame explorer",
        "intro": "Pick a topic or a frame to see its terms, its prevalence by year, its sentences in context (KWIC) "
                 "and their documents. Topic numbers and values are those of the figures and tables. The page holds "
                 "at most {lines} KWIC lines and {documents} documents per item (spread over {group} and year).",
        "topics": "Topics", "frames": "Frames", "all": "all", "period": "year",
        "topic_summary": "mean unit share {share}",
        "frame_summary": "{hits} hits · {per_1k} per 1,000 tokens (95% {low}–{high})",
        "by_voice": "by voice: {values}",
        "topic_terms": "Top terms (probability)", "frame_terms": "Matched expressions",
        "topic_terms_axis": "term probability p(term|topic)", "frame_terms_axis": "hits",
        "frex": "top FREX terms: {terms}",
        "topic_time": "Topic share by year", "frame_time": "Frame rate by year (all voices)",
        "topic_time_axis": "topic share", "frame_time_axis": "per 1,000 tokens",
        "interval": "Vertical lines: 95% intervals (bootstrap over documents). Click a point to see that year only.",
        "gaps": "lines break where a year has no data: {values}",
        "no_year": "{n} documents without a year are not drawn",
        "no_time": "no table by year (fewer than two years)",
        "cell_value": "{name}: {estimate} (95% {low}–{high}), {n} documents",
        "cell_missing": "{name}: not in the tables",
        "lines": "Sentences in context (KWIC)",
        "topic_lines_note": "Sentences of the units where this topic is the largest that contain one of its top terms, "
                            "highest share first.",
        "frame_lines_note": "One line per frame hit (the lines of 04-concordance), in document order.",
        "filter_note": "The {group} filter follows the document's metadata; a line's speaker is who said it.",
        "shown": "{shown} shown of {total} matching",
        "documents": "Source documents",
        "none": "none",
        "no_widget": "Topic and frame explorer: run this cell where widgets are drawn (JupyterLab) to see it here. The "
                     "same explorer is saved as an HTML page.",
        "no_anywidget": "Topic and frame explorer: the widget needs anywidget (pip install -e \".[lab]\"). The same "
                        "explorer is saved as an HTML page.",
        "lines_count": "KWIC lines", "hits": "hits",
    },
}

# Scoped to the widget's own class, so it styles nothing else in JupyterLab.
_CSS = """
.mre{font-family:"ExplorerKorean",sans-serif;color:#222;background:#fff;font-size:13px;line-height:1.45;
  max-width:1240px;padding:8px}
.mre button,.mre select,.mre svg{font-family:inherit;font-size:inherit}
.mre h2{font-size:19px;margin:2px 0 4px}
.mre h3{font-size:15px;margin:12px 0 4px}
.mre h4{font-size:13px;margin:10px 0 2px}
.mre .note{color:#666;font-size:12px;margin:2px 0}
.mre .controls{display:flex;gap:18px;align-items:center;flex-wrap:wrap;margin:6px 0 10px}
.mre .cols{display:flex;gap:22px;align-items:flex-start}
.mre .side{width:250px;flex:none}
.mre .side button{display:block;width:100%;text-align:left;border:1px solid #ddd;background:#f7f7f7;color:#222;
  margin:2px 0;padding:4px 6px;cursor:pointer;border-radius:3px}
.mre .side button .n{color:#777;font-size:11px;margin-left:4px}
.mre .side button.sel{background:#d62728;border-color:#d62728;color:#fff}
.mre .side button.sel .n{color:#fdd}
.mre .main{flex:1;min-width:0}
.mre .row{display:flex;gap:20px;flex-wrap:wrap}
.mre .terms{width:420px;flex:none}
.mre .time{width:470px;flex:none}
.mre .scroll{max-height:460px;overflow:auto;border-bottom:1px solid #ddd}
.mre svg text{font-size:12px;fill:#222}
.mre svg text.tick,.mre svg text.axis{font-size:11px;fill:#666}
.mre table{border-collapse:collapse;width:100%;font-size:12px;margin-top:4px}
.mre th{text-align:left;color:#555;font-weight:normal;border-bottom:1px solid #bbb;padding:2px 6px;position:sticky;top:0;
  background:#fff}
.mre td{padding:2px 6px;border-bottom:1px solid #eee;vertical-align:top}
.mre td.num{text-align:right;white-space:nowrap}
.mre td.left{text-align:right}
.mre td.match{font-weight:bold;color:#b2182b;white-space:nowrap}
.mre td.id{white-space:nowrap}
"""

# The one front end. Plain JavaScript shared by the widget (an ES module: the widget
# appends "export default { render }") and the page (inlined with a stand-in model).
_FRONT_END = r"""
"use strict";
var SVG = "http://www.w3.org/2000/svg";

function make(tag, attrs, text) {
  var e = tag.charAt(0) === "@" ? document.createElementNS(SVG, tag.slice(1)) : document.createElement(tag);
  for (var k in attrs || {}) { e.setAttribute(k, attrs[k]); }
  if (text !== undefined && text !== null) { e.textContent = String(text); }  // text, never HTML
  return e;
}
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
}
function own(object, key) {  // a key of the data, never one inherited (__proto__, constructor)
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
function fmt(v, digits) { return v === null || v === undefined ? "–" : Number(v).toFixed(digits); }
function count(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
function clip(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }
function niceTicks(top, n) {
  if (!(top > 0)) { top = 1; }
  var raw = top / n, mag = Math.pow(10, Math.floor(Math.log10(raw))), step = 10 * mag;
  [5, 2.5, 2, 1].forEach(function (m) { if (m * mag >= raw) { step = m * mag; } });
  var values = [], last = Math.ceil(top / step - 1e-9);
  for (var i = 0; i <= last; i++) { values.push(i * step); }
  var digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (Math.abs(step / mag - 2.5) < 1e-9 ? 1 : 0));
  return {values: values, digits: digits, top: values[values.length - 1]};
}

function render(context) {
  var model = context.model, el = context.el;
  var D = model.get("data"), U = D.ui, foci = D.topics.concat(D.frames), byKey = Object.create(null);
  foci.forEach(function (f) { byKey[f.key] = f; });
  var root = make("div", {"class": "mre"});
  el.appendChild(root);
  root.appendChild(make("h2", {}, D.title));
  var groupName = D.group ? D.group.label : U.period;
  root.appendChild(make("p", {"class": "note"}, fill(U.intro, {lines: D.caps.lines, documents: D.caps.documents, group: groupName})));

  // Filters: the group column (by its own name) and the year.
  var controls = make("div", {"class": "controls"}), selects = {};
  function addSelect(name, label, values) {
    var wrap = make("label", {}, label + " "), select = make("select", {"data-filter": name});
    select.appendChild(make("option", {value: ""}, U.all));
    values.forEach(function (v) { select.appendChild(make("option", {value: v[0]}, v[0] + " (" + count(v[1]) + ")")); });
    select.addEventListener("change", function () { var c = {}; c[name] = select.value; choose(c); });
    wrap.appendChild(select);
    controls.appendChild(wrap);
    selects[name] = select;
  }
  if (D.group) { addSelect("group", D.group.label, D.group.values); }
  addSelect("year", U.period, D.years);
  root.appendChild(controls);

  // Left: the topics and frames to pick from; right: the views of the one picked.
  var cols = make("div", {"class": "cols"}), side = make("div", {"class": "side"}), main = make("div", {"class": "main"});
  var buttons = {};
  [[U.topics, D.topics], [U.frames, D.frames]].forEach(function (part) {
    if (!part[1].length) { return; }
    side.appendChild(make("h3", {}, part[0]));
    part[1].forEach(function (f) {
      var b = make("button", {type: "button", "data-key": f.key}, f.name);
      b.appendChild(make("span", {"class": "n"}, f.kind === "topic" ? fmt(f.summary.share, 3) : count(f.summary.hits)));
      b.addEventListener("click", function () { choose({focus: f.key}); });
      side.appendChild(b);
      buttons[f.key] = b;
    });
  });
  cols.appendChild(side);
  cols.appendChild(main);
  root.appendChild(cols);

  var head = make("h3", {"class": "head"}), summary = make("p", {"class": "note summary"}), voices = make("p", {"class": "note"});
  var row = make("div", {"class": "row"}), termsBox = make("div", {"class": "terms"}), timeBox = make("div", {"class": "time"});
  var linesBox = make("div", {"class": "lines"}), docsBox = make("div", {"class": "docs"});
  [head, summary, voices, row, linesBox, docsBox].forEach(function (e) { main.appendChild(e); });
  row.appendChild(termsBox);
  row.appendChild(timeBox);

  function current() {
    var s = model.get("selection") || {};
    return {focus: own(byKey, s.focus) ? s.focus : foci[0].key, group: s.group || "", year: s.year || ""};
  }
  function choose(change) {
    var s = current();
    for (var k in change) { s[k] = change[k]; }
    model.set("selection", s);
    model.save_changes();
  }
  function keep(docId, s) {
    var d = own(D.documents, docId);
    return !!d && (!s.group || d[2] === s.group) && (!s.year || d[3] === s.year);
  }
  function matching(cells, s) {
    return cells.reduce(function (n, c) { return n + ((!s.group || c[0] === s.group) && (!s.year || c[1] === s.year) ? c[2] : 0); }, 0);
  }
  function digits(f) { return f.kind === "topic" ? 3 : 2; }
  function voice(id) { return own(U.voices, id) || id; }
  function estimate(name, v, d) {
    return v ? fill(U.cell_value, {name: name, estimate: fmt(v[0], d), low: fmt(v[1], d), high: fmt(v[2], d), n: count(v[3])})
             : fill(U.cell_missing, {name: name});
  }

  function drawTerms(f) {
    termsBox.textContent = "";
    termsBox.appendChild(make("h4", {}, U[f.kind + "_terms"]));
    var rows = f.terms, L = 112, BW = 220, RH = 20, W = 420, H = rows.length * RH + 46;
    var svg = make("@svg", {width: W, height: H, "class": "bars"});
    var tk = niceTicks(Math.max.apply(null, rows.map(function (r) { return r[1]; }).concat([0])), 4);
    rows.forEach(function (r, i) {
      var y = i * RH + 4, w = BW * r[1] / tk.top;
      var label = make("@text", {x: L - 6, y: y + 13, "text-anchor": "end", "class": "term"}, clip(r[0], 9));
      label.appendChild(make("@title", {}, r[0]));
      svg.appendChild(label);
      svg.appendChild(make("@rect", {x: L, y: y + 2, width: Math.max(w, 0.5), height: RH - 6, fill: f.kind === "topic" ? "#4a7ab5" : "#d6604d"}));
      svg.appendChild(make("@text", {x: L + w + 4, y: y + 13, "class": "tick"}, f.kind === "topic" ? fmt(r[1], 3) : count(r[1])));
    });
    var base = rows.length * RH + 6;
    svg.appendChild(make("@line", {x1: L, y1: base, x2: L + BW, y2: base, stroke: "#888"}));
    tk.values.forEach(function (v) {
      var x = L + BW * v / tk.top;
      svg.appendChild(make("@line", {x1: x, y1: base, x2: x, y2: base + 4, stroke: "#888"}));
      svg.appendChild(make("@text", {x: x, y: base + 16, "text-anchor": "middle", "class": "tick"}, fmt(v, f.kind === "topic" ? tk.digits : 0)));
    });
    svg.appendChild(make("@text", {x: L + BW / 2, y: base + 34, "text-anchor": "middle", "class": "axis"}, U[f.kind + "_terms_axis"]));
    termsBox.appendChild(svg);
    if (f.frex && f.frex.length) { termsBox.appendChild(make("p", {"class": "note"}, fill(U.frex, {terms: f.frex.join(" · ")}))); }
  }

  function drawTime(f, s) {
    timeBox.textContent = "";
    timeBox.appendChild(make("h4", {}, U[f.kind + "_time"]));
    var rows = f.by_year, d = digits(f);
    if (!rows.length) { timeBox.appendChild(make("p", {"class": "note"}, U.no_time)); return; }
    var W = 470, H = 240, L = 58, R = 18, T = 12, B = 46;
    var years = rows.map(function (r) { return parseInt(r[0], 10); });
    var y0 = Math.min.apply(null, years), y1 = Math.max.apply(null, years);
    var tk = niceTicks(Math.max.apply(null, rows.map(function (r) { return Math.max(r[1], r[3] === null ? 0 : r[3]); })), 4);
    var P = 18;  // keeps the first year clear of the value axis
    function px(year) { return y1 === y0 ? (L + W - R) / 2 : L + P + (year - y0) / (y1 - y0) * (W - L - R - 2 * P); }
    function py(v) { return H - B - (v / tk.top) * (H - B - T); }
    var svg = make("@svg", {width: W, height: H, "class": "chart"});
    tk.values.forEach(function (v) {
      svg.appendChild(make("@line", {x1: L, y1: py(v), x2: W - R, y2: py(v), stroke: "#eee"}));
      svg.appendChild(make("@text", {x: L - 6, y: py(v) + 4, "text-anchor": "end", "class": "tick"}, fmt(v, tk.digits)));
    });
    svg.appendChild(make("@line", {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888"}));
    var step = Math.max(1, Math.ceil((y1 - y0 + 1) / 8));
    for (var year = y0; year <= y1; year += step) {
      svg.appendChild(make("@line", {x1: px(year), y1: H - B, x2: px(year), y2: H - B + 4, stroke: "#888"}));
      svg.appendChild(make("@text", {x: px(year), y: H - B + 16, "text-anchor": "middle", "class": "tick"}, year));
    }
    svg.appendChild(make("@text", {x: (L + W - R) / 2, y: H - 8, "text-anchor": "middle", "class": "axis"}, U.period));
    svg.appendChild(make("@text", {x: 14, y: (H - B + T) / 2, "text-anchor": "middle", "class": "axis",
                                   transform: "rotate(-90 14 " + (H - B + T) / 2 + ")"}, U[f.kind + "_time_axis"]));
    // Lines join neighbouring years only: a year without data breaks the line.
    for (var i = 1; i < rows.length; i++) {
      if (years[i] - years[i - 1] === 1) {
        svg.appendChild(make("@line", {x1: px(years[i - 1]), y1: py(rows[i - 1][1]), x2: px(years[i]), y2: py(rows[i][1]),
                                       stroke: "#4a7ab5", "stroke-width": 1.5}));
      }
    }
    rows.forEach(function (r, i) {
      var x = px(years[i]), picked = s.year === r[0];
      if (r[2] !== null && r[3] !== null) {
        svg.appendChild(make("@line", {x1: x, y1: py(r[2]), x2: x, y2: py(r[3]), stroke: picked ? "#d62728" : "#9bb7d9",
                                       "stroke-width": 2}));
      }
      var dot = make("@circle", {cx: x, cy: py(r[1]), r: picked ? 5.5 : 3.5, fill: picked ? "#d62728" : "#4a7ab5",
                                 "data-year": r[0], style: "cursor:pointer"});
      dot.appendChild(make("@title", {}, estimate(r[0], r.slice(1), d)));
      dot.addEventListener("click", function () { choose({year: picked ? "" : r[0]}); });
      svg.appendChild(dot);
    });
    timeBox.appendChild(svg);
    timeBox.appendChild(make("p", {"class": "note"}, U.interval));
    var gaps = [];
    for (var y = y0; y <= y1; y++) { if (years.indexOf(y) < 0) { gaps.push(y); } }
    if (gaps.length) {
      var listed = gaps.slice(0, 12).join(", ") + (gaps.length > 12 ? ", …" : "");
      timeBox.appendChild(make("p", {"class": "note"}, fill(U.gaps, {values: listed})));
    }
    if (f.no_year) { timeBox.appendChild(make("p", {"class": "note"}, fill(U.no_year, {n: count(f.no_year)}))); }
    // The picked year's and group's own numbers, from the same tables.
    var pickedRow = rows.filter(function (r) { return r[0] === s.year; })[0];
    if (s.year) { timeBox.appendChild(make("p", {"class": "note cell"}, estimate(s.year, pickedRow && pickedRow.slice(1), d))); }
    if (s.group) { timeBox.appendChild(make("p", {"class": "note cell"}, estimate(s.group, own(f.by_group, s.group), d))); }
  }

  function table(box, headers, rows, numeric) {
    var t = make("table"), tr = make("tr"), scroll = make("div", {"class": "scroll"});
    headers.forEach(function (h) { tr.appendChild(make("th", {}, h)); });
    t.appendChild(make("thead")).appendChild(tr);
    var body = make("tbody");
    rows.forEach(function (cells) {
      var r = make("tr");
      cells.forEach(function (c, i) { r.appendChild(make("td", {"class": numeric[i] || ""}, c)); });
      body.appendChild(r);
    });
    if (!rows.length) { body.appendChild(make("tr")).appendChild(make("td", {colspan: headers.length}, U.none)); }
    t.appendChild(body);
    scroll.appendChild(t);
    box.appendChild(scroll);
  }

  function drawLines(f, s) {
    linesBox.textContent = "";
    linesBox.appendChild(make("h4", {}, U.lines));
    var note = U[f.kind + "_lines_note"] + (D.group ? " " + fill(U.filter_note, {group: D.group.label}) : "");
    linesBox.appendChild(make("p", {"class": "note"}, note));
    var lines = f.lines.filter(function (l) { return keep(l[0], s); });
    var shown = fill(U.shown, {shown: count(lines.length), total: count(matching(f.line_cells, s))});
    linesBox.appendChild(make("p", {"class": "note count"}, shown));
    var C = U.columns;
    table(linesBox, [C.doc_id, C.speaker, C.voice, C.left, C.match, C.right],
          lines.map(function (l) { return [l[0], l[1] || "–", voice(l[2]), l[3], l[4], l[5]]; }),
          ["id", "", "id", "left", "match", ""]);
  }

  function drawDocs(f, s) {
    docsBox.textContent = "";
    docsBox.appendChild(make("h4", {}, U.documents));
    var docs = f.docs.filter(function (r) { return keep(r[0], s); }), C = U.columns;
    var shown = fill(U.shown, {shown: count(docs.length), total: count(matching(f.doc_cells, s))});
    docsBox.appendChild(make("p", {"class": "note count"}, shown));
    var headers = [C.doc_id, C.published, C.title].concat(D.group ? [D.group.label] : []);
    headers = headers.concat(f.kind === "topic" ? [C.share, U.lines_count] : [U.hits, C.per_1k]);
    table(docsBox, headers, docs.map(function (r) {
      var meta = own(D.documents, r[0]), cells = [r[0], meta[0], meta[1]].concat(D.group ? [meta[2]] : []);
      return cells.concat(f.kind === "topic" ? [fmt(r[1], 3), count(r[2])] : [count(r[1]), fmt(r[2], 2)]);
    }), ["id", "id", ""].concat(D.group ? [""] : []).concat(["num", "num"]));
  }

  function draw() {
    var s = current(), f = byKey[s.focus], d = digits(f);
    for (var k in buttons) {
      buttons[k].classList.toggle("sel", k === s.focus);
      buttons[k].setAttribute("aria-pressed", String(k === s.focus));
    }
    for (var name in selects) { selects[name].value = s[name]; }
    head.textContent = f.name;
    var m = f.summary;
    summary.textContent = f.kind === "topic" ? fill(U.topic_summary, {share: fmt(m.share, 3)})
      : fill(U.frame_summary, {hits: count(m.hits), per_1k: fmt(m.per_1k, 2), low: fmt(m.low, 2), high: fmt(m.high, 2)});
    var byVoice = f.by_voice.map(function (v) { return voice(v[0]) + " " + fmt(v[1], d); }).join(" · ");
    voices.textContent = byVoice ? fill(U.by_voice, {values: byVoice}) : "";
    drawTerms(f);
    drawTime(f, s);
    drawLines(f, s);
    drawDocs(f, s);
  }
  model.on("change:selection", draw);
  draw();
  return function () { model.off("change:selection", draw); };
}
"""

# The page: the front end above with a stand-in for the widget's model, which reads
# the embedded data and keeps the selection in the address (page.html#topic-3).
_PAGE = """<!DOCTYPE html>
<html lang="__LANG__">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
__FONT_FACE__
body{margin:12px;background:#fff}
__CSS__
</style>
</head>
<body>
<div id="explorer"></div>
<script type="application/json" id="explorer-data">__DATA__</script>
<script>
(function () {
__FRONT_END__
var state = {data: JSON.parse(document.getElementById("explorer-data").textContent), selection: {}};
try { state.selection = {focus: decodeURIComponent(window.location.hash.slice(1))}; } catch (e) { /* a mangled address */ }
var listeners = {};
var model = {
  get: function (name) { return state[name]; },
  set: function (name, value) {
    state[name] = value;
    (listeners["change:" + name] || []).slice().forEach(function (f) { f(); });
  },
  on: function (event, f) { (listeners[event] = listeners[event] || []).push(f); },
  off: function (event, f) { listeners[event] = (listeners[event] || []).filter(function (g) { return g !== f; }); },
  save_changes: function () {
    if (state.selection.focus) { history.replaceState(null, "", "#" + encodeURIComponent(state.selection.focus)); }
  }
};
render({model: model, el: document.getElementById("explorer")});
})();
</script>
</body>
</html>
"""


def _read(path: Path) -> pd.DataFrame:
    """A table as a notebook wrote it: ids and groups as text, formulas made inert undone."""
    table = pd.read_csv(path, dtype={c: str for c in ("doc_id", "year", "term", "match", "frame", "voice", *_GROUPS)},
                        keep_default_na=False)
    for column in table.columns:
        if pd.api.types.is_string_dtype(table[column]) or pd.api.types.is_object_dtype(table[column]):
            table[column] = restore_formulas(table[column])
    return table


def _read_optional(path: Path) -> pd.DataFrame | None:
    return _read(path) if path.exists() else None


def _number(value, digits: int = 6):
    """A float the page can carry (JSON has no NaN), rounded no finer than the tables."""
    value = float(value)
    return None if math.isnan(value) else round(value, digits)


def _estimates(table: pd.DataFrame | None, column: str, estimate: str, low: str, high: str) -> dict[str, list]:
    """Group value -> [estimate, low, high, documents], as the table has them."""
    if table is None or column not in table:
        return {}
    return {str(r[column]): [_number(r[estimate]), _number(r[low]), _number(r[high]), int(r["n_documents"])]
            for _, r in table.iterrows()}


def _split_years(by_year: dict[str, list]) -> tuple[list, int]:
    """Rows for the chart (years as four digits, in order) and the documents without a year."""
    rows = [[year, *values] for year, values in sorted(by_year.items()) if _YEAR.fullmatch(year)]
    return rows, sum(values[3] for year, values in by_year.items() if not _YEAR.fullmatch(year))


def _spread(rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most ``limit`` rows, taken in turn from each (group, year) cell in their order,
    so a filter on any group or year still finds the first rows of its cell."""
    turn = rows.groupby(["group", "year"], sort=False).cumcount().to_numpy()
    order = np.lexsort((np.arange(len(rows)), turn))[:limit]
    return rows.iloc[np.sort(order)]


def _cells(rows: pd.DataFrame) -> list[list]:
    """How many rows each (group, year) cell has before the cap: the page's "of N"."""
    sizes = rows.groupby(["group", "year"], sort=True).size()
    return [[str(g), str(y), int(n)] for (g, y), n in sizes.items()]


def _find_topic_lines(sentences: pd.DataFrame, units: pd.DataFrame, terms: dict[int, list[str]], width: int
                      ) -> pd.DataFrame:
    """Sentences of the units where a topic is the largest that contain one of its terms,
    with the leftmost such term as the match (contexts as ``make_concordance`` cuts them)."""
    keys = [c for c in ("doc_id", "para_id", "sent_id") if c in units]
    joined = sentences.merge(units, on=keys, how="inner")
    found = []
    for topic, words in terms.items():
        mine = joined[joined["topic"] == topic]
        words = sorted({w for w in words if w}, key=lambda w: (-len(w), w))  # 스마트시티 before 스마트
        if mine.empty or not words:
            continue
        pattern = re.compile("|".join(map(re.escape, words)))
        spans = [pattern.search(text) for text in mine["text"]]
        hit = np.array([m is not None for m in spans], dtype=bool)
        mine = mine[hit].assign(start=[m.start() for m in spans if m], end=[m.end() for m in spans if m])
        found.append(mine)
    if not found:
        return pd.DataFrame(columns=["topic", "doc_id", "para_id", "sent_id", "speaker", "voice", "left", "match",
                                     "right", "share"])
    lines = pd.concat(found, ignore_index=True)
    lines["left"] = [t[max(0, s - width):s] for t, s in zip(lines["text"], lines["start"])]
    lines["match"] = [t[s:e] for t, s, e in zip(lines["text"], lines["start"], lines["end"])]
    lines["right"] = [t[e:e + width] for t, e in zip(lines["text"], lines["end"])]
    return lines.sort_values(["topic", "share", "doc_id", "para_id", "sent_id"],
                             ascending=[True, False, True, True, True], kind="stable")


def _line_rows(lines: pd.DataFrame) -> list[list]:
    return [[str(r.doc_id), str(r.speaker), str(r.voice), str(r.left), str(r.match), str(r.right)]
            for r in lines.itertuples(index=False)]


def _with_cells(rows: pd.DataFrame, cell_of: pd.DataFrame) -> pd.DataFrame:
    """Each row with its document's group and year (empty when the document has none)."""
    return rows.merge(cell_of, left_on="doc_id", right_index=True, how="left").fillna({"group": "", "year": ""})


def _tally(values: pd.Series) -> list[list]:
    """[[value, count]] of the non-empty values, in order (the filters' options)."""
    return [[str(v), int(n)] for v, n in values[values != ""].value_counts().sort_index().items()]


def _describe_topics(tables: Path, sentences: pd.DataFrame, cell_of: pd.DataFrame, group: str | None, language: str,
                     n_terms: int, width: int, max_lines: int, max_documents: int) -> list[dict]:
    """Each topic: terms and name as the figures show them, prevalence as the tables give it,
    its KWIC lines and documents (capped), with the uncapped counts per cell."""
    prob, frex = _read(tables / "03-topic-terms-prob.csv"), _read(tables / "03-topic-terms-frex.csv")
    topic_share = _read(tables / "03-topic-labels.csv").set_index("topic")["share"]
    names = name_topics(frex, n=3, language=language)
    doc_topics = _read(tables / "03-doc-topics.csv")
    numbers = [int(k) for k in topic_share.index]
    columns = [f"topic_{k}" for k in numbers]
    kept = doc_topics[doc_topics["empty"].astype(str).str.lower() != "true"]
    shares = kept[columns].to_numpy(dtype=float)
    keys = [c for c in ("doc_id", "para_id", "sent_id") if c in kept]
    units = kept[keys].assign(topic=np.asarray(numbers)[shares.argmax(axis=1)], share=shares.max(axis=1))
    # A document's share of a topic: the mean over its units, as a one-document group's prevalence.
    doc_share = kept.groupby("doc_id", sort=True)[columns].mean()
    terms = {k: rows.sort_values("rank")["term"].astype(str).tolist() for k, rows in prob.groupby("topic")}
    all_lines = _with_cells(_find_topic_lines(sentences, units, terms, width), cell_of)
    by_year = _read_optional(tables / "03-prevalence-by-year.csv")
    by_group = _read_optional(tables / f"03-prevalence-by-{group}.csv") if group else None
    by_voice = _read_optional(tables / "03-prevalence-by-voice.csv")

    def rows_of(table: pd.DataFrame | None, k: int) -> pd.DataFrame | None:
        return None if table is None else table[table["topic"] == k]

    topics = []
    for k in numbers:
        years, no_year = _split_years(_estimates(rows_of(by_year, k), "year", "mean", "ci_low", "ci_high"))
        lines = all_lines[all_lines["topic"] == k]
        n_lines = lines.groupby("doc_id").size()
        docs = _with_cells(doc_share[f"topic_{k}"].rename("share").reset_index().query("share > 0").sort_values(
            ["share", "doc_id"], ascending=[False, True], kind="stable"), cell_of)
        topics.append({
            "key": f"topic-{k}", "kind": "topic", "number": k, "name": names.get(k, str(k)),
            "summary": {"share": _number(topic_share[k])},
            "terms": [[str(r.term), _number(r.weight)] for r in rows_of(prob, k).sort_values("rank").head(n_terms)
                      .itertuples()],
            "frex": rows_of(frex, k).sort_values("rank")["term"].astype(str).head(n_terms).tolist(),
            "by_year": years, "no_year": no_year,
            "by_group": _estimates(rows_of(by_group, k), group, "mean", "ci_low", "ci_high"),
            "by_voice": [] if by_voice is None else [[str(r.voice), _number(r.mean)] for r in rows_of(by_voice, k)
                                                     .itertuples()],
            "lines": _line_rows(_spread(lines, max_lines)), "line_cells": _cells(lines),
            "docs": [[str(r.doc_id), _number(r.share), int(n_lines.get(r.doc_id, 0))]
                     for r in _spread(docs, max_documents).itertuples()],
            "doc_cells": _cells(docs),
        })
    return topics


def _describe_frames(tables: Path, sentences: pd.DataFrame, cell_of: pd.DataFrame, group: str | None, language: str,
                     n_terms: int, width: int, max_lines: int, max_documents: int) -> list[dict]:
    """Each frame: its lexicon label, the expressions it matched, its rates as the tables
    give them (all voices), and the lines of notebook 04's concordance (the same hits, cut
    the same way) with their documents (capped), with the uncapped counts per cell."""
    hits = _read(tables / "04-frame-hits.csv")
    labels = _read(tables / "04-frame-labels.csv")
    names = frame_labels(dict(zip(labels["frame"], labels["label"])), language)
    kwic = make_concordance(hits, sentences, width=width) if len(hits) else pd.DataFrame(
        columns=["doc_id", "frame", "speaker", "voice", "left", "match", "right"])
    kwic = _with_cells(kwic, cell_of)
    pooled = _read(tables / "04-frame-prevalence-by-voice.csv")
    by_year = _read_optional(tables / "04-frame-prevalence-by-year.csv")
    by_group = _read_optional(tables / f"04-frame-prevalence-by-{group}.csv") if group else None
    by_doc = _read_optional(tables / "04-frame-prevalence-by-doc-id.csv")
    per_doc = {} if by_doc is None else {(str(r.doc_id), str(r.frame)): _number(r.per_1k)
                                         for r in by_doc[by_doc["voice"] == "all"].itertuples()}

    def all_voices(table: pd.DataFrame | None, frame: str) -> pd.DataFrame | None:
        return None if table is None else table[(table["frame"] == frame) & (table["voice"] == "all")]

    frames = []
    for frame in labels["frame"].astype(str):
        lines = kwic[kwic["frame"] == frame]
        docs = _with_cells(lines.groupby("doc_id").size().rename("hits").reset_index().sort_values(
            ["hits", "doc_id"], ascending=[False, True], kind="stable"), cell_of)
        matches = lines.groupby("match").size().rename("n").reset_index().sort_values(
            ["n", "match"], ascending=[False, True], kind="stable").head(n_terms)
        overall = all_voices(pooled, frame)
        rate = [_number(overall[c].iloc[0]) if len(overall) else None for c in ("per_1k", "per_1k_low", "per_1k_high")]
        years, no_year = _split_years(_estimates(all_voices(by_year, frame), "year", "per_1k", "per_1k_low",
                                                 "per_1k_high"))
        frames.append({
            "key": f"frame-{frame}", "kind": "frame", "frame": frame, "name": names.get(frame, frame),
            "summary": {"hits": int(len(lines)), **dict(zip(("per_1k", "low", "high"), rate))},
            "terms": [[str(r.match), int(r.n)] for r in matches.itertuples()],
            "by_year": years, "no_year": no_year,
            "by_group": _estimates(all_voices(by_group, frame), group, "per_1k", "per_1k_low", "per_1k_high"),
            "by_voice": [[str(r.voice), _number(r.per_1k)] for r in
                         pooled[(pooled["frame"] == frame) & (pooled["voice"] != "all")].itertuples()],
            "lines": _line_rows(_spread(lines, max_lines)), "line_cells": _cells(lines),
            "docs": [[str(r.doc_id), int(r.hits), per_doc.get((str(r.doc_id), frame))]
                     for r in _spread(docs, max_documents).itertuples()],
            "doc_cells": _cells(docs),
        })
    return frames


def prepare_explorer_data(out: str | Path, *, group: str | None = None, language: str = "ko",
                          title: str | None = None, n_terms: int = 10, width: int = 30, max_lines: int = 200,
                          max_documents: int = 100) -> dict:
    """The explorer's data from a run's output folder (``OUT`` of the notebooks).

    Reads ``OUT/tables`` (01-documents, 03-topic-terms-prob and -frex, 03-topic-labels,
    03-doc-topics, 03-prevalence-by-year/-voice/-<group>, 04-frame-hits,
    04-frame-labels, 04-frame-prevalence-by-year/-voice/-doc-id/-<group>) and
    ``OUT/text/sentences.parquet``; the tables by year and by group may be absent.
    ``group`` is the column to filter by (default: the first of speaker, city, outlet
    with two or more values). Topics are named as in the figures (their three FREX
    terms, :func:`~analysis.report.name_topics`), frames by their lexicon label; each
    carries its terms (``n_terms``), its prevalence by year and by group and voice as
    the tables give it, at most ``max_lines`` KWIC lines (``width`` characters either
    side, as notebook 04's concordance) and ``max_documents`` documents, with the
    count of each per (group, year) cell before the cap. ``language`` is ``"ko"`` or
    ``"en"``. Same tables, same dict.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    out = Path(out)
    tables = out / "tables"
    documents = _read(tables / "01-documents.csv")
    sentences = read_table_set(out / "text", ["sentences.parquet"])["sentences"]
    if group is None:
        group = next(iter(find_group_columns(documents, _GROUPS)), None)
    elif group not in documents:
        raise ValueError(f"group {group!r} is not a column of the documents ({', '.join(documents.columns)})")
    published = documents["published"].astype(str) if "published" in documents else pd.Series("", index=documents.index)
    meta = pd.DataFrame({
        "doc_id": documents["doc_id"].astype(str),
        "published": published,
        "title": documents["title"].astype(str) if "title" in documents else "",
        "group": documents[group].astype(str) if group else "",
        "year": [p[:4] if _YEAR.fullmatch(p[:4]) else "" for p in published],
    })
    cell_of = meta.set_index("doc_id")[["group", "year"]]
    options = dict(group=group, language=language, n_terms=n_terms, width=width, max_lines=max_lines,
                   max_documents=max_documents)
    topics = _describe_topics(tables, sentences, cell_of, **options)
    frames = _describe_frames(tables, sentences, cell_of, **options)
    # Only the documents the page lists travel with it.
    listed = {row[0] for item in topics + frames for row in item["lines"] + item["docs"]}
    ui = dict(_UI[language], voices=display_labels("voice", language),
              columns={c: display_label("column", c, language) for c in
                       ("doc_id", "published", "title", "speaker", "voice", "left", "match", "right", "share", "per_1k")})
    return {
        "title": ui["title"] if title is None else str(title),
        "language": language,
        "ui": ui,
        "caps": {"lines": int(max_lines), "documents": int(max_documents)},
        "group": None if not group else {"column": group, "label": display_label("column", group, language),
                                         "values": _tally(meta["group"])},
        "years": _tally(meta["year"]),
        "documents": {r.doc_id: [r.published, r.title, r.group, r.year]
                      for r in meta[meta["doc_id"].isin(listed)].sort_values("doc_id").itertuples()},
        "topics": topics,
        "frames": frames,
    }


def _font_css(text: str) -> str:
    font, font_format = subset_korean_font(text)
    return f'@font-face{{font-family:"ExplorerKorean";src:url(data:font/{font_format};base64,{font}) format("{font_format}")}}'


def write_explorer_html(data: Mapping, path: str | Path) -> Path:
    """Write the explorer as one page that works offline: data, front end and the Korean
    font (subset to the page's characters) inlined, nothing fetched.

    ``data`` is :func:`prepare_explorer_data`'s. ``page.html#topic-3`` or
    ``#frame-japan_rivalry`` opens that item. The same data gives identical bytes.
    """
    page = (_PAGE.replace("__LANG__", html.escape(str(data["language"])))
            .replace("__TITLE__", html.escape(str(data["title"])))
            .replace("__CSS__", _CSS.strip())
            .replace("__FRONT_END__", _FRONT_END.strip())
            .replace("__DATA__", embed_json(data)))
    # The subset covers every character the page can show (the data is in it).
    page = page.replace("__FONT_FACE__", _font_css(json.dumps(data, ensure_ascii=False)))
    written = write_text(page, path)
    record_outputs([written])
    return written


class _Note:
    """What a cell shows where the widget cannot be: one line saying where the explorer is."""

    def __init__(self, text: str):
        self.text = text

    def _repr_mimebundle_(self, **kwargs):
        return {"text/plain": self.text, "text/html": f"<p>{html.escape(self.text)}</p>"}


@functools.cache
def _widget_class():
    """The anywidget class, built on first use: anywidget comes with the ``lab`` extra."""
    import anywidget
    import ipywidgets
    import traitlets

    class ExplorerWidget(anywidget.AnyWidget):
        _esm = _FRONT_END + "\nexport default { render };\n"
        _css = traitlets.Unicode("").tag(sync=True)
        data = traitlets.Dict().tag(sync=True)
        selection = traitlets.Dict().tag(sync=True)  # {"focus": "topic-3", "group": "", "year": ""}

        def _repr_mimebundle_(self, **kwargs):
            # A kernel run by papermill or nbconvert has no widget manager, and a widget
            # there would be a blank "model not found": say where the explorer shows
            # instead. A widget manager opens its control comm when it connects; a cell
            # run before that (Restart and Run All) still shows the widget in a kernel
            # that a Jupyter server started for a notebook (it names the notebook).
            connected = getattr(ipywidgets.Widget, "_control_comm", None) is not None
            if not connected and not os.environ.get("JPY_SESSION_NAME"):
                return _Note(self.data["ui"]["no_widget"])._repr_mimebundle_()
            return super()._repr_mimebundle_(**kwargs)

    return ExplorerWidget


def show_explorer(data: Mapping, selection: Mapping | None = None):
    """The explorer as a widget for JupyterLab (an anywidget): the cell's value shows it.

    ``data`` is :func:`prepare_explorer_data`'s; ``selection`` (e.g. ``{"focus":
    "topic-3", "year": "2019"}``) opens an item. The widget's ``selection`` follows the
    reader's clicks, and setting it from Python moves the view. In a kernel with no
    widget manager (a notebook run by papermill or nbconvert) the cell shows one line
    saying where the explorer shows instead of an empty widget; without anywidget (the
    ``lab`` extra) it says that, and the notebook still runs.
    """
    try:
        widget = _widget_class()
    except ImportError:
        return _Note(data["ui"]["no_anywidget"])
    css = _font_css(json.dumps(data, ensure_ascii=False)) + _CSS
    return widget(data=dict(data), selection=dict(selection or {}), _css=css)
