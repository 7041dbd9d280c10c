"""One-click classic experiments: the data and configuration of well-known tutorials.

Each :class:`Preset` loads its series, gives one or more :class:`RunConfig` s (labelled
"configs"), and carries what the tutorial reported, so a page can show our result next to
theirs. ``epochs`` are the tutorial's; :func:`preset_configs` scales them down for a class
demo (``demo=True``) or takes an explicit override (tests). :func:`result_table` turns the
trained runs into the comparison table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .config import ConfigError, RunConfig
from .data import Series, generate_series, noisy_sine_truth
from .prep import resolve_target


@dataclass
class Preset:
    """A classic experiment: data, configurations and the tutorial's reported numbers."""

    key: str  # URL value: ?preset=<key>
    title: str
    source: str  # the tutorial, in words
    description: str  # what the experiment shows
    series: Callable[[], Series]  # the data, with its season (airline: monthly, 12)
    configs: dict[str, RunConfig]  # label -> config at the tutorial's epochs
    reported: dict[str, dict[str, float | str]] = field(default_factory=dict)  # label -> reported numbers
    demo_epochs: int = 50  # epochs used for a class demo (each config)
    headline: str = "test RMSE"  # the number the tutorial's figure is about
    fidelity: str = ""  # where our configuration differs from the tutorial's, and why
    extra_rows: Callable[[dict], list[dict]] | None = None  # more rows from the trained runs
    own: tuple[str, ...] = ()  # labels of configs that are the app's own, not the tutorial's (their epochs too)


def _cfg(**kw) -> RunConfig:
    """A RunConfig as a tutorial ran it: one network predicting the next step, unless ``kw`` says otherwise."""
    flat = {k: v for section in ("data", "model", "train") for k, v in kw.get(section, {}).items()}
    return RunConfig().replace(**{"horizon": 1, "ensemble": 1, **flat})


def _keras_airline(look_back: int) -> RunConfig:
    """The Keras recipe (Brownlee's airline LSTM) in engine terms."""
    return _cfg(
        data=dict(look_back=look_back, scaler="minmax", transform="none", val_fraction=0.0, test_fraction=0.33),
        model=dict(cell="lstm", hidden_size=4),
        train=dict(epochs=100, batch_size=1, lr=0.001, grad_clip=None, patience=None),
    )


def _train_mse(run) -> float:
    pred = run.predictions[run.predictions.part == "train"].dropna(subset=["one_step"])
    return float(np.mean((pred.actual - pred.one_step) ** 2))


def _sin_cos_rows(runs: dict) -> list[dict]:
    rows = []
    for label, run in runs.items():
        mse = _train_mse(run)
        rows.append(
            {
                "config": label,
                "metric": "train MSE",
                "ours": mse,
                "reported": 1e-4,
                "note": "reported: trained until MSE < 1e-4; ours " + ("reaches it" if mse < 1e-4 else "does not yet"),
            }
        )
    return rows


def _noisy_rows(runs: dict) -> list[dict]:
    rows = []
    truth = noisy_sine_truth()
    for label, run in runs.items():
        test = run.predictions[run.predictions.part == "test"]
        floor = float(np.sqrt(np.mean((test.actual.to_numpy() - truth[test.index]) ** 2)))
        rows.append(
            {
                "config": "noise floor: the true sin(t)",
                "metric": "test RMSE",
                "ours": floor,
                "reported": 0.5,
                "note": "no model can beat the noise (sd 0.5) on average",
            }
        )
        break
    return rows


def _airline_rows(runs: dict) -> list[dict]:
    rows = []
    any_run = next(iter(runs.values()), None)
    if any_run is not None:
        hw = any_run.metrics.baselines.get("holt_winters") if any_run.metrics else None
        if hw:
            rows.append(
                {
                    "config": "Holt-Winters (baseline)",
                    "metric": "test RMSE",
                    "ours": float(hw.rmse),
                    "reported": float("nan"),
                    "note": "same test points, fitted on the first 67%",
                }
            )
    return rows


PRESETS: dict[str, Preset] = {}


def _register(p: Preset) -> Preset:
    PRESETS[p.key] = p
    return p


