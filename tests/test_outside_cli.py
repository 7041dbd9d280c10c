"""A new user's files and flags on the command line: data nobody on the project had tried
(spreadsheet exports, R data sets from other packages), each problem found with its repro."""

from __future__ import annotations

import json
import re
import sys

import numpy as np
import pandas as pd
import pytest

from lstm_core.cli import main
from lstm_core.data import DataError, default_target, load_csv
from lstm_core.data.errors import _excerpt
from lstm_core.metrics import figure_text
from lstm_core.runs import current_umask

MONTHS = pd.date_range("2015-01-01", periods=40, freq="MS")
TRAIN_TINY = ["--epochs", "2", "--ensemble", "2", "--hidden", "4", "--quiet"]


def _monthly(values, header: str = "month,sales") -> str:
    return header + "\n" + "".join(f"{m:%Y-%m},{v}\n" for m, v in zip(MONTHS, values))


# ---- reading the file ------------------------------------------------------------------------


def test_a_title_line_holding_a_comma_above_a_blank_line_is_skipped():
    # "Sales report, Company X" split into two fields, as wide as the table: it was taken for the
    # header, and the load failed on "date column 'Sales report' cannot be read ... (e.g. 'month')".
    text = "Sales report, Company X\n\n" + _monthly(range(100, 140))
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"] and list(loaded.frame.index) == list(MONTHS)
    assert loaded.report.notes[0] == "1 title line(s) above the header ('Sales report, Company X') were skipped."


def test_a_header_above_a_blank_line_and_rows_of_data_stays_the_header():
    text = "month,sales\n\n" + "".join(f"{m:%b},{100 + i}\n" for i, m in enumerate(MONTHS[:12]))
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"] and loaded.frame["sales"].tolist() == list(range(100, 112))
    assert not any("title line" in n for n in loaded.report.notes)


@pytest.mark.parametrize(
    ("cell", "value"),
    [("(120)", -120.0), ('"(1,200.50)"', -1200.5), ("( 7 )", -7.0)],
)
def test_negatives_in_parentheses_are_read_as_negative_numbers(cell, value):
    # accounts write a loss as (120): "No numeric column was found: column 'profit' holds values
    # such as '(120)' that are not plain numbers"
    values = [cell if i % 5 == 0 else str(100 + i) for i in range(40)]
    loaded = load_csv(_monthly(values, "month,profit").encode())
    profit = loaded.frame["profit"]
    assert profit.iloc[0] == value and profit.iloc[5] == value and profit.iloc[1] == 101.0
    assert (
        f"Column 'profit': 8 number(s) in parentheses (e.g. '{cell.strip(chr(34))}') were read as negative"
        in (loaded.report.notes[0])
    )


def test_negatives_in_parentheses_with_a_currency_symbol_lose_the_symbol_too():
    values = ['"$(1,200)"' if i % 4 == 0 else f'"${i},000"' for i in range(1, 41)]
    profit = load_csv(_monthly(values, "month,profit").encode()).frame["profit"]
    assert profit.iloc[3] == -1200.0 and profit.iloc[0] == 1000.0


def test_text_in_parentheses_is_not_read_as_numbers():
    text = "month,sales,region\n" + "".join(f"{m:%Y-%m},{100 + i},North (A)\n" for i, m in enumerate(MONTHS))
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"]
    assert not any("parentheses" in n for n in loaded.report.notes)


def test_year_month_and_day_columns_make_daily_dates():
    # CRSPday (Ecdat): year,month,day,ge,... was refused: "120 timestamp(s) appear more than once
    # with different values, e.g. 1989-01-01": the days were left out of the dates
    days = pd.date_range("2020-01-27", periods=40, freq="D")
    text = "year,month,day,rain\n" + "".join(f"{d.year},{d.month},{d.day},{i % 7}\n" for i, d in enumerate(days))
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["rain"] and list(loaded.frame.index) == list(days)
    assert loaded.report.frequency == "D"
    assert "Dates were made from the years of 'year', the months of 'month' and the days of 'day'." in (
        loaded.report.notes
    )


def test_a_day_column_that_is_not_a_day_of_the_month_leaves_the_months():
    # Mauna Loa style: year,month,... with a column "day" of day counts, not days of the month
    months = pd.date_range("2018-01-01", periods=40, freq="MS")
    text = "year,month,day,co2\n" + "".join(
        f"{m.year},{m.month},{100 + i},{400 + i % 12}\n" for i, m in enumerate(months)
    )
    loaded = load_csv(text.encode())
    assert list(loaded.frame.index) == list(months) and list(loaded.frame.columns) == ["day", "co2"]


def test_r_row_names_are_not_the_default_target():
    # USGDPpresidents (Ecdat): R named its rows by the years (1610, 1620, ..., 1774, 1775, ...),
    # so "rownames" was no counter, and train forecast the row names instead of CPI
    years = [1610, 1620, 1630, *range(1774, 1811)]
    text = "rownames,Year,CPI,population\n" + "".join(
        f"{y},{y},{'' if y < 1774 else 7 + (y % 5)},{y - 1600}\n" for y in years
    )
    frame = load_csv(text.encode()).frame
    assert "rownames" in frame.columns and default_target(frame) == "CPI"


@pytest.mark.parametrize(("years", "freq"), [([1951, *range(1956, 1962)], None), (list(range(1946, 1976)), "YS-JAN")])
def test_r_row_names_that_are_years_are_the_time(years, freq):
    # WorldPhones (row names 1951, 1956, ..., 1961) and carData's Bfox (1946..1975): with no other
    # time column R's row names are the years; they were kept as a value column, and the runs were
    # dated by row numbers
    text = "rownames,N.Amer,Europe\n" + "".join(
        f"{y},{45939 + 700 * i},{21574 + 300 * i}\n" for i, y in enumerate(years)
    )
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["N.Amer", "Europe"]
    assert list(loaded.frame.index) == [pd.Timestamp(year=y, month=1, day=1) for y in years]
    assert loaded.report.date_column == "rownames" and loaded.report.frequency == freq


def test_r_row_names_that_count_rows_stay_no_time():
    # R's default row names 1, 2, 3, ... are no years: the rows stay numbered
    text = "rownames,value\n" + "".join(f"{i},{10 + i % 3}\n" for i in range(1, 31))
    loaded = load_csv(text.encode())
    assert loaded.report.date_column is None and not isinstance(loaded.frame.index, pd.DatetimeIndex)


