"""From a DataFrame to network-ready windows, and back to original units.

The pipeline, one direction only::

    y (original units) --log?--> z --minus seasonal profile?--> u --difference at lag s?--> d
      --scale (train rows only)--> windows --minus the window's mean or last value?--> network

* ``z`` is the *model scale*: ``log(y)`` when the log transform is on, else ``y``. Conformal
  residuals live on this scale so intervals widen with the level of a multiplicative series.
* ``u = z - s[t mod m]``: the series with a fixed seasonal profile ``s`` (estimated on the
  training part by a centred moving average) removed, as ES-RNN and STL do; ``u = z`` without.
* ``d`` is what the network predicts: ``u_t - u_{t-s}`` when differencing at lag ``s``
  (``s = season`` for seasonal differencing, 1 for first differences), else ``u_t``.
* With window normalisation (RevIN / NLinear style) the mean of the target feature over
  each input window (or its last value, :attr:`Transform.window_last`, as NLinear does) is
  subtracted from that window and from its targets, and added back to the network's outputs:
  the network learns the shape of what comes next, not the level.
* Scalers are fitted on the training part only; the split is chronological:
  ``[0, train_end)`` train, ``[train_end, test_start)`` validation, ``[test_start, N)`` test.

A *sample* is anchored at its first target index ``t``. For ``horizon >= 1`` its window is
rows ``t-L .. t-1`` and its targets ``d[t .. t+horizon-1]``; for ``horizon == 0`` (mapping)
the window is rows ``t-L+1 .. t`` and the target is ``d[t]``. A sample belongs to the part
that holds all its targets.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from .config import ConfigError, DataConfig
from .data.errors import _excerpt
from .data.frequency import YEAR_DAYS, infer_frequency, longer_season, weekly_season
from .data.series import Series, as_series
from .data.target import did_you_mean, name_list
from .outliers import Spikes, find_spikes, replaced

PARTS = ("train", "val", "test")


@dataclass
class ColumnScaler:
    """Per-column affine scaling ``(x - shift) / scale`` fitted with scikit-learn on train rows."""

    kind: str
    shift: np.ndarray  # (F,)
    scale: np.ndarray  # (F,)

    @classmethod
    def fit(cls, kind: str, x: np.ndarray) -> ColumnScaler:
        """Fit on ``x`` (n, F), the training rows only."""
        f = x.shape[1]
        if kind == "standard":
            sk = StandardScaler().fit(x)
            shift, scale = sk.mean_, sk.scale_
        elif kind == "minmax":
            sk = MinMaxScaler().fit(x)
            shift, scale = sk.data_min_, sk.data_range_
        else:
            shift, scale = np.zeros(f), np.ones(f)
        scale = np.where(np.asarray(scale) > 1e-12, scale, 1.0)  # constant column: leave unscaled
        return cls(kind, np.asarray(shift, dtype=np.float64), np.asarray(scale, dtype=np.float64))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - self.shift) / self.scale

    def inverse(self, x: np.ndarray, col: int = 0) -> np.ndarray:
        """Undo the scaling of column ``col`` for an array of any shape."""
        return x * self.scale[col] + self.shift[col]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "shift": self.shift.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> ColumnScaler:
        return cls(d["kind"], np.asarray(d["shift"], dtype=np.float64), np.asarray(d["scale"], dtype=np.float64))


@dataclass
class Transform:
    """The resolved target representation.

    ``log`` on/off; ``deseason`` = season length of the removed seasonal profile (0 = none);
    ``lag`` = differencing lag (0 = none); ``window_norm`` = subtract each window's mean, or with
    ``window_last`` its last value (as NLinear does: a network that outputs zeros then forecasts
    the last value, the naive forecast, and learns what departs from it);
    ``damp`` = with a lag, the recursive forecast's k-th differenced step (k = 1, 2, ...) is the
    network's output times ``damp ** (k - 1)`` (1 = undamped; see :func:`lstm_core.forecast.recursive_z`);
    with ``window_last``, the k-th step's departure from the value before it, likewise;
    ``window_alpha`` (0 < alpha < 1, with ``window_norm``) = subtract each window's exponentially
    weighted mean instead, value i of L weighing ``(1 - alpha) ** (L - 1 - i)``: the window's local
    level as simple exponential smoothing sees it (ES-RNN's normalisation), between the plain mean
    (alpha near 0) and the last value (alpha near 1); 0 = not used;
    ``window_trend`` (with ``window_norm``) = subtract each window's least-squares line instead,
    and add that line carried on to the outputs (a network that outputs zeros then extrapolates
    the window's local trend, as Holt's linear method does with its smoothed level and slope).
    """

    log: bool = False
    lag: int = 0
    reason: str = ""
    deseason: int = 0
    window_norm: bool = False
    damp: float = 1.0
    window_last: bool = False
    window_alpha: float = 0.0
    window_trend: bool = False

    @property
    def name(self) -> str:
        parts = (
            (["log"] if self.log else [])
            + ([f"seasonal profile {self.deseason} removed"] if self.deseason else [])
            + ([f"difference at lag {self.lag}"] if self.lag else [])
            + ([f"window {self._anchor} removed"] if self.window_norm else [])
            + ([f"steps damped {self.damp:g}"] if (self.lag or self.window_last) and self.damp < 1 else [])
        )
        return " + ".join(parts) or "none"

    @property
    def _anchor(self) -> str:
        """What a window-normalised representation subtracts from each window, in words."""
        if self.window_last:
            return "last value"
        if self.window_trend:
            return "trend line"
        return f"smoothed level (alpha {self.window_alpha:g})" if self.window_alpha else "mean"

    def to_dict(self) -> dict:
        return {
            "log": self.log,
            "lag": self.lag,
            "reason": self.reason,
            "deseason": self.deseason,
            "window_norm": self.window_norm,
            "damp": self.damp,
            "window_last": self.window_last,
            "window_alpha": self.window_alpha,
            "window_trend": self.window_trend,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Transform:
        """Rebuild from :meth:`to_dict`; raises ConfigError on wrong types."""
        try:
            out = cls(
                log=bool(d["log"]),
                lag=int(d["lag"]),
                reason=str(d.get("reason", "")),
                deseason=int(d.get("deseason", 0)),
                window_norm=bool(d.get("window_norm", False)),
                damp=float(d.get("damp", 1.0)),
                window_last=bool(d.get("window_last", False)),
                window_alpha=float(d.get("window_alpha", 0.0)),
                window_trend=bool(d.get("window_trend", False)),
            )
        except (KeyError, TypeError, ValueError):
            raise ConfigError("The saved target transform is damaged; train the run again.") from None
        if (out.window_last or out.window_alpha or out.window_trend) and not out.window_norm:
            raise ConfigError("The saved target transform is damaged; train the run again.")
        if (
            out.lag < 0
            or out.deseason < 0
            or out.lag > 10_000
            or out.deseason > 10_000
            or not 0 < out.damp <= 1
            or not 0 <= out.window_alpha < 1
            or (out.window_alpha and out.window_last)
            or (out.window_trend and (out.window_alpha or out.window_last or out.lag))
        ):
            raise ConfigError("The saved target transform is out of range; train the run again.")
        return out


@dataclass
class Windows:
    """Samples of one part. ``x`` (n, L, F) scaled inputs; ``y`` (n, max(h,1)) scaled targets;
    ``t`` (n,) index of each sample's first target."""

    x: np.ndarray
    y: np.ndarray
    t: np.ndarray

    def __len__(self) -> int:
        return len(self.t)


@dataclass
class Prepared:
    """A series ready for training, with everything needed to map predictions back."""

    cfg: DataConfig
    index: pd.Index  # (N,) time index of the series
    target: str
    inputs: list[str]  # exogenous input columns
    feature_names: list[str]  # network input features, in order
    y: np.ndarray  # (N,) target, original units
    z: np.ndarray  # (N,) target on the model scale (log or not)
    u: np.ndarray  # (N,) z minus the seasonal profile (= z without deseasonalising)
    profile: np.ndarray | None  # (m,) seasonal profile on the model scale, indexed by t % m; None = none
    exog: np.ndarray  # (N, K) exogenous inputs, original units
    transform: Transform
    season: int | None
    train_end: int
    test_start: int
    feat_scaler: ColumnScaler  # features [d (if target is an input), exog...]
    target_scaler: ColumnScaler  # d, one column
    features: np.ndarray = field(repr=False)  # (N, F) float32 scaled, NaN before `offset`
    d_scaled: np.ndarray = field(repr=False)  # (N,) float32 scaled network target, NaN before `offset`
    windows: dict[str, Windows] = field(default_factory=dict, repr=False)
    spikes: Spikes = field(default_factory=Spikes, repr=False)  # replaced for training (lstm_core.outliers)

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def y_fit(self) -> np.ndarray:
        """(N,) the target the networks fit and condition on: ``y`` with :attr:`spikes` replaced."""
        return replaced(self.y, self.spikes)

    @property
    def offset(self) -> int:
        """First row with a defined network target (the differencing lag)."""
        return self.transform.lag

    @property
    def out_dim(self) -> int:
        return max(self.cfg.horizon or 1, 1)

    def seasonal(self, t: np.ndarray, profiles: np.ndarray | None = None) -> np.ndarray:
        """Seasonal profile at indices ``t`` (any shape; past the data too); zeros without one.
        ``profiles`` (n, m): row i is the profile for ``t[i]`` (``t``'s first axis of length n;
        :func:`profiles_before`), in place of :attr:`profile` everywhere."""
        t = np.asarray(t)
        if self.profile is None:
            return np.zeros(t.shape)
        m = len(self.profile)
        if profiles is None:
            return self.profile[t % m]
        return np.take_along_axis(profiles, (t % m).reshape(len(profiles), -1), axis=1).reshape(t.shape)

    def deseasonalised(self, t: np.ndarray, profiles: np.ndarray | None = None) -> np.ndarray:
        """``u`` at indices ``t`` (inside the data): :attr:`u`, or with ``profiles`` (as in
        :meth:`seasonal`) the model-scale values less those profiles."""
        t = np.asarray(t)
        return self.u[t] if profiles is None else self.z[t] - self.seasonal(t, profiles)

    def window_ref(self, x: np.ndarray) -> np.ndarray:
        """Per-window reference (n,) of windows ``x`` (n, L, F) subtracted from feature 0 and the
        targets: the window's mean (or last value, :attr:`Transform.window_last`, or exponentially
        weighted mean, :attr:`Transform.window_alpha`, or its trend line's value at its last point,
        :attr:`Transform.window_trend`) or 0."""
        if not self.transform.window_norm or x.shape[-1] == 0:
            return np.zeros(len(x), dtype=np.float32)
        return window_anchor(self.transform, x[:, :, 0]).astype(np.float32)

    def normalise(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Windows (n, L, F) as the network sees them, and the references (n, out) added back to
        their outputs: the window's reference (:meth:`window_ref`) for every output, or with
        :attr:`Transform.window_trend` its trend line carried on to each output's step."""
        out = self.out_dim
        if not self.transform.window_norm or x.shape[-1] == 0:
            return x, np.zeros((len(x), out), dtype=np.float32)
        x = x.copy()
        if self.transform.window_trend:
            level, slope = window_line(x[:, :, 0])  # (n,), (n,): the line at the last point, per step
            L = x.shape[1]
            x[:, :, 0] -= (level[:, None] + slope[:, None] * np.arange(1 - L, 1)[None, :]).astype(np.float32)
            ref = level[:, None] + slope[:, None] * np.arange(1, out + 1)[None, :]  # (n, out)
            return x, ref.astype(np.float32)
        ref1 = self.window_ref(x)
        x[:, :, 0] -= ref1[:, None]
        return x, np.repeat(ref1[:, None], out, axis=1)

    def part_slice(self, part: str) -> slice:
        return {
            "train": slice(0, self.train_end),
            "val": slice(self.train_end, self.test_start),
            "test": slice(self.test_start, self.n),
        }[part]

    def d_from_scaled(self, d_scaled: np.ndarray) -> np.ndarray:
        """Scaled network outputs (any shape) -> unscaled ``d``."""
        return self.target_scaler.inverse(np.asarray(d_scaled, dtype=np.float64))

    def z_from_d(self, d: np.ndarray, t: np.ndarray, profiles: np.ndarray | None = None) -> np.ndarray:
        """Undo differencing and deseasonalising with the true history:
        ``z_t = u_{t-lag} + d_t + s_t``. ``d`` and ``t`` share a shape; ``t`` holds target indices.
        ``profiles``: the seasonal profile of each row of ``t`` (see :meth:`seasonal`)."""
        t = np.asarray(t)
        u = np.asarray(d, dtype=np.float64)
        if self.transform.lag:
            u = self.deseasonalised(t - self.transform.lag, profiles) + u
        return u + self.seasonal(t, profiles)

    def y_from_z(self, z: np.ndarray) -> np.ndarray:
        """Model scale -> original units."""
        z = np.asarray(z, dtype=np.float64)
        return np.exp(np.clip(z, -700, 700)) if self.transform.log else z

    def z_from_y(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        return np.log(y) if self.transform.log else y

    def future_index(self, steps: int) -> pd.Index:
        """Time labels for ``steps`` points past the end of the series."""
        idx = self.index
        if isinstance(idx, pd.DatetimeIndex) and len(idx) >= 3:
            # the frequency as the loader detects it, gaps allowed (a monthly series with a missing
            # month still goes on month by month)
            freq = infer_frequency(idx)
            if freq is not None:
                return pd.date_range(idx[-1], periods=steps + 1, freq=freq)[1:]
            found = _calendar_cycle(idx)  # irregular: the times of its last weeks or days, repeated
            if found is not None:
                offsets, period = found
                reps = -(-steps // len(offsets))
                ahead = (np.arange(1, reps + 1)[:, None] * period + offsets[None, :]).ravel()[:steps]
                return pd.DatetimeIndex(idx[-1] + pd.to_timedelta(ahead))
            months = _month_steps(idx)  # on the 1st of months (years with gaps): whole months
            if months is not None:
                ahead_months = np.resize(_step_cycle(months), steps).cumsum()
                return pd.DatetimeIndex([idx[-1] + pd.DateOffset(months=int(k)) for k in ahead_months])
            cycle = _step_cycle(np.diff(idx.values))  # else the steps' own repeating pattern
            ahead = np.resize(cycle, steps).cumsum()  # (steps,) time past the last timestamp
            return pd.DatetimeIndex(idx[-1] + pd.to_timedelta(ahead))
        last = int(idx[-1]) if np.issubdtype(np.asarray(idx).dtype, np.number) else self.n - 1
        return pd.RangeIndex(last + 1, last + 1 + steps, name=idx.name)


#: Calendar periods whose timestamps an irregular time index may repeat, the longest first: a
#: call centre's half-hours on weekdays repeat the week (and no day of it: none at weekends),
#: readings at 8:00 and 12:00 the day.
CALENDAR_CYCLES = (np.timedelta64(7, "D"), np.timedelta64(1, "D"))


def _calendar_cycle(idx: pd.DatetimeIndex) -> tuple[np.ndarray, np.timedelta64] | None:
    """Where the last three weeks (else days) of ``idx`` hold the same timestamps, each a period
    after the one before: the offsets (p,) from its last timestamp of those in the last period
    (all at or before 0), and the period; else None. Its steps may all be alike at the end
    (half-hours until 21:00 on a Friday) and still go on after a night or a weekend."""
    t = (idx.tz_convert(None) if idx.tz is not None else idx).to_numpy().astype("datetime64[ns]")  # the instants
    last = t[-1]
    for period in CALENDAR_CYCLES:
        period = period.astype("timedelta64[ns]")
        blocks = [t[(t > last - (k + 1) * period) & (t <= last - k * period)] + k * period for k in range(3)]
        if len(blocks[0]) and all(np.array_equal(b, blocks[0]) for b in blocks[1:]):
            return blocks[0] - last, period
    return None


def _month_steps(idx: pd.DatetimeIndex) -> np.ndarray | None:
    """The steps (n-1,) of ``idx`` in calendar months where every timestamp is midnight on the 1st
    of a month, else None. WorldPhones' years 1951, 1956, 1957, ..., 1961 have no frequency, and
    the forecast went on in steps of the last one's days (366, across a leap year): 1962-01-02,
    1963-01-03; whole months keep it on the 1st, 1962-01-01 and 1963-01-01."""
    if not ((idx.day == 1).all() and (idx == idx.normalize()).all()):
        return None
    steps = np.diff(np.asarray(idx.year, dtype=np.int64) * 12 + np.asarray(idx.month, dtype=np.int64))
    return steps if len(steps) and bool((steps > 0).all()) else None


def _step_cycle(steps: np.ndarray, longest: int = 48) -> np.ndarray:
    """The steps (p,) an irregular time index goes on with: the shortest pattern of at most
    ``longest`` steps that its last steps repeat three times over (readings at 8:00 and 12:00 each
    day: 4 hours, then 20), in the order that follows its last step; else its last step alone."""
    steps = np.asarray(steps)
    for p in range(1, min(longest, len(steps) // 3) + 1):
        tail = steps[-3 * p :]
        if np.array_equal(tail[:p], tail[p : 2 * p]) and np.array_equal(tail[p : 2 * p], tail[2 * p :]):
            return tail[-p:]  # the next step is the one p steps back, and so on
    return steps[-1:]


def ewm_weights(length: int, alpha: float) -> np.ndarray:
    """Weights (length,) of an exponentially weighted mean of a window, oldest first, summing to
    1: value i weighs ``(1 - alpha) ** (length - 1 - i)``."""
    w = (1.0 - float(alpha)) ** np.arange(length - 1, -1, -1, dtype=np.float64)
    return w / w.sum()


def window_line(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The least-squares line through each window of ``w`` (n, L): its value at the last point
    (n,) and its slope per step (n,) (0 for windows of one point)."""
    w = np.asarray(w, dtype=np.float64)
    L = w.shape[1]
    i = np.arange(L, dtype=np.float64) - (L - 1) / 2.0  # positions about the window's centre
    var = float(np.sum(i * i))
    slope = (w @ i) / var if var > 0 else np.zeros(len(w))
    return w.mean(axis=1) + slope * (L - 1) / 2.0, slope


def window_anchor(tr: Transform, w: np.ndarray) -> np.ndarray:
    """What a window-normalised representation subtracts from each window of ``w`` (n, L) and adds
    back to its network's outputs (n,): the last value (:attr:`Transform.window_last`), the
    exponentially weighted mean (:attr:`Transform.window_alpha`), the trend line's value at the
    last point (:attr:`Transform.window_trend`, whose outputs also take the line's slope on: see
    :meth:`Prepared.normalise`) or the mean."""
    if tr.window_last:
        return w[:, -1]
    if tr.window_trend:
        return window_line(w)[0]
    if tr.window_alpha:
        return np.asarray(w, dtype=np.float64) @ ewm_weights(w.shape[1], tr.window_alpha)
    return w.mean(axis=1)


def running_ref(tr: Transform, f0: np.ndarray, look_back: int) -> np.ndarray:
    """A reference for each point of a continuous input ``f0`` (T,) of a window-normalised
    network, as :meth:`Prepared.window_ref` takes it from the last ``look_back`` points up to
    that point (fewer at the start): their exponentially weighted mean with
    :attr:`Transform.window_alpha`, else their mean (also for :attr:`Transform.window_last`, where a
    point less itself would leave nothing to see); with :attr:`Transform.window_trend`, the value at
    that point of their least-squares line (T,)."""
    f0 = np.asarray(f0, dtype=np.float64)
    if tr.window_trend:
        return _running_line(f0, look_back)
    # kern[j] weighs the value j points back; np.convolve's first T sums stop at the start
    kern = ewm_weights(look_back, tr.window_alpha)[::-1] if tr.window_alpha else np.ones(look_back)
    return np.convolve(f0, kern)[: len(f0)] / np.convolve(np.ones(len(f0)), kern)[: len(f0)]


def _running_line(f0: np.ndarray, look_back: int) -> np.ndarray:
    """For each point of ``f0`` (T,), the value there of the least-squares line through the last
    ``look_back`` points up to it (fewer at the start; the point itself where it is the first) (T,)."""
    T = len(f0)
    j = np.arange(T, dtype=np.float64)
    c0 = np.concatenate([[0.0], np.cumsum(f0)])
    c1 = np.concatenate([[0.0], np.cumsum(j * f0)])
    start = np.maximum(0, np.arange(T) - look_back + 1)
    n = (np.arange(T) - start + 1).astype(np.float64)  # points in each window
    s0 = c0[np.arange(T) + 1] - c0[start]
    s1 = c1[np.arange(T) + 1] - c1[start] - j * s0  # sum of (position - t) * value, positions <= t
    mean = s0 / n
    var = n * (n * n - 1) / 12.0
    slope = np.where(var > 0, (s1 + (n - 1) / 2.0 * s0) / np.where(var > 0, var, 1.0), 0.0)
    return mean + slope * (n - 1) / 2.0


def split_points(n: int, val_fraction: float, test_fraction: float) -> tuple[int, int]:
    """Chronological split of ``n`` points -> ``(train_end, test_start)``.

    ``test_start = round(n * (1 - test_fraction))`` (airline, 144 points, 0.33 -> 96, the
    classic split); the validation part is the ``round(n * val_fraction)`` points before it.
    """
    test_start = int(round(n * (1.0 - test_fraction)))
    train_end = test_start - int(round(n * val_fraction))
    return train_end, test_start


def fits_split(n: int, val_fraction: float, test_fraction: float) -> bool:
    """Whether ``n`` points split with these fractions leave at least 4 to train on and 1 to test."""
    train_end, test_start = split_points(n, val_fraction, test_fraction)
    return train_end >= 4 and test_start < n


def min_points(val_fraction: float, test_fraction: float) -> int:
    """The fewest points a series needs to be split with these fractions (:func:`fits_split`)."""
    n = 5
    while not fits_split(n, val_fraction, test_fraction) and n < 10_000:
        n += 1
    return n


def fitted_look_back(look_back: int, train_end: int) -> int:
    """The look_back an ``auto`` run's networks use when the training part holds ``train_end``
    points: ``look_back`` itself, unless it is over half the training part (fewer training
    windows than inputs per window: a network learns next to nothing from them), then a third of
    the training part (about twice as many windows as inputs), at least 2. A look_back as long as
    the training part or longer is kept: no window fits, and :func:`~lstm_core.prep.prepare` says
    which look_back would (a request to correct, not a setting to adapt). Measured on short
    yearly series outside the benchmark sets (``benchmarks/bench_look_back_cap.py``, seeds 0-2,
    multi-step RMSE ÷ best baseline): airmiles (24 points) 4.49 -> 0.50 with look_back 12 -> 4
    (one-step 4.84 -> 1.07), austa (36 points) 1.55 -> 0.96 with 12 -> 6 (one-step 1.01 -> 1.18);
    every benchmark series has at least 26 training points and keeps its look_back of 12."""
    if train_end >= 2 * look_back or look_back >= train_end:
        return look_back
    return max(2, min(look_back, train_end // 3))


#: Longest window :func:`look_back_for` gives a day of a step under a day (15 minutes: 48, half a day).
MAX_DAY_WINDOW = 48


def look_back_for(n_points: int, look_back: int | None = None, y: object = None, frequency: str | None = None) -> int:
    """The look_back a run on ``n_points`` points starts from when none was asked for (``look_back``
    None): the default window as an ``auto`` run would fit it to the training part of the default
    split (:func:`fitted_look_back`: a third of the training part where that holds under twice the
    default), or a third of the training part where the default does not fit at all. So a short
    series (a 20-row upload: 11 training points, a window of 3) trains with the defaults instead of
    failing on them, and a run on 30 yearly points (17 training points) starts from 5 without a
    note that it used 5 "instead of 12", which nobody asked for. A look_back that was asked for is
    returned as it is: a request to correct, not to adapt (:func:`prepare` says which would fit).

    Given the target's values ``y`` (N,) and the time index's ``frequency``: where the step divides
    a day and a default run takes the week for its season (:func:`index_season`: electricity
    demand), a day of steps (at most :data:`MAX_DAY_WINDOW`: hourly 24, half-hourly 48), where that
    is under a third of the training part. Measured with ``benchmarks/bench_weekly_season.py``:
    the multi-step RMSE of the four demand series 0.29-0.84x that of a 12-step window; on hourly
    temperatures, which keep the day for their season, a day's window lost (1.05x, 1.32x) and they
    keep 12."""
    if look_back is not None:
        return int(look_back)
    d = DataConfig()
    train_end, _ = split_points(n_points, d.val_fraction, d.test_fraction)
    base = fitted_look_back(d.look_back, train_end) if d.look_back < train_end else max(1, train_end // 3)
    week = weekly_season(frequency)
    if y is None or not week:
        return base
    values = pd.to_numeric(pd.Series(np.asarray(y).ravel()), errors="coerce").to_numpy(dtype=np.float64)
    day = week // 7
    if len(values) != n_points or index_season(values, d, day, week) != week:
        return base
    window = min(day, MAX_DAY_WINDOW)
    return window if base < window < train_end // 3 else base


def resolve_target(frame: pd.DataFrame, cfg: DataConfig) -> tuple[str, list[str]]:
    """Check the target and input column names against ``frame``; default target = last column.
    A name the data has but for letter case or surrounding spaces (``close`` of a column ``Close``)
    is named in the error (``did you mean 'Close'?``)."""
    cols = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    if not cols:
        raise ConfigError("The data has no numeric column to forecast; load a CSV with at least one numeric column.")
    target = cfg.target if cfg.target is not None else cols[-1]
    names = name_list(cols)
    if target not in cols:
        if target is not None and str(target) == str(frame.index.name):
            raise ConfigError(
                f"Column {_excerpt(target)} is the data's time, not a value to forecast; choose one of {names}."
            )
        raise ConfigError(
            f"Target column {_excerpt(target)} is not a numeric column of the data{did_you_mean(target, cols)}; "
            f"choose one of {names}."
        )
    for c in cfg.inputs:
        if c not in cols:
            if str(c) == str(frame.index.name):
                raise ConfigError(f"Column {_excerpt(c)} is the data's time, not an input column; choose from {names}.")
            raise ConfigError(
                f"Input column {_excerpt(c)} is not a numeric column of the data{did_you_mean(c, cols)}; choose from {names}."
            )
        if c == target:
            raise ConfigError(f"Column {_excerpt(c)} is the target; list only other columns as inputs.")
    twice = next((c for i, c in enumerate(cfg.inputs) if c in cfg.inputs[:i]), None)
    if twice is not None:
        raise ConfigError(f"Input column {_excerpt(twice)} is listed more than once; list each input column once.")
    return target, list(cfg.inputs)


def _adf_pvalue(z: np.ndarray) -> float:
    from statsmodels.tsa.stattools import adfuller

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(adfuller(z, maxlag=min(12, len(z) // 4), autolag=None)[1])
        except Exception:  # noqa: BLE001 - a failed test means "no evidence", keep levels
            return 0.0


def _autocorr(x: np.ndarray, lag: int) -> float:
    """Sample autocorrelation of ``x`` at ``lag``."""
    x = x - x.mean()
    den = float(np.dot(x, x))
    return float(np.dot(x[lag:], x[:-lag]) / den) if den > 0 and lag < len(x) else 0.0


def choose_transform(
    y_train: np.ndarray,
    cfg: DataConfig,
    season: int | None,
    positive: bool | None = None,
    y_history: np.ndarray | None = None,
) -> Transform:
    """Resolve ``cfg.transform`` (``auto`` included) without looking at the test part.

    An explicit mode is taken as it is. ``auto`` ranks candidate representations (log or
    not; a removed seasonal profile; differences at lag 1 or at the season; window-mean
    normalisation) by a rolling-origin backtest of their *null forecasts* (what the network
    predicts when it outputs zeros) over ``y_history``, the data before the test part; see
    :mod:`lstm_core.strategy`. Without the target among the inputs, nothing is differenced.
    ``positive`` says whether the whole series is above zero (the log applies to all of it);
    it defaults to the training part's sign.
    """
    mode = cfg.transform
    if positive is None:
        positive = bool(np.all(y_train > 0))
    if mode != "auto":
        log = "log" in mode
        if log and not positive:
            raise ConfigError("The log transform needs a target above zero everywhere; choose another transform.")
        lag = season if "seasonal" in mode else (1 if mode in ("diff", "log_diff") else 0)
        if "seasonal" in mode and not season:
            raise ConfigError("Seasonal differencing needs a season length; set season (e.g. 12 for monthly data).")
        return Transform(log=log, lag=int(lag or 0), reason=f"chosen: {mode}")
    if not cfg.uses_target_history:
        return Transform(reason="auto: the target is not an input, so it is modelled as is")
    from .strategy import rank_transforms

    hist = y_train if y_history is None else y_history
    h = cfg.horizon if cfg.horizon is not None else auto_horizon(season, len(y_train), cfg.look_back)
    ranked = rank_transforms(hist, len(y_train), season, positive, cfg.look_back, max(h, 1))
    return ranked[0].transform


def legacy_auto_transform(y_train: np.ndarray, season: int | None, positive: bool) -> Transform:
    """``auto`` as runs saved in format 1 resolved it (so that they reload exactly).

    Log when the target is positive and spans a factor of 2 or more; seasonal differencing
    when the first differences correlate at the season lag (r > 0.3); else first
    differences when an ADF test cannot reject a unit root (p > 0.1); else none.
    """
    log = positive and float(y_train.max() / y_train.min()) >= 2.0
    z = np.log(y_train) if log else y_train
    why = ["log because the series is positive and spans a factor of 2 or more"] if log else []
    if season and len(z) >= 3 * season + 2:
        dz = np.diff(z)
        r = _autocorr(dz, season)
        if r > max(0.3, 2.0 / np.sqrt(len(dz))):
            why.append(
                f"seasonal difference at lag {season} because first differences correlate at that lag (r={r:.2f})"
            )
            return Transform(log=log, lag=int(season), reason="auto: " + "; ".join(why))
    if len(z) >= 20 and _adf_pvalue(z) > 0.1:
        why.append("first difference because a unit-root test cannot reject a stochastic trend")
        return Transform(log=log, lag=1, reason="auto: " + "; ".join(why))
    return Transform(log=log, lag=0, reason="auto: " + ("; ".join(why) or "the series looks stationary"))


def resolved_horizon(cfg: DataConfig) -> int:
    """``cfg.horizon`` once :func:`prepare` has resolved ``None`` (auto) to a number of steps."""
    if cfg.horizon is None:
        raise ValueError("horizon is still auto: it is resolved by prepare()")
    return cfg.horizon


def _sample_range(cfg: DataConfig, offset: int, n: int) -> tuple[int, int]:
    """First and last-plus-one valid first-target index for any sample."""
    L, h = cfg.look_back, resolved_horizon(cfg)
    first = offset + L if h >= 1 else offset + L - 1
    last = n - max(h, 1) + 1
    return first, last


def make_windows(prep: Prepared, t: np.ndarray) -> Windows:
    """Network-ready windows for first-target indices ``t`` (n,) -> x (n, L, F), y (n, max(h,1)).

    Both are normalised by the window's reference (see :meth:`Prepared.normalise`)."""
    out = prep.out_dim
    x, ref = prep.normalise(window_x(prep, t))  # ref (n, out)
    y = prep.d_scaled[t[:, None] + np.arange(out)[None, :]] - ref  # (n, out)
    return Windows(x, y.astype(np.float32), t.astype(np.int64))


def auto_horizon(season: int | None, train_points: int, look_back: int) -> int:
    """Direct outputs per window when ``horizon`` is left to ``auto``: one season (8 steps
    without one), fewer when the training part would hold under 24 windows."""
    h = int(season) if season and season <= 64 else 8
    return int(max(1, min(h, (train_points - look_back - 24) // 2 if train_points > look_back + 26 else 1)))


def prepare(
    data: Series | pd.DataFrame,
    cfg: DataConfig,
    *,
    transform: Transform | None = None,
    like: Prepared | None = None,
    weekly: bool = True,
    yearly: bool = True,
) -> Prepared:
    """Validate ``cfg`` against the series and build scaled windows for every part.

    Parameters
    ----------
    data : Series (frame with a time or step index and numeric columns, and its season,
        used when ``cfg.season`` is None), or a bare DataFrame (no season).
    cfg : DataConfig.
    transform : an already resolved representation (a saved run's, or one chosen by the
        backtest in :mod:`lstm_core.strategy`); else it is resolved from ``cfg.transform``.
    like : a preparation of (a prefix of) the same series whose seasonal profile and scalers
        are reused instead of being fitted on this split's training part, so that a network
        trained on ``like``'s windows can predict every part of this one (with ``like``'s
        representation when ``transform`` is None).
    weekly : whether a step under a day may take the weekly season (:func:`weekly_or_daily`);
        False for runs saved before session 33, which took the daily one.
    yearly : whether daily data may take the yearly season (:func:`yearly_or_weekly`); False for
        runs saved before session 34, which took the week.

    ``prep.cfg`` is a copy of ``cfg`` with ``horizon`` resolved (``None`` = auto).

    Raises
    ------
    ConfigError : one sentence when the config does not fit the data (look_back too long...).
    """
    cfg.validate()
    if cfg.horizon == 0 and cfg.target_as_input:
        raise ConfigError("With horizon 0 the target at step t would be its own input; turn target_as_input off.")
    series = as_series(data)
    frame = series.frame
    target, inputs = resolve_target(frame, cfg)
    y = frame[target].to_numpy(dtype=np.float64)
    exog = frame[inputs].to_numpy(dtype=np.float64) if inputs else np.zeros((len(y), 0))
    if not np.all(np.isfinite(y)) or not np.all(np.isfinite(exog)):
        raise ConfigError(
            "The chosen columns contain missing or non-finite values; reload the data with a missing-value policy."
        )
    n = len(y)
    train_end, test_start = split_points(n, cfg.val_fraction, cfg.test_fraction)
    if not fits_split(n, cfg.val_fraction, cfg.test_fraction):
        need = min_points(cfg.val_fraction, cfg.test_fraction)
        raise ConfigError(
            f"{n} points are too few for this split (it needs at least {need}); "
            "load a longer series or lower the test and validation fractions."
        )
    if cfg.season is not None and cfg.season > train_end // 2:
        raise ConfigError(
            f"season {cfg.season} is longer than half of the {train_end} training points, so no cycle can be "
            "learnt; give a shorter season or leave it empty to detect it."
        )
    y_given = y
    longer = longer_season(series.frequency, yearly=yearly) if weekly else None
    y, season, spikes = fit_values(y_given, cfg, series.season, train_end, test_start, longer)
    if cfg.horizon is None:
        cfg = replace(cfg, horizon=auto_horizon(season, train_end, cfg.look_back))
    if transform is None and like is not None:
        transform = like.transform
    if transform is None:
        # the sign of the values the networks see (a reading of 0 replaced as a spike leaves the logs open)
        transform = choose_transform(y[:train_end], cfg, season, positive=bool(np.all(y > 0)), y_history=y[:test_start])
    if transform.log and not np.all(y > 0):
        raise ConfigError("The log transform needs a target above zero everywhere; choose another transform.")
    lag = transform.lag
    first, last = _sample_range(cfg, lag, n)
    horizon = resolved_horizon(cfg)
    usable = train_end - first - max(horizon, 1) + 1  # training samples that fit
    if usable < 2:
        max_lb = train_end - lag - max(horizon, 1) - 1 + (0 if horizon >= 1 else 1)
        max_h = train_end - first - 1  # the most outputs per window that leave 2 training windows
        if max_lb < 1 and horizon > 1 and max_h >= 1:  # no look_back fits: the horizon is too long
            raise ConfigError(
                f"horizon {horizon} is too long for the {train_end} training points with look_back "
                f"{cfg.look_back}; use a horizon of at most {max_h} or load a longer series."
            )
        raise ConfigError(
            f"look_back {cfg.look_back} is too long for the {train_end} training points"
            + (f" ({lag} of them used by differencing)" if lag else "")
            + (f" with horizon {horizon}" if horizon > 1 else "")
            + f"; use a look_back of at most {max(max_lb, 1)}"
            + (f", a horizon of at most {max_h}" if horizon > 1 and max_h >= 1 else "")
            + " or load a longer series."
        )
    if first > test_start:
        raise ConfigError(f"look_back {cfg.look_back} leaves no history before the test part; use a shorter look_back.")

    z = np.log(y) if transform.log else y.copy()
    if like is not None:
        profile = like.profile
    else:
        profile = seasonal_profile(z[:train_end], transform.deseason) if transform.deseason else None
    u = z - (profile[np.arange(n) % len(profile)] if profile is not None else 0.0)
    d = np.full(n, np.nan)
    d[lag:] = u[lag:] - u[: n - lag] if lag else u
    feat_raw = (
        np.column_stack(([d] if cfg.uses_target_history else []) + [exog[:, k] for k in range(exog.shape[1])])
        if (cfg.uses_target_history or inputs)
        else np.zeros((n, 0))
    )
    if feat_raw.shape[1] == 0:
        raise ConfigError("The network has no input: add input columns or feed the target's own past.")
    names = (
        [f"{target} ({transform.name})" if lag or transform.log else target] if cfg.uses_target_history else []
    ) + inputs
    if like is not None:
        feat_scaler, target_scaler = like.feat_scaler, like.target_scaler
    else:
        fit_rows = slice(lag, train_end)
        feat_scaler = ColumnScaler.fit(cfg.scaler, feat_raw[fit_rows])
        target_scaler = ColumnScaler.fit(cfg.scaler, d[fit_rows, None])
    features = feat_scaler.transform(feat_raw).astype(np.float32)  # (N, F)
    d_scaled = target_scaler.transform(d[:, None])[:, 0].astype(np.float32)  # (N,)

    prep = Prepared(
        cfg=cfg,
        index=frame.index,
        target=target,
        inputs=inputs,
        feature_names=names,
        y=y_given,
        z=z,
        u=u,
        profile=profile,
        exog=exog,
        transform=transform,
        season=season,
        train_end=train_end,
        test_start=test_start,
        feat_scaler=feat_scaler,
        target_scaler=target_scaler,
        features=features,
        d_scaled=d_scaled,
        spikes=spikes,
    )
    h = max(horizon, 1)
    # Validation windows: every window with a target in the validation part (its earlier
    # targets may be training points), so that early stopping with a multi-step head and a
    # short validation part judges more than a handful of windows.
    bounds = {
        "train": (first, train_end),
        "val": (max(first, train_end - h + 1), test_start),
        "test": (max(first, test_start), n),
    }
    for part, (lo, hi) in bounds.items():
        t = np.arange(lo, min(hi - h + 1, last), dtype=np.int64)
        prep.windows[part] = make_windows(prep, t)
    return prep


#: A step shorter than a day takes the weekly season (:func:`weekly_or_daily`) only where the
#: training part holds this many weeks (the representation backtest trains on about 0.6 of it,
#: which then still holds the two weeks and the margin its seasonal candidates need)...
WEEKLY_MIN_WEEKS = 4
#: ...and the value a week before forecasts it with a mean absolute error at most this share of
#: the value a day before's (measured on half-hourly and hourly electricity demand, 0.25-0.7;
#: hourly temperatures, 1.4: ``benchmarks/bench_weekly_season.py``).
WEEKLY_ERROR_RATIO = 0.9


def weekly_or_daily(y_train: np.ndarray, daily: int, weekly: int) -> int:
    """The season of a series whose step divides a day: ``weekly`` (7 x ``daily`` steps) when the
    training part ``y_train`` (T,) holds :data:`WEEKLY_MIN_WEEKS` weeks and the seasonal naive
    forecast at lag ``weekly`` has a mean absolute error over it of at most
    :data:`WEEKLY_ERROR_RATIO` x that at lag ``daily`` (on the same points, those a week in);
    else ``daily``. Electricity demand differs between weekdays and weekends; a temperature
    follows the day alone."""
    y_train = np.asarray(y_train, dtype=np.float64)
    if weekly <= daily or len(y_train) < WEEKLY_MIN_WEEKS * weekly or not np.all(np.isfinite(y_train)):
        return daily
    target = y_train[weekly:]
    by_week = float(np.mean(np.abs(target - y_train[:-weekly])))
    by_day = float(np.mean(np.abs(target - y_train[weekly - daily : -daily])))
    return weekly if by_week <= WEEKLY_ERROR_RATIO * by_day else daily


#: Daily data takes the yearly season (:func:`yearly_or_weekly`) only where its training part holds
#: this many years (the networks' seasonal candidates need two seasons of it)...
YEARLY_MIN_YEARS = 2
#: ...and the seasonal naive forecast a year back forecasts the training part this many days ahead
#: (from an origin every :data:`YEARLY_ORIGIN_EVERY` days) with a mean absolute error at most
#: :data:`YEARLY_ERROR_RATIO` x that of last week repeated. Half a year: what a daily forecast far
#: ahead needs from its season (a temperature's next six months follow the year, not last week).
YEARLY_HORIZON = 182
YEARLY_ORIGIN_EVERY = 7
YEARLY_ERROR_RATIO = 0.9


def yearly_or_weekly(y_train: np.ndarray, weekly: int = 7, yearly: int = YEAR_DAYS) -> int:
    """The season of a daily series: ``yearly`` where the training part ``y_train`` (T,) holds
    :data:`YEARLY_MIN_YEARS` years and, from origins every :data:`YEARLY_ORIGIN_EVERY` days after
    its first year, the seasonal naive forecast a year back forecasts the next
    :data:`YEARLY_HORIZON` days with a mean absolute error at most :data:`YEARLY_ERROR_RATIO` x
    that of the last ``weekly`` days repeated; else ``weekly``. Not one step ahead as for hours
    (:func:`weekly_or_daily`): a day's temperature is nearer last week's than last year's, yet
    half a year ahead only the year's cycle knows it. A railway's daily riders repeat the week."""
    y = np.asarray(y_train, dtype=np.float64)
    h = YEARLY_HORIZON
    if yearly <= weekly or len(y) < YEARLY_MIN_YEARS * yearly or not np.all(np.isfinite(y)):
        return weekly
    origins = np.arange(yearly, len(y) - h + 1, YEARLY_ORIGIN_EVERY)
    ahead = origins[:, None] + np.arange(h)[None, :]  # (origins, h) the days forecast
    by_year = float(np.mean(np.abs(y[ahead] - y[ahead - yearly])))
    last_week = origins[:, None] - weekly + np.arange(h)[None, :] % weekly
    by_week = float(np.mean(np.abs(y[ahead] - y[last_week])))
    return yearly if by_year <= YEARLY_ERROR_RATIO * by_week else weekly


def longer_or_given(y_train: np.ndarray, given: int, longer: int) -> int:
    """The season a series takes of its time index's ``given`` one and the ``longer`` one its
    frequency may take (:func:`lstm_core.data.longer_season`): the year of daily data by
    :func:`yearly_or_weekly`, the week of a step under a day by :func:`weekly_or_daily`."""
    if longer == YEAR_DAYS:
        return yearly_or_weekly(y_train, given, longer)
    return weekly_or_daily(y_train, given, longer)


def index_season(
    y: np.ndarray, cfg: DataConfig, given_season: int | None, longer: int | None, train_end: int | None = None
) -> int | None:
    """The season a run on ``y`` (N,) with ``cfg`` takes before any detection: ``cfg.season``, else
    the time index's ``given_season``, or the ``longer`` one its frequency may take (a week of hourly
    data, a year of daily data) where :func:`longer_or_given` picks it on the training part
    (``y[:train_end]``; default: ``cfg``'s split). What the Data page says before a run, and what
    :func:`fit_values` starts from."""
    if cfg.season or not given_season or not longer:
        return cfg.season or given_season
    if train_end is None:
        train_end, _ = split_points(len(y), cfg.val_fraction, cfg.test_fraction)
    return longer_or_given(np.asarray(y, dtype=np.float64)[:train_end], given_season, longer)


def fit_values(
    y: np.ndarray,
    cfg: DataConfig,
    given_season: int | None,
    train_end: int,
    test_start: int,
    longer: int | None = None,
) -> tuple[np.ndarray, int | None, Spikes]:
    """The target (N,) the networks fit, the season, and the spikes replaced.

    With ``cfg.outliers == "replace"``, ``y`` with the lone spikes before ``test_start``
    replaced (:func:`lstm_core.outliers.find_spikes`); else ``y`` itself. The season is
    ``cfg.season``, else ``given_season`` (the time index's; the ``longer`` one instead, a week of
    a step under a day or a year of daily data, where the training part repeats over it better:
    :func:`longer_or_given`),
    else detected on the training part, on the replaced values where spikes were found (one
    bad reading can hide a season).
    """
    known = index_season(y, cfg, given_season, longer, train_end)
    season = known or detect_season(y[:train_end])
    if cfg.outliers != "replace":
        return y, season, Spikes()
    spikes = find_spikes(y, test_start, season)
    if len(spikes) and not known:
        again = detect_season(replaced(y, spikes)[:train_end])
        if again != season:
            season, spikes = again, find_spikes(y, test_start, again)
    return replaced(y, spikes), season, spikes


def series_spikes(y: np.ndarray, cfg: DataConfig, given_season: int | None, longer: int | None = None) -> Spikes:
    """Every lone spike a run on ``y`` (N,) with ``cfg`` would go without, before the data is
    prepared (the Data page shows them): those before the test part of ``cfg``'s split, replaced
    for training, and those of the test part, replaced in the history of the forecast ahead
    (see :func:`fit_values`, :func:`future_spikes`); none with ``outliers="keep"``."""
    y = np.asarray(y, dtype=np.float64)
    train_end, test_start = split_points(len(y), cfg.val_fraction, cfg.test_fraction)
    if cfg.outliers != "replace" or train_end < 4 or test_start >= len(y) or not np.all(np.isfinite(y)):
        return Spikes()
    fitted, season, before = fit_values(y, cfg, given_season, train_end, test_start, longer)
    return _with_later(before, y, fitted, season, test_start)


def _with_later(before: Spikes, y: np.ndarray, fitted: np.ndarray, season: int | None, test_start: int) -> Spikes:
    """``before`` and the lone spikes of ``fitted`` (N,) from ``test_start`` on (values as given: ``y``)."""
    later = find_spikes(fitted, len(y), season)
    keep = later.index >= test_start
    if not keep.any():
        return before
    return Spikes(
        index=np.concatenate([before.index, later.index[keep]]),
        given=np.concatenate([before.given, y[later.index[keep]]]),
        replaced=np.concatenate([before.replaced, later.replaced[keep]]),
    )


def future_spikes(prep: Prepared) -> Spikes:
    """The spikes the forecast past the end of the data starts without: those replaced for
    training (``prep.spikes``) and, with ``outliers="replace"``, the lone spikes of the test part
    (judged like the others, on the whole series but its last point, which has no next one).
    The test metrics score the test part as given; the forecast ahead is not scored, so its
    history may be read to its end (one bad reading among a window's last points would otherwise
    start every path from it)."""
    if prep.cfg.outliers != "replace":
        return prep.spikes
    return _with_later(prep.spikes, prep.y, prep.y_fit, prep.season, prep.test_start)


def with_history(prep: Prepared, y: np.ndarray) -> Prepared:
    """``prep`` with the target's values ``y`` (N,) in place of the ones it was prepared from:
    the model scale, the deseasonalised values and the scaled features recomputed with ``prep``'s
    own representation, seasonal profile and scalers (windows are not rebuilt: recursion reads
    the features). For conditioning a forecast on a cleaned history."""
    y = np.asarray(y, dtype=np.float64)
    lag = prep.transform.lag
    z = np.log(y) if prep.transform.log else y.copy()
    u = z - prep.seasonal(np.arange(len(y)))
    d = np.full(len(y), np.nan)
    d[lag:] = u[lag:] - u[: len(y) - lag] if lag else u
    features = prep.features.copy()
    if prep.cfg.uses_target_history:
        raw = np.column_stack([d] + [prep.exog[:, k] for k in range(prep.exog.shape[1])])
        features = prep.feat_scaler.transform(raw).astype(np.float32)
    d_scaled = prep.target_scaler.transform(d[:, None])[:, 0].astype(np.float32)
    return replace(prep, z=z, u=u, features=features, d_scaled=d_scaled, windows={})


def one_step_targets(prep: Prepared, part: str) -> np.ndarray:
    """Every target index of ``part`` that has a full window (one-step predictions need only one)."""
    first, _ = _sample_range(prep.cfg, prep.offset, prep.n)
    sl = prep.part_slice(part)
    return np.arange(max(sl.start, first), sl.stop, dtype=np.int64)


#: Longest season :func:`detect_season` looks for (a year of daily data).
MAX_DETECTED_SEASON = 366


def detect_season(y: np.ndarray) -> int | None:
    """The season of a series whose time index gives none, from its autocorrelation.

    The series minus its least-squares line; the lag (2 to a third of the series, at most
    :data:`MAX_DETECTED_SEASON`) where the autocorrelation has its highest local peak, when
    that peak is above ``max(0.3, 3 / sqrt(n))`` and rises at least 0.3 over the lowest
    value before it (a slowly decaying trend or random walk has no such peak); else None.
    The time index's frequency, when there is one, is used instead (it is the stronger prior
    for noisy weekly or daily data).
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    top = min(n // 3, MAX_DETECTED_SEASON)
    if top < 4 or not np.all(np.isfinite(y)):
        return None
    t = np.arange(n)
    x = y - np.polyval(np.polyfit(t, y, 1), t)
    den = float(np.dot(x, x))
    if den <= 1e-12 * max(1.0, float(np.dot(y, y))):
        return None
    acf = np.array([1.0] + [np.dot(x[k:], x[:-k]) / den for k in range(1, top + 1)])  # acf[k] at lag k
    floor = np.minimum.accumulate(acf)
    peaks = [k for k in range(2, top) if acf[k] > acf[k - 1] and acf[k] >= acf[k + 1] and acf[k] - floor[k] >= 0.3]
    if not peaks:
        return None
    best = max(peaks, key=lambda k: acf[k])
    return int(best) if acf[best] > max(0.3, 3.0 / np.sqrt(n)) else None


def detrended(z: np.ndarray, m: int) -> tuple[np.ndarray, int]:
    """The classical decomposition's detrended values of ``z`` (N,) for a season of ``m``: ``z``
    less its centred moving average of length ``m`` (2 x m for even ``m``), shape (N - 2 off,),
    where value j belongs to index ``off + j`` (``off``: half the average's reach); and ``off``."""
    k = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.convolve(z, k, mode="valid")
    off = (len(k) - 1) // 2
    return z[off : off + len(trend)] - trend, off


def seasonal_profile(z: np.ndarray, m: int) -> np.ndarray | None:
    """Additive seasonal profile (m,) of ``z``, indexed by ``t % m``, summing to zero.

    Classical decomposition: a centred moving average of length ``m`` (2 x m for even ``m``)
    is the trend; the profile is the mean detrended value at each phase. None when ``z`` holds
    fewer than two full seasons beyond the average's reach.
    """
    if m < 2 or len(z) < 2 * m + 2:
        return None
    detr, off = detrended(z, m)
    phase = np.arange(off, off + len(detr)) % m
    prof = np.array([detr[phase == j].mean() for j in range(m)])
    return prof - prof.mean()


@dataclass(frozen=True)
class PhaseSums:
    """The detrended values of a series' classical decomposition (:func:`seasonal_profile`),
    summed cumulatively by phase: the profile of any prefix is a lookup (:func:`profiles_before`)."""

    sums: np.ndarray  # (rows + 1, m): row r, column c = sum of the first r values j with j % m == c
    off: int  # half the moving average's reach: detrended value j belongs to index off + j
    count: int  # detrended values of the whole series


def phase_sums(prep: Prepared) -> PhaseSums | None:
    """:class:`PhaseSums` of ``prep``'s model-scale values; None without a seasonal profile."""
    if prep.profile is None or not prep.transform.deseason:
        return None
    m = len(prep.profile)
    detr, off = detrended(prep.z, m)
    rows = -(-len(detr) // m)
    padded = np.zeros(rows * m)
    padded[: len(detr)] = detr
    sums = np.vstack([np.zeros((1, m)), np.cumsum(padded.reshape(rows, m), axis=0)])
    return PhaseSums(sums, off, len(detr))


def profiles_before(prep: Prepared, ends: np.ndarray, sums: PhaseSums | None = None) -> np.ndarray | None:
    """The seasonal profile of each of ``ends`` (n,): row i (of shape (n, m)) is
    :func:`seasonal_profile` of the model-scale values before ``ends[i]`` (the values the
    forecaster has seen at that origin), ``prep``'s own (the training part's) where
    ``ends[i]`` is at most the training part's end; None without a profile. ``sums``:
    ``prep``'s :func:`phase_sums`, when the caller keeps them (computed here otherwise).

    A detrended value enters once the centred moving average around it is complete, as in
    :func:`seasonal_profile` of that prefix; the mean of a phase over any prefix is then a
    difference of cumulative sums."""
    if prep.profile is None or not prep.transform.deseason:
        return None
    m = len(prep.profile)
    ends = np.asarray(ends, dtype=np.int64)
    out = np.broadcast_to(prep.profile, (len(ends), m)).copy()
    later = ends > prep.train_end
    if not later.any():
        return out
    ps = sums if sums is not None else phase_sums(prep)
    assert ps is not None  # a profile was fitted: its sums exist
    count = np.clip(ends[later] - 2 * ps.off, 0, ps.count)  # detrended values complete before each end
    col = np.arange(m)
    taken = np.maximum((count[:, None] - col[None, :] + m - 1) // m, 0)  # (n_later, m) per column
    means = ps.sums[taken, col[None, :]] / np.maximum(taken, 1)  # column c holds phase (off + c) % m
    prof = np.empty_like(means)
    prof[:, (ps.off + col) % m] = means
    out[later] = prof - prof.mean(axis=1, keepdims=True)
    return out


def window_x(prep: Prepared, t: np.ndarray, profiles: np.ndarray | None = None) -> np.ndarray:
    """Input windows (n, L, F) for first-target indices ``t`` (n,), whatever part they are in
    (absolute scaled features; :meth:`Prepared.normalise` makes them network-ready). With
    ``profiles`` (n, m), window i's values are deseasonalised with row i (see
    :func:`profiles_before`) instead of the training part's profile."""
    horizon = resolved_horizon(prep.cfg)
    x = _gather_x(prep.features, t, prep.cfg.look_back, horizon)
    if profiles is None or not prep.cfg.uses_target_history or not len(x):
        return x
    t = np.asarray(t, dtype=np.int64)
    end = t if horizon >= 1 else t + 1
    rows = end[:, None] - prep.cfg.look_back + np.arange(prep.cfg.look_back)[None, :]  # (n, L)
    lag = prep.transform.lag
    d = prep.deseasonalised(rows, profiles)
    if lag:
        d = d - prep.deseasonalised(rows - lag, profiles)
    sc = prep.feat_scaler
    x = x.copy()
    x[:, :, 0] = ((d - sc.shift[0]) / sc.scale[0]).astype(np.float32)
    return x


def _gather_x(features: np.ndarray, t: np.ndarray, look_back: int, horizon: int) -> np.ndarray:
    end = t if horizon >= 1 else t + 1  # window rows are [end-L, end)
    rows = end[:, None] - look_back + np.arange(look_back)[None, :]  # (n, L)
    return features[rows].astype(np.float32)  # (n, L, F)