_register(
    Preset(
        key="sin-cos",
        title="sin → cos mapping",
        source="The classic 'learn cos(t) from sin(t)' LSTM exercise (PyTorch/Keras tutorials)",
        description="Input sin(t), target cos(t), 200 points on [0, 12π]; the first half trains. The network must "
        "infer the phase from a window of sin values.",
        series=lambda: generate_series("sin-cos"),
        configs={
            "LSTM(16), look_back 10": _cfg(
                data=dict(
                    target="cos",
                    inputs=["sin"],
                    horizon=0,
                    look_back=10,
                    test_fraction=0.5,
                    val_fraction=0.0,
                    transform="none",
                    scaler="none",
                ),
                model=dict(cell="lstm", hidden_size=16),
                train=dict(epochs=300, batch_size=16, lr=0.01, patience=None, target_loss=1e-4),
            )
        },
        reported={"LSTM(16), look_back 10": {"train MSE": 1e-4}},
        demo_epochs=150,
        headline="train MSE",
        fidelity="Like the tutorial, training stops once an epoch's training MSE is below 1e-4 (unscaled, since sin "
        "and cos are already in [-1, 1]), or after the epoch cap; the table reports the MSE reached.",
        extra_rows=_sin_cos_rows,
    )
)

_register(
    Preset(
        key="sine-stacked",
        title="Sine wave, stacked LSTM",
        source="Sine-wave prediction with a two-layer stacked LSTM (layers of 5 and 20 units), windows of 50",
        description="A clean sine (period 50 steps, 1000 points); each window of 50 values predicts the next one. "
        "The tutorial's figure shows predictions lying on the sine.",
        series=lambda: generate_series("sine"),
        configs={
            "2-layer LSTM(20), look_back 50": _cfg(
                data=dict(look_back=50, test_fraction=0.2, val_fraction=0.1, transform="none", scaler="minmax"),
                model=dict(cell="lstm", hidden_size=20, num_layers=2),
                train=dict(epochs=50, batch_size=32, lr=0.005, patience=None),
            )
        },
        reported={"2-layer LSTM(20), look_back 50": {"test RMSE": "figure only (predictions on the sine)"}},
        demo_epochs=15,
        fidelity="Our stacks have one hidden size for every layer, so the 5- and 20-unit layers become two layers of "
        "20 units (the larger, so no layer has less capacity than the tutorial's). The sine repeats every 50 steps and "
        "each part holds whole periods, so every test window is one the network trained on: train and test RMSE agree "
        "to many figures. A clean sine shows that a network can fit a pattern, not that it forecasts.",
    )
)

_register(
    Preset(
        key="noisy-sine",
        title="Noisy sine vs the noise floor",
        source="sin(t) + N(0, 0.5²), t = 0..1000 step 0.1, 80/20 split, LSTM(50), look_back 1",
        description="With noise of sd 0.5 no forecast can beat RMSE ≈ 0.5 on average; on these test points the true "
        "sin(t) itself scores the floor (its row in the table, a little off 0.5 by chance), and a good model gets "
        "close to that row.",
        series=lambda: generate_series("noisy-sine"),
        configs={
            "LSTM(50), look_back 1": _cfg(
                data=dict(look_back=1, test_fraction=0.2, val_fraction=0.0, transform="none", scaler="standard"),
                model=dict(cell="lstm", hidden_size=50),
                train=dict(epochs=20, batch_size=32, lr=0.001, patience=None),
            )
        },
        reported={"LSTM(50), look_back 1": {"test RMSE": 0.5}},
        demo_epochs=5,
        fidelity="'reported' is the noise floor 0.5, the number the tutorial compares against. With look_back 1 the "
        "network sees one noisy value, so it cannot average the noise away: expect a gap above the floor.",
        extra_rows=_noisy_rows,
    )
)

_register(
    Preset(
        key="airline",
        title="Airline passengers (Keras LSTM recipe)",
        source="Brownlee, 'Time Series Prediction with LSTM Recurrent Neural Networks in Python with Keras'",
        description="Monthly airline passengers 1949-1960, first 67% train, LSTM(4), MinMax scaling, look_back 1, 3 "
        "and 10, 100 epochs at batch 1; next to the engine's default configuration and Holt-Winters.",
        series=lambda: generate_series("airline"),
        configs={
            "Keras recipe, look_back 1": _keras_airline(1),
            "Keras recipe, look_back 3": _keras_airline(3),
            "Keras recipe, look_back 10": _keras_airline(10),
            "engine defaults": RunConfig(),
        },
        reported={
            "Keras recipe, look_back 1": {"test RMSE": 49.96, "train RMSE": 23.52},
            "Keras recipe, look_back 3": {"test RMSE": 49.91, "train RMSE": 24.01},
            "Keras recipe, look_back 10": {"test RMSE": 39.10, "train RMSE": 19.49},
        },
        demo_epochs=30,
        fidelity="Same recipe as Keras (MinMax on the training part only, no target transform, Adam 1e-3, batch 1, "
        "no clipping, no early stopping). 'engine defaults' is the app's default run: representations "
        "chosen by a backtest, ten networks combined, one season predicted at once, early stopping.",
        extra_rows=_airline_rows,
        own=("engine defaults",),
    )
)


