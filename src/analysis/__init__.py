"""Topic modelling and framing analysis of Korean political news.

Data flows one way, one folder per stage, every table keyed by ``doc_id`` (and
``para_id``, ``sent_id`` where it applies)::

    corpus/    pages and tables -> documents, cleaning audit, report (every input accounted for)
    text/      one Kiwi pass    -> sentences, morphemes, quotes (with offsets and speakers)
    textstats  counts, TF-IDF, collocations, keyness, co-occurrence networks, KWIC
    topics/    token units      -> topic models, K sweeps, labels, prevalence, explorer
    frames/    lexicon rules    -> frame hits with voice, prevalence, validation
    report/    tables           -> figures, LaTeX, provenance

``io`` (files), ``settings`` (the shared defaults) and ``errors`` sit underneath; the
command line (``python -m analysis``) and the notebooks sit on top. The names a
notebook needs are importable from here::

    from analysis import load_corpus, analyse_documents, TopicModel, match_frames, save_figure
"""

__version__ = "0.1.0"

from analysis.corpus import Columns, Corpus, CorpusError, load_corpus, write_corpus  # noqa: E402
from analysis.effects import estimate_effects, tabulate_frame_counts  # noqa: E402
from analysis.errors import InputError  # noqa: E402
from analysis.frames import (FrameSet, check_frame_examples, detect_frames, draw_validation_sample,  # noqa: E402
                             estimate_frame_prevalence, load_detector, load_frames, match_frames, read_coding_sheet,
                             score_validation, write_coding_sheet)
from analysis.groups import GROUP_COLUMNS, GROUP_NAMES, choose_comparison, find_group_columns  # noqa: E402
from analysis.io import write_table  # noqa: E402
from analysis.report import (VOICE_LABELS, finish_run, fit_for_paper, plot_cleaning_audit,  # noqa: E402
                             plot_contrasts, plot_effect_curve,
                             plot_heatmap, plot_intervals, plot_keyness, plot_metric_panels, plot_network,
                             plot_over_time, plot_stacked_counts, plot_timeline, plot_topic_terms, save_figure,
                             save_table, start_run, use_korean_style, write_latex_macros)
from analysis.settings import DEFAULTS, Settings  # noqa: E402
from analysis.text import (LexiconError, TextTables, Tokenizer, analyse_documents, analyse_texts,  # noqa: E402
                           tokens_by_unit)
from analysis.textstats import (build_cooccurrence_network, compute_group_keyness, compute_keyness,  # noqa: E402
                                count_terms, find_collocations, make_concordance, network_to_frames,
                                rank_tfidf_terms)
from analysis.topics import (TopicModel, estimate_prevalence, find_thoughts, label_topics, load_model,  # noqa: E402
                             save_model, summarise_sweep, sweep_k, tabulate_doc_topics, write_topic_explorer_html)

__all__ = [
    # settings and errors
    "DEFAULTS", "InputError", "Settings",
    # corpus
    "Columns", "Corpus", "CorpusError", "load_corpus", "write_corpus",
    # text
    "LexiconError", "TextTables", "Tokenizer", "analyse_documents", "analyse_texts", "tokens_by_unit",
    # text statistics
    "build_cooccurrence_network", "compute_group_keyness", "compute_keyness", "count_terms", "find_collocations",
    "make_concordance", "network_to_frames", "rank_tfidf_terms",
    # topics
    "TopicModel", "estimate_prevalence", "find_thoughts", "label_topics", "load_model", "save_model",
    "summarise_sweep", "sweep_k", "tabulate_doc_topics", "write_topic_explorer_html",
    # frames
    "FrameSet", "check_frame_examples", "detect_frames", "draw_validation_sample", "estimate_frame_prevalence",
    "load_detector", "load_frames",
    "match_frames", "read_coding_sheet", "score_validation", "write_coding_sheet",
    # effects
    "estimate_effects", "tabulate_frame_counts",
    # groups a corpus can compare
    "GROUP_COLUMNS", "GROUP_NAMES", "choose_comparison", "find_group_columns",
    # report
    "VOICE_LABELS", "finish_run", "fit_for_paper", "plot_cleaning_audit", "plot_contrasts", "plot_effect_curve",
    "plot_heatmap", "plot_intervals",
    "plot_keyness", "plot_metric_panels", "plot_network", "plot_over_time", "plot_stacked_counts", "plot_timeline",
    "plot_topic_terms", "save_figure", "save_table", "start_run", "use_korean_style", "write_latex_macros",
    "write_table",
]
