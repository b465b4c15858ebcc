"""Frames: lexicon rules over lemmas, evaluated per sentence, counted and validated.

The model
---------
A *frame* is a way of talking about a topic (overtaking Japan, forging our own
destiny, being the first and best, turning a crisis into an opportunity, the
technological future). It is operationalised as a set of *rules* kept in a versioned
YAML file (``analysis/lexicons/frames.yaml``, replaceable by the researcher's own).
Rules look at the morphemes of one sentence as produced by :mod:`analysis.text`: the
``lemma`` (dictionary form, so 뛰어넘을 / 뛰어넘어야 / 뛰어넘는 are all ``뛰어넘다``) and
the part-of-speech ``tag``, never the surface string. A *hit* is one place in one
sentence where a rule fires; it keeps the sentence's ids, voice (the mayor's quoted
words or the reporter's narration) and speaker, so every count can be traced back.

The rule language
-----------------
A *term* is ``lemma``, ``lemma/TAG`` or ``*/TAG``; ``TAG`` is a prefix of the Kiwi tag
(``VV`` matches VV and VV-R, ``N`` any noun); lemmas compare case-insensitively.
A *slot* is terms joined by ``|`` (alternatives); a *pattern* is slots joined by ``+``
and matches that many adjacent morphemes (``1/SN + 호/NNB`` is 1호;
``일본/NNP + */JKO|보다/JKB`` is 일본을 or 일본보다). A list of patterns is a set of
alternatives. A rule is a mapping::

    - id: overtake_japan               # optional, unique within the frame
      match: [추월하다|뛰어넘다, 이기다/VV]  # required: the anchor
      near:                             # optional; every condition must hold
        - {terms: [일본/NNP + */JKO], window: 6, direction: before}
      requires_before: {terms: [...], window: 2}   # = near with direction before
      requires_after:  {terms: [...], window: 2}   # = near with direction after
      exclude_if:                       # optional; any condition holding drops the hit
        - {terms: [적/XSN], window: 1, direction: after}

``window`` counts morphemes (roughly two to three per written word) between the
anchor's edge and the nearest edge of the other term, so ``window: 1`` means adjacent;
``window: sentence`` (the default) means anywhere in the same sentence. ``direction``
is ``before``, ``after`` or ``any`` (default). A hit's span runs from the first to the
last morpheme of the anchor and of the terms that satisfied ``near``, so the concordance
shows 일본을 뛰어넘 rather than 뛰어넘 alone.

A frame has ``id``, ``description``, optional ``label``, ``rules`` and ``examples``
(``positive`` and ``negative`` sentences, checked by :func:`check_frame_examples` and
the test suite). The file has ``version`` and ``frames``; anything else is an error
naming the file and line (:class:`analysis.text.lexicons.LexiconError`).

The modules
-----------
- :mod:`~analysis.frames.lexicon`: the rule language above: :func:`load_frames` reads and
  validates frame files into a :class:`FrameSet`;
- :mod:`~analysis.frames.matcher`: :func:`match_frames` applies the rules to the text
  layer's tables, one row per hit, with voice and speaker per hit from the quotes;
- :mod:`~analysis.frames.prevalence`: :func:`estimate_frame_prevalence`, hits per 1,000
  tokens and share of sentences per group and voice, with bootstrap intervals;
- :mod:`~analysis.frames.validation`: the hand-coding workflow that measures how well
  the rules agree with human coders.

Keyness, co-occurrence networks and concordances are statistics of any text table and
live in :mod:`analysis.textstats`. Every random draw takes a required ``seed``.

Example
-------
>>> frames = load_frames()
>>> [f.id for f in frames.frames][:2]
['japan_rivalry', 'self_determination']
"""

from analysis.frames.lexicon import Condition, Frame, FrameSet, Pattern, Rule, Term, list_frame_lemmas, load_frames
from analysis.frames.matcher import (
    HIT_COLUMNS,
    attribute_hits_to_quotes,
    check_frame_examples,
    match_frames,
)
from analysis.frames.detector import DETECTOR_COLUMNS, Detector, detect_frames, load_detector, rules_only, save_detector
from analysis.frames.prevalence import estimate_frame_prevalence
from analysis.frames.suggest import suggest_frame_terms
from analysis.frames.validation import (
    CODER_SUFFIXES,
    draw_validation_sample,
    read_codebook,
    read_coding_sheet,
    score_frames,
    score_validation,
    write_coding_sheet,
)

__all__ = [
    "CODER_SUFFIXES", "DETECTOR_COLUMNS", "HIT_COLUMNS", "Detector", "FrameClassifier", "detect_frames", "embed_sentences",
    "load_classifier", "load_detector", "rank_for_coding", "rules_only", "save_classifier", "save_detector",
    "read_codebook", "score_frames", "Condition", "Frame", "FrameSet", "Pattern", "Rule", "Term",
    "attribute_hits_to_quotes", "check_frame_examples", "draw_validation_sample", "estimate_frame_prevalence",
    "list_frame_lemmas", "load_frames", "match_frames", "read_coding_sheet", "score_validation", "suggest_frame_terms",
    "write_coding_sheet",
]

# The learned model's names load scikit-learn (and, for features="use", the sentence encoder): only on first use.
_CLASSIFIER_NAMES = {"FrameClassifier", "embed_sentences", "load_classifier", "rank_for_coding", "save_classifier"}


def __getattr__(name: str):
    if name in _CLASSIFIER_NAMES:
        from analysis.frames import classifier

        return getattr(classifier, name)
    raise AttributeError(f"module 'analysis.frames' has no attribute {name!r}")
