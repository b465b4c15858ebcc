"""LaTeX tables a journal accepts: booktabs said, long tables break, long text wraps,
one number of decimals down a column, labels and Korean headers for readers."""

import pandas as pd

from analysis.report import display_table, save_table, write_latex_table
from analysis.report.provenance import start_run


def test_a_long_table_is_a_longtable_and_says_what_it_needs(tmp_path):
    kwic = pd.DataFrame({"doc_id": [f"{i:03d}" for i in range(110)], "frame": "japan_rivalry", "voice": "quote",
                         "left": "이용섭 광주시장은 6일 \"4차 산업혁명은 ", "match": "일본을 뛰어넘",
                         "right": "을 수 있는 절호의 기회\"라고 말했다."})
    shown = display_table(kwic, values={"frame": {"japan_rivalry": "일본 추월·극일"}})
    tex = write_latex_table(shown, tmp_path / "kwic.tex", "프레임 용례", "tab:kwic").read_text(encoding="utf-8")
    assert tex.startswith("% Needs in the preamble: \\usepackage{booktabs}")
    assert "\\begin{longtable}" in tex and "\\begin{table}" not in tex and "\\endhead" in tex
    assert "p{" in tex  # the contexts wrap instead of running off the page
    assert "문서 & 프레임 & 발화 주체 & 앞 문맥 & 일치 부분 & 뒤 문맥 \\\\" in tex
    assert "일본 추월·극일 & 인용" in tex and "japan" not in tex


def test_short_tables_float_and_decimals_are_the_same_down_a_column(tmp_path):
    frames = pd.DataFrame({"frame": ["a", "b"], "quote": [0.51, 20.0], "share": [0.09, 0.171]})
    tex = write_latex_table(display_table(frames), tmp_path / "t.tex", decimals={"share": 3}).read_text(encoding="utf-8")
    assert "\\begin{table}[htbp]" in tex and "\\begin{tabular}{lrr}" in tex
    assert "a & 0.51 & 0.090 \\\\" in tex and "b & 20.00 & 0.171 \\\\" in tex
    assert "프레임 & quote & 평균 비중" in tex


def test_term_lists_wrap(tmp_path):
    topics = pd.DataFrame({"topic": [1], "prob": [" · ".join(["광주형 일자리", "스마트시티", "인공지능"] * 4)],
                           "frex": [" · ".join(["탄소중립", "그린뉴딜", "데이터"] * 4)], "share": [0.2]})
    tex = write_latex_table(display_table(topics), tmp_path / "t.tex").read_text(encoding="utf-8")
    assert tex.count("p{") == 2 and "\\begin{tabular}{r>{\\raggedright\\arraybackslash}p{" in tex


def test_save_table_keeps_ids_in_the_csv_and_labels_in_the_latex(tmp_path):
    start_run("test", {}, tmp_path)
    table = pd.DataFrame({"frame": ["tech_future"], "voice": ["narration"], "n": [3]})
    csv, tex = save_table(table, tmp_path / "hits", latex=True, latex_table=display_table(table, values={"frame": {"tech_future": "기술 미래"}}))
    assert "tech_future,narration,3" in csv.read_text(encoding="utf-8")
    assert "기술 미래 & 서술 & 3" in tex.read_text(encoding="utf-8")
