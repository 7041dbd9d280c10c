"""How a series is represented for the network, chosen by a rolling-origin backtest.

No single representation wins on real series: logs and seasonal differences suit the
airline data, a removed seasonal profile suits monthly deaths, plain levels suit the lynx
cycle (measured on R's classic series, see ``benchmarks/bench_forecast.py``). So ``auto``
tries them on the data before the test part, never on the test part:

1. :func:`rank_transforms` scores every candidate by the *null forecast* it implies, i.e.
   what the network forecasts when it outputs zeros (the training mean of ``d``, or with
   window normalisation the window's mean), from several origins in the last stretch before
   the test part. This costs milliseconds and needs no training.
2. :func:`backtest` trains the recurrent network itself on the data before a cut-off for the
   best few candidates (:func:`shortlist`: the null ranking's best, and on a series long enough
   to rank, the best plain level representation too, whose null forecast says nothing of what a
   network makes of it) and scores its multi-step forecasts from origins after the cut-off.
   Where the backtest ranks, a differenced candidate is also scored with damped steps (its
   network's k-th step times ``damp ** (k - 1)``, :data:`DAMP_GRID`), as a damped trend: the
   forecast leans towards the naive or seasonal naive one at long horizons, and the damping is
   kept when it lowers the backtest error by over 3% (:data:`DAMP_GAIN`). Where it ranks, the
   best candidate anchored on each window's last value (NLinear's normalisation, whose null
   forecast is the naive one) is trained too, and stays only where it improves the mean of the
   kept candidates' backtest forecasts (:data:`LAST_ANCHOR`, :func:`combo_check`).
   Where it ranks and no candidate beat the naive and seasonal naive forecasts from those origins
   (:data:`NO_SKILL_RATIO`, :func:`no_skill`), only the candidates whose null forecast is one of
   those (differenced, or anchored on the last value) are kept, their steps damped over a longer
   grid as far as the backtest supports.
   The winner's out-of-sample residuals also calibrate the conformal intervals.

Every candidate is a :class:`~lstm_core.prep.Transform`; the forecast always comes from the
recurrent network. Seasonal profiles and means used here are normalisation, as in ES-RNN.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .baselines import naive_forecast, seasonal_naive_forecast
from .config import RunConfig
from .prep import (
    Transform,
    ewm_weights,
    profiles_before,
    seasonal_profile,
    split_points,
    window_anchor,
    window_line,
)

log = logging.getLogger(__name__)

#: Candidates kept for the network backtest after the null ranking.
#: (Measured with bench_forecast on 14 series: 3 -> multi-step 0.99x the best baseline, one-step
#: 1.16x the best statsforecast model; 5 -> 0.96x and 1.10x, airline 48-step 24 instead of 32.)
SHORTLIST = 5
#: Backtest networks train at most this many epochs, with at most this patience, from this
#: seed: their cost stays bounded whatever the run asks for, and the choice does not depend
#: on the run's seed.
BACKTEST_MAX_EPOCHS = 300
BACKTEST_PATIENCE = 10
BACKTEST_SEED = 0
#: Fewest training points before the backtest's cut-off for the network backtest to rank the
#: candidates; shorter series are ranked by their null forecasts alone.
MIN_BACKTEST_TRAIN = 40
#: Where the backtest cannot rank (a short series), it still screens: a shortlisted candidate
#: whose network's backtest RMSE is more than this many times the best candidate's is left out
#: of the combination (see :func:`screen`). Measured with bench_forecast, 13 real series, seeds
#: 0-2, on the six short ones: multi-step RMSE ÷ best baseline austres 1.83 -> 1.43,
#: UKgas 1.17 -> 1.11, Nile 0.99 -> 0.96, but JohnsonJohnson 1.15 -> 1.28; the others unchanged.
#: On the four short held-out series (bench_forecast --set holdout): nhtemp 2.22 -> 1.54,
#: discoveries 1.73 -> 1.48, the others unchanged. On the longer series, where the backtest
#: ranks, the same cut measured worse (airline 0.71 -> 1.63: the combination of all five wins).
SCREEN_RATIO = 1.5
#: Wherever the backtest runs, a candidate whose network's backtest RMSE is over this many times
#: that of the better of the naive and seasonal naive forecasts on the same origins and horizons
#: (:attr:`Backtest.reference`) is left out as well: a network that loses to the simplest
#: forecasts by that much has run off or learnt nothing. Closer calls among the longer series stay
#: in the combination, which beats the backtest's own pick there (airline: the best-scored
#: representation alone 1.80x the best baseline, all five 0.71x, with scores from 0.16x to
#: 0.60x the reference). Measured on ten held-out series (bench_forecast --set holdout, seeds
#: 0-2): monthly sunspots 5.59x -> 1.21x the best baseline (seed spread 2.09 -> 1.06), elnino's
#: seed spread 1.72 -> 1.02; the 14 suite series unchanged.
SKILL_RATIO = 2.0
#: Where the backtest ranks, a plain level representation (no differencing, no window mean) whose
#: network's backtest RMSE is over this many times the best candidate's is left out as well. Its
#: network maps the levels it trained on to the next ones and its paths fall back towards them:
#: right for a cycle (lynx: its level members score 1.05-1.11x the best and stay), wrong for a
#: series that wanders off (a random walk, a stock price), where the backtest already shows it
#: losing by more. Differenced and window-normalised representations keep no such limit (airline's
#: members score up to 3.8x the best, yet all five together beat the best alone on the test part).
#: Measured with ``benchmarks/bench_level_screen.py`` (seeds 0-2, multi-step RMSE ÷ best baseline):
#: Box & Jenkins' sales 1.54 -> 0.40, Google 1.49 -> 1.35, UKDriverDeaths 1.26 -> 1.16; no other
#: series of the three benchmark sets changed (their level members score 0.6-1.11x the best).
LEVEL_RATIO = 1.25


#: Per-step damping factors tried for a differenced representation where the backtest ranks
#: (1 = undamped, first; :attr:`lstm_core.prep.Transform.damp`); a stronger one is taken only
#: when it lowers the backtest RMSE below ``DAMP_GAIN`` times the best so far. The networks carry
#: on the trend of the data they saw, and over a long test span that trend often breaks (the
#: 1970s inflation in quarterly CPI, US electricity demand after 2008); where the data before the
#: test part already shows such breaks, the damped forecast scores better there. Measured with
#: bench_forecast, seeds 0-2, multi-step RMSE ÷ best baseline, geometric means: held-out set
#: 1.714 -> 1.504 (quarterly CPI 12.7 -> 2.7, real GDP 2.24 -> 3.00), fpp2 set 1.304 -> 1.281
#: (Australian beer's seed spread 1.73 -> 1.16; debit cards 1.78 -> 2.45), the suite
#: 0.918 -> 0.924 (airline 22.3 -> 22.8). With 0.9 in the grid too: fpp2 1.291 (debit cards
#: 2.76). With a gain of 1.0 (any improvement) instead of 0.97: suite 0.937 (airline 0.71 ->
#: 0.82 x its best baseline). Every differenced member damped by a fixed 0.98: suite 1.45 (co2
#: 0.71 -> 6.0).
DAMP_GRID = (1.0, 0.995, 0.98, 0.95)
DAMP_GAIN = 0.97
#: Also where the backtest does not rank (a short series), a differenced candidate kept by the
#: screen takes the damping of :data:`DAMP_GRID` its backtest network scored best with (the same
#: :data:`DAMP_GAIN` rule). False: short series' members are never damped.
SHORT_DAMP = False
#: Where the backtest ranks and even its best candidate's multi-step error is not below this many
#: times that of the better of the naive and seasonal naive forecasts on the same origins
#: (:attr:`Backtest.reference`), no network has shown skill over them before the test part: the
#: forecast is then made by the candidates whose null forecast is the naive or seasonal naive one
#: (differenced, or anchored on the window's last value: :func:`is_anchored_last`), their steps
#: damped as far as :data:`NO_SKILL_GRID` lets the backtest choose (:func:`no_skill`). ``math.inf``:
#: never (before session 35). Measured with ``benchmarks/bench_no_skill.py``.
NO_SKILL_RATIO = 1.0
#: The dampings :func:`no_skill` chooses from, with the same :data:`DAMP_GAIN` rule as
#: :data:`DAMP_GRID` (of which it is a longer version).
NO_SKILL_GRID = (1.0, 0.995, 0.98, 0.95, 0.9, 0.8)
#: A candidate that removes a seasonal profile forecasts each backtest origin with the profile of
#: the values before it, as the run's members do (:data:`lstm_core.combine.PROFILES` ``"origin"``);
#: False: the profile of the backtest's training part (before session 24).
ORIGIN_PROFILES = True
#: Where representations anchored on each window's last value (NLinear's normalisation,
#: :attr:`lstm_core.prep.Transform.window_last`) enter: ``"combo"`` (new runs, session 29) where
#: the backtest ranks, the best-ranked one by its null forecast (the naive one) joins the shortlist
#: as the best level representation does, and stays among those kept only where it improves the
#: mean of their backtest forecasts (:func:`combo_check`); ``"shortlist"`` the same without that
#: check, and on short series too; ``"candidates"`` ranked by their null forecasts with every
#: other candidate; ``"off"`` none (before session 29). Measured with
#: ``benchmarks/bench_last_anchor.py`` (87 series of the three sets and ``benchmarks/data``, seeds
#: 0-2, multi-step RMSE ÷ best baseline, ``"off"`` -> ``"combo"``, geometric means): fpp2 1.235 ->
#: 1.219, ``data/outside5`` 1.270 -> 1.185 (the weekly Dow Jones 1.56 -> 0.63), ``data/outside3``
#: 1.475 -> 1.360 (quarterly electricity 2.07 -> 1.19), the suite 0.944 -> 0.941, the held-out set
#: 1.386 -> 1.387, the other groups within 0.6%. ``"shortlist"`` lost airline (0.71 -> 1.10) and
#: R's ``WWWusage``-like short series (wmurders 0.91 -> 1.97); ``"candidates"`` lost quarterly
#: unemployment (0.97 -> 3.23): a network anchored on the last value still carries its offsets
#: block after block.
LAST_ANCHOR = "combo"
#: Representations anchored on each window's exponentially weighted mean
#: (:attr:`lstm_core.prep.Transform.window_alpha`, ES-RNN's normalisation by a smoothed level):
#: ``"candidates"`` ranked with every other candidate by their null forecast (simple exponential
#: smoothing inside the window), with the smoothing weight of :func:`smoothing_alpha` fitted on the
#: training part; ``"combo"`` where the backtest ranks, the best-ranked one joins the shortlist and
#: stays only where it improves the mean of the kept candidates' backtest forecasts, as
#: :data:`LAST_ANCHOR` ``"combo"`` does (none on short series); ``"mixed"`` ranked with the others
#: on short series and as ``"combo"`` where the backtest ranks; ``"off"`` none (new runs: measured
#: and not adopted in session 31). Measured with ``benchmarks/bench_smooth_anchor.py`` (87 series of
#: the three sets and ``benchmarks/data``, seeds 0-2, RMSE ÷ the best baseline, geometric means over
#: all of them, off / candidates / combo): multi-step 1.143 / 1.143 / 1.141, one step ahead 0.991 /
#: 0.989 / 0.990. Each trades gains for losses of the same size: ``"candidates"`` fpp2 1.219 ->
#: 1.192, marathon times 0.80 -> 0.58, but UK arrivals from Japan 1.18 -> 2.42 (the shortlist it
#: reorders left out a candidate that was kept) and the suite 0.941 -> 0.949; ``"combo"`` marathon
#: 0.80 -> 0.56, but quarterly gas 1.93 -> 2.25 and electricity 1.19 -> 1.41.
SMOOTH_ANCHOR = "off"
#: Representations anchored on each window's least-squares trend line
#: (:attr:`lstm_core.prep.Transform.window_trend`: a network that outputs zeros extrapolates the
#: window's local trend, as Holt's linear method does): ``"candidates"`` ranked with every other
#: candidate by their null forecasts; ``"combo"`` where the backtest ranks, the best-ranked one joins
#: the shortlist and stays only where it improves the mean of the kept candidates' backtest
#: forecasts (:func:`combo_check`), as :data:`LAST_ANCHOR` ``"combo"`` does; ``"off"`` none (new
#: runs: measured and not adopted in session 41). Where the backtest ranks, a trend-anchored
#: candidate is also scored with damped steps (:func:`is_damped_trend`). Measured with
#: ``benchmarks/bench_trend_anchor.py`` (121 series of the three sets and ``benchmarks/data``, seeds
#: 0-2, RMSE ÷ the best baseline, geometric means, off / combo / candidates): multi-step 1.165 /
#: 1.166 / 1.170, one step ahead 0.990 / 0.986 / 0.988. Gains and losses of the same size: ``"combo"``
#: fpp2's gas 4.16 -> 2.25 but debit cards 2.02 -> 2.31 and quarterly gas 1.93 -> 2.45;
#: ``"candidates"`` UKDriverDeaths 1.50 -> 0.99 but co2 0.31 -> 0.75. The networks' backtest on the
#: macro series where Holt-Winters wins ranked the trend-anchored one below the differenced ones
#: (quarterly real GDP: 863 against 243-470), whose drift is the training part's.
TREND_ANCHOR = "off"
#: How the backtest weighs its squared errors (:func:`backtest_rmse`): ``"pooled"``, every
#: (origin, horizon) pair alike, so that the short horizons, scored from more origins, weigh most;
#: ``"horizons"``, each horizon's mean alike, as the test span's multi-step RMSE from one origin
#: weighs its every step (measured and not adopted in session 42: ``benchmarks/bench_backtest_weights.py``,
#: 121 series, seeds 0-2, RMSE ÷ the best baseline, geometric means, pooled / horizons: multi-step
#: 1.171 / 1.198, one step ahead 0.990 / 0.991; fpp2 1.220 -> 1.195, quarterly gas 1.93 -> 1.71, but
#: weekly CO2 0.57 -> 1.53 and airline 0.71 -> 1.10, where the long horizons' errors made the ranking
#: prefer members whose short-horizon forecasts were worse).
BACKTEST_WEIGHTS = "pooled"
#: The smoothing weights :func:`smoothing_alpha` tries; a best one at either end is no candidate
#: (the window's mean or its last value is one already).
ALPHA_GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def backtest_rmse(squared: list[np.ndarray]) -> float:
    """The backtest's RMSE of squared errors grouped by horizon (entry k: those of the (k+1)-step
    forecasts), weighed as :data:`BACKTEST_WEIGHTS` says; inf where there are none."""
    groups = [np.asarray(e, dtype=np.float64) for e in squared if len(e)]
    if not groups:
        return math.inf
    if BACKTEST_WEIGHTS == "horizons":
        return float(np.sqrt(np.mean([float(np.mean(e)) for e in groups])))
    return float(np.sqrt(np.mean(np.concatenate(groups))))


@dataclass
class Scored:
    """A candidate representation and its backtest score (RMSE in original units, lower is better)."""

    transform: Transform
    score: float


@dataclass
class Backtest:
    """Result of :func:`backtest`.

    ``scores``: the trained candidates, best first. ``forecasts[name]``: that candidate's
    out-of-sample forecasts in original units grouped by horizon (entry k: the (k+1)-step
    forecasts from ``origins[:len(entry)]``); ``truth`` holds the matching true values.
    """

    scores: list[Scored] = field(default_factory=list)
    forecasts: dict[str, list[np.ndarray]] = field(default_factory=dict)
    truth: list[np.ndarray] = field(default_factory=list)
    origins: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cut: int = 0  # first origin of the backtest (the trained models saw only data before it)
    ranks: bool = True  # False: too little data before the cut-off to rank by; scores keep the shortlist's order
    #: RMSE (original units) of the better of the naive and seasonal naive forecasts on the same
    #: origins and horizons as the scores; inf when nothing was scored
    reference: float = math.inf
    #: ``damped[name]``: for a candidate anchored on the last value (:func:`is_anchored_last`) where
    #: the backtest ranks, its score and forecasts with each damping of :data:`NO_SKILL_GRID`
    #: (``{damp: (rmse, forecasts)}``), for :func:`no_skill`; ``name`` is that of its score
    damped: dict[str, dict[float, tuple[float, list[np.ndarray]]]] = field(default_factory=dict)

    def combined(self, names: list[str]) -> list[np.ndarray]:
        """The mean forecast (original units) of the named candidates that have forecasts, by
        horizon ([] when none has)."""
        names = [n for n in names if n in self.forecasts]
        if not names:
            return []
        return [np.mean([self.forecasts[n][k] for n in names], axis=0) for k in range(len(self.truth))]


#: The backtest forecasts at most this many steps ahead from at most this many origins (its
#: cost grows with the square of the span: a 200,000-point series would otherwise forecast
#: 44,666 steps from 44,666 origins). Shorter series (test part and a third of the data before
#: it both under this) are unaffected.
BACKTEST_MAX_SPAN = 1000


def backtest_span(test_start: int, test_len: int) -> int:
    """Length of the stretch before the test part that the backtest forecasts (at most
    :data:`BACKTEST_MAX_SPAN`)."""
    return int(max(4, min(test_len, test_start // 3, BACKTEST_MAX_SPAN)))


def can_rank(n: int, val_fraction: float, test_fraction: float) -> bool:
    """Whether a series of ``n`` points, split with these fractions, leaves the network
    backtest :data:`MIN_BACKTEST_TRAIN` training points before its cut-off, so that it can
    rank representations (the same test :func:`backtest` applies)."""
    _, test_start = split_points(n, val_fraction, test_fraction)
    cut = test_start - backtest_span(test_start, n - test_start)
    return _ranks(cut, _val_points(n, val_fraction))


def _val_points(n: int, val_fraction: float) -> int:
    """The validation part's length for a series of ``n`` points."""
    return max(0, int(round(n * val_fraction)))


