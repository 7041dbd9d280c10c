"""Compare engine: same-seed fairness, the table, JSON round trip and errors, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lstm_core import compare as cmp
from lstm_core.cli import main
from lstm_core.config import ConfigError, DataConfig, TrainConfig
from lstm_core.data import Series, frame_to_csv_bytes, generate, load_csv


def tiny(variants=None, seeds=(0,)) -> cmp.CompareConfig:
    return cmp.CompareConfig(
        data=DataConfig(look_back=6),
        train=TrainConfig(epochs=3, batch_size=32, patience=None),
        variants=variants
        or [
            cmp.Variant(name="a", cell="lstm", hidden_size=4, look_back=6),
            cmp.Variant(name="b", cell="gru", hidden_size=4, look_back=6),
        ],
        seeds=list(seeds),
    )


def test_identical_variants_give_identical_results():
    same = dict(cell="lstm", hidden_size=4, num_layers=1, look_back=6, lr=0.01)
    cfg = tiny([cmp.Variant(name="first", **same), cmp.Variant(name="second", **same)])
    table, results = cmp.run_comparison(Series(generate("airline"), season=12), cfg)
    a, b = results
    assert a.variant == "first" and b.variant == "second"
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    assert a.metrics.test == b.metrics.test
    assert a.metrics.test_multistep == b.metrics.test_multistep
    rows = table.set_index("model")
    assert rows.loc["first", "test RMSE"] == rows.loc["second", "test RMSE"]


def test_variant_run_config_changes_only_the_variant_fields():
    cfg = tiny()
    r0 = cmp.variant_run_config(cfg, cfg.variants[0], 3)
    r1 = cmp.variant_run_config(cfg, cfg.variants[1], 3)
    assert r0.data == r1.data and r0.train == r1.train and r0.train.seed == 3
    assert (r0.model.cell, r1.model.cell) == ("lstm", "gru")


def test_summarize_table_layout_and_baselines():
    table, _ = cmp.run_comparison(Series(generate("airline"), season=12), tiny(seeds=(0, 1)))
    assert list(table.columns[:3]) == ["model", "kind", "seeds"]
    for col in (
        "test RMSE",
        "test RMSE std",
        "test MAE",
        "test MASE",
        "multi-step RMSE",
        "parameters",
        "train seconds",
        "epochs to best",
    ):
        assert col in table
    assert list(table["model"]) == ["a", "b", "baseline: naive", "baseline: seasonal naive", "baseline: Holt-Winters"]
    assert (table.loc[table.kind == "variant", "seeds"] == 2).all()
    assert (table.loc[table.kind == "variant", "test RMSE std"] >= 0).all()
    assert table.loc[table.model == "baseline: naive", "test RMSE"].iloc[0] == pytest.approx(48.04, abs=0.01)
    assert cmp.best_per_column(table)["test RMSE"] == table.loc[table["test RMSE"].idxmin(), "model"]
    # as the CSV files write it (the page's download wrote 209.0 where the CLI's results.csv wrote 209)
    written = cmp.csv_table(table).to_csv(index=False).splitlines()
    params = list(table.columns).index("parameters")
    cells = [line.split(",")[params] for line in written[1:]]
    assert cells[:2] == [str(int(p)) for p in table["parameters"][:2]] and cells[2:] == ["", "", ""]


def test_loss_bands_align_seeds_of_different_length():
    bands = cmp.loss_bands({"v": [np.array([3.0, 2.0, 1.0]), np.array([5.0, 4.0])]})["v"]
    np.testing.assert_array_equal(bands["epoch"], [1, 2, 3])
    np.testing.assert_allclose(bands["mean"], [4.0, 3.0, 1.0])
    np.testing.assert_allclose(bands["lo"], [3.0, 2.0, 1.0])
    np.testing.assert_allclose(bands["hi"], [5.0, 4.0, 1.0])
    np.testing.assert_array_equal(bands["n"], [2, 2, 1])
    # the sample std, as the results table's "±": with two seeds the population std was half the range, so
    # "mean ± std" drew the min-max band again; one seed has none
    np.testing.assert_allclose(bands["std"], [np.sqrt(2.0), np.sqrt(2.0), 0.0])
    assert bands["mean"][0] + bands["std"][0] > bands["hi"][0]


def test_json_round_trip():
    cfg = tiny(seeds=(0, 2))
    back = cmp.CompareConfig.from_json(cfg.to_json())
    assert back.to_dict() == cfg.to_dict()


def test_the_json_carries_how_the_data_file_was_read():
    """The exported comparison left out the Data page's reading options (missing-value policy, day
    first, date format): ``compare --config`` could read the file otherwise and score otherwise. They
    round-trip as ``"reading"``; a JSON written before it loads as it did, without one."""
    text = b"day,sales\n01.02.2020,1\n02.02.2020,\n03.02.2020,3\n04.02.2020,4\n05.02.2020,5\n"
    report = load_csv(text, missing="drop", date_format="%d.%m.%Y").report
    reading = cmp.reading_of(report)
    assert reading == {"missing": "drop", "dayfirst": None, "date_format": "%d.%m.%Y"}
    cfg = tiny(seeds=(0,))
    cfg.reading = reading
    back = cmp.CompareConfig.from_json(cfg.to_json())
    assert back.reading == reading and back.to_dict() == cfg.to_dict()
    old = {k: v for k, v in cfg.to_dict().items() if k != "reading"}
    assert cmp.CompareConfig.from_dict(old).reading is None
    assert "reading" not in cmp.CompareConfig.from_dict(old).to_dict()
    # the app re-running an uploaded JSON on data read otherwise says so
    other = load_csv(text, date_format="%d.%m.%Y").report  # interpolated
    assert cmp.reading_mismatch(reading, report) is None and cmp.reading_mismatch(None, other) is None
    assert cmp.reading_mismatch(reading, other) == (
        "This comparison's data were read with missing values drop; the data loaded now with missing values "
        "interpolate. Load the file again on the Data page with its options to compare on the same values."
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("{oops", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"variants": []}', "'variants' must be a non-empty list"),
        ('{"variants": [{"cell": "transformer"}]}', "unknown cell 'transformer'"),
        ('{"variants": [{"cell": "lstm", "hidden": 3}]}', "Unknown field(s) ['hidden'] in variant 1"),
        ('{"variants": [{"hidden_size": "big"}]}', "hidden_size must be a whole number"),
        ('{"variants": [{"name": "x"}, {"name": "x"}]}', "Variant name 'x' is used twice"),
        ('{"variants": [{}], "seeds": [0, 1, 2, 3, 4, 5]}', "1 to 5 seeds"),
        ('{"variants": [{}, {}, {}, {}, {}, {}, {}]}', "1 to 6 variants"),
        ('{"variants": [{"hidden_size": 0}]}', "hidden_size must be between 1 and 1024"),
        ('{"variants": [{}], "data": {"scaler": "robust"}}', "Unknown scaler 'robust'"),
        ('{"variants": [{}], "extra": 1}', "Unknown comparison field(s) ['extra']"),
        ('{"variants": [{}], "reading": "drop"}', "'reading' must be a JSON object"),
        ('{"variants": [{}], "reading": {"missing": "zero"}}', "reading.missing must be one of"),
        ('{"variants": [{}], "reading": {"dayfirst": "yes"}}', "reading.dayfirst must be true, false or null"),
        ('{"variants": [{}], "reading": {"date_format": 5}}', "reading.date_format must be a strptime format"),
        ('{"variants": [{}], "reading": {"sep": ";"}}', "Unknown 'reading' field(s) ['sep']"),
    ],
)
def test_bad_configs_raise_clear_config_errors(text, message):
    with pytest.raises(ConfigError, match=None) as err:
        cmp.CompareConfig.from_json(text)
    assert message in str(err.value)


def test_run_saturation_covers_every_bounded_gate():
    from lstm_core.pipeline import fit_run

    cfg = tiny()
    run = fit_run(Series(generate("airline"), season=12), cmp.variant_run_config(cfg, cfg.variants[1], 0))
    sat = cmp.run_saturation(run)
    assert {"r", "z"} <= set(sat["gate"])
    assert ((sat[["left", "right"]] >= 0) & (sat[["left", "right"]] <= 1)).all().all()


def _cli_compare(tmp_path, data: Path | None = None) -> Path:
    """``compare --quiet`` of :func:`tiny`'s two variants on ``data`` (default: the airline data);
    its --out folder."""
    if data is None:
        data = tmp_path / "air.csv"
        data.write_bytes(frame_to_csv_bytes(generate("airline")))
    conf = tmp_path / "cmp.json"
    conf.write_text(tiny().to_json())
    out = tmp_path / "out"
    assert main(["compare", "--config", str(conf), "--data", str(data), "--out", str(out), "--quiet"]) == 0
    return out


def test_cli_compare_writes_table(tmp_path, capsys):
    out = _cli_compare(tmp_path)
    table = pd.read_csv(out / "results.csv")
    assert {"model", "kind", "test RMSE", "test RMSE std", "multi-step RMSE", "parameters"} <= set(table.columns)
    assert list(table["model"][:2]) == ["a", "b"]
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 2 and set(runs["variant"]) == {"a", "b"}
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) == {"a", "b"} and "test" in metrics["a"]["0"]
    assert cmp.CompareConfig.from_json((out / "config.json").read_text()).names() == ["a", "b"]


@pytest.mark.parametrize("text", ["{not json", '{"variants": [{"cell": "nope"}]}'])
def test_cli_compare_bad_json_exits_2_with_one_error_line(tmp_path, capsys, text):
    conf = tmp_path / "bad.json"
    conf.write_text(text)
    data = tmp_path / "air.csv"
    data.write_bytes(frame_to_csv_bytes(generate("airline")))
    assert main(["compare", "--config", str(conf), "--data", str(data), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


def test_cli_compare_missing_config_file(tmp_path, capsys):
    assert main(["compare", "--config", str(tmp_path / "no.json"), "--data", "x.csv", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_a_variant_without_a_look_back_is_told_apart_from_one_that_sets_it():
    """from_json gives a variant that sets no look_back the default 12, which cannot be told from a 12
    set on purpose: :func:`unset_look_backs` reads the JSON for the command line, which gives those
    variants the window ``train`` starts from. A look_back in the shared data is the variants' own."""
    raw = {"variants": [{"cell": "lstm"}, {"cell": "gru", "look_back": 12}]}
    assert cmp.unset_look_backs(raw) == [0]
    cfg = cmp.CompareConfig.from_dict(raw)
    cmp.set_look_back(cfg, cmp.unset_look_backs(raw), 24)
    assert [v.look_back for v in cfg.variants] == [24, 12] and cfg.data.look_back == 24
    assert cfg.names() == ["lstm h32 x1 lb24 lr0.01", "gru h32 x1 lb12 lr0.01"]
    shared = {"data": {"look_back": 36}, **raw}
    assert cmp.unset_look_backs(shared) == []
    assert [v.look_back for v in cmp.CompareConfig.from_dict(shared).variants] == [36, 12]
    exported = json.loads(tiny().to_json())  # the Compare page's export sets every look_back
    assert cmp.unset_look_backs(exported) == []


