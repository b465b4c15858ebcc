"""The tokenizer: settings that turn text into canonical lemmas, and the per-process Kiwi cache.

A :class:`Tokenizer` holds settings only (POS to keep, minimum length, stopwords, user
dictionary, synonyms; defaults from :data:`analysis.settings.DEFAULTS`) and gets its Kiwi
from a per-process cache (:func:`load_kiwi`), because a Kiwi with user words cannot be
pickled: the tokenizer can go to scikit-learn, gensim or another process. Text goes through
the same one Kiwi pass as whole documents (:mod:`analysis.text.analyse`); the filter it
applies there, :meth:`Tokenizer.accepts`, is applied to whole morpheme tables by
:func:`analysis.text.units.tokens_by_unit`.
"""

from __future__ import annotations

import functools
import os
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from analysis.settings import DEFAULTS
from analysis.text.lexicons import UserWord, read_stopwords, read_synonyms, read_userdict

__all__ = ["Tokenizer", "count_workers", "load_kiwi"]


def count_workers() -> int:
    """Return the default number of Kiwi worker threads: every core (at least 1).

    Example
    -------
    >>> count_workers() >= 1
    True
    """
    return max(1, os.cpu_count() or 1)


def load_kiwi(userdict=None, *, num_workers: int | None = None, model_type: str | None = None):
    """Return a Kiwi with the user dictionary added, cached per process and per settings.

    ``userdict`` is a path, an iterable of ``(form, tag[, score])``, or None for the
    packaged dictionary. ``num_workers`` defaults to every core (0 would mean Kiwi's
    single-thread mode, where batch input fails).

    Example
    -------
    >>> kiwi = load_kiwi()
    >>> [t.form for t in kiwi.tokenize("4차산업혁명")]
    ['4차 산업혁명']
    """
    return _cached_kiwi(_collect_user_words(userdict), max(1, num_workers or count_workers()), model_type)


_KIWI_LOCK = threading.Lock()  # two threads asking at once get one Kiwi, not two


def _cached_kiwi(words: tuple[UserWord, ...], num_workers: int, model_type: str | None):
    with _KIWI_LOCK:
        return _build_kiwi(words, num_workers, model_type)


@functools.lru_cache(maxsize=4)
def _build_kiwi(words: tuple[UserWord, ...], num_workers: int, model_type: str | None):
    from kiwipiepy import Kiwi

    kiwi = Kiwi(num_workers=num_workers, model_type=model_type)
    for word in words:
        kiwi.add_user_word(word.form, word.tag, word.score)  # False only means "already known"
    # Kiwi loads its language model on the first analysis (about 1.3 s), not in the
    # constructor: do it here, so the load is one known step. (Loading it on a thread
    # while the input is read saves nothing: the load holds Python's lock.)
    kiwi.tokenize("")
    return kiwi


_cached_kiwi.cache_info, _cached_kiwi.cache_clear = _build_kiwi.cache_info, _build_kiwi.cache_clear


def _collect_user_words(userdict) -> tuple[UserWord, ...]:
    if userdict is None or isinstance(userdict, (str, Path)):
        return tuple(read_userdict(userdict))
    return tuple(UserWord(_nfc(w[0]), *w[1:]) for w in userdict)


def _nfc(word: str) -> str:
    return unicodedata.normalize("NFC", word)


