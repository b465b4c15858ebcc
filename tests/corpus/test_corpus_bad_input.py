"""Bad input: each kind ends in a clear error or a recorded exclusion, never a silent loss.

One test per row of the README's bad-input table. Every report must satisfy
inputs = included + excluded + merged.
"""

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus import Columns, CorpusError, load_corpus, write_corpus

GOOD = '광주시 "AI 중심도시"\n광주시장은 "인공지능 도시를 만들겠다"고 말했다.\n시는 예산 1천억 원을 편성했다.\n'
OTHER = '대구시 "스마트시티"\n대구시장은 "우리의 운명은 우리가 개척한다"고 말했다.\n시는 자율주행 실증을 확대한다.\n'


def assert_accounted(report, n_inputs):
    counts = report.status.value_counts()
    assert len(report) == n_inputs
    assert n_inputs == counts.get("included", 0) + counts.get("excluded", 0) + counts.get("merged", 0)


def make_pages(folder: Path, files: dict[str, bytes | str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return folder


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\t\n   \n", "empty file"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file (contains NUL bytes)"),
    ("control_bytes.txt", "광주시\n".encode("utf-16-le") + b"\x01\x00", "binary file (contains NUL bytes)"),
    ("garbled.txt", bytes(range(0x80, 0x100)) * 3, "undetectable encoding"),
    ("broken_bom.txt", b"\xef\xbb\xbf" + "광주시".encode("cp949"),
     "invalid utf-8-sig after its byte-order mark: invalid start byte"),
    ("english.txt", "Mayor unveils AI plan.\nThe city will invest.\n", "no Korean text"),
    ("chrome.txt", "광고\n공유\n댓글 3\n로그인\n", "no article text left after cleaning"),
    ("scripts_only.html", "<html><head><script>광고()</script></head><body></body></html>", "HTML without visible text"),
])
def test_a_bad_page_is_excluded_with_its_reason(tmp_path, name, data, reason):
    corpus = load_corpus([make_pages(tmp_path, {"good.txt": GOOD, name: data})])
    report = corpus.report.set_index("source")
    assert (report.loc[name, "status"], report.loc[name, "reason"]) == ("excluded", reason)
    assert report.loc["good.txt", "status"] == "included"
    assert list(corpus.documents.doc_id) == ["good"]
    assert_accounted(corpus.report, 2)


def test_a_50_mb_file_is_excluded_by_the_size_limit_not_read(tmp_path, monkeypatch):
    folder = make_pages(tmp_path / "pages", {"good.txt": GOOD})
    with open(folder / "dump.txt", "wb") as handle:
        line = ("광주시는 인공지능 예산을 편성했다. " * 20 + "\n").encode("utf-8")
        for _ in range(50_000_000 // len(line) + 1):
            handle.write(line)
    assert (folder / "dump.txt").stat().st_size > 50_000_000
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: pytest.fail("read") if p.name == "dump.txt" else read(p))
    out = tmp_path / "out"
    assert main(["corpus", str(folder), "--out", str(out)]) == 0
    report = pd.read_csv(out / "report.csv", keep_default_na=False).set_index("source")
    assert report.loc["dump.txt", "status"] == "excluded"
    assert report.loc["dump.txt", "reason"] == "file is 50.0 MB, over the 5 MB limit (--max-mb)"
    assert_accounted(report, 2)


def test_a_raised_size_limit_reads_the_whole_file_without_truncation(tmp_path):
    paragraph = "광주시는 인공지능 예산을 편성했다. " * 25_000  # 1.3 MB in UTF-8
    folder = make_pages(tmp_path, {"long.txt": f'제목 "긴 연설"\n{paragraph}\n끝 문단이다.\n'})
    assert load_corpus([folder], max_mb=1).report.reason[0] == "file is 1.3 MB, over the 1 MB limit (--max-mb)"
    corpus = load_corpus([folder], max_mb=2)
    assert corpus.report.status[0] == "included"
    assert corpus.documents.text[0] == f"{paragraph.strip()}\n끝 문단이다."


def test_a_table_cell_over_the_size_limit_is_excluded(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"doc_id": ["big", "ok"], "text": ["광주" * 400_000, "광주시는 예산을 편성했다."]}).to_csv(path, index=False)
    report = load_corpus([path], max_mb=2).report.set_index("doc_id")
    assert report.loc["big", "reason"] == "text is 2.4 MB, over the 2 MB limit (--max-mb)"
    assert report.loc["ok", "status"] == "included"