def test_a_json_variant_name_is_taken_without_surrounding_spaces_as_the_page_takes_it():
    """A name of spaces only ("   ") was the variant's label: the table's row and the command line's
    "best variant's test RMSE 121.9 (   )" named nothing; " a" and "a" were two variants."""
    blank = cmp.CompareConfig.from_dict({"variants": [{"name": "   ", "cell": "gru", "hidden_size": 4}]})
    assert blank.names() == ["gru h4 x1 lb12 lr0.01"]
    with pytest.raises(ConfigError, match="Variant name 'a' is used twice"):
        cmp.CompareConfig.from_dict({"variants": [{"name": " a"}, {"name": "a ", "cell": "gru"}]})


def test_a_baseline_lead_tells_apart_values_equal_to_four_digits():
    """Nile with season 7: "Holt-Winters has the lowest test RMSE (123.9 against 123.9 for the best variant)"."""
    rows = [
        ("gru", "variant", 123.91358),
        ("baseline: naive", "baseline", 146.8),
        ("baseline: Holt-Winters", "baseline", 123.89098),
    ]
    table = pd.DataFrame(
        {"model": [r[0] for r in rows], "kind": [r[1] for r in rows], "test RMSE": [r[2] for r in rows]}
    )
    table["multi-step RMSE"] = [100.0, 200.0, 300.0]
    said = cmp.baseline_lead(table)
    assert "Holt-Winters has the lowest test RMSE (123.89 against 123.91 for the best variant, **gru**)" in said
    assert "multi-step" not in said
    assert cmp._apart(1.5, 2.5) == ("1.5", "2.5")


