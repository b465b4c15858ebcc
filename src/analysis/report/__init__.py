"""Report stage: figures, tables and numbers on disk, and the provenance of each.

- :mod:`~analysis.report.figures`: the house style (Korean font embedded) and the one
  save function, :func:`save_figure` (PDF + SVG + PNG at 300 dpi + the plotted data
  as CSV, byte-stable);
- :mod:`~analysis.report.plots`: figure builders, each returning ``(fig, data)``;
- :mod:`~analysis.report.labels`: the one table of display labels (ids -> Korean, or
  English), frame labels from the lexicon, topic names;
- :mod:`~analysis.report.tables`: CSV and LaTeX tables, numbers as LaTeX macros;
- :mod:`~analysis.report.explorer`: topics and frames in one interactive view, a
  JupyterLab widget and a standalone page, with the tables' numbers;
- :mod:`~analysis.report.provenance`: which notebook and parameters wrote which file.
"""

from analysis.report.explorer import prepare_explorer_data, show_explorer, write_explorer_html
from analysis.report.figures import FIGURE_FORMATS, PAPER_WIDTHS, find_korean_font, fit_for_paper, save_figure, use_korean_style
from analysis.report.labels import LABELS, describe_k_choice, display_label, display_labels, display_table, frame_labels, name_topics
from analysis.report.plots import (VOICE_LABELS, plot_cleaning_audit, plot_contrasts, plot_correspondence, plot_dispersion, plot_effect_curve, plot_heatmap,
                                   plot_intervals, plot_k_frontier, plot_keyness, plot_metric_panels, plot_network, plot_over_time,
                                   plot_stacked_counts, plot_thoughts, plot_timeline, plot_topic_correlations, plot_topic_terms)
from analysis.report.provenance import finish_run, start_run, write_provenance
from analysis.report.tables import escape_latex, save_table, write_latex_macros, write_latex_table

__all__ = ["FIGURE_FORMATS", "LABELS", "PAPER_WIDTHS", "VOICE_LABELS", "describe_k_choice", "display_label", "display_labels", "display_table",
           "escape_latex", "find_korean_font", "finish_run", "fit_for_paper", "frame_labels", "name_topics",
           "plot_cleaning_audit", "plot_contrasts", "plot_correspondence", "plot_dispersion", "plot_effect_curve", "plot_heatmap", "plot_intervals", "plot_k_frontier",
           "plot_keyness", "plot_metric_panels", "plot_network", "plot_over_time", "plot_stacked_counts", "plot_thoughts", "plot_timeline",
           "plot_topic_correlations", "plot_topic_terms", "prepare_explorer_data", "save_figure", "save_table", "show_explorer", "start_run",
           "use_korean_style", "write_explorer_html", "write_latex_macros", "write_latex_table", "write_provenance"]