def test_manifest_row_without_file_and_file_without_manifest_row(tmp_path):
    folder = make_pages(tmp_path / "pages", {"listed.txt": GOOD, "unlisted.txt": OTHER})
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("doc_id,file,speaker\n007,listed.txt,이용섭\n008,missing.txt,강기정\n", encoding="utf-8")
    corpus = load_corpus([folder], manifest=manifest)
    report = corpus.report.set_index("doc_id")
    assert report.loc["008", ["source", "status", "reason"]].tolist() == [
        "missing.txt", "excluded", "listed in manifest but file not found"]
    assert report.loc["unlisted", ["status", "reason"]].tolist() == ["included", "no manifest row: metadata left empty"]
    assert corpus.documents.set_index("doc_id").loc["007", "speaker"] == "이용섭"
    assert_accounted(corpus.report, 3)


@pytest.mark.parametrize("manifest_text,message", [
    ("doc_id,file\n1,a.txt\n1,b.txt\n", "duplicate doc_id in manifest"),
    ("id,file\n1,a.txt\n", r"manifest lacks column\(s\) \['doc_id'\]"),
])
def test_a_broken_manifest_is_an_error_naming_the_file(tmp_path, capsys, manifest_text, message):
    folder = make_pages(tmp_path / "pages", {"a.txt": GOOD})
    manifest = tmp_path / "m.csv"
    manifest.write_text(manifest_text, encoding="utf-8")
    assert main(["corpus", str(folder), "--manifest", str(manifest), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "m.csv" in err and re.search(message, err)
    assert not (tmp_path / "out").exists()


def test_duplicate_ids_keep_the_first_and_exclude_the_rest(tmp_path):
    folder = make_pages(tmp_path / "pages", {"a/page.txt": GOOD, "b/page.txt": OTHER})
    table = tmp_path / "rows.csv"
    table.write_text("doc_id,text\nr1,광주시는 예산을 편성했다.\nr1,대구시는 로봇 산업을 키운다.\n", encoding="utf-8")
    corpus = load_corpus([folder, table])
    report = corpus.report.set_index("source")
    assert report.loc["b/page.txt", "reason"] == "duplicate doc_id (first seen in a/page.txt)"
    assert report.loc["rows.csv#2", "reason"] == "duplicate doc_id (first seen in rows.csv#1)"
    assert sorted(corpus.documents.doc_id) == ["page", "r1"]
    assert_accounted(corpus.report, 4)


def test_unparseable_dates_are_kept_empty_and_reported(tmp_path):
    table = tmp_path / "rows.csv"
    table.write_text("doc_id,date,text\na,작년 봄,광주시는 예산을 편성했다.\nb,1950,대구시는 로봇 산업을 키운다.\n"
                     "c,2021-02-30,울산시는 수소 특구를 신청한다.\nd,2021.3.3,부산시는 엑스포를 준비한다.\n", encoding="utf-8")
    corpus = load_corpus([table])
    report = corpus.report.set_index("doc_id")
    assert report.loc["a", "reason"] == "unparseable date '작년 봄': published left empty"
    assert report.loc["b", "reason"] == "date '1950' has no day: published left empty"
    assert report.loc["c", "reason"] == "date '2021-02-30' is not a calendar date: published left empty"
    assert report.status.eq("included").all()
    docs = corpus.documents.set_index("doc_id")
    assert docs.published.tolist() == ["", "", "", "2021-03-03"]
    assert docs.published_raw.tolist() == ["작년 봄", "1950", "2021-02-30", "2021.3.3"]


def test_a_table_without_the_text_column_is_an_error(tmp_path, capsys):
    path = Path(__file__).parents[1] / "data" / "byoc" / "errors" / "no_text_column.csv"
    assert main(["corpus", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no_text_column.csv: no text column 'text'" in err and "'body'" in err and "--text-col" in err
    assert not (tmp_path / "out").exists()
    assert main(["corpus", str(path), "--text-col", "body", "--out", str(tmp_path / "out")]) == 0


def test_an_excel_file_without_the_expected_columns_is_an_error(tmp_path):
    generic = tmp_path / "export.xlsx"
    pd.DataFrame({"제목": ["광주 AI"], "내용": ["광주시는 예산을 편성했다."]}).to_excel(generic, index=False)
    with pytest.raises(CorpusError, match=r"export.xlsx: neither a BigKinds export .* columns are \['제목', '내용'\]"):
        load_corpus([generic])
    bigkinds = tmp_path / "bigkinds.xlsx"
    pd.DataFrame({"뉴스 식별자": ["01100201.20210303093000002"], "일자": ["20210303"], "제목": ["광주 AI"]}).to_excel(
        bigkinds, index=False)
    with pytest.raises(CorpusError, match=r"looks like a BigKinds export but lacks column\(s\) \['본문'\]"):
        load_corpus([bigkinds])
    assert load_corpus([generic], columns=Columns(text="내용")).documents.text[0] == "광주시는 예산을 편성했다."


def test_empty_and_broken_tables_are_reported_not_dropped(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header_only.csv").write_text("doc_id,text\n", encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text('{"text": "광주시는 예산을 편성했다."}\n[1, 2]\n{"text": 3\n', encoding="utf-8")
    corpus = load_corpus([tmp_path / "empty.csv", tmp_path / "header_only.csv", tmp_path / "lines.jsonl"])
    report = corpus.report.set_index("source")
    assert report.loc["empty.csv", "reason"] == "empty file"
    assert report.loc["header_only.csv", "reason"] == "table has no rows"
    assert report.loc["lines.jsonl#2", "reason"] == "JSON line is not an object"
    assert report.loc["lines.jsonl#3", "reason"].startswith("invalid JSON")
    assert report.loc["lines.jsonl#1", "status"] == "included"
    assert_accounted(corpus.report, 5)


def test_a_failed_write_leaves_earlier_outputs_intact(tmp_path, monkeypatch):
    folder = make_pages(tmp_path / "pages", {"a.txt": GOOD})
    out = tmp_path / "out"
    assert main(["corpus", str(folder), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    make_pages(folder, {"b.txt": OTHER})
    to_csv = pd.DataFrame.to_csv

    def fail_on_report(self, path=None, *args, **kwargs):
        if "report.csv" in os.fspath(path):
            raise OSError("disk full")
        return to_csv(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail_on_report)
    with pytest.raises(OSError, match="disk full"):
        write_corpus(load_corpus([folder]), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # documents.parquet too, and no temp files


def test_a_ragged_csv_is_an_error_naming_the_line(tmp_path, capsys):
    path = tmp_path / "ragged.csv"
    path.write_text("doc_id,text\na,광주시는 예산을 편성했다.\nb,대구시는,로봇을 키운다.\n", encoding="utf-8")
    assert main(["corpus", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "ragged.csv: not a readable CSV table" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    short.write_text("doc_id,text\na,광주시는 예산을 편성했다.\nb\n", encoding="utf-8")
    assert load_corpus([short]).report.reason.tolist() == ["", "empty text"]  # a missing cell is an empty one


def test_a_run_killed_while_replacing_a_corpus_leaves_a_folder_the_next_step_refuses(tmp_path, monkeypatch, capsys):
    first = make_pages(tmp_path / "first", {"a.txt": GOOD})
    out = tmp_path / "out"
    assert main(["corpus", str(first), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]) == 0
    assert main(["frames", str(out), "--out", str(tmp_path / "hits.csv"), "--cache-dir", str(tmp_path / "cache")]) == 0
    second = make_pages(tmp_path / "second", {"b.txt": OTHER, "c.txt": GOOD.replace("광주", "부산")})
    replace, renamed = os.replace, []

    def killed_after_two(src, dst):  # the process dies after renaming two of the folder's six tables
        if Path(dst).parent == out:
            if len(renamed) == 2:
                raise KeyboardInterrupt
            renamed.append(dst)
        return replace(src, dst)

    monkeypatch.setattr(os, "replace", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        main(["corpus", str(second), "--out", str(out), "--cache-dir", str(tmp_path / "cache")])
    monkeypatch.setattr(os, "replace", replace)
    capsys.readouterr()
    assert main(["frames", str(out), "--out", str(tmp_path / "hits2.csv"), "--cache-dir", str(tmp_path / "cache")]) == 2
    assert "no set.json: the run that wrote this folder did not finish" in capsys.readouterr().err
    assert not list(out.glob(".*.tmp"))  # the killed run's temporaries are gone too
    # Rerunning the corpus step makes the folder whole again.
    assert main(["corpus", str(second), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]) == 0
    assert main(["frames", str(out), "--out", str(tmp_path / "hits3.csv"), "--cache-dir", str(tmp_path / "cache")]) == 0


def test_tables_of_another_run_or_corpus_are_refused(tmp_path):
    from analysis.io import read_table_set, write_table_set

    corpus = tmp_path / "corpus"
    write_table_set(corpus, {"documents.parquet": pd.DataFrame({"doc_id": ["1"], "text": ["가"]})})
    write_table_set(tmp_path / "text", {"sentences.parquet": pd.DataFrame({"doc_id": ["1"]})},
                    built_from={"documents": corpus / "documents.parquet"})
    assert len(read_table_set(tmp_path / "text", ["sentences.parquet"])["sentences"]) == 1
    # A new corpus: the text tables were built from the old one.
    write_table_set(corpus, {"documents.parquet": pd.DataFrame({"doc_id": ["2"], "text": ["나"]})})
    with pytest.raises(ValueError, match=r"built from another version of .*documents\.parquet"):
        read_table_set(tmp_path / "text", ["sentences.parquet"])
    # A table replaced behind the set's back.
    pd.DataFrame({"doc_id": ["3"], "text": ["다"]}).to_parquet(corpus / "documents.parquet")
    with pytest.raises(ValueError, match="not the table its set was written with"):
        read_table_set(corpus, ["documents.parquet"])


# --- inputs a first bad-input table did not foresee ------------------------------------

LEDE = ("광주시는 3일 인공지능 중심도시 조성 계획을 발표했다. 시장은 \"우리의 운명은 우리가 개척한다\"고 말했다. "
        "시는 내년까지 데이터센터와 실증단지를 짓고 인재 1천 명을 기를 계획이다. ")


def test_an_article_on_one_line_and_a_very_short_headline_are_kept(tmp_path):
    folder = make_pages(tmp_path, {"one_line.txt": LEDE * 5, "short_title.txt": "AI 도시 광주\n" + LEDE + "\n둘째 문단이다.\n",
                                   "big_one_line.txt": LEDE * 20000, "two_short.txt": "광주 AI\n시장은 말했다"})
    corpus = load_corpus([folder], max_mb=10, dedup=False)
    report = corpus.report.set_index("source")
    assert (report.status == "included").all()
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["one_line", "text"] == (LEDE * 5).strip() and docs.loc["one_line", "title"] == ""
    assert docs.loc["short_title", "title"] == "AI 도시 광주" and docs.loc["short_title", "text"].startswith("광주시는 3일")
    assert report.loc["short_title.txt", "title"] == "AI 도시 광주"  # the report says what was taken as the title
    assert len(docs.loc["big_one_line", "text"]) > 2_000_000  # 6 MB in UTF-8
    assert (docs.loc["two_short", "title"], docs.loc["two_short", "text"]) == ("광주 AI", "시장은 말했다")


def test_every_sheet_of_a_workbook_is_read_and_a_different_sheet_is_reported(tmp_path):
    path = tmp_path / "articles.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"doc_id": ["a1", "a2"], "text": [LEDE, LEDE + "하나"]}).to_excel(xl, sheet_name="2021", index=False)
        pd.DataFrame({"doc_id": ["b1"], "text": [LEDE + "둘"]}).to_excel(xl, sheet_name="2022", index=False)
        pd.DataFrame({"memo": ["검색어: 인공지능", "기간: 2021-2022"]}).to_excel(xl, sheet_name="notes", index=False)
    corpus = load_corpus([path], dedup=False)
    report = corpus.report.set_index("source")
    assert sorted(corpus.documents.doc_id) == ["a1", "a2", "b1"]
    assert corpus.documents.set_index("doc_id").loc["b1", "sheet"] == "2022"
    assert report.loc["articles.xlsx#4", "reason"] == ("sheet 'notes' (2 rows) not read: its columns differ from "
                                                       "the first sheet's")
    assert_accounted(corpus.report, 4)


def test_json_lines_split_on_newlines_only(tmp_path):
    rows = [{"doc_id": "1", "text": "광주시는\u2028인공지능\u2029도시를\x85만든다."}, {"doc_id": "2", "text": LEDE}]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                         encoding="utf-8")
    corpus = load_corpus([tmp_path / "rows.jsonl"])
    assert (corpus.report.status == "included").all() and len(corpus.report) == 2
    assert "인공지능" in corpus.documents.set_index("doc_id").loc["1", "text"]


def test_text_stored_as_bytes_is_decoded_and_said_so(tmp_path):
    table = pd.DataFrame({"doc_id": ["u", "c", "x"],
                          "text": [LEDE.encode("utf-8"), LEDE.encode("cp949"), bytes(range(0x80, 0x100)) * 3]})
    table.to_parquet(tmp_path / "bytes.parquet")
    report = load_corpus([tmp_path / "bytes.parquet"], dedup=False).report.set_index("doc_id")
    assert report.loc["u", "reason"] == "column 'text' held bytes, decoded as utf-8"
    assert report.loc["c", "reason"] == "column 'text' held bytes, decoded as cp949"
    assert report.loc["x", "status"] == "excluded"
    assert report.loc["x", "reason"] == "empty text"  # the row's own note says why: bytes that are not text


def test_unreadable_files_folders_and_broken_links_are_reported_and_the_run_goes_on(tmp_path, monkeypatch):
    folder = make_pages(tmp_path / "pages", {"good.txt": GOOD, "locked.txt": OTHER, "private/a.txt": GOOD})
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    read_bytes, scandir = Path.read_bytes, os.scandir

    def no_permission(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return read_bytes(self)

    def locked_folder(path="."):
        if str(path).endswith("private"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(Path, "read_bytes", no_permission)
    monkeypatch.setattr(os, "scandir", locked_folder)
    report = load_corpus([folder]).report.set_index("source")
    assert report.loc["locked.txt", "reason"] == "file not readable: Permission denied"
    assert report.loc["private/", "reason"] == "folder not readable: Permission denied"
    assert report.loc["gone.txt", "reason"].startswith("broken link to ")
    assert report.loc["good.txt", "status"] == "included"
    assert_accounted(report, 4)


def test_damaged_korean_bytes_are_decoded_with_the_damage_recorded(tmp_path):
    # Cut inside the last two-byte character; one byte that is not UTF-8 in a UTF-8 page.
    one_bad = ("대구시 스마트시티\n" + LEDE).encode("utf-8").replace("개척".encode(), b"\xff" + "척".encode())
    folder = make_pages(tmp_path, {"cut.txt": ("광주시 인공지능 도시\n" + LEDE + "시장").encode("cp949")[:-1],
                                   "one_bad.txt": one_bad, "short_cut.txt": "광주 AI\n시장은 말했다".encode("cp949")[:-1]})
    report = load_corpus([folder], dedup=False).report.set_index("source")
    assert (report.status == "included").all()
    assert report.loc["cut.txt", "encoding"] == "cp949, 1 invalid byte dropped"
    assert report.loc["one_bad.txt", "encoding"] == "utf-8, 1 invalid byte dropped"
    assert report.loc["short_cut.txt", "encoding"] == "cp949, 1 invalid byte dropped"


def test_reaction_buttons_with_counts_are_page_chrome(tmp_path):
    page = "광주시 인공지능 도시\n" + LEDE + "\n좋아요 0 훈훈해요 0 슬퍼요 0 화나요 0 후속기사 원해요 0\n추천 12 | 공유 3\n"
    corpus = load_corpus([make_pages(tmp_path, {"a.txt": page})])
    assert "좋아요" not in corpus.documents.text[0] and "추천" not in corpus.documents.text[0]
    assert set(corpus.audit.rule) >= {"reaction_widget"}


def test_a_quote_that_never_closes_joins_a_few_lines_not_the_rest_of_the_page(tmp_path):
    from analysis.corpus.cleaning import MAX_QUOTE_JOIN, clean_page

    lines = ["광주시, 인공지능 중심도시 선언", "이용섭 광주시장은 3일 기자회견에서 \"우리의 운명은 우리가 개척하겠다고 말했다."]
    lines += [f"시는 {i}번째 사업을 시작했다." for i in range(50)]
    result = clean_page("\n".join(lines))
    paragraphs = result.body.split("\n")
    assert len(paragraphs) == 51 - MAX_QUOTE_JOIN
    assert paragraphs[0].count("사업을 시작했다") == MAX_QUOTE_JOIN and paragraphs[1] == "시는 5번째 사업을 시작했다."