def _ranks(cut: int, n_val: int) -> bool:
    """Whether the training points before the backtest's cut-off (the data before it less a
    validation part) are enough to rank networks by."""
    return cut - n_val >= MIN_BACKTEST_TRAIN


def is_anchored_last(tr: Transform) -> bool:
    """Whether ``tr``'s null forecast is the naive or seasonal naive one: a differenced
    representation, or one anchored on its window's last value (its network forecasts departures
    from the last value or season, and damping its steps leans its forecast towards those)."""
    return bool(tr.lag) or tr.window_last


def is_damped_trend(tr: Transform) -> bool:
    """Whether the backtest also scores ``tr`` with damped steps (:data:`DAMP_GRID`): a differenced
    representation or one anchored on its window's trend line (both carry a trend on)."""
    return bool(tr.lag) or tr.window_trend


def _damp_choice(grid: dict[float, tuple[float, list[np.ndarray]]]) -> tuple[float, float, list[np.ndarray]] | None:
    """(damp, rmse, forecasts) kept from ``grid`` ({damp: (rmse, forecasts)}): from the weakest
    damping on, a stronger one only where it lowers the best RMSE so far below :data:`DAMP_GAIN`
    times it; None for an empty grid."""
    best = None
    for damp in sorted(grid, reverse=True):
        rmse, groups = grid[damp]
        if best is None or rmse < best[1] * DAMP_GAIN:
            best = (damp, rmse, groups)
    return best