@pytest.mark.parametrize(
    ("cell", "value", "header"),
    [("100.0-", -100.0, "month,sales"), ("1.234,50-", -1234.5, "month;sales"), ("1,234.50−", -1234.5, "month,sales")],
)
def test_a_trailing_minus_as_erp_systems_write_it_is_read_as_negative(cell, value, header):
    # SAP exports write a credit as 100.0-: "No numeric column was found: column 'sales' holds values
    # such as '100.0-' that are not plain numbers"
    plain = "1.200,75" if ";" in header else "1200.75"
    values = [f'"{cell}"' if i % 4 == 0 else plain for i in range(40)]
    loaded = load_csv(_monthly(values, header).encode() if ";" not in header else _semicolons(values, header))
    sales = loaded.frame["sales"]
    assert sales.iloc[0] == value and sales.iloc[4] == value and sales.iloc[1] == 1200.75
    assert loaded.report.notes[0] == (
        f"Column 'sales': 10 number(s) with a trailing minus (e.g. '{cell}') were read as negative, as ERP "
        "systems write them."
    )


def _semicolons(values, header: str) -> bytes:
    return (header + "\n" + "".join(f"{m:%Y-%m};{v}\n" for m, v in zip(MONTHS, values))).encode()


@pytest.mark.parametrize("mark", ["'", "’"])
def test_apostrophes_grouping_thousands_as_swiss_exports_write_them_are_read(mark):
    # "No numeric column was found: column 'sales' holds values such as "10'000.50" that are not plain numbers"
    values = [f"{10 + i // 10}{mark}{i:03d}.50" if i % 3 else f"{900 + i}.25" for i in range(40)]
    loaded = load_csv(_monthly(values).encode())
    sales = loaded.frame["sales"]
    assert sales.iloc[1] == 10001.5 and sales.iloc[38] == 13038.5 and sales.iloc[0] == 900.25
    assert loaded.report.notes[0] == (
        f"Column 'sales': 26 number(s) with apostrophes grouping the thousands (e.g. {_excerpt(values[1])}) were "
        "read without them."
    )


def test_apostrophes_trailing_minus_and_parentheses_combine():
    values = ["(1'200.50)" if i % 3 == 0 else ("1'200.50-" if i % 3 == 1 else "1'200.50") for i in range(40)]
    sales = load_csv(_monthly(values).encode()).frame["sales"]
    assert sales.iloc[:3].tolist() == [-1200.5, -1200.5, 1200.5]


@pytest.mark.parametrize(
    "cells",
    [
        ["O'Brien", "D'Arcy", "Smith-"],  # names
        ["A-", "B+", "C-"],  # grades
        ["12'0", "3'45", "7'8"],  # not groups of three digits
        ["10-", "x11", "12"],  # a few numbers with a dash among words
    ],
)
def test_text_with_apostrophes_or_a_trailing_dash_stays_text(cells):
    text = "month,sales,label\n" + "".join(
        f"{m:%Y-%m},{100 + i},{cells[i % len(cells)]}\n" for i, m in enumerate(MONTHS)
    )
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"] and "label" in loaded.report.dropped_columns
    assert not any("apostrophes" in n or "trailing minus" in n for n in loaded.report.notes)


def test_a_currency_cell_among_plain_numbers_is_shown_as_written():
    # a few $(300.5) among plain numbers stay not numbers (the $ is on too few cells), but the note said
    # "4 number(s) in parentheses (e.g. '$(300.5)') were read as negative" and then "4 cell(s) that are
    # not numbers (e.g. '-$300.5') were treated as missing": a cell the user never wrote
    values = ["$(300.5)" if i % 10 == 0 else str(100 + i) for i in range(40)]
    loaded = load_csv(_monthly(values).encode())
    assert (
        loaded.report.notes[0]
        == "Column 'sales': 4 cell(s) that are not numbers (e.g. '$(300.5)') were treated as missing."
    )
    assert not any("parentheses" in n for n in loaded.report.notes)
    values = ["$(300.5)" if i % 3 == 0 else str(100 + i) for i in range(40)]
    with pytest.raises(DataError) as error:
        load_csv(_monthly(values).encode())
    assert "holds values such as '$(300.5)' that are not plain numbers" in str(error.value)


def test_a_currency_note_shows_the_cell_as_written():
    values = ["$(300.5)" if i % 2 else f"${100 + i}" for i in range(40)]
    loaded = load_csv(_monthly(values).encode())
    assert loaded.frame["sales"].iloc[:2].tolist() == [100.0, -300.5]
    assert loaded.report.notes[1] == "Column 'sales': the currency symbol $ was removed from 40 cell(s) (e.g. '$100')."
    values = ["$(300.5)" if i % 2 == 0 else f"${100 + i}" for i in range(40)]
    notes = load_csv(_monthly(values).encode()).report.notes
    assert notes[1] == "Column 'sales': the currency symbol $ was removed from 40 cell(s) (e.g. '$(300.5)')."


# ---- train's outputs -------------------------------------------------------------------------

TRAIN_FAST = ["--epochs", "2", "--hidden", "6", "--quiet"]


@pytest.fixture(scope="module")
def sine_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("sine") / "sine.csv"
    t = np.arange(60)
    values = 100 + 10 * np.sin(2 * np.pi * t / 12) + (t % 5)  # no trend: the data's range bounds it
    path.write_text(_monthly_series(values))
    return path


def _monthly_series(values) -> str:
    months = pd.date_range("2015-01-01", periods=len(values), freq="MS")
    return "month,sales\n" + "".join(f"{m:%Y-%m},{v:.3f}\n" for m, v in zip(months, values))


def test_metrics_json_holds_the_verdict_on_one_step_and_multistep_accuracy(sine_csv, tmp_path, capsys):
    # the verdict was printed by train and shown by the app, but metrics.json held no word of it
    from lstm_core.results import RunMetrics
    from lstm_core.verdict import judge

    assert main(["train", "--data", str(sine_csv), "--out", str(tmp_path / "r"), *TRAIN_FAST]) == 0
    m = json.loads((tmp_path / "r" / "metrics.json").read_text())
    expected = judge(RunMetrics.from_dict(m))
    assert m["verdict"]["level"] == expected.level and m["verdict"]["level"] in ("beats", "mixed", "loses")
    assert m["verdict"]["sentence"] == expected.sentence and expected.sentence in capsys.readouterr().err
    assert "one step ahead" in expected.sentence and "test span" in expected.sentence


