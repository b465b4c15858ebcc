"""Display labels: the one table that turns ids into words a reader sees.

Tables keep their ids (``quote``, ``photo_caption``, ``doc_id``) so they join and
sort; figures and LaTeX tables show labels. Frame labels come from the frame lexicon
(each frame's ``label``); every other label comes from :data:`LABELS` here, in Korean
with an English option (``language="en"``). An id without a label is shown as it is.

Example
-------
>>> display_label("voice", "quote"), display_label("voice", "quote", language="en")
('인용', 'quoted')
>>> display_label("column", "doc_id")
'문서'
>>> display_label("cleaning_rule", "no_such_rule")
'no_such_rule'
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["LABELS", "LANGUAGES", "describe_k_choice", "display_label", "display_labels", "display_table", "frame_labels", "name_topics"]

LANGUAGES = ("ko", "en")

# kind -> id -> (Korean, English)
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    # Whose words a sentence or a hit is.
    "voice": {
        "quote": ("인용", "quoted"),
        "narration": ("서술", "narration"),
        "own": ("본인 발화", "own words"),
        "all": ("전체", "all"),
    },
    # The rules that remove scraped-page noise (analysis.corpus.cleaning).
    "cleaning_rule": {
        "ui_token": ("화면 요소", "interface token"),
        "reaction_widget": ("반응 버튼", "reaction buttons"),
        "dateline": ("날짜·송고 줄", "dateline"),
        "byline": ("기자·출처 표시", "byline"),
        "photo_caption": ("사진 설명", "photo caption"),
        "copyright": ("저작권 표시", "copyright"),
        "comment_widget": ("댓글 위젯", "comment widget"),
        "header_chrome": ("머리 메뉴", "page header"),
        "title": ("제목 (본문에서 분리)", "title (moved out of the body)"),
        "after_article": ("기사 뒤 목록", "after the article"),
        "duplicate": ("반복 문단", "repeated paragraph"),
        "repeated_title": ("반복된 제목", "repeated title"),
        "blank": ("빈 줄", "blank line"),
    },
    # Units of analysis of a topic model (analysis.settings.UNITS).
    "unit": {
        "document": ("문서", "documents"),
        "paragraph": ("문단", "paragraphs"),
        "sentence": ("문장", "sentences"),
    },
    # Table columns, as headers of figures' axes and LaTeX tables.
    "column": {
        "doc_id": ("문서", "document"),
        "para_id": ("문단", "paragraph"),
        "sent_id": ("문장", "sentence"),
        "segment": ("발화 구간", "voice segment"),
        "speaker": ("발화자", "speaker"),
        "city": ("도시", "city"),
        "outlet": ("매체", "outlet"),
        "year": ("연도", "year"),
        "published": ("날짜", "date"),
        "event": ("행사", "event"),
        "title": ("제목", "title"),
        "source_type": ("자료 유형", "source type"),
        "n_chars_clean": ("글자 수", "characters"),
        "frame": ("프레임", "frame"),
        "rule": ("규칙", "rule"),
        "voice": ("발화 주체", "voice"),
        "left": ("앞 문맥", "left context"),
        "match": ("일치 부분", "match"),
        "right": ("뒤 문맥", "right context"),
        "topic": ("토픽", "topic"),
        "name": ("이름", "name"),
        "prob": ("상위 단어 (확률)", "top terms (probability)"),
        "frex": ("상위 단어 (FREX)", "top terms (FREX)"),
        "share": ("평균 비중", "mean share"),
        "term": ("단어", "term"),
        "count": ("빈도", "count"),
        "n_documents": ("문서 수", "documents"),
        "per_1k": ("1,000 토큰당", "per 1,000 tokens"),
        "k": ("토픽 수 K", "number of topics K"),
    },
    # K-sweep measures: panel titles ...
    "metric": {
        "npmi_doc": ("문서 수준 NPMI", "document-level NPMI"),
        "npmi": ("NPMI", "NPMI"),
        "c_v": ("C_V 일관성", "C_V coherence"),
        "exclusivity": ("배타성", "exclusivity"),
        "heldout_ll": ("보류 집합 적합도", "held-out fit"),
        "perplexity": ("보류 집합 퍼플렉서티", "held-out perplexity"),
        "stability": ("재표본 안정성", "resampling stability"),
    },
    # ... and their axes, with the scale (the top 10 terms, as the sweep scores them).
    "metric_axis": {
        "npmi_doc": ("문서 수준 NPMI, 상위 10개 단어 (−1~1)", "document-level NPMI of the top 10 terms (−1 to 1)"),
        "npmi": ("상위 10개 단어 NPMI (−1~1)", "NPMI of the top 10 terms (−1 to 1)"),
        "c_v": ("C_V (0~1)", "C_V (0 to 1)"),
        "exclusivity": ("상위 10개 단어 FREX 합 (0~10)", "FREX summed over the top 10 terms (0 to 10)"),
        "heldout_ll": ("토큰당 로그우도", "log-likelihood per token"),
        "heldout_ll_nmf": ("− 상대 재구성 오차", "− relative reconstruction error"),
        "perplexity": ("퍼플렉서티 (낮을수록 좋음)", "perplexity (lower is better)"),
        "stability": ("시드 간 상위 단어 Jaccard (0~1)", "top-term Jaccard across seeds (0 to 1)"),
    },
    # English names of the shipped frames (their Korean labels are in the lexicon).
    "frame_en": {
        "japan_rivalry": ("", "overtaking Japan"),
        "self_determination": ("", "forging our own destiny"),
        "first_and_best": ("", "first and best"),
        "crisis_as_opportunity": ("", "crisis as opportunity"),
        "tech_future": ("", "tech future (4IR, AI, smart city)"),
    },
    # Words the figure builders write themselves.
    "text": {
        "topic": ("토픽", "Topic"),
        "documents": ("문서", "documents"),
        "removed_lines": ("제거된 줄 수", "lines removed"),
        "removed_line": ("제거된 줄", "removed lines"),
        "removed_by_rule": ("정제 규칙별 제거된 줄", "Lines removed by cleaning rule"),
        "rule": ("규칙", "rule"),
        "term_probability": ("토픽 안 단어 확률 p(단어|토픽)", "term probability p(term|topic)"),
        "chosen_k": ("선택한 K = {k}", "chosen K = {k}"),
        "mean_sd": ("K별 평균 ± 시드 간 표준편차", "mean over seeds ± SD"),
        "per_seed": ("시드별 값", "one seed"),
        "not_shown": ("표시하지 않은 지표: {metrics} (이 엔진에는 없음)", "not shown: {metrics} (this engine has none)"),
        "no_data": ("–: 자료 없음 (해당 집단에 이 발화가 없음)", "–: no data (the group has no such text)"),
        "n_documents": ("n: 문서 수", "n: documents"),
        "gap_years": ("자료 없는 {unit}에서는 선을 끊음: {values}", "lines break where a {unit} has no data: {values}"),
        "year": ("연도", "year"),
        "time_point": ("시점", "time point"),
        "floor": ("한쪽 빈도 0: 0.5로 보정한 로그 비 (하한)", "zero count on one side: log ratio with 0.5 (a lower bound)"),
        "keyness_x": ("로그 비 (+ {a} / − {b}); 막대 옆: 빈도 {a}:{b}, G²", "log ratio (+ {a} / − {b}); beside bars: counts {a}:{b}, G²"),
        "keyness_title": ("특징어: {a} 대 {b}", "Key terms: {a} vs {b}"),
        "community": ("색: 공동체 (Louvain)", "colour: community (Louvain)"),
        "node_size": ("원 크기: 나온 문장 수", "circle size: sentences"),
        "edge_width": ("선 굵기: {weight}", "line width: {weight}"),
        "sentences_n": ("{n:,}문장", "{n:,} sentences"),
        "edges_shown": ("선: 가장 강한 {shown}개 (전체 {total}개 가운데; 단어마다 가장 강한 선 포함)",
                        "lines: the {shown} strongest of {total} (each term's strongest kept)"),
        "edges_all": ("선: {total}개 모두", "lines: all {total}"),
        "others": ("기타", "other"),
        "continued": ("(앞 쪽에서 계속)", "(continued)"),
        "continues": ("다음 쪽에 계속", "continued on the next page"),
    },
    # What an edge weight of the co-occurrence network measures.
    "edge_weight": {
        "count": ("함께 나온 문장 수", "shared sentences"),
        "jaccard": ("Jaccard 계수", "Jaccard coefficient"),
        "pmi": ("PMI", "PMI"),
        "npmi": ("NPMI", "NPMI"),
        "weight": ("가중치", "weight"),
    },
}


def _index(language: str) -> int:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    return LANGUAGES.index(language)


def display_label(kind: str, value, language: str = "ko") -> str:
    """The label of one id of ``kind`` (a key of :data:`LABELS`), or the id itself.

    Example
    -------
    >>> display_label("cleaning_rule", "photo_caption"), display_label("metric", "stability", "en")
    ('사진 설명', 'resampling stability')
    """
    entry = LABELS[kind].get(str(value))
    return entry[_index(language)] if entry and entry[_index(language)] else str(value)


def display_labels(kind: str, language: str = "ko") -> dict[str, str]:
    """Every id of ``kind`` with its label, as a mapping for ``Series.map`` or ``rename``.

    Example
    -------
    >>> display_labels("voice")["narration"]
    '서술'
    """
    i = _index(language)
    return {key: entry[i] for key, entry in LABELS[kind].items() if entry[i]}


def frame_labels(frames, language: str = "ko") -> dict[str, str]:
    """Frame id -> label: the lexicon's own label in Korean; in English the shipped
    frames' names from :data:`LABELS` (other frames: the id with spaces).

    ``frames`` is a :class:`analysis.frames.FrameSet` or a mapping id -> Korean label
    (e.g. the ``04-frame-labels`` table).

    Example
    -------
    >>> frame_labels({"japan_rivalry": "일본 추월·극일", "my_frame": "내 프레임"}, language="en")
    {'japan_rivalry': 'overtaking Japan', 'my_frame': 'my frame'}
    """
    korean = dict(frames.labels) if hasattr(frames, "labels") else dict(frames)
    if language == "ko":
        return {frame: label or frame for frame, label in korean.items()}
    _index(language)
    return {frame: display_label("frame_en", frame, "en") if frame in LABELS["frame_en"] else frame.replace("_", " ")
            for frame in korean}


def name_topics(terms: pd.DataFrame, n: int = 3, language: str = "ko", sep: str = "·") -> dict[int, str]:
    """Topic number -> a name of its first ``n`` terms: ``토픽 1: 인공지능·데이터·산업``.

    ``terms`` is tidy (``topic, rank, term``), as from ``label_topics`` (FREX terms name
    a topic by what sets it apart; probability terms by what is most frequent in it).

    Example
    -------
    >>> terms = pd.DataFrame({"topic": [1, 1, 2], "rank": [1, 2, 1], "term": ["인공지능", "데이터", "일본"]})
    >>> name_topics(terms, n=2)
    {1: '토픽 1: 인공지능·데이터', 2: '토픽 2: 일본'}
    """
    word = display_label("text", "topic", language)
    top = terms[terms["rank"] <= n].sort_values(["topic", "rank"])
    return {int(topic): f"{word} {int(topic)}: {sep.join(map(str, rows['term']))}"
            for topic, rows in top.groupby("topic", sort=True)}


def display_table(table: pd.DataFrame, values: Mapping[str, Mapping] | None = None, language: str = "ko",
                  headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``table`` for readers: ids in ``values``' columns replaced by their labels
    (``voice`` always), and headers from the column labels (``headers`` first).

    Example
    -------
    >>> t = pd.DataFrame({"doc_id": ["000"], "frame": ["japan_rivalry"], "voice": ["quote"]})
    >>> display_table(t, values={"frame": {"japan_rivalry": "일본 추월·극일"}}).values.tolist()
    [['000', '일본 추월·극일', '인용']]
    >>> list(display_table(t).columns)
    ['문서', '프레임', '발화 주체']
    """
    shown = table.copy()
    mappings = {"voice": display_labels("voice", language), **dict(values or {})}
    for column, mapping in mappings.items():
        if column in shown:
            shown[column] = shown[column].map(lambda v, m=mapping: m.get(v, v))
    names = {c: (headers or {}).get(c, display_label("column", c, language)) for c in shown.columns}
    shown = shown.rename(columns=names)
    shown.attrs["columns"] = {new: old for old, new in names.items()}  # write_latex_table's decimals may name ids
    return shown


