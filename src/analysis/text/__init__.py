"""Korean text layer: one Kiwi pass per paragraph gives sentences, morphemes and quotes.

Model
-----
A document is its title (paragraph 0, so headline quotes count) and its cleaned body, one
paragraph per line (para_id 1, 2, ... over the non-blank lines). Every paragraph is
analysed by Kiwi exactly once, with ``Kiwi.split_into_sents(paragraphs, return_tokens=True)``
over the whole corpus on Kiwi's own worker threads: sentence boundaries (Kiwi keeps quoted
speech together), morphemes, lemmas and offsets all come from that one analysis. Kiwi's
results are consumed as they arrive and packed, in batches, into compact columns (int64
arrays, Arrow strings), so memory stays close to the size of the final tables (about
1 GB for the 10M morphemes of 21M characters of speeches).

Three tables come out (:class:`TextTables`):

- ``sentences``: ``doc_id, para_id, sent_id, start, end, text, voice, speaker``; sent_id
  runs 1, 2, ... across the document; start/end index the document's ``text`` (for
  para_id 0, its ``title``); voice and speaker come from :mod:`analysis.text.quotes`.
- ``morphemes``: ``doc_id, para_id, sent_id, form, tag, lemma, start, end``; start/end
  index the sentence's ``text``. A noun or root followed by a verb- or adjective-forming
  suffix is one row (개척/NNG + 하/XSV -> form 개척하, tag VV, lemma 개척하다), because
  Kiwi's lemma for the suffix alone is just 하. Tags drop Kiwi's irregular-conjugation
  mark (VA-I -> VA). ``lemma`` is canonical: the synonym map is applied (AI -> 인공지능).
- ``quotes``: ``doc_id, para_id, sent_id, quote_id, start, end, text, speaker, verb``;
  start/end index the document's text (the title for para_id 0) like the sentences'.
  :func:`find_quote_of_spans` gives any span (a morpheme, a frame hit) its quote.

Byte-order marks and zero-width characters are removed before Kiwi sees a paragraph (it
would make tokens of them); offsets are mapped back, so they always index the input.

A :class:`Tokenizer` holds settings only (POS to keep, minimum length, stopwords, user
dictionary, synonyms; defaults from :data:`analysis.settings.DEFAULTS`) and gets its Kiwi
from a per-process cache (:func:`load_kiwi`), because a Kiwi with user words cannot be
pickled: the tokenizer can go to scikit-learn, gensim or another process.
:func:`tokens_by_unit` applies the same filter to a morpheme table, so topic models never
re-run Kiwi.

The Kiwi results (and each document's quotes) are cached as parquet in ``cache_dir``,
document by document: a store per set of settings that change Kiwi's output (the user
dictionary and synonyms, the kiwipiepy and model versions; not the stopwords or POS
filter, which apply later) holds chunks of documents, each keyed by the sha256 of its
paragraphs and manifest speaker. A rerun analyses only the documents no chunk holds; a
chunk is trusted only once its list of keys is written, so an interrupted run never
leaves anything a later run trusts.

Modules: :mod:`~analysis.text.tokenizer` (Tokenizer, Kiwi cache),
:mod:`~analysis.text.analyse` (the Kiwi pass, tables, cache), :mod:`~analysis.text.units`
(tokens per unit), :mod:`~analysis.text.quotes` (quoted speech, speakers),
:mod:`~analysis.text.lexicons` (user dictionary, stopwords, synonyms).
"""

from analysis.settings import DEFAULTS
from analysis.text.analyse import (
    MORPHEME_COLUMNS,
    SENTENCE_COLUMNS,
    TextTables,
    analyse_documents,
    analyse_texts,
    hash_documents,
    hash_settings,
)
from analysis.text.dataset import TextDataset, analyse_corpus
from analysis.text.lexicons import (
    LEXICON_TAGS,
    LexiconError,
    UserWord,
    hash_lexicon,
    locate_lexicon,
    promote_to_userdict,
    read_lexicon_version,
    read_stopwords,
    read_synonyms,
    read_userdict,
)
from analysis.text.quotes import (QUOTE_COLUMNS, QuoteSpan, attribute_quotes, find_own_voice_documents,
                                  find_quote_of_spans, find_quote_spans, mark_own_voice)
from analysis.text.tokenizer import Tokenizer, count_workers, load_kiwi
from analysis.text.units import tokens_by_unit

DEFAULT_POS = DEFAULTS.pos  # kept for old imports; the setting lives in analysis.settings

__all__ = [
    "DEFAULT_POS", "LEXICON_TAGS", "MORPHEME_COLUMNS", "QUOTE_COLUMNS", "SENTENCE_COLUMNS", "LexiconError",
    "QuoteSpan", "TextDataset", "TextTables", "Tokenizer", "UserWord", "analyse_corpus", "analyse_documents", "analyse_texts", "attribute_quotes",
    "count_workers", "find_own_voice_documents", "find_quote_of_spans", "find_quote_spans", "hash_documents", "hash_settings",
    "hash_lexicon", "load_kiwi", "locate_lexicon", "mark_own_voice", "promote_to_userdict", "read_lexicon_version", "read_stopwords", "read_synonyms",
    "read_userdict", "tokens_by_unit",
]
