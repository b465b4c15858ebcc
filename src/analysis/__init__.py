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

import importlib
import os
import sys


def _use_system_allocator() -> None:
    # Arrow's default allocator (mimalloc) keeps the memory that batch reads free; the
    # system allocator hands it back. At 50,000 documents the import and the stages that
    # read the cache in batches peak 80-90 MB lower (README, Scale). Arrow reads the
    # variable when it first allocates: in this process if nothing has imported pandas
    # or pyarrow yet (the command line, the benchmarks), and in every child process
    # (notebook kernels of `reproduce`, Dask workers). Where pyarrow came first, its
    # functions' pool is switched, which covers less. A pool chosen with
    # ARROW_DEFAULT_MEMORY_POOL is left alone.
    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ:
        return
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    if "pyarrow" in sys.modules:
        import pyarrow

        pyarrow.set_memory_pool(pyarrow.system_memory_pool())


_use_system_allocator()

# Where each name of the package's face lives. Importing ``analysis`` loads none of
# them: a name's module is imported on first use (PEP 562), so the command line starts
# in a fraction of a second instead of loading matplotlib, scikit-learn and statsmodels.
_FACE = {
    "analysis.corpus": ["Columns", "Corpus", "CorpusError", "load_corpus", "write_corpus"],
    "analysis.effects": ["estimate_effects", "tabulate_frame_counts"],
    "analysis.errors": ["InputError"],
    "analysis.frames": ["FrameSet", "check_frame_examples", "detect_frames", "draw_validation_sample",
                        "estimate_frame_prevalence", "load_detector", "load_frames", "match_frames",
                        "read_coding_sheet", "score_validation", "write_coding_sheet"],
    "analysis.groups": ["GROUP_COLUMNS", "GROUP_NAMES", "choose_comparison", "find_group_columns"],
    "analysis.io": ["read_table_set", "write_table", "write_table_set"],
    "analysis.report": ["VOICE_LABELS", "finish_run", "fit_for_paper", "plot_cleaning_audit", "plot_contrasts", "plot_correspondence", "plot_dispersion",
                        "plot_effect_curve", "plot_heatmap", "plot_intervals", "plot_keyness", "plot_metric_panels",
                        "plot_network", "plot_over_time", "plot_stacked_counts", "plot_timeline", "plot_topic_terms",
                        "save_figure", "save_table", "start_run", "use_korean_style", "write_latex_macros"],
    "analysis.settings": ["DEFAULTS", "Settings"],
    "analysis.text": ["LexiconError", "TextTables", "Tokenizer", "analyse_documents", "analyse_texts",
                      "tokens_by_unit"],
    "analysis.textstats": ["build_cooccurrence_network", "compute_correspondence", "compute_group_keyness", "compute_keyness", "count_terms",
                           "find_collocations", "make_concordance", "network_to_frames", "rank_tfidf_terms"],
    "analysis.topics": ["TopicModel", "estimate_prevalence", "find_thoughts", "label_topics", "load_model",
                        "save_model", "summarise_sweep", "sweep_k", "tabulate_doc_topics",
                        "write_topic_explorer_html"],
}
_MODULE_OF = {name: module for module, names in _FACE.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