@pytest.mark.parametrize("span_too", [False, True])
def test_train_warns_where_forecast_csv_runs_away_from_the_data(sine_csv, tmp_path, capsys, monkeypatch, span_too):
    """A 12-row monthly series: its 4-step test span stayed in range, so the guard said nothing, and the
    24 steps of forecast.csv climbed to 322.9 from data within [108.9, 160.7], without a word. Where the
    test span's forecast ran away too, only that one was named (with its own figures, not the file's)."""
    import dataclasses

    from lstm_core import pipeline

    own, judged = pipeline.Run.future, pipeline.evaluate

    def climbing(self, steps):
        out = own(self, steps)
        # up to 230 at the last step (forecast.csv holds the 4 steps of the test span): past 2 ranges above
        out["forecast"] = 110 + 120 * np.arange(1, steps + 1) / steps
        return out

    def span_runs_away(run):
        ev = judged(run)
        said = "The forecast over the test span runs away from the data: it reaches 999, ..."
        guards = dataclasses.replace(ev.metrics.guards, runaway=said)
        return dataclasses.replace(ev, metrics=dataclasses.replace(ev.metrics, guards=guards))

    monkeypatch.setattr(pipeline.Run, "future", climbing)
    if span_too:
        monkeypatch.setattr(pipeline, "evaluate", span_runs_away)
    out = tmp_path / "r"
    assert main(["train", "--data", str(sine_csv), "--out", str(out), *TRAIN_FAST]) == 0
    assert bool(json.loads((out / "metrics.json").read_text())["guards"]["runaway"]) is span_too
    err = capsys.readouterr().err
    warning = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warning) == 1 + span_too
    if span_too:
        assert warning[0].startswith("warning: The forecast over the test span runs away from the data: it reaches 999")
    assert warning[-1].startswith(
        f"warning: The forecast in {out / 'forecast.csv'} runs away from the data: it reaches 230, "
    )
    assert warning[-1].endswith("treat it with caution or try another cell or transform.")


def test_forecast_on_data_far_outside_the_trained_values_warns(sine_csv, tmp_path, capsys):
    """A run applied to the same series 1,000 times larger kept its intervals of ±4 around values of
    640, without a word; data that stays near the trained values gets no warning."""
    run = tmp_path / "r"
    assert main(["train", "--data", str(sine_csv), "--out", str(run), *TRAIN_FAST]) == 0
    t = np.arange(60)
    values = 100 + 10 * np.sin(2 * np.pi * t / 12) + (t % 5)
    near, far = tmp_path / "near.csv", tmp_path / "far.csv"
    near.write_text(_monthly_series(values + 5))
    far.write_text(_monthly_series(values * 1000))
    capsys.readouterr()
    assert (
        main(["forecast", "--run", str(run), "--data", str(near), "--steps", "6", "--out", str(tmp_path / "a.csv")])
        == 0
    )
    assert not [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]
    assert (
        main(["forecast", "--run", str(run), "--data", str(far), "--steps", "6", "--out", str(tmp_path / "b.csv")]) == 0
    )
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]
    lo, hi = values.min(), values.max()
    assert warnings[0] == (
        f"warning: The data given runs from {figure_text(1000 * lo)} to {figure_text(1000 * hi)}, far outside the "
        f"{figure_text(lo)} to {figure_text(hi)} this run was trained on, so its forecasts and intervals may not hold there; train a new run "
        "on this data."
    )


def test_the_target_note_names_no_counter_or_row_names_as_another_choice(tmp_path, capsys):
    """An R export (``rownames,time,value``): the note offered the row numbers and the time counter."""
    t = np.arange(40)
    value = 100 + 10 * np.sin(2 * np.pi * t / 7) + (t % 3)
    frame = pd.DataFrame(
        {"rownames": t + 1, "time": t + 1, "value": value.round(2), "price": (50 + t % 4).astype(float)}
    )
    csv = tmp_path / "export.csv"
    frame.to_csv(csv, index=False)
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "r"), *TRAIN_FAST]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: Forecasting")]
    assert notes == ["note: Forecasting column 'value'; pass --target to choose another (price)."]


# ---- compare ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def weekly_csv(tmp_path_factory):
    """A weekly series with four weeks missing, its dates written 'Sun 03 Jan 2021', ';' and decimal commas."""
    path = tmp_path_factory.mktemp("weekly") / "weekly.csv"
    weeks = pd.date_range("2021-01-03", periods=130, freq="W-SUN")
    values = 200 + 30 * np.sin(2 * np.pi * np.arange(130) / 52) + 3 * (np.arange(130) % 4)
    rows = [f"{w:%a %d %b %Y};{v:.2f}".replace(".", ",") for i, (w, v) in enumerate(zip(weeks, values))]
    path.write_text(
        "Week Ending;Units Sold\n" + "".join(r + "\n" for i, r in enumerate(rows) if i not in (10, 11, 50, 97))
    )
    return path


def _compare(config: dict | str, data, out, *extra, tmp_path) -> int:
    conf = tmp_path / "cmp.json"
    conf.write_text(config if isinstance(config, str) else json.dumps(config), encoding="utf-8")
    return main(["compare", "--config", str(conf), "--data", str(data), "--out", str(out), "--quiet", *extra])


def test_compare_a_weekly_series_with_gaps_and_odd_dates(weekly_csv, tmp_path, capsys):
    config = {
        "train": {"epochs": 2},
        "variants": [{"cell": "gru", "hidden_size": 4}, {"cell": "lstm", "hidden_size": 6, "name": "small lstm"}],
    }
    out = tmp_path / "out"
    assert _compare(config, weekly_csv, out, tmp_path=tmp_path) == 0
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "metrics.json", "results.csv", "runs.csv"]
    table = pd.read_csv(out / "results.csv")
    assert table["model"].tolist()[:2] == ["gru h4 x1 lb12 lr0.01", "small lstm"]
    assert table["kind"].tolist() == ["variant", "variant", "baseline", "baseline", "baseline"]
    assert table["test RMSE"].notna().all()
    assert "note: 4 timestamp(s) missing from the regular weekly (Sundays) grid" in capsys.readouterr().err


def test_compare_reads_a_config_saved_with_a_byte_order_mark(weekly_csv, tmp_path):
    # Windows' Notepad saves UTF-8 with a BOM: "The comparison config is not valid JSON (Unexpected UTF-8
    # BOM (decode using utf-8-sig): line 1 column 1 (char 0))"
    config = "\ufeff" + json.dumps({"train": {"epochs": 1}, "variants": [{"cell": "gru", "hidden_size": 2}]})
    assert _compare(config, weekly_csv, tmp_path / "out", tmp_path=tmp_path) == 0
    assert (tmp_path / "out" / "results.csv").is_file()


