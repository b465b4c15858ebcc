"""Topic models for tokenised units, with stm-style diagnostics.

Model of the package
--------------------
A *unit* is one row of the tokens table made upstream: a document, paragraph
or sentence with id columns (``doc_id`` and optionally ``para_id``,
``sent_id``) and a ``tokens`` column holding a list of lemmas.  Everything
here consumes that table (or a plain ``list[list[str]]``).

``TopicModel`` (a scikit-learn estimator) puts four engines behind one interface:

* ``"tomotopy"``    collapsed Gibbs LDA (``tomotopy.LDAModel``, one worker so
                    runs repeat exactly);
* ``"gensim"``      variational LDA (``gensim.models.LdaModel``);
* ``"sklearn-lda"`` batch variational LDA (scikit-learn);
* ``"nmf"``         NMF on TF-IDF (scikit-learn).

All engines share one vocabulary step (sorted terms, ``min_df``/``max_df``
pruning) and expose the same fitted arrays: ``topic_term_`` (K x V, rows are
p(term | topic)) and ``doc_topic_`` (one row per input unit, rows are
p(topic | unit)).  A unit whose tokens are all pruned is *empty*: it keeps its
row, gets the uniform distribution and is flagged in ``empty_``.

Around the fitted arrays sit engine-free tools, each a function of
``topic_term_``/``doc_topic_``: coherence (gensim ``CoherenceModel``), FREX,
lift and exclusivity as in R's stm, topic labels, representative passages
(stm's ``findThoughts``), K sweeps with held-out fit and seed stability,
bootstrapped topic prevalence by covariate, a pickle-free save format and an
offline LDAvis-style explorer page.  One module per job:

* :mod:`~analysis.topics.model`        ``TopicModel`` and the shared input helpers;
* :mod:`~analysis.topics.engines`      the four engines, ``ENGINES``, ``DEFAULT_ENGINE``;
* :mod:`~analysis.topics.quality`      coherence, FREX, lift, exclusivity, stability;
* :mod:`~analysis.topics.sweep`        choosing K;
* :mod:`~analysis.topics.summaries`    labels, unit-topic tables, passages, prevalence;
* :mod:`~analysis.topics.persistence`  ``save_model``/``load_model``;
* :mod:`~analysis.topics.explorer`     the HTML explorer and pyLDAvis input.

The command line's ``topics`` subcommand (:mod:`analysis.cli`) writes the tables.

Topic numbering: arrays are 0-based (row ``k`` of ``topic_term_`` is topic
``k + 1``); every table, file and page a reader sees numbers topics from 1
(columns ``topic_1 .. topic_K``, ``topic`` columns holding 1..K).

Randomness comes only from the required ``seed`` arguments.

Example
-------
>>> units = [["인공지능", "데이터"], ["인공지능", "데이터", "산업"], ["일본", "추월"], ["일본", "추월", "경제"]]
>>> model = TopicModel(DEFAULT_ENGINE, k=2, seed=1).fit(units)
>>> sorted(label_topics(model, n=2)["term"])
['데이터', '인공지능', '일본', '추월']
"""

from analysis.topics.engines import DEFAULT_ENGINE, ENGINES
from analysis.topics.explorer import prepare_ldavis_data, write_topic_explorer_html
from analysis.topics.model import TopicModel
from analysis.topics.persistence import load_model, save_model
from analysis.topics.quality import (score_coherence, score_exclusivity, score_frex, score_lift, score_npmi_documents,
                                     score_stability)
from analysis.topics.summaries import (estimate_prevalence, find_thoughts, label_topics, summarise_seeds,
                                       tabulate_doc_topics)
from analysis.topics.sweep import choose_k, summarise_sweep, sweep_k

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "TopicModel",
    "choose_k",
    "estimate_prevalence",
    "find_thoughts",
    "label_topics",
    "load_model",
    "prepare_ldavis_data",
    "save_model",
    "score_coherence",
    "score_exclusivity",
    "score_frex",
    "score_lift",
    "score_npmi_documents",
    "score_stability",
    "summarise_seeds",
    "summarise_sweep",
    "sweep_k",
    "tabulate_doc_topics",
    "write_topic_explorer_html",
]