def no_skill(bt: Backtest | None, ratio: float | None = None) -> Backtest | None:
    """Where ``bt`` ranks and its best score is not below ``ratio`` (default :data:`NO_SKILL_RATIO`)
    times its reference (the naive and seasonal naive forecasts' error): a copy whose candidates
    anchored on the last value (:func:`is_anchored_last`) take the damping of :data:`NO_SKILL_GRID`
    their backtest supports (scores, names and forecasts updated, best first). The run then keeps
    only those (the others stay in the scores, for their one-step networks). None where the best
    candidate beat the reference, where nothing was scored, or where no candidate is so anchored.

    A network that forecast worse than the naive forecasts from every origin before the test part
    may still carry a trend it learnt from older data into a long forecast (monthly employment that
    fell for years, then levelled: the networks on the values less their window's mean forecast
    the fall on, 6x the seasonal naive error over 79 months). Its anchored candidates forecast
    departures from the last value or season, and damped they lean towards it further ahead."""
    ratio = NO_SKILL_RATIO if ratio is None else ratio
    if bt is None or not bt.ranks or not bt.scores or not math.isfinite(bt.reference) or not math.isfinite(ratio):
        return None
    if bt.scores[0].score < ratio * bt.reference:
        return None
    if not any(is_anchored_last(s.transform) and s.transform.name in bt.damped for s in bt.scores):
        return None
    scores, forecasts, damped = [], dict(bt.forecasts), {}
    for s in bt.scores:
        grid = bt.damped.get(s.transform.name)
        choice = _damp_choice(grid) if grid else None
        if grid is None or choice is None:
            scores.append(s)
            continue
        damp, rmse, groups = choice
        tr = replace(s.transform, damp=damp)
        forecasts.pop(s.transform.name, None)
        forecasts[tr.name] = groups
        damped[tr.name] = grid
        scores.append(Scored(tr, rmse))
    scores.sort(key=lambda s: s.score)
    return replace(bt, scores=scores, forecasts=forecasts, damped=damped)