def test_a_long_spread_is_wrapped_on_two_lines_in_columns_that_fit():
    """A 1e15-scale series' "26,460,000,000,000 ± 660,000,000,000" made four error columns 1,000 px
    wide where the grid has 818 at 1280 px: such a cell wraps before its "±" (a no-break space
    after it), its column is as wide as its longest line, and its rows are tall enough for two
    lines; short spreads stay on one line."""
    import pandas as pd

    from ui import compare_view as cv

    table = pd.DataFrame(
        {
            "model": ["LSTM 32", "baseline: naive"],
            "test RMSE": ["26,460,000,000,000 ± 660,000,000,000", "63,620,000,000,000"],
            "test MASE": ["2.14 ± 0.061", "5.126"],
        }
    )
    out, config, row_height = cv.two_line_spread(table)
    assert out["test RMSE"].tolist() == ["26,460,000,000,000 ±\u00a0660,000,000,000", "63,620,000,000,000"]
    assert out["test MASE"].tolist() == ["2.14 ± 0.061", "5.126"] and list(config) == ["test RMSE"]
    assert config["test RMSE"]["width"] == len("26,460,000,000,000") * cv.DIGIT_PX + cv.CELL_PAD_PX  # its longer line
    assert row_height is not None and row_height > 64  # the grid wraps only in rows over 4rem
    assert 4 * config["test RMSE"]["width"] + 160 <= 818  # four such columns and the names fit 1280 px
    small = table.assign(**{"test RMSE": ["2.417 ± 0.07", "0.793"]})
    assert cv.two_line_spread(small) == (small, {}, None)


