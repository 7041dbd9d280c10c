"""Texts of the jobs view (ui/jobs_view.py)."""

import numpy as np
import pandas as pd

from ui.jobs_view import time_label


def test_the_first_looks_cut_names_an_undated_row_by_its_own_number():
    steps = np.arange(100, 160)
    assert time_label(steps, 40) == "row 140"
    assert time_label(np.arange(60), 40) == "row 40"
    dates = pd.date_range("2020-01-01", periods=60, freq="MS").to_numpy()
    assert time_label(dates, 40) == "May 2023"