def is_level(tr: Transform) -> bool:
    """Whether ``tr`` is a plain level representation: no differencing, no window mean."""
    return not tr.lag and not tr.window_norm


def screen(
    bt: Backtest,
    shortlist: list[Transform],
    ratio: float | None = None,
    skill: float | None = None,
    level_ratio: float = math.inf,
) -> list[Transform]:
    """``shortlist`` (order kept) less the candidates whose backtest network scored more than
    ``ratio`` (default :data:`SCREEN_RATIO`; ``math.inf``: no such limit) times the best score
    of ``bt``, or more than ``skill`` (default :data:`SKILL_RATIO`) times ``bt.reference``, and
    the level ones (:func:`is_level`) that scored more than ``level_ratio`` times the best.

    On a short series the backtest's scores are too noisy to choose one representation by, but
    one that misses by half again as much as the best is a poor member (say, a level
    representation of a series whose swings grow). On any series, one that loses to the naive
    forecasts by twice their error is broken. A candidate without a score (it could not be
    trained before the cut-off) is kept: nothing speaks against it. When every scored candidate
    fails, the best-scored one is kept."""
    ratio = SCREEN_RATIO if ratio is None else ratio
    skill = SKILL_RATIO if skill is None else skill
    scored = {s.transform.name: s.score for s in bt.scores if math.isfinite(s.score)}
    if not scored:
        return list(shortlist)
    best = min(scored.values())
    # (an infinite factor means no such limit, also when what it multiplies is 0)
    to_best = ratio * best if math.isfinite(ratio) else math.inf
    to_naive = skill * bt.reference if math.isfinite(skill) else math.inf
    limit = max(best, min(to_best, to_naive))  # the best one stays whatever the limits say
    to_level = level_ratio * best if math.isfinite(level_ratio) else math.inf
    level_limit = max(best, min(limit, to_level))
    return [tr for tr in shortlist if scored.get(tr.name, best) <= (level_limit if is_level(tr) else limit)]