def test_a_variant_whose_window_does_not_fit_fails_before_any_variant_trains(weekly_csv, tmp_path, capsys):
    # the first variant trained (minutes on a real series), then "Variant ..., seed 0: look_back 1000 is
    # too long for the 74 training points"
    from lstm_core import pipeline

    trained = []
    own = pipeline.fit_run
    config = {"train": {"epochs": 1}, "variants": [{"cell": "gru", "hidden_size": 2}, {"look_back": 1000}]}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "fit_run", lambda *a, **k: trained.append(1) or own(*a, **k))
        assert _compare(config, weekly_csv, tmp_path / "out", tmp_path=tmp_path) == 2
    assert trained == [] and not (tmp_path / "out").exists()
    assert capsys.readouterr().err == (
        "error: Variant 'lstm h32 x1 lb1000 lr0.01': look_back 1000 is too long for the 74 training points; use a "
        "look_back of at most 72 or load a longer series.\n"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"train": {"epochs": "2"}}, "train.epochs must be a whole number (got '2'); correct it."),
        ({"train": {"epoch": 2}}, "Unknown 'train' field(s) ['epoch']; valid fields are ['batch_size', "),
        ({"data": {"target": 5}}, "data.target must be text or empty (got 5); correct it."),
        ({"train": {"epochs": 0}}, "epochs must be between 1 and 100000 (got 0)."),
        ({"seeds": [2**40]}, "seeds must be at most 2147483647 (got 1099511627776); choose smaller ones."),
    ],
)
def test_compare_errors_in_shared_settings_name_the_json_key_not_a_variant(
    weekly_csv, tmp_path, capsys, config, message
):
    # "TrainConfig.epochs must be a whole number", "Variant 'gru h32 x1 lb12 lr0.01': epochs must be ...":
    # a class the JSON does not name, and a variant the setting does not belong to
    assert _compare({"variants": [{"cell": "gru"}], **config}, weekly_csv, tmp_path / "o", tmp_path=tmp_path) == 2
    assert capsys.readouterr().err.startswith(f"error: {message}")


def test_compare_never_writes_over_its_own_data_or_config(weekly_csv, tmp_path, capsys):
    # --overwrite is for earlier results: "compare --data out/results.csv --out out --overwrite" replaced the
    # data with the results table
    out = tmp_path / "out"
    out.mkdir()
    data = out / "results.csv"
    data.write_bytes(weekly_csv.read_bytes())
    config = out / "config.json"
    config.write_text(json.dumps({"train": {"epochs": 1}, "variants": [{"cell": "gru", "hidden_size": 2}]}))
    for args, flag, name in (
        (["--config", str(tmp_path / "c.json"), "--data", str(data)], "--data", "results.csv"),
        (["--config", str(config), "--data", str(weekly_csv)], "--config", "config.json"),
    ):
        (tmp_path / "c.json").write_text(config.read_text())
        assert main(["compare", *args, "--out", str(out), "--overwrite", "--quiet"]) == 2
        assert capsys.readouterr().err == (
            f"error: The {flag} file {out / name} is where compare writes its {name}, which would replace it; "
            "choose another --out folder (nothing was written).\n"
        )
    assert data.read_bytes() == weekly_csv.read_bytes() and sorted(p.name for p in out.iterdir()) == [
        "config.json",
        "results.csv",
    ]


# ---- forecast and gates on other data, and a run downloaded as a zip ---------------------------


@pytest.fixture(scope="module")
def monthly_run(tmp_path_factory, sine_csv):
    run = tmp_path_factory.mktemp("run") / "r"
    assert main(["train", "--data", str(sine_csv), "--out", str(run), *TRAIN_FAST]) == 0
    return run


def _european(values, path) -> None:
    """The sine series as a German spreadsheet writes it: ';', decimal commas and dd.mm.yyyy dates."""
    months = pd.date_range("2015-01-01", periods=len(values), freq="MS")
    rows = "".join(f"{m:%d.%m.%Y};{f'{v:.3f}'.replace('.', ',')}\n" for m, v in zip(months, values))
    path.write_text("Monat;sales\n" + rows)


def test_forecast_and_gates_read_data_in_another_format_as_the_training_file(monthly_run, sine_csv, tmp_path, capsys):
    european = tmp_path / "eu.csv"
    values = pd.read_csv(sine_csv)["sales"].to_numpy()
    _european(values, european)
    for data, out in ((sine_csv, "a.csv"), (european, "b.csv")):
        argv = [
            "forecast",
            "--run",
            str(monthly_run),
            "--data",
            str(data),
            "--steps",
            "3",
            "--out",
            str(tmp_path / out),
        ]
        assert main(argv) == 0
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    assert main(["gates", "--run", str(monthly_run), "--data", str(european), "--out", str(tmp_path / "g.npz")]) == 0
    assert not [line for line in capsys.readouterr().err.splitlines() if line.startswith(("warning: ", "error: "))]


def test_data_too_short_for_a_run_is_told_the_fewest_rows_that_work(monthly_run, sine_csv, tmp_path, capsys):
    # "pass a series at least as long as the one it was trained on" (60 rows), where fewer do
    rows = sine_csv.read_text().splitlines()

    def rows_file(n: int):
        path = tmp_path / f"s{n}.csv"
        path.write_text("\n".join(rows[: n + 1]) + "\n")
        return path

    assert main(["forecast", "--run", str(monthly_run), "--data", str(rows_file(6)), "--steps", "2"]) == 2
    error = capsys.readouterr().err
    fewest = int(error.split("pass a series of at least ")[1].split(" rows")[0])
    assert error == (
        "error: The data given has 6 rows, too few for this saved run (look_back 12 and its split into train, "
        f"validation and test parts); pass a series of at least {fewest} rows.\n"
    )
    assert 12 < fewest < 60
    for n, code in ((fewest - 1, 2), (fewest, 0)):
        out = tmp_path / f"{n}.npz"
        assert main(["gates", "--run", str(monthly_run), "--data", str(rows_file(n)), "--out", str(out)]) == code


def test_a_run_zip_from_the_app_works_unzipped_and_is_named_when_passed_as_it_is(
    monthly_run, sine_csv, tmp_path, capsys
):
    import zipfile

    from lstm_core.runs import run_to_zip

    archive = tmp_path / "run.zip"
    archive.write_bytes(run_to_zip(monthly_run))
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(folder)
    assert main(["forecast", "--run", str(folder), "--steps", "3", "--out", str(tmp_path / "a.csv")]) == 0
    assert main(["forecast", "--run", str(monthly_run), "--steps", "3", "--out", str(tmp_path / "b.csv")]) == 0
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    capsys.readouterr()
    # "No run folder at run.zip; pass the --out folder of a training run."
    assert main(["forecast", "--run", str(archive), "--steps", "3"]) == 2
    assert capsys.readouterr().err == (
        f"error: --run {archive} is a zip file; unzip it into a folder (e.g. unzip {archive} -d {tmp_path / 'run'}) "
        "and pass that folder.\n"
    )
    assert main(["gates", "--run", str(folder / "config.json"), "--out", str(tmp_path / "g.npz")]) == 2
    assert capsys.readouterr().err == (
        f"error: --run {folder / 'config.json'} is a file; pass the run folder that holds it ({folder}).\n"
    )
    # a data file given as the run: its folder is no run to pass
    assert main(["forecast", "--run", str(sine_csv), "--steps", "3"]) == 2
    assert capsys.readouterr().err == (
        f"error: --run {sine_csv} is a file, not a run folder; pass the folder that train --out wrote (it holds "
        "config.json and model.pt), and give this file with --data.\n"
    )