def _scores(variant: str, seed: int, one_step: float, multi_step: float) -> cmp.SeedResult:
    from types import SimpleNamespace

    metrics = SimpleNamespace(test=SimpleNamespace(rmse=one_step), test_multistep=SimpleNamespace(rmse=multi_step))
    return cmp.SeedResult(variant, seed, metrics)  # type: ignore[arg-type]


def test_the_verdict_ranks_the_variants_multi_step_too():
    """peephole 8 led one step ahead (15.16) while GRU 8 had the lowest multi-step RMSE (52.85
    against 54.81): the one sentence named peephole alone. Each horizon gets its own ranking."""
    results = [
        _scores("peephole", 0, 15.0, 54.0),
        _scores("peephole", 1, 15.3, 55.6),
        _scores("gru", 0, 15.2, 50.0),
        _scores("gru", 1, 16.1, 50.5),
    ]
    one, multi = cmp.verdicts(results)
    assert one.startswith("**peephole** has the lowest test RMSE of the variants (15.15); **gru** is next (15.65)")
    assert "within the seed spread" in one
    assert multi.startswith("**gru** has the lowest multi-step RMSE of the variants (50.25); **peephole** is next")
    assert "larger than the seed spread: every seed of gru beat every seed of peephole" in multi


def test_cli_compare_notes_the_multi_step_ranking(tmp_path, capsys):
    out = _cli_compare(tmp_path)
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
    table = pd.read_csv(out / "results.csv").set_index("model")
    best = table.loc[["a", "b"], "multi-step RMSE"].idxmin()
    assert any(n.startswith(f"note: {best} has the lowest multi-step RMSE of the variants") for n in notes), notes


def test_one_seed_has_no_spread_in_the_table(tmp_path):
    """With one seed, results.csv wrote "test RMSE std" 0.0 for every variant: read as no seed-to-seed
    spread at all, where it is unknown. The cell is empty; the baselines (deterministic) keep 0."""
    out = _cli_compare(tmp_path)
    table = pd.read_csv(out / "results.csv")
    variants, baselines = table[table.kind == "variant"], table[table.kind == "baseline"]
    assert (variants["seeds"] == 1).all() and variants["test RMSE"].notna().all()
    for col in ("test RMSE std", "multi-step RMSE std"):
        assert variants[col].isna().all() and (baselines[col] == 0).all()


def _no_season_compare(tmp_path) -> Path:
    """``compare --quiet`` of :func:`tiny` on a yearly series without a season (a Nile-like river
    flow, 1871-1970): its --out folder."""
    years = np.arange(1871, 1971)
    flow = 1100 - 3 * (years - 1871) + np.random.default_rng(0).normal(0, 120, len(years))
    data = tmp_path / "nile.csv"
    pd.DataFrame({"year": years, "flow": flow.round(0)}).to_csv(data, index=False)
    return _cli_compare(tmp_path, data)