#: With :data:`LAST_ANCHOR` ``"combo"``, a last-value representation among those kept stays only
#: where the mean of the kept candidates' backtest forecasts, with it, scores below this many times
#: the mean's score with it replaced by the next candidate that passed the screen (or without it).
COMBO_GAIN = 0.97


def is_anchored(tr: Transform) -> bool:
    """Whether ``tr`` is anchored on its window's last value, smoothed level or trend line (the
    candidates :func:`combo_check` judges)."""
    return tr.window_last or bool(tr.window_alpha) or tr.window_trend


def combo_check(
    bt: Backtest, kept: list[Transform], passed: list[Transform], smoothed: bool = False, trend: bool = False
) -> list[Transform]:
    """``kept`` (best first), or where it holds a last-value representation
    (:attr:`Transform.window_last`; with ``smoothed``, a smoothed-level one,
    :attr:`Transform.window_alpha`; with ``trend``, a trend-line one, :attr:`Transform.window_trend`)
    and the mean of the backtest forecasts of ``kept`` does not beat
    that of the others by :data:`COMBO_GAIN` (RMSE over every origin and horizon), the others and
    the best of ``passed`` (candidates that passed the screen, best first) that is in neither and
    is anchored on neither.

    A network anchored on its window's last value forecasts what departs from the naive forecast;
    where the data trend or cycle away from the last value the others carry more, and a member
    that makes their mean worse before the test part is left out of it."""
    anchor = "window_trend" if trend else "window_alpha" if smoothed else "window_last"

    def judged(tr: Transform) -> bool:
        return bool(getattr(tr, anchor))

    last = [tr for tr in kept if judged(tr)]
    if not last or not bt.truth:
        return kept
    names = {tr.name for tr in kept}
    others = [tr for tr in kept if not judged(tr)]
    others += [tr for tr in passed if tr.name not in names and not is_anchored(tr)][:1]

    def err(group: list[Transform]) -> float:
        comb = bt.combined([tr.name for tr in group])
        return backtest_rmse([(f - t) ** 2 for f, t in zip(comb, bt.truth)]) if comb else math.inf

    return kept if err(kept) < COMBO_GAIN * err(others) else others


def reference_rmse(y: np.ndarray, origins: np.ndarray, truth: list[np.ndarray], season: int | None) -> float:
    """RMSE of the better of the naive and seasonal naive forecasts (:mod:`lstm_core.baselines`)
    of ``truth`` (entry k: the values k+1 steps after ``origins[:len(entry)]``) from the history
    ``y`` before each origin; the seasonal one only with a season of 2 or more and a full season
    before the first origin; inf when there is nothing to score."""
    if not truth or not len(truth[0]):
        return math.inf
    m = int(season) if season and season >= 2 and origins[0] >= season else None
    naive, snaive = [], []  # squared errors by origin (entry j: the horizons scored from origins[j])
    for j, o in enumerate(origins[: len(truth[0])]):
        t = np.array([tk[j] for tk in truth if j < len(tk)])  # the horizons scored from this origin
        naive.append((t - naive_forecast(y[:o], len(t))) ** 2)
        if m:
            snaive.append((t - seasonal_naive_forecast(y[:o], len(t), m)) ** 2)

    def by_horizon(per_origin: list[np.ndarray]) -> list[np.ndarray]:
        """The same errors grouped by horizon, as :func:`backtest_rmse` reads them."""
        return [np.array([e[k] for e in per_origin if k < len(e)]) for k in range(len(truth))]

    return min(backtest_rmse(by_horizon(e)) for e in (naive, snaive) if e)


def smoothing_alpha(u: np.ndarray, look_back: int) -> float | None:
    """The weight of :data:`ALPHA_GRID` whose exponentially weighted mean of each window of
    ``look_back`` points of ``u`` (N,) forecasts the next point best (least squares), or None
    where the best is at either end of the grid or there are too few windows (under 8)."""
    u = np.asarray(u, dtype=np.float64)
    u = u[np.isfinite(u)]
    if len(u) - look_back < 8 or look_back < 2:
        return None
    win = np.lib.stride_tricks.sliding_window_view(u[:-1], look_back)  # (M, L): windows before each target
    target = u[look_back:]  # (M,)
    sse = [float(np.sum((target - win @ ewm_weights(look_back, a)) ** 2)) for a in ALPHA_GRID]
    best = int(np.argmin(sse))
    return ALPHA_GRID[best] if 0 < best < len(ALPHA_GRID) - 1 else None