def test_forecast_never_writes_over_its_own_data(monthly_run, sine_csv, tmp_path, capsys):
    data = tmp_path / "sales.csv"
    data.write_bytes(sine_csv.read_bytes())
    argv = ["forecast", "--run", str(monthly_run), "--data", str(data), "--steps", "3", "--out", str(data)]
    assert main([*argv, "--overwrite"]) == 2
    assert capsys.readouterr().err == (
        f"error: --out {data} is the --data file, which writing there would replace; choose another file name "
        "(nothing was written).\n"
    )
    assert data.read_bytes() == sine_csv.read_bytes()


@pytest.mark.parametrize("name", ["data.csv", "model.pt", "config.json", "forecast.csv"])
def test_forecast_never_writes_over_a_file_of_its_run(monthly_run, tmp_path, capsys, name):
    """``forecast --run r --out r/data.csv --overwrite`` replaced the run's data with the forecast; every
    later forecast or gates on the run then failed with "the run folder is damaged"."""
    import shutil

    run = tmp_path / "run"
    shutil.copytree(monthly_run, run)
    before = (run / name).read_bytes()
    argv = ["forecast", "--run", str(run), "--steps", "3", "--out", str(run / name), "--overwrite"]
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"error: --out {run / name} is the {name} of the --run folder, which writing there would replace; choose a "
        "file name outside the run folder (nothing was written).\n"
    )
    assert (run / name).read_bytes() == before
    assert main(["forecast", "--run", str(run), "--steps", "3", "--out", str(tmp_path / "fc.csv")]) == 0


def test_compare_never_writes_into_a_saved_run(monthly_run, sine_csv, tmp_path, capsys):
    """``compare --out RUN`` said "already holds metrics.json, config.json; pass --overwrite to replace
    them", and with --overwrite replaced the run's own config.json and metrics.json: the run could no
    longer be loaded ("config.json is unreadable ('model'); the run folder is damaged")."""
    import shutil

    run = tmp_path / "run"
    shutil.copytree(monthly_run, run)
    before = {name: (run / name).read_bytes() for name in ("config.json", "metrics.json")}
    config = tmp_path / "cmp.json"
    config.write_text(json.dumps({"train": {"epochs": 1}, "variants": [{"cell": "gru", "hidden_size": 4}]}))
    argv = ["compare", "--config", str(config), "--data", str(sine_csv), "--out", str(run), "--quiet"]
    capsys.readouterr()
    for extra in ([], ["--overwrite"]):
        assert main([*argv, *extra]) == 2
        assert capsys.readouterr().err == (
            f"error: --out {run} is a saved run, whose config.json and metrics.json compare would replace; "
            "choose another folder (nothing was written).\n"
        )
    assert {name: (run / name).read_bytes() for name in before} == before
    assert not (run / "results.csv").exists()


