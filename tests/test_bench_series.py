"""The forecast benchmark's shipped series: every set loads from its CSV files as the manifest
describes, and fpp2's weekly and daily items get real dates (benchmarks/forecast_series.py)."""

import numpy as np
import pandas as pd
import pytest

from benchmarks.forecast_series import (
    CSV_SERIES,
    FPP_GAP_EVERY,
    FPP_SERIES,
    HOLDOUT_SERIES,
    HYNDSIGHT_START,
    folder_series,
    fpp_frame,
    load_series,
    read_manifest,
)


@pytest.mark.parametrize("names", [CSV_SERIES, HOLDOUT_SERIES, FPP_SERIES], ids=["suite", "holdout", "fpp"])
def test_every_series_of_a_set_loads_as_its_manifest_says(names):
    dropped = []
    got = load_series(on_drop=lambda n, why: dropped.append((n, why)), names=names, airline=False)
    assert dropped == [] and [s.name for s in got] == list(names)
    manifest = read_manifest()
    for s in got:
        meta = manifest[s.name]
        assert len(s.frame) == meta["n"] and s.season_hint == meta["season"]
        assert s.frame.index.freqstr == pd.tseries.frequencies.to_offset(meta["freq"]).freqstr
        assert np.all(np.isfinite(s.values))  # gaps filled as the app's loader fills them
        assert bool(meta["missing"]) == any("filled by linear interpolation" in n for n in s.notes)


def test_the_three_sets_do_not_overlap():
    assert not (set(CSV_SERIES) & set(HOLDOUT_SERIES) or set(CSV_SERIES) & set(FPP_SERIES))
    assert not set(HOLDOUT_SERIES) & set(FPP_SERIES)


def test_fpp_weekly_items_become_saturday_weeks_with_gaps_and_daily_items_days():
    n = 120
    time = 1991.1 + np.arange(n) * 7 / 365.25  # R's weekly ts: fractional years
    frame, freq, season = fpp_frame("gasoline", time, np.arange(n, dtype=float))
    assert freq == "W-SAT" and season == 52 and len(frame) == n
    assert frame.index[0].day_of_week == 5 and frame.index[0].year == 1991 and frame.index[0].month == 2
    gaps = np.flatnonzero(frame["value"].isna().to_numpy())
    np.testing.assert_array_equal(gaps, np.arange(FPP_GAP_EVERY - 1, n, FPP_GAP_EVERY))
    assert frame["value"].iloc[0] == 0.0  # the rest keep their values
    daily, freq, season = fpp_frame("hyndsight", 1 + np.arange(10) / 7, np.arange(10, dtype=float))
    assert freq == "D" and season == 7 and daily.index[0] == pd.Timestamp(HYNDSIGHT_START)
    quarterly, freq, season = fpp_frame("qcement", 1956 + np.arange(8) / 4, np.ones(8))
    assert season == 4 and quarterly.index[1] == pd.Timestamp("1956-04-01")


def test_a_folder_of_files_is_read_by_the_engines_loader_as_uploads_are(tmp_path):
    """--set outside5: Rdatasets' layout (rownames, decimal years, value) gets its dates and season;
    a file the loader refuses is named, not fatal."""
    years = 1970 + np.arange(40) / 4
    rows = [f"{i + 1},{t},{10 + i % 4 + 0.1 * i:.2f}" for i, t in enumerate(years)]
    (tmp_path / "quarterly.csv").write_text('"rownames","time","value"\n' + "\n".join(rows) + "\n")
    (tmp_path / "words.csv").write_text("a,b\nx,y\n")
    dropped = []
    got = folder_series(tmp_path, on_drop=lambda n, why: dropped.append(n))
    assert [s.name for s in got] == ["quarterly"] and dropped == ["words"]
    q = got[0]
    assert list(q.frame.columns) == ["value"] and q.season_hint == 4 and q.frame.index[1] == pd.Timestamp("1970-04-01")
    np.testing.assert_allclose(q.values[:2], [10.0, 11.1])


def test_every_csv_file_of_the_benchmark_folders_loads():
    """The A/B scripts read every file of ``benchmarks/data`` as an upload is read; a loader change
    that refuses one of them stops those scripts (``WWWusage.csv`` writes its steps as years 1-100)."""
    from pathlib import Path

    from lstm_core.data import load_csv

    files = sorted((Path(__file__).resolve().parents[1] / "benchmarks" / "data").rglob("*.csv"))
    assert len(files) >= 80
    refused = []
    for p in files:
        try:
            load_csv(p)
        except Exception as exc:  # noqa: BLE001 - every refusal is named in the assertion
            refused.append(f"{p.name}: {exc}")
    assert refused == []