def smoothing_alphas(
    y_train: np.ndarray, season: int | None, positive: bool, look_back: int
) -> dict[tuple[bool, int], float]:
    """:func:`smoothing_alpha` of the training part ``y_train`` for each (log, deseason) of the
    level candidates (:func:`candidates`), where it gives one (``{}`` with :data:`SMOOTH_ANCHOR` off)."""
    if SMOOTH_ANCHOR == "off":
        return {}
    y_train = np.asarray(y_train, dtype=np.float64)
    out = {}
    for tr in candidates(season, positive, len(y_train)):
        key = (tr.log, tr.deseason)
        if tr.lag or tr.window_norm or key in out:
            continue
        z = np.log(y_train) if tr.log else y_train
        prof = seasonal_profile(z, tr.deseason) if tr.deseason else None
        u = z - prof[np.arange(len(z)) % len(prof)] if prof is not None else z
        alpha = smoothing_alpha(u, look_back)
        if alpha is not None:
            out[key] = alpha
    return out


#: Beyond the two seasons a seasonal profile needs, the training points a seasonal candidate needs:
#: a season's worth, at most this many (a long season, 52 weeks or a day of 96 quarter hours, on a
#: series of a few seasons, still gets seasonal candidates).
SEASONAL_MARGIN = 24


def seasonal_points(m: int) -> int:
    """The fewest training points for the seasonal candidates of a series of season ``m``:
    two seasons and two points for its profile, then ``min(m, SEASONAL_MARGIN)``."""
    return 2 * m + 2 + min(m, SEASONAL_MARGIN)


#: Whether the difference at the season's lag is tried from :func:`seasonal_lag_points` on, before
#: the profile's candidates are (session 32, ``benchmarks/bench_seasonal_margin.py --compare lag``:
#: 22 windows of real weekly and half-hourly series that short, multi-step 1.686 -> 1.282 and one
#: step ahead 1.256 -> 1.120 times the best baseline; weekly CO2 3.09 -> 1.04, but the weekly Dow
#: Jones 1.47 -> 1.69 and US gas prices 1.31 -> 1.51, whose calendar season holds little).
SEASONAL_LAG_EARLY = True


def seasonal_lag_points(m: int) -> int:
    """The fewest training points for the difference at the season's lag alone: a season and
    two points, then twice ``min(m, SEASONAL_MARGIN)`` (for seasons up to 24, as many as
    :func:`seasonal_points`)."""
    return m + 2 + 2 * min(m, SEASONAL_MARGIN)


#: On a series of fewer than three seasons (only long seasons get seasonal candidates there, see
#: :func:`seasonal_points`), the seasonal candidates stay only where one of them forecast better
#: than every other by its null forecast: the calendar's season may hold little (a weekly stock
#: index), and so few seasons cannot show it otherwise. Session 32, ``benchmarks/bench_seasonal_margin.py
#: --compare evidence`` (the 44 windows of the other two comparisons): multi-step 1.290 -> 1.238 and
#: one step ahead 1.104 -> 1.107 times the best baseline; the weekly Dow Jones 1.58 -> 1.33 and US gas
#: prices 1.43 -> 1.31, US gasoline 1.01 -> 1.05; weekly CO2 and the half-hourly demand unchanged.
#: Measured on the windows whose losses it was made for; held out, with the two rules above
#: (``--compare held-out``: R's half-hourly ``taylor`` demand, fpp2's weekly ``melsyd``, the S&P 500's
#: weekly volume, 14 windows), multi-step 1.850 -> 1.163 and one-step 1.150 -> 1.063 against none.
SEASONAL_EVIDENCE = True


def uses_season(tr: Transform) -> bool:
    """Whether a representation removes a seasonal profile or differences at the season's lag."""
    return bool(tr.deseason) or tr.lag > 1


def seasonal_evidence(scored: list[Scored]) -> list[Scored]:
    """``scored`` (the null ranking, best first) less its seasonal candidates unless the best of
    them ranks first (:data:`SEASONAL_EVIDENCE`)."""
    if not scored or uses_season(scored[0].transform):
        return scored
    return [s for s in scored if not uses_season(s.transform)] or scored


def candidates(
    season: int | None, positive: bool, n_train: int, alphas: dict[tuple[bool, int], float] | None = None
) -> list[Transform]:
    """Every representation worth trying for a series with this season and sign; ``alphas``
    (:func:`smoothing_alphas`) adds a level candidate anchored on each window's smoothed level
    for each (log, deseason) it holds."""
    m = int(season) if season and season >= 2 else 0
    alphas = alphas or {}
    shapes: list[tuple[int, int]] = [(0, 0), (0, 1)]  # (deseason, lag)
    if m and n_train >= seasonal_points(m):
        shapes += [(m, 0), (m, 1), (0, m)]
    elif m and SEASONAL_LAG_EARLY and n_train >= seasonal_lag_points(m):
        shapes += [(0, m)]  # a difference at the season needs no profile: one season and the margin twice
    out = []
    for log_on in [False, True] if positive else [False]:
        for deseason, lag in shapes:
            for norm in (False, True):
                out.append(Transform(log=log_on, lag=lag, deseason=deseason, window_norm=norm))
            if not lag and LAST_ANCHOR != "off":
                out.append(Transform(log=log_on, deseason=deseason, window_norm=True, window_last=True))
            if not lag and TREND_ANCHOR != "off":
                out.append(Transform(log=log_on, deseason=deseason, window_norm=True, window_trend=True))
            if not lag and (log_on, deseason) in alphas:
                alpha = alphas[(log_on, deseason)]
                out.append(Transform(log=log_on, deseason=deseason, window_norm=True, window_alpha=alpha))
    return out


