"""Seeded demo series.

:func:`generate` builds the demo series (sine, noisy sine, sin/cos, trend + season, random
walk, long-memory sign task, airline passengers), each seeded with
``np.random.default_rng(seed)``; :func:`generate_series` wraps one in a :class:`Series`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .bundled import load_airline
from .errors import _MIN_ROWS, DataError, _excerpt
from .series import Series


def _sine(length: int, rng: np.random.Generator, amplitude: float, period: float, offset: float) -> pd.DataFrame:
    """Clean sine: amplitude * sin(2 pi t / period) + offset."""
    t = np.arange(length, dtype="float64")
    return _step_frame({"value": amplitude * np.sin(2 * np.pi * t / period) + offset})


def _noisy_sine_t(length: int | None) -> np.ndarray:
    """Time points 0, 0.1, 0.2, ... (10001 of them by default, i.e. 0..1000)."""
    return np.arange(_DEFAULT_LENGTH["noisy-sine"] if length is None else length) * 0.1


def noisy_sine_truth(length: int | None = None) -> np.ndarray:
    """The noise-free sin(t) behind the ``noisy-sine`` generator, for the noise-floor benchmark.

    Parameters
    ----------
    length : int, optional
        Number of points; the default matches ``generate("noisy-sine")`` (10001).

    Returns
    -------
    np.ndarray
        Shape (length,), sin(t) for t = 0, 0.1, 0.2, ...
    """
    return np.sin(_noisy_sine_t(length))


def _noisy_sine(length: int, rng: np.random.Generator, noise: float) -> pd.DataFrame:
    """sin(t) + N(0, noise^2) for t = 0, 0.1, 0.2, ..."""
    return _step_frame({"value": noisy_sine_truth(length) + rng.normal(0.0, noise, length)})


def _sin_cos(length: int, rng: np.random.Generator) -> pd.DataFrame:
    """sin and cos on an even grid over [0, 12 pi]; the task maps sin (input) to cos (target)."""
    t = np.linspace(0.0, 12 * np.pi, length)
    return _step_frame({"sin": np.sin(t), "cos": np.cos(t)})


def _trend_seasonal(
    length: int, rng: np.random.Generator, level: float, slope: float, amplitude: float, period: float, noise: float
) -> pd.DataFrame:
    """Monthly series from 2000-01: linear trend + sine season + Gaussian noise."""
    t = np.arange(length, dtype="float64")
    value = level + slope * t + amplitude * np.sin(2 * np.pi * t / period) + rng.normal(0.0, noise, length)
    index = pd.date_range("2000-01-01", periods=length, freq="MS", name="date")
    return pd.DataFrame({"value": value}, index=index)


def _random_walk(length: int, rng: np.random.Generator, start: float, sigma: float, drift: float) -> pd.DataFrame:
    """Gaussian random walk that starts exactly at ``start``."""
    steps = drift + rng.normal(0.0, sigma, length)
    steps[0] = 0.0
    return _step_frame({"value": start + np.cumsum(steps)})


def _long_memory(length: int, rng: np.random.Generator, lag: int) -> pd.DataFrame:
    """Sign-recall task: ``target[t] = x[t - lag]`` with ``x`` iid random signs.

    Every other input in the window is a distractor, so a network whose look_back exceeds
    ``lag`` must carry one sign for ``lag`` steps; chance accuracy is 50%. The first ``lag``
    targets are random signs too.
    """
    if not 1 <= lag < length:
        raise DataError(f"lag must be between 1 and length - 1 (got lag={lag}, length={length}).")
    x = rng.choice(np.array([-1.0, 1.0]), size=length)
    head = rng.choice(np.array([-1.0, 1.0]), size=lag)
    return _step_frame({"x": x, "target": np.concatenate([head, x[:-lag]])})


def _airline(length: int, rng: np.random.Generator) -> pd.DataFrame:
    """Box & Jenkins monthly international airline passengers (thousands), 1949-01..1960-12."""
    return load_airline()


def _step_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Float64 frame on a RangeIndex named "step"."""
    frame = pd.DataFrame(columns).astype("float64")
    frame.index = pd.RangeIndex(len(frame), name="step")
    return frame