def test_compare_says_which_variant_won_by_how_much_and_that_filled_test_values_were_left_out(tmp_path, capsys):
    """compare's last line named the best variant and its test RMSE only (13.86 for gru16, with lstm16
    at 13.87 unsaid): not the runner-up, the lead, nor whether the seeds' spread covers it, which the
    Compare page says; and where the loader filled test values in, nothing said the scores left them out."""
    n = 96
    t = np.arange(n)
    frame = pd.DataFrame({"month": pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m")})
    frame["sales"] = (100 + 0.5 * t + 20 * np.sin(2 * np.pi * t / 12)).round(3).astype(object)
    frame.loc[[80, 90], "sales"] = ""  # two empty cells in the test part
    frame.to_csv(tmp_path / "m.csv", index=False)
    config = tmp_path / "cmp.json"
    variants = [{"name": "small", "cell": "gru", "hidden_size": 2}, {"name": "big", "cell": "lstm", "hidden_size": 8}]
    config.write_text(json.dumps({"train": {"epochs": 1}, "variants": variants, "seeds": [0, 1]}))
    out = tmp_path / "results"
    capsys.readouterr()
    argv = ["compare", "--config", str(config), "--data", str(tmp_path / "m.csv"), "--out", str(out), "--quiet"]
    assert main(argv) == 0
    err = capsys.readouterr().err.splitlines()
    table = pd.read_csv(out / "results.csv").set_index("model")["test RMSE"]
    first, second = table[["small", "big"]].sort_values().index
    lead = [line for line in err if " has the lowest test RMSE of the variants " in line]
    assert len(lead) == 1 and lead[0].startswith(f"note: {first} has the lowest test RMSE of the variants (")
    assert f"{second} is next ({table[second]:.4g}), {table[second] - table[first]:.3g} behind." in lead[0]
    assert "seed spread" in lead[0] and "**" not in lead[0]
    metrics = json.loads((out / "metrics.json").read_text())
    assert {s["info"]["n_test_filled"] for v in metrics.values() for s in v.values()} == {2}
    assert "note: The test scores and coverage leave out the 2 test values the loader filled in " in "\n".join(err)


def test_compare_says_which_variant_trained_on_a_shorter_window_than_its_look_back(tmp_path, capsys):
    """On Nile (57 training points) a variant "long" with look_back 40 trained on windows of 19, as
    train says in a note; compare said nothing, so the table read as look_back 4 against 40."""
    n = 80
    t = np.arange(n)
    frame = pd.DataFrame({"year": np.arange(1900, 1900 + n), "flow": (1000 + 50 * np.sin(t / 3)).round(2)})
    frame.to_csv(tmp_path / "y.csv", index=False)
    config = tmp_path / "cmp.json"
    variants = [
        {"name": "short", "cell": "gru", "hidden_size": 2, "look_back": 4},
        {"name": "long", "cell": "gru", "hidden_size": 2, "look_back": 30},
    ]
    config.write_text(json.dumps({"train": {"epochs": 1}, "variants": variants}))
    out = tmp_path / "results"
    capsys.readouterr()
    argv = ["compare", "--config", str(config), "--data", str(tmp_path / "y.csv"), "--out", str(out), "--quiet"]
    assert main(argv) == 0
    err = capsys.readouterr().err.splitlines()
    guards = {v: s["0"]["guards"]["look_back"] for v, s in json.loads((out / "metrics.json").read_text()).items()}
    assert guards["short"] is None and "instead of 30" in guards["long"]
    assert [line for line in err if "instead of" in line] == [f"note: Variant 'long': {guards['long']}"]


def test_compare_names_a_baseline_that_beats_every_variant_and_writes_whole_parameter_counts(tmp_path, capsys):
    """The comparison's last line named the best variant's test RMSE as "best", with no word where a
    baseline beat every variant (the page warns); results.csv wrote parameter counts as 4480.0."""
    n = 96
    t = np.arange(n)
    frame = pd.DataFrame({"month": pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m")})
    frame["sales"] = (100 + 20 * np.sin(2 * np.pi * t / 12)).round(3)  # the value a year before is exact
    frame.to_csv(tmp_path / "m.csv", index=False)
    config = tmp_path / "cmp.json"
    config.write_text(json.dumps({"train": {"epochs": 1}, "variants": [{"cell": "gru", "hidden_size": 4}]}))
    out = tmp_path / "results"
    capsys.readouterr()
    argv = ["compare", "--config", str(config), "--data", str(tmp_path / "m.csv"), "--out", str(out), "--quiet"]
    assert main(argv) == 0
    from lstm_core.compare import baseline_lead

    table = pd.read_csv(out / "results.csv")
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("compared 1 variant(s) x 1 seed(s); best variant's test RMSE ") for line in err)
    notes = [line for line in err if line.startswith("note: A baseline beats every variant: ")]
    assert notes == [f"note: {baseline_lead(table).replace('**', '')}"]
    assert "seasonal naive has the lowest test RMSE" in notes[0]
    written = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False).set_index("kind")["parameters"]
    assert written["variant"].isdigit() and int(written["variant"]) > 0  # 4480, not 4480.0
    assert set(written["baseline"]) == {""}  # a baseline has no parameters


def test_a_run_folder_one_level_too_deep_is_named(sine_csv, tmp_path, capsys):
    """A run zip unzipped into a folder of its own (``unzip run.zip -d unpacked``) holds the run one
    folder down: the error said only "is not a complete run"."""
    run = tmp_path / "unpacked" / "run"
    assert main(["train", "--data", str(sine_csv), "--out", str(run), *TRAIN_FAST]) == 0
    capsys.readouterr()
    assert main(["forecast", "--run", str(tmp_path / "unpacked"), "--steps", "3"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {tmp_path / 'unpacked'} holds a run in its folder 'run'; pass {run} instead."
    ]


# ---- what README.md and --help promise, checked on fresh data ---------------------------------


def _readme_run_folder() -> tuple[set[str], set[str]]:
    """The files README.md's "The command line" says a run folder holds, and the keys of its metrics.json."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    text = readme.split("A run directory holds ", 1)[1].split("loading it reproduces", 1)[0]
    files = set(re.findall(r"`([\w.]+\.(?:json|csv|pt))`", text))
    listed = text.split("`metrics.json` (", 1)[1].split(": its `level`", 1)[0]
    return files, set(re.findall(r"`(\w+)`", listed))


def test_a_run_folder_holds_the_files_and_metrics_keys_the_readme_lists(sine_csv, tmp_path):
    # the README named nine metrics.json keys of ten (no `val`) and seven files of eight (no gate_history.json)
    run = tmp_path / "r"
    assert main(["train", "--data", str(sine_csv), "--out", str(run), *TRAIN_FAST]) == 0
    files, keys = _readme_run_folder()
    assert {p.name for p in run.iterdir()} == files
    assert set(json.loads((run / "metrics.json").read_text())) == keys


def _stacked(path, with_promo: bool) -> None:
    """Four monthly series one under another (State x Industry), their units sold whole numbers whose
    levels differ by shop, so no two series sell the same on one month; beside them, a promotion count."""
    rng = np.random.default_rng(1)
    rows = []
    for state, level in (("Victoria", 20), ("NSW", 40)):
        for industry, extra in (("Food", 0), ("Cafes", 10)):
            for i, month in enumerate(MONTHS[:36]):
                units = int(level + extra + 5 * np.sin(2 * np.pi * i / 12) + rng.integers(0, 4))
                rows.append(
                    f"{month:%Y-%m},{state},{industry},{units}" + (f",{rng.integers(0, 3)}" if with_promo else "")
                )
    path.write_text("Month,State,Industry,Units" + (",Promo" if with_promo else "") + "\n" + "\n".join(rows) + "\n")


@pytest.mark.parametrize("with_promo", [False, True])
def test_a_stacked_file_is_told_apart_by_its_text_columns_not_by_a_column_of_whole_numbers(
    tmp_path, capsys, with_promo
):
    # with a second column of numbers beside the units, the units themselves were named the key:
    # "The file holds 43 series, ... one for each value of 'Units'; choose one (... --select Units=35 ...)"
    data = tmp_path / "stacked.csv"
    _stacked(data, with_promo)
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "r"), *TRAIN_FAST]) == 2
    assert capsys.readouterr().err == (
        "error: The file holds 4 series, one under another, one for each value of 'Industry' and 'State'; choose "
        "one (on the Data page, or with --select Industry=Food --select State=Victoria in the command line).\n"
    )


def test_train_without_target_never_forecasts_a_column_given_as_an_input(tmp_path, capsys):
    # "price" is a forecast word, so a file of month,turnover,price forecasts price by default; with
    # "--inputs price" the run was refused: "Column 'price' is the target; list only other columns as inputs."
    data = tmp_path / "shop.csv"
    t = np.arange(48)
    frame = pd.DataFrame(
        {
            "month": pd.date_range("2015-01-01", periods=48, freq="MS").strftime("%Y-%m"),
            "turnover": (100 + 10 * np.sin(2 * np.pi * t / 12) + t % 3).round(2),
            "price": (50 + t % 5).astype(float),
        }
    )
    frame.to_csv(data, index=False)
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "plain"), *TRAIN_FAST]) == 0
    assert json.loads((tmp_path / "plain" / "config.json").read_text())["data"]["target"] == "price"
    capsys.readouterr()
    out = tmp_path / "r"
    assert main(["train", "--data", str(data), "--inputs", "price", "--out", str(out), *TRAIN_FAST]) == 0
    config = json.loads((out / "config.json").read_text())["data"]
    assert config["target"] == "turnover" and config["inputs"] == ["price"]
    assert not [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: Forecasting")]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["sine", "--length", "2"], "error: --length must be at least 3 for sine (got 2); choose a longer series.\n"),
        (
            ["long-memory", "--length", "5"],
            "error: --length must be at least 21 for long-memory (got 5); choose a longer series.\n",
        ),
    ],
)
def test_generate_names_its_length_flag_where_a_series_would_be_too_short(tmp_path, capsys, argv, error):
    # "length must be at least 3 (got 2)" and "lag must be between 1 and length - 1 (got lag=20, length=5)":
    # no flag named, and one (lag) that generate does not have
    assert main(["generate", *argv, "--out", str(tmp_path / "g.csv")]) == 2
    assert capsys.readouterr().err == error and not (tmp_path / "g.csv").exists()
    least = int(error.split("at least ")[1].split(" ")[0])
    assert main(["generate", argv[0], "--length", str(least), "--out", str(tmp_path / "g.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "g.csv")) == least


def test_generate_airline_ignores_any_length_as_its_note_says(tmp_path, capsys):
    # "--length was ignored" for 200, but --length 2 failed: "length must be at least 3 (got 2)"
    assert main(["generate", "airline", "--length", "2", "--out", str(tmp_path / "a.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "a.csv")) == 144
    assert (
        capsys.readouterr().err.splitlines()[-1]
        == "note: airline is a fixed dataset of 144 rows; --length was ignored."
    )


def test_horizon_0_trains_on_a_short_series_and_forecast_past_the_end_is_refused(tmp_path, capsys):
    """``--horizon 0`` (inputs mapped to the target at the same step) on 48 rows failed while
    calibrating its intervals, with "can only predict inside the data": the calibration asked for
    more steps than the data holds after its last origins."""
    t = np.arange(48)
    months = pd.date_range("2015-01-01", periods=48, freq="MS").strftime("%Y-%m")
    sales = (100 + 10 * np.sin(2 * np.pi * t / 12) + t % 5).round(2)
    pd.DataFrame({"month": months, "sales": sales, "price": (5 + 0.1 * t).round(2)}).to_csv(
        tmp_path / "s.csv", index=False
    )
    run = tmp_path / "run"
    argv = ["train", "--data", str(tmp_path / "s.csv"), "--target", "sales", "--inputs", "price", "--horizon", "0"]
    assert main([*argv, "--out", str(run), *TRAIN_FAST]) == 0
    pred = pd.read_csv(run / "predictions.csv")
    test = pred[pred["part"] == "test"]
    assert len(test) and np.isfinite(test[["one_step", "multistep", "lower", "upper"]].to_numpy()).all()
    assert (test["lower"] <= test["multistep"]).all() and (test["multistep"] <= test["upper"]).all()
    assert not (run / "forecast.csv").exists()
    capsys.readouterr()
    assert main(["forecast", "--run", str(run), "--steps", "3"]) == 2
    assert capsys.readouterr().err.startswith("error: A model without the target among its inputs can only predict")


@pytest.mark.parametrize("freq, season, gap", [("MS", 12, [20]), ("QS-FEB", 4, [])])
def test_monthly_figures_dated_mid_month_are_read_on_the_calendar(tmp_path, freq, season, gap):
    """Monthly figures dated the 15th matched no calendar frequency: "irregular", no season."""
    stamps = pd.date_range("2015-01-01", periods=60, freq=freq) + pd.Timedelta(days=14)
    values = (100 + 10 * np.sin(2 * np.pi * np.arange(60) / season)).round(2)
    pd.DataFrame({"date": stamps.strftime("%Y-%m-%d"), "sales": values}).drop(index=gap).to_csv(
        tmp_path / "m.csv", index=False
    )
    loaded = load_csv(tmp_path / "m.csv")
    assert (loaded.series.frequency, loaded.series.season) == (freq, season)
    assert list(loaded.series.frame.index[:2]) == list(stamps[:2] - pd.Timedelta(days=14))
    assert len(loaded.series.frame) == 60  # a row left out is a gap on the grid, filled
    assert loaded.report.notes[0] == (
        f"Every date falls on day 15 of its month, so each was read as the 1st of its month ({stamps[0]:%Y-%m-%d} as "
        f"{stamps[0] - pd.Timedelta(days=14):%Y-%m-%d}), so the series is {'monthly' if season == 12 else 'quarterly'} "
        "and its forecasts are dated on the 1st."
    )


def test_dates_on_different_days_of_the_month_stay_irregular(tmp_path):
    stamps = pd.date_range("2015-01-01", periods=40, freq="MS") + pd.to_timedelta(np.arange(40) % 3 * 5 + 3, unit="D")
    pd.DataFrame({"date": stamps.strftime("%Y-%m-%d"), "v": np.arange(40.0)}).to_csv(tmp_path / "d.csv", index=False)
    loaded = load_csv(tmp_path / "d.csv")
    assert loaded.series.frequency is None
    assert IRREGULAR in loaded.report.notes


IRREGULAR = "The timestamps are irregular, so no frequency was detected; a run looks for a season in the values."


def test_irregular_business_hours_are_not_said_to_have_no_season(tmp_path):
    """A call centre's half-hours on weekdays (07:00-21:00) have no frequency, but the run finds
    their season of 29 steps in the values and the Forecast page says "season 29": the Data page
    said "no frequency or season was detected"."""
    from lstm_core.config import DataConfig
    from lstm_core.prep import prepare

    days = pd.bdate_range("2003-03-03", "2003-03-28") + pd.Timedelta(hours=7)
    stamps = pd.DatetimeIndex([d + pd.Timedelta(minutes=30 * k) for d in days for k in range(29)])
    calls = (
        800
        + 600 * np.sin(np.pi * (np.arange(len(stamps)) % 29) / 28)
        + np.random.default_rng(0).normal(0, 30, len(stamps))
    )
    pd.DataFrame({"DateTime": stamps.strftime("%Y-%m-%dT%H:%M:%SZ"), "Calls": calls.round()}).to_csv(
        tmp_path / "calls.csv", index=False
    )
    loaded = load_csv(tmp_path / "calls.csv")
    assert loaded.series.frequency is None and IRREGULAR in loaded.report.notes
    assert not any("no frequency or season" in note for note in loaded.report.notes)
    assert prepare(loaded.series, DataConfig(target="Calls", horizon=1)).season == 29


def test_train_summary_writes_big_figures_as_the_verdict_does(tmp_path, capsys):
    """A series of tens of thousands (WorldPhones' N.Amer) got a summary line reading "test RMSE
    1.671e+04", beside the verdict's "RMSE 4022 against the model's 16,710" in the same message."""
    y = 4_000_000 + np.cumsum(np.random.default_rng(5).normal(0, 300_000, 40))
    (tmp_path / "big.csv").write_text(_monthly(y.round(), "month,calls"))
    args = ["train", "--data", str(tmp_path / "big.csv"), "--out", str(tmp_path / "r"), *TRAIN_TINY]
    capsys.readouterr()
    assert main(args) == 0
    summary = capsys.readouterr().err.splitlines()[0]
    assert not re.search(r"\de[+-]\d", summary), summary
    m = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert (
        f"test RMSE {figure_text(m['test']['rmse'])} (naive {figure_text(m['baselines']['naive']['rmse'])}," in summary
    )
    assert m["test"]["rmse"] >= 10_000 and "," in figure_text(m["test"]["rmse"])


def test_compare_notes_write_a_lead_and_a_spread_in_digits(tmp_path):
    """WorldPhones' comparison noted "lstm h4 ... is next (1856), 1.02e+03 behind": the lead and the
    seeds' spread are written to 3 and 2 figures, and ``{:.3g}`` of 1024 is in exponent notation."""
    from types import SimpleNamespace

    from lstm_core.compare import SeedResult, _pm, spread_sentence

    def seed(variant: str, s: int, rmse: float) -> SeedResult:
        return SeedResult(variant, s, SimpleNamespace(test=SimpleNamespace(rmse=rmse)))  # type: ignore[arg-type]

    said = spread_sentence([seed("gru", 0, 832.0), seed("lstm", 0, 1856.0)])
    assert "**lstm** is next (1856), 1020 behind." in said
    said = spread_sentence(
        [seed("gru", s, 800.0 + 2000 * s) for s in (0, 1)] + [seed("lstm", s, 5000.0 + 2000 * s) for s in (0, 1)]
    )
    assert "4200 behind" in said and "(pooled std across seeds 1410)" in said
    assert _pm(3456.0, 151.0, 2) == "3456 ± 151"  # the spread to the mean's decimals
    assert figure_text(9999.9, 3) == "10,000" and figure_text(0.0012345, 3) == "0.00123"
    assert not re.search(r"\de[+-]\d", said + _pm(3456.0, 151.0, 2))


def test_a_dash_is_standard_input_and_output_and_a_folder_on_it_is_refused(tmp_path, capsysbinary, monkeypatch):
    """``cat air.csv | train --data - ...`` trained on a stale file named "-" left by ``generate --out -``, which
    had written that file instead of the rows to the pipe."""
    import io

    monkeypatch.chdir(tmp_path)
    assert main(["generate", "airline", "--out", "-"]) == 0
    rows = capsysbinary.readouterr().out
    assert rows.startswith(b"Month,Passengers\n") and rows.count(b"\n") == 145 and not (tmp_path / "-").exists()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(rows)))
    assert main(["train", "--data", "-", "--out", "run", *TRAIN_FAST]) == 0
    kept = pd.read_csv(tmp_path / "run" / "data.csv")
    assert len(kept) == 144 and kept.iloc[:, -1].iloc[0] == 112  # the airline rows the pipe sent
    capsysbinary.readouterr()
    assert main(["forecast", "--run", "run", "--steps", "3", "--out", "-"]) == 0
    assert capsysbinary.readouterr().out.decode().splitlines()[0] == "time,forecast,lower,upper"
    for argv in (
        ["train", "--data", "-", "--out", "-"],
        ["compare", "--config", "x.json", "--data", "-", "--out", "-"],
    ):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(rows)))
        assert main(argv) == 2
        err = capsysbinary.readouterr().err.decode().strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: --out - names standard output, but "), err
    assert not (tmp_path / "-").exists()


