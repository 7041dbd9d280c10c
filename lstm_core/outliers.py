"""Lone spikes in the data before the test part: found, and replaced for training only.

One bad reading (a value typed with an extra digit, a missing value stored as 0, a sensor
glitch) wrecks a recurrent forecast: the scaler's spread, the backtest's scores and every window
that holds it are dominated by it, and the network learns to echo it (measured: one point at
100x the noise in the training part of a 120-point monthly series left the 40-step forecast at
8.4x the seasonal naive one's error). Robust forecasting libraries clean such points before
fitting (R's ``forecast::tsclean``); here only the most unmistakable kind is replaced:

* a *spike* is a point that jumps away from both neighbours, in opposite directions, each jump
  over :data:`SPIKE_SCORE` robust standard deviations of the series' steps (the median absolute
  deviation of its first differences, after a robust seasonal profile is taken out). A level
  shift is one jump, not two, and stays; a seasonal peak is part of the profile and stays. In a
  series above zero throughout a point that is unremarkable on the logs (:data:`LOG_CLEAR`) stays
  too: a seasonal peak that grows with the level (a shop's Decembers, 20k then 45k then 81k)
  outgrows an additive profile but not a multiplicative one (session 30). On Gaussian noise such
  a point would be about 14 standard deviations out; before its test part, none of the 90 series
  of the benchmark sets and ``benchmarks/data`` scores over 7.8 (``benchmarks/bench_outliers.py``);
* a reading at or below 0 between two positive ones, in a series whose other readings are all
  positive and never under :data:`LOW_SHARE` of their median, is one too (a missing value stored
  as 0 in a series with a large seasonal swing may jump less than the swing; it still never
  belongs there, and it would bar the logs);
* more than :data:`MAX_SHARE` of the points scoring that high means the series is spiky by
  nature (intermittent demand, bursts): then nothing is replaced;
* for training only the data before the test part is judged and replaced (a spike's score uses
  the point after it, so judging a test point would use the future), never its first or last
  point; the forecast past the end of the data, which nothing scores, starts from a history whose
  test-part spikes are replaced too (:func:`lstm_core.prep.future_spikes`).

The replaced values serve the networks only (their inputs and targets, the representation's
backtest, the range guards, the history of the forecast ahead); metrics, baselines and downloads
keep the data as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: How many robust standard deviations of the series' steps both jumps of a spike exceed.
SPIKE_SCORE = 10.0
#: The steps' spread a score divides by is at least this share of the median absolute step of the series
#: itself (before its seasonal profile is taken off): a spike must stand out against the series' own motion.
STEP_FLOOR = 0.1
#: In a series above zero throughout, a point whose logs score under this is no spike, whatever
#: its values score: its jump is the season's own shape on a multiplicative scale. Two such points
#: were replaced before (session 30), both in a test part, so in the history of the forecast ahead:
#: fpp2's souvenir sales' December 1992 (12.5 on the values, 0.57 on the logs) and Johnson &
#: Johnson's fourth quarter of 1979 (12.1, 1.67). Of 1,350 readings made 10, 5 or 3 times too large
#: or 5 or 10 times too small, at 20-80% of the training part of each series above zero of the
#: sets and ``benchmarks/data``, and found on the values, one is lost (sunspot area x10, 1.98 on the
#: logs: a series whose readings span a factor of a hundred); 2.5 would lose four
#: (``benchmarks/bench_outliers.py``). Requiring :data:`SPIKE_SCORE` on the logs too would have
#: lost the x10 reading in UK gas (9.8 on the logs), UK arrivals (4.9) and the souvenirs (9.8).
LOG_CLEAR = 2.0
#: Over this share of the judged points scoring as spikes, none is replaced.
MAX_SHARE = 0.05
#: A reading at or below 0 in an otherwise positive series counts as a spike (a missing value
#: stored as 0) when the series' other readings never fall under this share of their median.
LOW_SHARE = 0.1
#: A series of whole numbers whose positive readings come down to this count or lower has zeros of
#: its own (monthly strikes 1-18: December's 0 is a month without strikes, not a missing value).
SMALL_COUNT = 3


@dataclass(frozen=True)
class Spikes:
    """Spikes found in a series: their indices (k,), values as given and replacements (k,)."""

    index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    given: np.ndarray = field(default_factory=lambda: np.zeros(0))
    replaced: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return len(self.index)

    def where(self, keep: np.ndarray, shift: int = 0) -> Spikes:
        """The spikes where ``keep`` (k,) is True, their indices less ``shift``."""
        return Spikes(self.index[keep] - shift, self.given[keep], self.replaced[keep])


def _robust_profile(x: np.ndarray, m: int | None) -> np.ndarray:
    """Seasonal profile (n,) of ``x`` by medians: a centred rolling median over one season is
    the trend, each phase's median deviation from it the profile; zeros without ``m`` or with
    fewer than three seasons."""
    n = len(x)
    if not m or m < 2 or n < 3 * m:
        return np.zeros(n)
    w = m if m % 2 else m + 1
    trend = pd.Series(x).rolling(w, center=True, min_periods=1).median().to_numpy()
    phase = np.arange(n) % m
    det = x - trend
    prof = np.array([np.median(det[phase == p]) for p in range(m)])
    return prof[phase]


def spike_scores(x: np.ndarray, season: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Each point's spike score (n,) and the series less its robust seasonal profile (n,).

    The score of point t (0 at the ends) is ``min(|a|, |b|) / s`` when the step into t, ``a``,
    and the step out of it, ``b`` (each less the median step), have opposite signs, else 0;
    ``s`` is 1.4826 x the median absolute deviation of the steps, or :data:`STEP_FLOOR` x the median
    absolute step of ``x`` itself where that is more (all scores 0 when ``s`` is 0).
    """
    x = np.asarray(x, dtype=np.float64)
    prof = _robust_profile(x, season)
    xs = x - prof
    out = np.zeros(len(x))
    if len(x) < 3:
        return out, xs
    d = np.diff(xs)
    med = float(np.median(d))
    # at least a share of the series' own typical step: a noiseless sine a little off its season (24.02
    # hours) left residual steps of almost nothing, and the drift of its peaks read as 4 "lone spikes"
    scale = max(1.4826 * float(np.median(np.abs(d - med))), STEP_FLOOR * float(np.median(np.abs(np.diff(x)))))
    if not scale > 0:
        return out, xs
    a, b = d[:-1] - med, d[1:] - med  # into and out of points 1..n-2
    opposite = np.sign(a) * np.sign(b) < 0
    out[1:-1] = np.where(opposite, np.minimum(np.abs(a), np.abs(b)), 0.0) / scale
    return out, xs