def null_forecast(
    y: np.ndarray, tr: Transform, fit_end: int, origin: int, steps: int, look_back: int, horizon: int = 1
) -> np.ndarray:
    """The forecast (steps,) in original units that ``tr`` implies when the network outputs
    zeros, from history ``y[:origin]``, with profiles and means fitted on ``y[:fit_end]``.

    Zero outputs mean the training mean of ``d`` (the scaler's centre), or with window
    normalisation the mean of ``d`` over the current window, held for a block of
    ``horizon`` outputs and fed back, exactly as :func:`lstm_core.forecast.recursive_z` does.
    """
    z = np.log(y[:origin]) if tr.log else np.asarray(y[:origin], dtype=np.float64)
    prof = seasonal_profile(z[:fit_end], tr.deseason) if tr.deseason else None
    seas = (lambda t: prof[np.asarray(t) % len(prof)]) if prof is not None else (lambda t: 0.0)
    u = z - seas(np.arange(origin))
    lag = tr.lag
    d = list(u[lag:] - u[:-lag] if lag else u)
    centre = float(np.mean(d[: max(fit_end - lag, 1)]))
    hist = list(u)
    out = np.empty(steps)
    h = max(int(horizon), 1)
    slope = 0.0  # per step, within a block: a trend-anchored window's line carried on (else 0)
    for k in range(steps):
        if k % h == 0:
            w = np.asarray(d[-look_back:])[None]
            if tr.window_trend:
                level, slopes = window_line(w)
                base, slope = float(level[0]), float(slopes[0])
            else:
                base = float(window_anchor(tr, w)[0]) if tr.window_norm else centre
        step = base + slope * (k % h + 1)
        val = (hist[-lag] if lag else 0.0) + step
        hist.append(val)
        d.append(step)
        out[k] = val
    zf = out + seas(np.arange(origin, origin + steps))
    return np.exp(np.clip(zf, -700, 700)) if tr.log else zf


def rank_transforms(
    y_hist: np.ndarray, train_end: int, season: int | None, positive: bool, look_back: int, horizon: int = 1
) -> list[Scored]:
    """Candidates sorted by the backtest error of their null forecasts over ``y_hist``
    (the data before the test part); ties keep the simpler candidate first."""
    y_hist = np.asarray(y_hist, dtype=np.float64)
    ts = len(y_hist)
    span = backtest_span(ts, ts)
    origins = sorted({ts - span + int(j * span / 4) for j in range(3)})
    scored = []
    alphas = smoothing_alphas(y_hist[:train_end], season, positive, look_back)
    for tr in candidates(season, positive, train_end, alphas):
        errs = []
        for o in origins:
            fit_end = min(train_end, o)
            if o - max(tr.lag, 1) < look_back + 2 or (tr.deseason and fit_end < 2 * tr.deseason + 2):
                continue
            fc = null_forecast(y_hist, tr, fit_end, o, ts - o, look_back, horizon)
            if np.all(np.isfinite(fc)):
                errs.append(float(np.sqrt(np.mean((y_hist[o:] - fc) ** 2))))
        if errs:
            scored.append(Scored(tr, float(np.mean(errs))))
    if not scored:
        return [Scored(Transform(reason="auto: too few points to compare representations"), math.inf)]
    scored.sort(key=lambda s: s.score)
    if SEASONAL_EVIDENCE and season and train_end < 3 * int(season) + 2:
        scored = seasonal_evidence(scored)
    best = scored[0]
    best.transform = replace(best.transform, reason="auto: " + describe_choice(best.transform))
    return scored


def null_order(ranked: list[Scored], ranks: bool, series_ranks: bool | None = None) -> list[Scored]:
    """``ranked`` (the null ranking) as the shortlist takes it where the backtest ranks
    (``ranks``) or not: without the last-value candidates unless :data:`LAST_ANCHOR` ranks them
    with the others (``"candidates"``; ``"shortlist"`` on a short series), and without the
    smoothed-level ones unless :data:`SMOOTH_ANCHOR` ranks them with the others on a series where
    the backtest ranks (``series_ranks``, default ``ranks``) or not."""
    series_ranks = ranks if series_ranks is None else series_ranks
    mixed = LAST_ANCHOR == "candidates" or (LAST_ANCHOR == "shortlist" and not ranks)
    smooth = SMOOTH_ANCHOR == "candidates" or (SMOOTH_ANCHOR == "mixed" and not series_ranks)
    trend = TREND_ANCHOR == "candidates"
    return [
        s
        for s in ranked
        if (mixed or not s.transform.window_last)
        and (smooth or not s.transform.window_alpha)
        and (trend or not s.transform.window_trend)
    ]


def shortlist(ranked: list[Scored], ranks: bool, k: int = SHORTLIST) -> list[Transform]:
    """The candidates the network backtest trains: the first ``k`` of ``ranked`` (the null
    ranking), and where the backtest will rank them (``ranks``), also the best-ranked plain level
    representation (no difference, no window mean) when it is not among them.

    A level representation's null forecast is the training mean (a level that never moves), so
    the null ranking puts it last on any series that wanders, though a network on levels learns
    the level and the season and need not extrapolate a trend that the data then breaks
    (Australian beer, fpp2 ``ausbeer``: ranked 15th and 16th of 20 by their null forecasts, 1st
    and 2nd by their networks' backtest). The backtest's networks judge it instead. The best
    last-value candidate is added the same way (see :data:`LAST_ANCHOR`; with ``"combo"`` only
    where the backtest ranks): its null forecast, the naive one, says nothing of its network."""
    out = [s.transform for s in null_order(ranked, True, ranks)[:k]]
    last = next((s.transform for s in ranked if s.transform.window_last), None)
    if last is not None and (LAST_ANCHOR == "shortlist" or (LAST_ANCHOR == "combo" and ranks)):
        out.append(last)
    smooth = next((s.transform for s in ranked if s.transform.window_alpha), None)
    if smooth is not None and ranks and SMOOTH_ANCHOR in ("combo", "mixed") and smooth not in out:
        out.append(smooth)
    trend = next((s.transform for s in ranked if s.transform.window_trend), None)
    if trend is not None and ranks and TREND_ANCHOR == "combo" and trend not in out:
        out.append(trend)
    if ranks:
        level = next((s.transform for s in ranked if is_level(s.transform)), None)
        if level is not None and all(level.name != t.name for t in out):
            out.append(level)
    return out