class Tokenizer:
    """Text -> list of canonical lemmas; a plain, picklable callable.

    Holds settings only; Kiwi is fetched lazily from :func:`load_kiwi`'s per-process cache.
    ``stopwords``, ``userdict`` and ``synonyms`` take a path, inline entries, or None for
    the packaged lexicon (pass ``[]`` / ``{}`` for none). Stopwords may be lemmas or
    ``(lemma, tag)`` pairs.

    Example
    -------
    >>> Tokenizer()("일본을 뛰어넘어야 한다")  # the default keeps nouns
    ['일본']
    >>> tok = Tokenizer(pos=("NNG", "NNP", "VV", "VA"))
    >>> tok("일본을 뛰어넘어야 한다")
    ['일본', '뛰어넘다']
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> vectorizer = CountVectorizer(tokenizer=tok, lowercase=False, token_pattern=None)
    """

    def __init__(self, pos: Iterable[str] = DEFAULTS.pos, min_len: int = DEFAULTS.min_len,
                 stopwords=DEFAULTS.stopwords, userdict=DEFAULTS.userdict, synonyms=DEFAULTS.synonyms, *,
                 num_workers: int | None = None, model_type: str | None = None):
        self.pos = tuple(pos)
        self.min_len = int(min_len)
        if stopwords is None or isinstance(stopwords, (str, Path)):
            self.stopwords = read_stopwords(stopwords)
        else:
            self.stopwords = frozenset(_nfc(s) if isinstance(s, str) else tuple(s) for s in stopwords)
        self.user_words = _collect_user_words(userdict)
        if synonyms is None or isinstance(synonyms, (str, Path)):
            self.synonyms = read_synonyms(synonyms)
        else:
            self.synonyms = {_nfc(k): (v if isinstance(v, tuple) else (v, None)) for k, v in dict(synonyms).items()}
        self.num_workers, self.model_type = num_workers, model_type

    def __repr__(self) -> str:
        return (f"Tokenizer(pos={self.pos}, min_len={self.min_len}, stopwords={len(self.stopwords)}, "
                f"user_words={len(self.user_words)}, synonyms={len(self.synonyms)})")

    def __call__(self, text: str) -> list[str]:
        return [token for token, _, _ in self.tokenize_with_offsets(text)]

    @property
    def kiwi(self):
        """This tokenizer's Kiwi, from the per-process cache (never pickled)."""
        return _cached_kiwi(self.user_words, max(1, self.num_workers or count_workers()), self.model_type)

    def tokenize_with_offsets(self, text: str) -> list[tuple[str, int, int]]:
        """Return ``(token, start, end)`` with offsets into ``text``, for highlighting.

        Example
        -------
        >>> Tokenizer(pos=("NNG", "NNP", "VV")).tokenize_with_offsets("광주형일자리를 개척한다")
        [('광주형 일자리', 0, 6), ('개척하다', 8, 11)]
        """
        # Imported here: the analysis module builds on this one (it needs a Tokenizer).
        from analysis.text.analyse import analyse_paragraphs

        sentences, morphemes = analyse_paragraphs(self, [text], progress=False)
        starts = sentences["start"].tolist()
        columns = (morphemes[c].tolist() for c in ("row", "lemma", "tag", "start", "end"))
        return [(lemma, starts[row] + start, starts[row] + end)
                for row, lemma, tag, start, end in zip(*columns) if self.accepts(lemma, tag)]

    def accepts(self, lemma: str, tag: str) -> bool:
        """Whether a (canonical) lemma with this tag becomes a token.

        Example
        -------
        >>> tok = Tokenizer(pos=("NNG", "NNP", "VV", "VA"))
        >>> tok.accepts("개척하다", "VV"), tok.accepts("하다", "VV"), tok.accepts("우리", "NP")
        (True, False, False)
        """
        return (tag in self.pos and len(lemma) >= self.min_len
                and lemma not in self.stopwords and (lemma, tag) not in self.stopwords)

    def canonicalise(self, lemma: str, tag: str) -> tuple[str, str]:
        """Apply the synonym map to one lemma: ``("AI", "SL") -> ("인공지능", "NNG")``."""
        canonical, new_tag = self.synonyms.get(lemma, (lemma, None))
        return canonical, new_tag or tag

    def describe(self) -> dict:
        """Settings that change what Kiwi produces (the cache key), plus the filter settings.

        Example
        -------
        >>> sorted(Tokenizer().describe())
        ['kiwipiepy', 'min_len', 'model', 'model_type', 'pos', 'stopwords', 'synonyms', 'user_words']
        """
        import kiwipiepy
        import kiwipiepy_model

        return {
            "kiwipiepy": kiwipiepy.__version__, "model": kiwipiepy_model.__version__,
            "model_type": self.model_type or "default",
            "user_words": [list(w) for w in self.user_words],
            "synonyms": sorted([k, *v] for k, v in self.synonyms.items()),
            "pos": list(self.pos), "min_len": self.min_len,
            "stopwords": sorted(map(str, self.stopwords)),
        }
