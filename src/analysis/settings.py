"""The defaults every stage shares: units, vocabulary filters, lexicons, tag sets.

The command line, the notebooks and the functions all take their defaults from
:data:`DEFAULTS`, so one corpus gives the same tokens and topics by every route. A
researcher changes a setting in one place: ``Settings(min_len=1)``, or
``DEFAULTS.replace(unit="sentence")``; ``None`` in :meth:`Settings.replace` keeps the
default, so notebook parameters left at ``None`` mean "the package default".

Example
-------
>>> DEFAULTS.replace(min_len=None, unit="sentence").unit, DEFAULTS.min_len
('sentence', 2)
>>> DEFAULTS.resolve_unit(n_documents=5), DEFAULTS.resolve_unit(n_documents=5000)
('paragraph', 'document')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from analysis.errors import InputError

__all__ = ["CONTENT_TAGS", "DEFAULTS", "DEFAULT_ENGINE_NAME", "ENGINE_NAMES", "ID_COLUMNS", "NON_TOKEN_TAGS", "OWN_VOICE_SOURCES", "SENTENCE_KEY", "UNITS",
           "Settings", "speaks_for_itself"]

# Ids that every table carries, from the coarsest to the finest.
ID_COLUMNS = ("doc_id", "para_id", "sent_id")
# A sentence is named by its document and its number within it.
SENTENCE_KEY = ["doc_id", "sent_id"]
UNITS = {"document": ["doc_id"], "paragraph": ["doc_id", "para_id"], "sentence": ["doc_id", "para_id", "sent_id"]}
# Lemmas that carry content in keyness and co-occurrence: nouns, verbs, adjectives,
# roots and foreign words (AI, ICT).
CONTENT_TAGS = ("NNG", "NNP", "VV", "VA", "XR", "SL")
# Punctuation, brackets and other symbols are not words when counting tokens; foreign
# words (SL), numbers (SN) and hanja (SH) are.
NON_TOKEN_TAGS = ("SF", "SP", "SS", "SE", "SO", "SW", "SB")
# The topic engines (analysis.topics.ENGINES), named here so the command line can offer
# them without importing scikit-learn.
ENGINE_NAMES = ("dmr", "gdmr", "gensim", "guided", "nmf", "sklearn-lda", "tomotopy")
DEFAULT_ENGINE_NAME = "nmf"

# Kinds of source (a document's ``source_type``) whose text outside quotation marks is
# the speaker's own words; in any other (news articles, the default) it is the reporter's.
OWN_VOICE_SOURCES = frozenset({"speech", "press_release", "press release", "interview", "statement", "address",
                               "연설", "연설문", "보도자료", "인터뷰", "담화", "담화문", "성명"})


def speaks_for_itself(source_type) -> bool:
    """Whether a document of this ``source_type`` is in its speaker's own voice.

    Example
    -------
    >>> speaks_for_itself("speech"), speaks_for_itself("Press Release"), speaks_for_itself("news")
    (True, True, False)
    """
    return isinstance(source_type, str) and source_type.strip().casefold().replace("-", "_") in OWN_VOICE_SOURCES


@dataclass(frozen=True)
class Settings:
    """What becomes a token and what a topic model sees.

    - ``unit``: ``document``, ``paragraph``, ``sentence``, or ``auto``: documents when
      there are at least ``min_documents`` of them, else paragraphs (a topic model needs
      many units; a handful of articles has many more paragraphs than documents).
    - ``pos``: Kiwi tags kept as tokens (common and proper nouns).
    - ``min_len``: shortest lemma kept, in characters (2 drops 것, 수, 등, 한).
    - ``min_df``: a term must occur in at least this many units to enter a topic model;
      ``max_df``: and in at most this share of them (terms in nearly every speech, such
      as 국민 or 여러분, say nothing about topics).
    - ``stopwords``, ``userdict``, ``synonyms``: a path to the researcher's own file, or
      ``None`` for the lexicon shipped in ``analysis/lexicons/``.
    """

    unit: str = "auto"
    min_documents: int = 100
    # Measured (benchmarks/bench_topic_defaults.py): on 300 and 1,000 speeches, nouns with
    # max_df 0.5 gave the most coherent topics of the variants tried, as coherent as a
    # plain nouns-only NMF; verbs and adjectives (하다, 있다, 크다) and terms in most
    # documents (국민, 여러분) only blur topics.
    pos: tuple[str, ...] = ("NNG", "NNP")
    min_len: int = 2
    min_df: int = 2
    max_df: float = 0.5
    stopwords: str | None = None
    userdict: str | None = None
    synonyms: str | None = None

    def __post_init__(self):
        if self.unit != "auto" and self.unit not in UNITS:
            raise InputError(f"unit must be 'auto' or one of {sorted(UNITS)}, not {self.unit!r}")
        object.__setattr__(self, "pos", tuple(self.pos))

    def replace(self, **changes) -> Settings:
        """A copy with ``changes`` applied; a change whose value is ``None`` keeps the current
        value, except for the lexicon paths, where ``None`` already means the shipped file."""
        keep = {"stopwords", "userdict", "synonyms"}
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None or k in keep})

    def resolve_unit(self, n_documents: int) -> str:
        """The unit to model: ``unit`` itself, or for ``auto`` the rule in the class docstring."""
        if self.unit != "auto":
            return self.unit
        return "document" if n_documents >= self.min_documents else "paragraph"

    def make_tokenizer(self, **options):
        """A :class:`analysis.text.Tokenizer` with these settings (``options`` go to it too)."""
        from analysis.text import Tokenizer

        return Tokenizer(pos=self.pos, min_len=self.min_len, stopwords=self.stopwords, userdict=self.userdict,
                         synonyms=self.synonyms, **options)


DEFAULTS = Settings()