def get_preset(key: str) -> Preset:
    """The preset for ``key``; ConfigError listing the valid keys otherwise."""
    if key not in PRESETS:
        raise ConfigError(f"Unknown preset {key!r}; choose one of {', '.join(PRESETS)}.")
    return PRESETS[key]


@functools.lru_cache(maxsize=64)
def target_name(key: str, label: str) -> str | None:
    """The column that configuration ``label`` of preset ``key`` forecasts, as its run names it
    (``run.prep.target``): a saved result (:mod:`lstm_core.preset_results`) keeps predictions, not
    the target's name, and the Experiments page's overlay had no value-axis title. None for a
    label the preset no longer has (a result saved by an older version) or data it cannot read."""
    p = PRESETS.get(key)
    cfg = p.configs.get(label) if p is not None else None
    if p is None or cfg is None:
        return None
    try:
        return str(resolve_target(p.series().frame, cfg.data)[0])
    except (ConfigError, ValueError, OSError):
        return None


def preset_configs(key: str, demo: bool = True, epochs: int | None = None) -> dict[str, RunConfig]:
    """Fresh copies of the preset's configs; ``epochs`` overrides, else demo epochs when ``demo``.

    A demo never runs more epochs than the tutorial, and early stopping (the engine defaults
    config) keeps its own bound.
    """
    p = get_preset(key)
    out = {}
    for label, cfg in p.configs.items():
        c = RunConfig.from_dict(cfg.to_dict())
        if epochs is not None:
            c.train.epochs = int(epochs)
        elif demo:
            c.train.epochs = min(c.train.epochs, p.demo_epochs)
        out[label] = c
    return out


def epochs_note(key: str, configs: dict[str, RunConfig]) -> str:
    """'trained N epochs (the tutorial: M)' for display next to the result."""
    p = get_preset(key)
    parts = []
    for label, cfg in configs.items():
        full = p.configs[label].train.epochs
        if cfg.train.epochs != full:
            whose = (
                f"up to {full} epochs (the app's limit, with early stopping)"
                if label in p.own
                else f"the tutorial's {full} epochs"
            )
            parts.append(f"{label}: {cfg.train.epochs} of {whose}")
    if not parts:
        return "All configurations trained for the tutorial's full number of epochs."
    return (
        "Scaled down for a quick class demo — "
        + "; ".join(parts)
        + ". A full run can do much better than these numbers."
    )


def result_table(key: str, runs: dict) -> pd.DataFrame:
    """Ours next to the tutorial: columns config, metric, ours, reported, note.

    ``runs`` maps config labels to trained Runs (missing labels are skipped). Test and train
    RMSE rows per config, then the preset's extra rows (floor, Holt-Winters, train MSE).
    """
    p = get_preset(key)
    rows = []
    for label, run in runs.items():
        if run is None:
            continue
        rep = p.reported.get(label, {})
        m = run.metrics
        for metric, value in (
            ("test RMSE", m.test.rmse if m and m.test else None),
            ("train RMSE", m.train.rmse if m and m.train else None),
        ):
            if value is None or (metric == "train RMSE" and metric not in rep and p.headline != "test RMSE"):
                continue
            r = rep.get(metric)
            rows.append(
                {
                    "config": label,
                    "metric": metric,
                    "ours": float(value),
                    "reported": r if isinstance(r, (int, float)) else float("nan"),
                    "note": r if isinstance(r, str) else "",
                }
            )
    if p.extra_rows is not None:
        rows.extend(p.extra_rows({k: v for k, v in runs.items() if v is not None}))
    return pd.DataFrame(rows, columns=["config", "metric", "ours", "reported", "note"])


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`result_table` for reading: the tutorial's figure as text, "—" where it reported none.

    Columns config, metric, ours, tutorial reported; the note (a figure the tutorial gives in words)
    stands in the reported column, so no cell shows None or NaN.
    """

    def reported(row) -> str:
        r = row.get("reported")
        if isinstance(r, (int, float)) and r == r:
            return f"{r:.4g}"
        note = row.get("note")
        return str(note) if isinstance(note, str) and note else "—"

    out = pd.DataFrame(
        {
            "config": table.get("config", pd.Series(dtype=object)),
            "metric": table.get("metric", pd.Series(dtype=object)),
            "ours": pd.to_numeric(table.get("ours", pd.Series(dtype=float)), errors="coerce"),
        }
    )
    out["tutorial reported"] = [reported(r) for r in table.to_dict("records")]
    return out