def test_a_write_that_fails_leaves_no_cut_file_and_keeps_the_one_it_replaces(tmp_path, capsys, monkeypatch):
    """On a full disk ``generate`` left a file cut mid-number, which a rerun refused as existing ("pass
    --overwrite"), and with --overwrite a failed write destroyed the good file; the error was a bare
    "[Errno 28] No space left on device"."""
    import errno
    import os

    from lstm_core import cli
    from lstm_core import runs as lcruns

    good = tmp_path / "series.csv"
    assert cli.main(["generate", "sine", "--length", "50", "--out", str(good)]) == 0
    before = good.read_bytes()
    real_replace = os.replace

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lcruns.os, "replace", disk_full)
    capsys.readouterr()
    assert cli.main(["generate", "noisy-sine", "--out", str(good), "--overwrite"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: the disk is full writing {good}; free some space or choose a folder on another disk (nothing was kept)."
    ]
    assert good.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["series.csv"]
    monkeypatch.setattr(lcruns.os, "replace", real_replace)
    assert cli.main(["generate", "noisy-sine", "--out", str(tmp_path / "new.csv")]) == 0
    assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o666 & ~current_umask()


def test_ctrl_c_exits_130_not_the_status_of_bad_input(tmp_path, capsys, monkeypatch):
    from lstm_core import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "generate", interrupted)
    assert cli.main(["generate", "sine", "--out", str(tmp_path / "x.csv")]) == 130
    assert capsys.readouterr().err.strip().splitlines() == ["error: interrupted."]


