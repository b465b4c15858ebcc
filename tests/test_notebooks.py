"""Every phase notebook runs top to bottom on the bundled corpus in a fresh kernel."""

from pathlib import Path

from analysis.reproduce import run_notebooks

ROOT = Path(__file__).resolve().parents[1]


def test_reproduce_runs_every_notebook(tmp_path):
    out = tmp_path / "out"
    executed = run_notebooks(out, corpus=ROOT / "data" / "raw", manifest=ROOT / "data" / "raw" / "manifest.csv")
    assert [p.name for p in executed] == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert (out / "corpus" / "documents.parquet").exists()
    for stem in ("01-timeline", "01-cleaning-audit"):
        for suffix in (".pdf", ".svg", ".png", ".csv"):
            assert (out / "figures" / f"{stem}{suffix}").stat().st_size > 0
