"""LSTM Lab engine: data, recurrent cells, training, forecasts and gate replay.

Pure Python + torch + pandas + numpy; it never imports streamlit.
"""
__version__ = "0.1.0"