def test_cli_compare_names_holts_linear_trend_on_a_series_without_a_season(tmp_path, capsys):
    """A yearly river flow: results.csv and the note said "baseline: Holt-Winters" (a seasonal
    model, "Holt-Winters has the lowest test RMSE (137.6 ...)") for what fitted level and trend only."""
    out = _no_season_compare(tmp_path)
    m = json.loads((out / "metrics.json").read_text())["a"]["0"]
    assert m["info"]["season"] is None and m["info"]["baseline_models"]["holt_winters"].startswith("Holt linear trend")
    assert "holt_winters" in m["baselines"]  # the stored key stays, so saved runs reload
    table = pd.read_csv(out / "results.csv")
    baselines = list(table.loc[table["kind"] == "baseline", "model"])
    assert "baseline: Holt's linear trend" in baselines and "baseline: Holt-Winters" not in baselines
    err = capsys.readouterr().err
    assert "Holt-Winters" not in err
    assert "note: A baseline beats every variant: Holt's linear trend has the lowest test RMSE" in err


def test_summarize_names_the_holt_winters_baseline_for_what_it_fitted():
    from lstm_core.results import RunMetrics

    def result(fitted: str, season: int | None) -> cmp.SeedResult:
        scores = {"rmse": 1.0, "mae": 1.0}
        metrics = {
            "test": scores,
            "test_multistep": scores,
            "info": {"season": season, "baseline_models": {"holt_winters": fitted}},
            "baselines": {"naive": {"rmse": 2.0}, "seasonal_naive": {"rmse": 3.0}, "holt_winters": scores},
            "baselines_multistep": {"naive": {"rmse": 2.0}, "seasonal_naive": {"rmse": 3.0}, "holt_winters": scores},
        }
        return cmp.SeedResult("a", 0, RunMetrics.from_dict(metrics))

    linear = cmp.summarize([result("Holt linear trend (additive trend, no season); fitted on 67 points", None)])
    assert list(linear["model"])[-1] == "baseline: Holt's linear trend"
    seasonal = cmp.summarize([result("Holt-Winters (additive trend, additive season 4); fitted on 67 points", 4)])
    assert list(seasonal["model"])[-1] == "baseline: Holt-Winters"


def test_cli_compare_leaves_the_seasonal_naive_out_on_a_series_without_a_season(tmp_path, capsys):
    """A yearly river flow: results.csv had "baseline: seasonal naive" 179.9 under "baseline: naive"
    179.9, every figure alike: the naive forecast, read as a second, seasonal, reference."""
    out = _no_season_compare(tmp_path)
    m = json.loads((out / "metrics.json").read_text())["a"]["0"]
    assert m["baselines"]["seasonal_naive"] == m["baselines"]["naive"]  # kept in metrics.json, under its key
    table = pd.read_csv(out / "results.csv")
    assert list(table.columns) == list(cmp.summarize([]).columns)  # the file's columns stay
    baselines = list(table.loc[table["kind"] == "baseline", "model"])
    assert "baseline: naive" in baselines and "baseline: seasonal naive" not in baselines
    notes = [line for line in capsys.readouterr().err.splitlines() if "Seasonal naive" in line]
    assert notes == [
        "note: Seasonal naive is left out of results.csv: this series has no season, so it is the naive forecast, "
        "row for row."
    ]


def test_summarize_keeps_a_seasonal_naive_that_is_not_the_naive_one():
    from lstm_core.results import RunMetrics
    from lstm_core.tables import NO_SEASON

    def result(season: int | None, seasonal: float) -> cmp.SeedResult:
        metrics = {
            "test": {"rmse": 1.0},
            "test_multistep": {"rmse": 1.0},
            "info": {"season": season},
            "baselines": {"naive": {"rmse": 2.0}, "seasonal_naive": {"rmse": seasonal}},
            "baselines_multistep": {"naive": {"rmse": 4.0}, "seasonal_naive": {"rmse": 4.0 * seasonal / 2}},
        }
        return cmp.SeedResult("a", 0, RunMetrics.from_dict(metrics))

    same = [result(None, 2.0)]
    assert list(cmp.summarize(same)["model"]) == ["a", "baseline: naive"]
    assert cmp.no_season_note(same) == NO_SEASON
    for kept in ([result(12, 2.0)], [result(None, 3.0)]):  # a season, or a seasonal naive that scored otherwise
        assert list(cmp.summarize(kept)["model"]) == ["a", "baseline: naive", "baseline: seasonal naive"]
        assert cmp.no_season_note(kept) is None


