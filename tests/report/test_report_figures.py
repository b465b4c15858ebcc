"""Figures: Korean glyphs, TrueType in PDF, identical bytes on rerun, data beside them."""

import hashlib
import warnings

import matplotlib.pyplot as plt
import pandas as pd

from analysis.report.plots import plot_timeline
from analysis.report import save_figure, use_korean_style


def _digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_timeline_figure_is_byte_stable_and_korean(tmp_path, seed_corpus):
    use_korean_style()
    digests = []
    for run in ("a", "b"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a missing Hangul glyph warns: fail on it
            fig, data = plot_timeline(seed_corpus.documents)
            paths = save_figure(fig, tmp_path / run / "timeline", data=data)
        digests.append(_digest(paths))
    assert digests[0] == digests[1]
    assert sorted(digests[0]) == ["timeline.csv", "timeline.pdf", "timeline.png", "timeline.svg"]
    pdf = (tmp_path / "a" / "timeline.pdf").read_bytes()
    assert b"FontFile2" in pdf and b"NanumGothic" in pdf  # TrueType embedded
    assert b"/Type3" not in pdf
    data = pd.read_csv(tmp_path / "a" / "timeline.csv", dtype=str)
    assert list(data.doc_id) == ["003", "000", "004", "001", "002"]


def test_korean_font_resolves(tmp_path):
    use_korean_style()
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=plt.rcParams["font.family"]))
    assert path.endswith("NanumGothic.ttf")