def test_a_run_folder_has_the_permissions_the_umask_gives(tmp_path):
    """Run folders were 0700 whatever the umask (a temporary folder renamed into place): a run trained by a
    cron job was closed to the account serving the dashboard."""
    assert main(["generate", "sine", "--length", "80", "--out", str(tmp_path / "s.csv")]) == 0
    assert main(["train", "--data", str(tmp_path / "s.csv"), "--out", str(tmp_path / "run"), *TRAIN_FAST]) == 0
    assert (tmp_path / "run").stat().st_mode & 0o777 == 0o777 & ~current_umask()


def test_version_is_said_under_the_name_the_command_was_called_by(capsys, monkeypatch):
    """``lstm-lab --version`` answered "error: the following arguments are required: command", and its --help
    said "usage: python -m lstm_core"."""
    from lstm_core import __version__

    for called, name in (("/usr/bin/lstm-lab", "lstm-lab"), ("/x/lstm_core/__main__.py", "python -m lstm_core")):
        monkeypatch.setattr(sys, "argv", [called])
        with pytest.raises(SystemExit) as done:
            main(["--version"])
        assert done.value.code == 0 and capsys.readouterr().out == f"{name} {__version__}\n"


def test_a_very_long_column_name_is_quoted_short_in_the_error(tmp_path, capsys):
    """A 100,000-character --target came back whole in a 100,089-byte error line."""
    assert main(["generate", "sine", "--length", "60", "--out", str(tmp_path / "s.csv")]) == 0
    capsys.readouterr()
    argv = ["train", "--data", str(tmp_path / "s.csv"), "--out", str(tmp_path / "r"), "--target", "x" * 100_000]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and len(err[0]) < 300 and f"'{'x' * 40}...'" in err[0], err