def judged_scores(x: np.ndarray, season: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The scores :func:`find_spikes` judges by (n,), and ``x`` less its robust seasonal profile
    (n,): :func:`spike_scores` of the values, and in a series above zero throughout 0 where the
    point scores under :data:`LOG_CLEAR` on the logs (a seasonal peak that grows with the level)."""
    x = np.asarray(x, dtype=np.float64)
    scores, xs = spike_scores(x, season)
    if len(x) and np.all(x > 0):
        scores = np.where(spike_scores(np.log(x), season)[0] < LOG_CLEAR, 0.0, scores)
    return scores, xs


def lone_non_positive(x: np.ndarray) -> np.ndarray:
    """Indices of readings at or below 0, each between two positive ones, in a series whose other
    readings are all positive and never under :data:`LOW_SHARE` of their median: a missing value
    stored as 0 (or a negative sentinel) where the series never comes near 0. Its first and last
    points are not judged. A series with zeros of its own (counts, intermittent demand) has
    readings near 0 or more of them, or is a count that comes down to :data:`SMALL_COUNT`, and
    gets none."""
    x = np.asarray(x, dtype=np.float64)
    low = np.flatnonzero(x <= 0)
    if len(x) < 5 or len(low) == 0 or len(low) > MAX_SHARE * (len(x) - 2):
        return np.zeros(0, dtype=np.int64)
    pos = x[x > 0]
    if float(pos.min()) < LOW_SHARE * float(np.median(pos)):
        return np.zeros(0, dtype=np.int64)
    if float(pos.min()) <= SMALL_COUNT and np.all(x == np.round(x)):  # small counts: a 0 is a count
        return np.zeros(0, dtype=np.int64)
    inner = low[(low > 0) & (low < len(x) - 1)]
    lone = inner[(x[inner - 1] > 0) & (x[inner + 1] > 0)]
    return lone.astype(np.int64) if len(lone) == len(low) else np.zeros(0, dtype=np.int64)


def find_spikes(y: np.ndarray, end: int, season: int | None) -> Spikes:
    """The spikes of ``y[:end]`` and what replaces each for training: the mean of its two
    neighbours, seasonal profile put back (see the module's notes for what counts)."""
    y = np.asarray(y, dtype=np.float64)
    end = int(min(max(end, 0), len(y)))
    x = y[:end]
    if end < 5 or not np.all(np.isfinite(x)):
        return Spikes()
    scores, xs = judged_scores(x, season)
    idx = np.union1d(np.flatnonzero(scores > SPIKE_SCORE), lone_non_positive(x))
    if len(idx) == 0 or len(idx) > MAX_SHARE * (end - 2):
        return Spikes()
    prof = x - xs
    new = (xs[idx - 1] + xs[idx + 1]) / 2.0 + prof[idx]
    if np.all(x > 0):  # a positive series stays positive (its logs may be taken)
        keep = new > 0
        idx, new = idx[keep], new[keep]
    return Spikes(index=idx.astype(np.int64), given=x[idx].copy(), replaced=new)


def replaced(y: np.ndarray, spikes: Spikes) -> np.ndarray:
    """``y`` (n,) with the spikes replaced (a copy; ``y`` itself when there are none)."""
    if not len(spikes):
        return y
    out = np.array(y, dtype=np.float64, copy=True)
    out[spikes.index] = spikes.replaced
    return out


def spikes_note(spikes: Spikes, index: pd.Index, test_start: int | None = None) -> str | None:
    """One or two sentences on the spikes replaced (None when none was): where (labels from the
    series' time ``index``), the values as given and as used. Those before ``test_start`` were
    replaced for training; those from it on (none when it is None), in the history the forecast
    past the end of the data starts from."""
    later = spikes.index >= (len(index) if test_start is None else test_start)
    before, after = spikes.where(~later), spikes.where(later)
    k, j = len(before), len(after)
    parts = []
    if k:
        parts.append(
            f"{k} lone spike{'s' if k > 1 else ''} before the test part ({listed(before, index)}) "
            f"{'were' if k > 1 else 'was'} replaced by the level of {'their' if k > 1 else 'its'} neighbours "
            "for training only; the metrics and charts use the data as given."
        )
    if j:
        parts.append(
            f"{j} lone spike{'s' if j > 1 else ''} in the test part ({listed(after, index)}) "
            f"{'were' if j > 1 else 'was'} replaced likewise in the history the forecast past the end of the "
            "data starts from; the test metrics score the data as given."
        )
    if not parts:
        return None
    # the control by the names it has (the page's Train → Advanced → Lone spikes or drops, the CLI's --outliers):
    # "Set outliers to keep" named neither
    return " ".join(parts) + (
        f" If {'they are' if k + j > 1 else 'it is'} real, keep {'them' if k + j > 1 else 'it'}: Train → Advanced → "
        "Lone spikes or drops → keep as given (command line: --outliers keep)."
    )


def listed(spikes: Spikes, index: pd.Index, filled: np.ndarray | None = None) -> str:
    """``2017-07-01: 2000 → 21.38; ...`` for the first three spikes (labels from the series' time
    ``index``; values as given → as the networks see them), then how many more. ``filled`` (bool
    (n,), the values the loader filled in): such a spike is a filled-in gap, and is named so."""

    def made(i: int) -> str:
        return " (filled in)" if filled is not None and 0 <= i < len(filled) and bool(filled[i]) else ""

    shown = [
        f"{_label(index, i)}{made(int(i))}: {_num(g)} → {_num(r)}"
        for i, g, r in zip(spikes.index[:3], spikes.given, spikes.replaced)
    ]
    more = f" and {len(spikes) - 3} more" if len(spikes) > 3 else ""
    return "; ".join(shown) + more


def _label(index: pd.Index, i: int) -> str:
    """A point's name: its date (and time, where the series has one), else its step."""
    v = index[int(i)]
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if v == v.normalize() else v.strftime("%Y-%m-%d %H:%M")
    return f"step {v}"


def _num(v: float) -> str:
    return f"{float(v):.4g}"
