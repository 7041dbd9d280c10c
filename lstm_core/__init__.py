"""LSTM Lab engine: data, recurrent cells, training, forecasts and gate replay.

Pure Python + torch + pandas + numpy: it imports neither streamlit nor plotly (the figures
live in :mod:`ui.figures`; ``tests/test_layers.py`` checks this in a fresh process).
"""

__version__ = "0.1.0"