def test_a_mean_and_its_spread_share_their_column_s_decimals():
    """The Compare table read "12.35 ± 0.4567"-like cells, and "2.14 ± 0.061" over "5.126" in one
    column: a mean and its spread now have the same decimals, chosen per metric column from its
    largest value (4 significant figures of it; at least 2 of its smallest), whatever its magnitude."""
    from lstm_core.metrics import column_decimals, fixed_text

    assert column_decimals([12.345, 43.2]) == 2 and column_decimals([0.0123, 0.5]) == 4
    assert column_decimals([2.14, 5.126, float("nan")]) == 3 and column_decimals([3456.0]) == 0
    # presenting at 1024 px, a column of 80.05 and 164.2 written "80.05" and "164.20 ± 12.30" ran past the screen
    assert column_decimals([80.05, 164.2]) == 1 and column_decimals([0.01, 1234.0]) == 3
    assert column_decimals([1.0083e13, 2.6e13]) == -10 and column_decimals([0.0, float("nan")]) == 3
    assert fixed_text(0.4567, 2) == "0.46" and fixed_text(12.0, 2) == "12.00" and fixed_text(-1e-9, 2) == "0.00"
    assert fixed_text(2.1e11, -10) == "210,000,000,000" and fixed_text(12_345.678, 1) == "12,345.7"

    def row(model: str, kind: str, seeds: int, mean: float, std: float) -> dict:
        r = {"model": model, "kind": kind, "seeds": seeds, "parameters": 100.0, "train seconds": 1.0}
        for _, _, c in cmp.METRIC_COLUMNS:
            r[c], r[f"{c} std"] = mean, std
        return r

    for rows, want in [
        ([row("a", "variant", 3, 12.345, 0.4567), row("b", "variant", 2, 43.2, 1.0)], ["12.35 ± 0.46", "43.20 ± 1.00"]),
        ([row("a", "variant", 2, 2.14, 0.061), row("naive", "baseline", 0, 5.126, 0.0)], ["2.140 ± 0.061", "5.126"]),
        (
            [row("a", "variant", 2, 0.012345, 0.00067), row("b", "variant", 1, 0.5, float("nan"))],
            ["0.0123 ± 0.0007", "0.5000"],
        ),
        (
            [row("a", "variant", 2, 1.0083e13, 2.1e11), row("b", "variant", 2, 2.6e13, 6.6e11)],
            ["10,080,000,000,000 ± 210,000,000,000", "26,000,000,000,000 ± 660,000,000,000"],
        ),
    ]:
        got = cmp.readable_table(pd.DataFrame(rows))["test RMSE"].str.replace("★ ", "").tolist()
        assert got == want
        for cell in got:  # the same number of decimals on both sides of "±"
            sides = [s.rpartition(".")[2] if "." in s else "" for s in cell.split(" ± ")]
            assert len({len(s) for s in sides}) == 1, cell


def test_epochs_to_best_is_not_marked_best_and_train_seconds_keep_three_figures():
    """Runs' comparison read "★ ... train seconds, epochs to best" for GRU: 3 epochs to its lowest validation
    loss against 7 only says when that loss bottomed out; and 0.039 s against 0.042 s both read 0.04."""
    from ui.compare_view import number_cell

    table = pd.DataFrame(
        {
            "model": ["GRU", "peephole"],
            "test RMSE": [20.0, 10.0],
            "train seconds": [0.039, 0.042],
            "epochs to best": [3.0, 7.0],
        }
    )
    assert cmp.best_per_column(table) == {"test RMSE": "peephole", "train seconds": "GRU"}
    assert [number_cell("train seconds", v) for v in table["train seconds"]] == ["0.039", "0.042"]
    assert number_cell("train seconds", 123.456) == "123"


def test_a_comparison_json_without_an_ensemble_trains_one_network_per_seed():
    """A JSON that left out train.ensemble trained an automatic ensemble per seed (9,328 parameters where the
    page's comparison of the same variant trained 473): one network per seed, as the page and CompareConfig()."""
    variants = [{"name": "lstm8", "cell": "lstm", "hidden_size": 8}]
    for train in ({"epochs": 3}, None):
        d = {"variants": variants, "seeds": [0], **({"train": train} if train is not None else {})}
        assert cmp.CompareConfig.from_json(json.dumps(d)).train.ensemble == 1
    asked = cmp.CompareConfig.from_json(json.dumps({"train": {"ensemble": 3}, "variants": variants, "seeds": [0]}))
    assert asked.train.ensemble == 3
    auto = cmp.CompareConfig.from_json(json.dumps({"train": {"ensemble": None}, "variants": variants, "seeds": [0]}))
    assert auto.train.ensemble is None  # asked for in so many words: automatic
    assert cmp.CompareConfig.from_json(cmp.CompareConfig().to_json()).train.ensemble == 1