GENERATORS: dict[str, Callable[..., pd.DataFrame]] = {
    "sine": _sine,
    "noisy-sine": _noisy_sine,
    "sin-cos": _sin_cos,
    "trend-seasonal": _trend_seasonal,
    "random-walk": _random_walk,
    "long-memory": _long_memory,
    "airline": _airline,
}
GENERATOR_PARAMS: dict[str, dict[str, float | int]] = {
    "sine": {"amplitude": 1.0, "period": 50.0, "offset": 0.0},
    "noisy-sine": {"noise": 0.5},
    "sin-cos": {},
    "trend-seasonal": {"level": 10.0, "slope": 0.05, "amplitude": 2.0, "period": 12.0, "noise": 0.3},
    "random-walk": {"start": 0.0, "sigma": 1.0, "drift": 0.0},
    "long-memory": {"lag": 20},
    "airline": {},
}
GENERATOR_DESCRIPTIONS: dict[str, str] = {
    "sine": "Clean sine wave, 1000 steps (period 50): the easiest possible forecast.",
    "noisy-sine": "sin(t) + Gaussian noise (sd 0.5), t = 0..1000 in steps of 0.1: the noise floor is ~0.5 RMSE.",
    "sin-cos": "200 points of sin and cos over [0, 12 pi]: map sin (input) to cos (target).",
    "trend-seasonal": "Monthly series from 2000: linear trend + 12-month season + noise, 240 months.",
    "random-walk": "Gaussian random walk, 500 steps: the naive forecast is optimal.",
    "long-memory": "Recall the sign seen `lag` steps ago among random distractors; chance is 50%.",
    "airline": "Box & Jenkins airline passengers (thousands), monthly 1949-1960, 144 values.",
}
_DEFAULT_LENGTH = {
    "sine": 1000,
    "noisy-sine": 10001,
    "sin-cos": 200,
    "trend-seasonal": 240,
    "random-walk": 500,
    "long-memory": 2000,
    "airline": 144,
}


#: Months from January 2000 to December 9999: the longest "trend-seasonal" series.
MONTHS_TO_9999 = (9999 - 2000 + 1) * 12


def generate(name: str, *, length: int | None = None, seed: int = 0, **params: float) -> pd.DataFrame:
    """Generate a demo series.

    Parameters
    ----------
    name : str
        One of ``GENERATORS`` (see ``GENERATOR_DESCRIPTIONS``).
    length : int, optional
        Number of points; each generator has its own default. Ignored by "airline".
    seed : int, default 0
        Seed for ``np.random.default_rng``; the same seed gives the same series.
    **params
        Generator parameters; defaults and valid names are in ``GENERATOR_PARAMS[name]``.

    Returns
    -------
    pd.DataFrame
        Shape (length, n_columns), float64 columns; index a RangeIndex named "step", or a
        monthly DatetimeIndex for "trend-seasonal" ("date") and "airline" ("Month").

    Raises
    ------
    DataError
        For an unknown name, unknown parameters or a length under 3.
    """
    if name not in GENERATORS:
        raise DataError(f"Unknown generator {_excerpt(name)}; choose one of {', '.join(GENERATORS)}.")
    defaults = GENERATOR_PARAMS[name]
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        valid = ", ".join(defaults) or "none"
        raise DataError(
            f"Unknown parameter(s) {', '.join(unknown)} for generator {_excerpt(name)}; valid parameters: {valid}."
        )
    n = _DEFAULT_LENGTH[name] if length is None else int(length)
    if n < _MIN_ROWS:
        raise DataError(f"The length must be at least {_MIN_ROWS} (got {n}); choose a longer series.")
    if name == "trend-seasonal" and n > MONTHS_TO_9999:
        # its dates ran past the year 9999, which no date reader takes back ("'10000-01-01' cannot be read")
        raise DataError(
            f"trend-seasonal is monthly from January 2000, so it holds at most {MONTHS_TO_9999:,} points (to "
            f"December 9999; got {n:,}); choose a shorter length."
        )
    try:
        values = {k: type(v)(params.get(k, v)) for k, v in defaults.items()}
    except (TypeError, ValueError):
        raise DataError(f"Parameters of generator {_excerpt(name)} must be numbers (got {params}).") from None
    bad = [
        k
        for k, v in values.items()
        if not np.isfinite(v) or (k == "period" and v <= 0) or (k in ("noise", "sigma") and v < 0)
    ]
    if bad:
        # the rule of the parameter at fault (a random walk's sigma of -5 read "use a positive period, and
        # noise or sigma of 0 or more", of parameters it does not have)
        rule = (
            "a positive number" if bad[0] == "period" else ("0 or more" if bad[0] in ("noise", "sigma") else "a number")
        )
        raise DataError(
            f"Parameter {bad[0]}={values[bad[0]]} is out of range for generator {_excerpt(name)}; give {bad[0]} {rule}."
        )
    return GENERATORS[name](n, np.random.default_rng(seed), **values)


def generate_series(name: str, *, length: int | None = None, seed: int = 0, **params: float) -> Series:
    """Generate a demo series (see :func:`generate`) with its frequency and season.

    Returns
    -------
    Series
        ``frame`` as :func:`generate` returns it; monthly "trend-seasonal" and "airline" get
        frequency "MS" and season 12, the step-indexed ones neither.
    """
    return Series.from_frame(generate(name, length=length, seed=seed, **params), name=name)
