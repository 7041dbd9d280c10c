"""Classic presets: every one loads, trains (one epoch) and fills the ours-vs-tutorial table."""

from __future__ import annotations

import pytest

from lstm_core import presets as ps
from lstm_core.config import ConfigError
from lstm_core.pipeline import fit_run


@pytest.mark.parametrize("key", list(ps.PRESETS))
def test_preset_loads_and_runs_with_short_epochs(key):
    p = ps.get_preset(key)
    configs = ps.preset_configs(key, epochs=1)
    assert set(configs) == set(p.configs)
    series = p.series()
    label = next(iter(configs))
    run = fit_run(series, configs[label])
    table = ps.result_table(key, {label: run})
    assert list(table.columns) == ["config", "metric", "ours", "reported", "note"]
    assert len(table) >= 1 and table["ours"].notna().all()


def test_airline_preset_matches_the_keras_recipe_and_reports_holt_winters():
    configs = ps.preset_configs("airline", demo=False)
    assert [c.data.look_back for c in list(configs.values())[:3]] == [1, 3, 10]
    k = configs["Keras recipe, look_back 3"]
    assert (k.data.scaler, k.data.transform, k.data.val_fraction, k.data.test_fraction) == ("minmax", "none", 0.0, 0.33)
    assert (k.model.hidden_size, k.train.epochs, k.train.batch_size, k.train.lr) == (4, 100, 1, 0.001)
    assert k.train.grad_clip is None and k.train.patience is None
    assert ps.PRESETS["airline"].reported["Keras recipe, look_back 10"] == {"test RMSE": 39.10, "train RMSE": 19.49}
    series = ps.PRESETS["airline"].series()
    assert series.season == 12
    run = fit_run(series, ps.preset_configs("airline", epochs=1)["Keras recipe, look_back 1"])
    table = ps.result_table("airline", {"Keras recipe, look_back 1": run})
    assert "Holt-Winters (baseline)" in set(table["config"])
    assert table.loc[table.config == "Keras recipe, look_back 1", "reported"].tolist() == [49.96, 23.52]


def test_demo_scaling_never_exceeds_the_tutorial_and_is_said():
    for key, p in ps.PRESETS.items():
        demo = ps.preset_configs(key, demo=True)
        for label, cfg in demo.items():
            assert cfg.train.epochs <= p.configs[label].train.epochs
        note = ps.epochs_note(key, demo)
        scaled = [label for label, cfg in demo.items() if cfg.train.epochs != p.configs[label].train.epochs]
        if scaled:  # each scaled configuration is named with its epochs and the tutorial's
            assert note.startswith("Scaled down for a quick class demo")
            # "slightly worse" beside a table more than twice the tutorial's error (airline, look_back 10)
            assert note.endswith(". A full run can do much better than these numbers.")
            for label in scaled:
                full = p.configs[label].train.epochs
                whose = f"up to {full} epochs (the app's limit" if label in p.own else f"the tutorial's {full} epochs"
                assert f"{label}: {demo[label].train.epochs} of {whose}" in note
        else:
            assert note == "All configurations trained for the tutorial's full number of epochs."


def test_the_apps_own_configuration_is_not_credited_to_the_tutorial():
    p = ps.PRESETS["airline"]
    assert p.own == ("engine defaults",) and set(p.own) <= set(p.configs) and not set(p.own) & set(p.reported)
    note = ps.epochs_note("airline", ps.preset_configs("airline", demo=True))
    assert "engine defaults: 30 of up to 300 epochs (the app's limit, with early stopping)" in note
    assert "engine defaults: 30 of the tutorial's" not in note
    assert "Keras recipe, look_back 1: 30 of the tutorial's 100 epochs" in note


def test_unknown_preset():
    with pytest.raises(ConfigError, match="Unknown preset 'nope'; choose one of sin-cos"):
        ps.get_preset("nope")


def test_noisy_sine_text_does_not_promise_what_its_own_table_breaks():
    """The noisy sine's description said a good model gets close to 0.5 "and never below it", while its own
    table's noise-floor row (the true sin(t) on the test points) read 0.4896: the floor on a finite test
    span is the truth's score there, which sits off 0.5 by chance. The text now points at that row."""
    import numpy as np

    from lstm_core.presets import PRESETS, noisy_sine_truth

    preset = PRESETS["noisy-sine"]
    values = preset.series().frame.iloc[:, -1].to_numpy(dtype=float)
    test = slice(int(len(values) * 0.8), None)
    floor = float(np.sqrt(np.mean((values[test] - noisy_sine_truth()[test]) ** 2)))
    assert floor < 0.5  # the truth itself beats the nominal floor on these points
    assert "never below" not in preset.description
    assert "true sin(t)" in preset.description


@pytest.mark.parametrize("key", sorted(ps.PRESETS))
def test_a_preset_whose_train_and_test_scores_agree_says_why(key):
    """The stacked sine's table read train RMSE 0.007534 and test RMSE 0.007534, which a teacher took for one value
    copied twice: a sine of period 50 cut into parts of whole periods gives the test part the training part's
    windows. A preset whose shipped scores agree says so."""
    import json
    from pathlib import Path

    shipped = Path(ps.__file__).parent / "datasets" / "experiments" / f"{key}.json"
    rows = json.loads(shipped.read_text())["table"]
    for config in {r["config"] for r in rows}:
        score = {r["metric"]: r["ours"] for r in rows if r["config"] == config}
        if "train RMSE" in score and "test RMSE" in score and score["train RMSE"] == pytest.approx(score["test RMSE"]):
            assert "train and test RMSE agree" in ps.PRESETS[key].fidelity
