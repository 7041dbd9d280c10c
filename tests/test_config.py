"""RunConfig construction and the bounds table every check and widget reads."""

import re

import pytest

from lstm_core.config import BOUNDS, Bound, ConfigError, RunConfig


def test_make_routes_flat_settings_to_their_section_and_validates():
    cfg = RunConfig.make(cell="gru", look_back=24, epochs=50, ensemble=2)
    assert (cfg.model.cell, cfg.data.look_back, cfg.train.epochs, cfg.train.ensemble) == ("gru", 24, 50, 2)
    assert cfg.model.hidden_size == RunConfig().model.hidden_size  # the rest keep their defaults
    with pytest.raises(ConfigError, match="hidden_size must be between 1 and 1024 \\(got 0\\)"):
        RunConfig.make(hidden_size=0)


def test_unknown_setting_names_the_valid_ones():
    with pytest.raises(ConfigError, match="Unknown setting 'hiden_size'; valid settings are .*hidden_size"):
        RunConfig.make(hiden_size=8)


def test_replace_copies_and_leaves_the_original_alone():
    base = RunConfig.make(seed=3)
    other = base.replace(seed=4, lr=0.5)
    assert (base.train.seed, base.train.lr) == (3, RunConfig().train.lr)
    assert (other.train.seed, other.train.lr) == (4, 0.5)
    assert other.data is not base.data and other.model is not base.model


@pytest.mark.parametrize(
    ("bound", "inside", "outside", "text"),
    [
        (Bound(1, 4), (1, 4), (0, 5), "between 1 and 4"),
        (Bound(0.0, 1.0, hi_open=True), (0.0, 0.99), (-0.1, 1.0), "in [0, 1)"),
        (Bound(0.0, 10.0, lo_open=True), (1e-9, 10.0), (0.0, 10.5), "above 0 and at most 10"),
        (Bound(2), (2, 10**9), (1,), "at least 2"),
    ],
)
def test_bound_contains_and_says_its_range(bound, inside, outside, text):
    assert all(bound.contains(v) for v in inside)
    assert not any(bound.contains(v) for v in outside)
    assert bound.text() == text


def test_every_bound_is_enforced_by_validate():
    for name, b in BOUNDS.items():
        below = b.lo if b.lo_open else b.lo - 1
        with pytest.raises(ConfigError, match=re.escape(f"must be {b.text()} (got {below})")):
            RunConfig.make(**{name: below})
        if b.hi is None:
            inside = b.lo + 1 if b.lo_open else b.lo
        else:
            inside = (b.lo + b.hi) / 2 if b.hi_open else b.hi
        assert b.contains(inside)
        RunConfig.make(**{name: inside})  # the edge (or the middle of a half-open range) passes


def test_logging_level_comes_from_the_environment(monkeypatch):
    import logging

    from lstm_core import logs

    monkeypatch.setenv(logs.ENV, "info")
    logger = logs.configure()
    assert logger.level == logging.INFO
    logs.configure()  # again: still one handler
    assert sum(h.get_name() == "lstm-lab" for h in logger.handlers) == 1
    monkeypatch.setenv(logs.ENV, "nonsense")
    assert logs.configure().level == logging.WARNING


def test_fit_run_leaves_the_callers_config_alone():
    import numpy as np
    import pandas as pd

    from lstm_core.pipeline import fit_run

    t = np.arange(80.0)
    frame = pd.DataFrame({"x": np.sin(t / 4), "y": np.sin(t / 4 + 1)})
    cfg = RunConfig.make(inputs=["x"], transform="none", epochs=2, hidden_size=4, horizon=3, ensemble=1)
    before = cfg.to_dict()
    run = fit_run(frame, cfg)
    assert cfg.to_dict() == before  # no sizes or policies written back into what the caller holds
    assert run.config.model.input_size == RunConfig().model.input_size  # the saved config is what was chosen
    assert (run.model.cfg.input_size, run.model.cfg.output_size) == (2, 3)  # the network has the data's sizes


def test_auto_networks_give_every_variant_two_networks_and_long_series_three():
    t = RunConfig().train
    assert t.networks(100) == t.AUTO_NETWORKS == 10
    assert t.networks(100, variants=5) == 10  # five variants, two networks each
    assert t.networks(100, variants=8) == 16  # a short series: four representations x two horizons
    assert t.networks(1000, variants=10) == 20
    assert t.networks(1001, variants=10) == 3  # past AUTO_ENSEMBLE_POINTS: cost first
    assert t.LONG_NETWORK_POINTS == 0 and t.networks(5000) == 3  # measured and not adopted (session 31)
    t.LONG_NETWORK_POINTS = 10_000  # a budget of networks x points past AUTO_ENSEMBLE_POINTS
    assert [t.networks(n, variants=5) for n in (1001, 1100, 1974, 2284, 5000)] == [9, 9, 5, 4, 3]
    t.ensemble = 4
    assert t.networks(100, variants=10) == 4  # the user's count is kept
