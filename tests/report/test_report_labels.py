"""One label table: ids in the tables, Korean (or English) words in figures and LaTeX."""

import pandas as pd

from analysis.groups import GROUP_NAMES
from analysis.report import LABELS, VOICE_LABELS, display_label, frame_labels, name_topics


def test_every_label_has_both_languages_and_voices_come_from_the_table():
    for kind, entries in LABELS.items():
        for key, (korean, english) in entries.items():
            assert english, (kind, key)
            assert korean or kind == "frame_en", (kind, key)
    assert VOICE_LABELS == {"quote": "인용", "narration": "서술", "own": "본인 발화", "all": "전체"}
    assert display_label("voice", "own", "en") == "own words"


def test_group_columns_are_named_alike_in_figures_and_tables():
    for column, name in GROUP_NAMES.items():
        assert display_label("column", column) == name


def test_frames_take_the_lexicons_labels_and_topics_their_terms():
    from analysis.frames import load_frames

    frames = load_frames()
    korean, english = frame_labels(frames), frame_labels(frames, "en")
    assert set(korean) == set(frames.ids) == set(english)
    assert all("_" not in label for label in [*korean.values(), *english.values()])
    terms = pd.DataFrame({"topic": [1, 1, 1, 1], "rank": [1, 2, 3, 4], "term": ["기업", "수출", "혁신", "투자"]})
    assert name_topics(terms) == {1: "토픽 1: 기업·수출·혁신"}
    assert name_topics(terms, n=1, language="en") == {1: "Topic 1: 기업"}