def describe_k_choice(summary: pd.DataFrame, metric: str = "npmi_doc", min_stability: float = 0.5,
                      language: str = "ko") -> str:
    """The sentence :func:`analysis.topics.choose_k` gives, in a figure's language.

    Example
    -------
    >>> summary = pd.DataFrame({"k": [5, 10, 15], "npmi_doc": [0.10, 0.14, 0.16], "stability": [0.7, 0.6, 0.4]})
    >>> describe_k_choice(summary, min_stability=0.9)
    'K = 15: 안정성 0.9에 이른 K가 없어 (최고 0.70) 전체에서 문서 수준 NPMI가 가장 높은 K (0.160); 토픽을 신중히 읽을 것'
    """
    from analysis.topics.sweep import choose_k  # the rule lives with the sweep

    k, reason = choose_k(summary, metric=metric, min_stability=min_stability)
    if language == "en":
        return reason
    name = display_label("metric", metric, language)
    value = float(summary.loc[summary["k"] == k, metric].iloc[0])
    stable = sorted(int(x) for x in summary.loc[summary["stability"] >= min_stability, "k"])
    if stable:
        return (f"K = {k}: 안정성 {min_stability:g} 이상인 K ({', '.join(map(str, stable))}) 가운데 {name}가 "
                f"가장 높은 K ({value:.3f})")
    return (f"K = {k}: 안정성 {min_stability:g}에 이른 K가 없어 (최고 {summary['stability'].max():.2f}) 전체에서 "
            f"{name}가 가장 높은 K ({value:.3f}); 토픽을 신중히 읽을 것")
