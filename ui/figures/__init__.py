"""Plotly figure builders for the pages: pure functions of the engine's arrays and frames.

* :mod:`ui.figures.style`: palettes, trace cleaning and decimation, the common layout;
* :mod:`ui.figures.series`: the data, the loss, predictions, residuals and forecasts;
* :mod:`ui.figures.gates`: gate heatmaps, unit traces, saturation, memory, cell diagrams;
* :mod:`ui.figures.compare`: comparisons of variants and the long-memory experiment.

Plotly only: nothing in this package imports streamlit (the parent :mod:`ui` does, for the
pages), and the engine :mod:`lstm_core` imports nothing from here.
"""