def describe_choice(tr: Transform) -> str:
    """Why-sentence for a chosen representation."""
    return f"{tr.name}, the best of the candidates in a rolling-origin backtest before the test part"


def backtest(
    frame: pd.DataFrame,
    cfg: RunConfig,
    season: int | None,
    shortlist: list[Transform],
    test_start: int,
    test_len: int,
    train_one,
    stop: threading.Event | None = None,
) -> Backtest:
    """Train the network on the data before a cut-off for each shortlisted candidate and
    score its multi-step forecasts from every origin between the cut-off and the test part
    (RMSE in original units over all those forecasts).

    ``train_one(frame, cfg, transform) -> (model, prep)`` trains one network (injected by the
    pipeline so this module does not depend on it). Returns the scores and every candidate's
    forecasts; an empty result when the data before the test part is too short. Where the
    backtest ranks, a differenced candidate's network is also scored with each damping of
    :data:`DAMP_GRID` (no training: the same network, its steps damped); its score, forecasts
    and transform (``damp`` set) are those of the damping kept.
    """
    from .forecast import recursive_z

    span = backtest_span(test_start, test_len)
    sub = frame.iloc[:test_start]
    n_sub = len(sub)
    cut = n_sub - span
    n_val = _val_points(len(frame), cfg.data.val_fraction)
    c = RunConfig.from_dict(cfg.to_dict())
    c.data.season = season  # resolved on the whole training part, not re-detected on the shorter one
    c.data.test_fraction = span / n_sub
    c.data.val_fraction = min(n_val / n_sub, 0.85 - c.data.test_fraction)
    c.train.ensemble = 1
    c.train.record_gates = False
    c.train.seed = BACKTEST_SEED  # the choice depends on the data and split, not on the run's seed
    c.train.epochs = min(c.train.epochs, BACKTEST_MAX_EPOCHS)
    c.train.patience = min(c.train.patience or BACKTEST_PATIENCE, BACKTEST_PATIENCE)
    # With little data before the cut-off the networks still give out-of-sample residuals for
    # the intervals (wider, if anything), but their scores are too noisy to rank by.
    result = Backtest(cut=cut, ranks=_ranks(cut, n_val))
    for tr in shortlist:
        if stop is not None and stop.is_set():
            break
        try:
            model, prep = train_one(sub, RunConfig.from_dict(c.to_dict()), tr)
        except Exception as exc:  # noqa: BLE001 - one candidate that cannot be trained voids the comparison
            if result.ranks:
                log.info("backtest stopped: candidate %s could not be trained (%s)", tr.name, exc)
                return Backtest(cut=cut)
            # not a ranking: the others' residuals still calibrate the intervals (on a short
            # series the last candidate often needs more points before the cut-off than there are)
            log.info("backtest: candidate %s could not be trained (%s); calibrating without it", tr.name, exc)
            continue
        origins = np.arange(prep.test_start, n_sub)
        if len(origins) == 0 or prep.test_start - prep.offset - prep.cfg.look_back < 0:
            continue
        if len(result.origins) and not np.array_equal(origins, result.origins):
            continue  # the split rounded differently: not comparable
        inside = [origins + k < n_sub for k in range(span)]  # entry k: origins whose k+1-step target is scored
        truth = [prep.y[origins[ok] + k] for k, ok in enumerate(inside)]
        best: tuple[float, Transform, list[np.ndarray]] | None = None
        # where the backtest ranks, a differenced representation is also scored with damped steps
        grid = DAMP_GRID if ((result.ranks or SHORT_DAMP) and is_damped_trend(tr)) else (1.0,)
        # and every one anchored on the last value with the longer grid, for no_skill (not chosen here)
        longer = NO_SKILL_GRID if (result.ranks and is_anchored_last(tr) and math.isfinite(NO_SKILL_RATIO)) else ()
        extra: dict[float, tuple[float, list[np.ndarray]]] = {}
        for damp in dict.fromkeys(grid + longer):
            trd = replace(tr, damp=damp)
            damped = replace(prep, transform=trd) if damp != prep.transform.damp else prep
            profiles = profiles_before(damped, origins) if ORIGIN_PROFILES else None
            yf = damped.y_from_z(recursive_z(model, damped, origins, span, profiles))  # (M, span)
            groups = [yf[ok, k] for k, ok in enumerate(inside)]
            squared = [(t - f) ** 2 for t, f in zip(truth, groups)]
            errs = np.concatenate(squared)
            if len(errs) == 0 or not np.all(np.isfinite(errs)):
                continue
            rmse = backtest_rmse(squared)
            if damp in longer:
                extra[damp] = (rmse, groups)
            if damp in grid and (best is None or rmse < best[0] * DAMP_GAIN):
                best = (rmse, trd, groups)
        if best is None:
            continue
        rmse, trd, groups = best
        if extra:
            result.damped[trd.name] = extra
        result.origins, result.truth = origins, truth
        if not math.isfinite(result.reference):
            result.reference = reference_rmse(prep.y, origins, truth, season)
        result.forecasts[trd.name] = groups
        result.scores.append(Scored(trd, rmse))
    if result.ranks:
        result.scores.sort(key=lambda s: s.score)
    return result
