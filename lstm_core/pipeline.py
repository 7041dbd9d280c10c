"""One experiment end to end: data + RunConfig -> trained model -> predictions and metrics.

A :class:`Run` is the one object the pages, the command line and saved run directories
share. Every number in ``Run.metrics`` is in original units, on the same test points for
the model and the baselines.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import torch

from . import forecast as fc
from . import strategy, threads
from .baselines import multistep_baselines, multistep_forecast, one_step_baselines
from .callbacks import Callbacks, Stopped, stop_checks
from .combine import Combination, Member
from .config import ConfigError, ModelConfig, RunConfig
from .data.frequency import longer_season, weekly_season
from .data.series import Series, as_series
from .gates import GateRecorder
from .metrics import compute_metrics
from .model import Ensemble, Forecaster, empty_forecaster, pack
from .outliers import spikes_note
from .prep import (
    Prepared,
    Transform,
    auto_horizon,
    fit_values,
    fitted_look_back,
    future_spikes,
    one_step_targets,
    prepare,
    resolve_target,
    split_points,
)
from .results import Coverage, Guards, RunInfo, RunMetrics, Scores
from .strategy import (
    LEVEL_RATIO,
    SCREEN_RATIO,
    SHORTLIST,
    SKILL_RATIO,
    Backtest,
    backtest,
    can_rank,
    combo_check,
    is_level,
    null_order,
    rank_transforms,
    screen,
    shortlist,
)
from .train import (
    EpochStats,
    FitResult,
    FitStatus,
    Trainer,
    TrainingDiverged,
    device_label,
    resolve_device,
    seed_everything,
)

log = logging.getLogger(__name__)

#: Seed offset between ensemble members: member k trains with ``seed + k * MEMBER_SEED_STEP``.
MEMBER_SEED_STEP = 1000

#: On a series too short for the backtest to rank (two horizons per representation, see
#: :func:`run_horizons`) with ``ensemble`` left to auto, extra networks of one output per window
#: that see this share of the run's look_back (12 -> 6), as many per representation as it has
#: one-output networks, join the one-step predictions (weighted by validation error with the
#: others) and are left out of the multi-step forecast and its intervals
#: (:attr:`lstm_core.combine.Member.one_step_only`). Fewer inputs fit the few windows of such a
#: series better one step ahead on most short series here. Measured offline on the same fits
#: (``benchmarks/bench_short_lookback.py``, seeds 0-2, the short series of each set, one-step RMSE
#: ÷ best statsforecast model, geometric mean; suite / held-out / fpp2): the forecast's networks
#: alone 1.125 / 1.319 / 1.534, with these 1.101 / 1.238 / 1.361, these alone 1.079 / 1.146 /
#: 1.313. These alone lost badly on a series outside the sets (WWWusage, 100 points: 1.49x ->
#: 2.40x Holt's one-step error; with the others 1.41x), and the validation part did not tell
#: when, so they join rather than replace. In the multi-step paths instead of the full-window
#: one-output networks they moved the multi-step error by more than its seed noise both ways
#: (1.049 -> 0.957 / 0.960, 1.439 -> 1.426 / 1.494, 1.322 -> 1.372).
ONE_STEP_LOOK_BACK = 0.5


def one_step_look_back(look_back: int) -> int:
    """The window of the one-step networks of a short series (:data:`ONE_STEP_LOOK_BACK`)."""
    return max(1, int(round(look_back * ONE_STEP_LOOK_BACK)))


def one_step_networks(cfg: RunConfig, horizons: list[int | None], variants: list, k_nets: int) -> list[int]:
    """How many one-step-only networks each of ``variants`` (representation, horizon) gets: as
    many as its own networks (network k on variant k mod V) for a one-output variant of a run with
    two horizons and ``ensemble`` left to auto, else 0."""
    if cfg.train.ensemble is not None or len(horizons) < 2:
        return [0] * len(variants)
    counts = [len(range(r, k_nets, len(variants))) for r in range(len(variants))]
    return [c if h == 1 else 0 for (_, h), c in zip(variants, counts)]


def one_step_specialist(bt: Backtest | None, kept: list[Transform]) -> Transform | None:
    """On a series too short for the backtest to rank representations: the candidate whose
    backtest network's one-step forecasts (horizon 1, every origin) scored best, where it is not
    among the ``kept`` representations (those are chosen for the multi-step forecast); None
    otherwise. Its one-step networks join the others' one step ahead, weighed in by validation
    error like them."""
    if bt is None or bt.ranks or not bt.truth or not len(bt.truth[0]):
        return None
    h1 = {
        name: float(np.sqrt(np.mean((f[0] - bt.truth[0]) ** 2)))
        for name, f in bt.forecasts.items()
        if f and len(f[0]) == len(bt.truth[0])
    }
    h1 = {k: v for k, v in h1.items() if math.isfinite(v)}
    if not h1:
        return None
    best = min(h1, key=h1.__getitem__)
    if best in {t.name for t in kept}:
        return None
    return next((s.transform for s in bt.scores if s.transform.name == best), None)


#: On a series too short for the backtest to rank, the candidates the screen left out of the
#: forecast (:func:`lstm_core.strategy.screen`: their backtest networks missed the multi-step
#: forecast by far) still get one-step networks (:func:`screened_one_step`), weighed by their
#: errors so far like the others; they take no part in the forecast ahead. The screen judges
#: networks trained on a few dozen points on their multi-step forecasts; it had left fpp2's
#: souvenir sales without its only log representation, and one step ahead its networks on the
#: values scored 2.5x Holt-Winters' error. Measured with ``benchmarks/bench_screened_one_step.py``
#: (session 30) on the 33 short series of the three sets and ``benchmarks/data``, seeds 0-2,
#: one-step RMSE ÷ best baseline by group (geometric means): outside4 1.350 -> 1.188 (souvenirs
#: 2.56 -> 1.54), short_outside2 1.108 -> 1.049 (mens400 1.49 -> 1.22), held-out 1.003 -> 0.996,
#: fpp2 1.172 -> 1.170, outside5 1.043 -> 1.034, the suite 0.985 -> 0.984, short_outside 0.942 ->
#: 0.943; no multi-step forecast moves.
SCREENED_ONE_STEP = True


def _not_kept(bt: Backtest, kept: list[Transform]) -> list[Transform]:
    """The candidates ``bt`` trained that are not among the ``kept`` representations, in its order."""
    names = {t.name for t in kept}
    return [s.transform for s in bt.scores if s.transform.name not in names]


def screened_one_step(bt: Backtest | None, kept: list[Transform]) -> list[Transform]:
    """With :data:`SCREENED_ONE_STEP`, on a series too short for the backtest to rank: the
    candidates of ``bt`` that are not among the ``kept`` representations (best first by the null
    ranking); else none."""
    if not SCREENED_ONE_STEP or bt is None or bt.ranks:
        return []
    return _not_kept(bt, kept)


#: Where the backtest ranks, each candidate it trained and the run left out (screened, or a
#: last-value one that did not help the others' mean) gets this many one-output networks for the
#: one-step predictions (:func:`ranked_left_out`), weighed by their errors so far like the others;
#: they take no part in the forecast ahead; not on series over ``TrainConfig.AUTO_ENSEMBLE_POINTS``
#: points (weekly CO2's training time went 11 -> 19 s with them, its one-step error 0.933 -> 0.935
#: the best baseline's; the seven such series of the sets and folders gained nothing). 0: none.
#: Measured with
#: ``benchmarks/bench_ranked_one_step.py`` (session 30) on the 54 series of the three sets and
#: ``benchmarks/data`` where the backtest ranks, seeds 0-2, one-step RMSE ÷ best baseline by group
#: (geometric means): fpp2 1.001 -> 0.985 (elecequip 1.018 -> 0.984, debit cards 1.007 -> 0.971),
#: held-out 0.984 -> 0.977 (quarterly unemployment 1.038 -> 1.008), outside4 1.019 -> 0.992
#: (arrivals from Japan 1.083 -> 0.964), outside3 1.000 -> 0.988, the suite 0.851 -> 0.850; losses
#: on data/range 0.979 -> 0.983, outside5 0.952 -> 0.956 and a synthetic step 1.101 -> 1.142
#: (airline 0.776 -> 0.789); no multi-step forecast moves. Level candidates (no difference, no
#: window mean) get none: with them every group measured the same (within 0.3%), and their
#: networks train longest (airline's 79 epochs, 0.4 s of its 2.4 s).
RANKED_ONE_STEP = 1


def ranked_left_out(bt: Backtest | None, kept: list[Transform]) -> list[Transform]:
    """With :data:`RANKED_ONE_STEP`, where the backtest ranks: the candidates of ``bt`` that are not
    among the ``kept`` representations (best first by their backtest scores), less the level ones
    (:func:`lstm_core.strategy.is_level`); else none."""
    if not RANKED_ONE_STEP or bt is None or not bt.ranks:
        return []
    return [tr for tr in _not_kept(bt, kept) if not is_level(tr)]


#: On a series too short for the backtest to rank, one-step networks on the best representation's
#: logs and seasonal profile anchored on each window's last value (:func:`last_value_one_step`;
#: session 29). Measured with ``benchmarks/bench_last_one_step.py`` on the 33 such series of the
#: three sets and ``benchmarks/data``, seeds 0-2, one-step RMSE ÷ best baseline by group
#: (geometric means): fpp2 1.294 -> 1.172 (wmurders 1.55 -> 1.28, euretail 1.30 -> 1.21), held-out
#: 1.015 -> 1.003, outside5 1.074 -> 1.043 (Dutch motorcycles 1.21 -> 1.12), the suite 0.984 ->
#: 0.985, outside4 1.345 -> 1.350 (souvenirs 2.51 -> 2.56); no multi-step forecast moves.
LAST_ONE_STEP = True


def last_value_one_step(reps: list[Transform]) -> Transform | None:
    """With :data:`LAST_ONE_STEP`, the representation of extra one-step networks for a short
    series (``reps``: those kept, best first): the first one's logs and seasonal profile, anchored
    on each window's last value; None where one kept is so anchored already, or without any."""
    if not LAST_ONE_STEP or not reps or any(tr.window_last for tr in reps):
        return None
    return Transform(
        log=reps[0].log, deseason=reps[0].deseason, window_norm=True, window_last=True, reason="one-step networks"
    )


#: The standby network's representation and when a run gets one (see :func:`standby_transform`):
#: ``"steps"`` (new runs, session 20) the first differences of the kept representations' values,
#: made where none of them is differenced at lag 1; ``"difference"`` (session 18-19 runs) the same
#: network, made only where none of them is differenced at all; ``"window_mean"`` (sessions 16-17)
#: the values less each window's mean. And how new runs weigh their members one step ahead
#: (:data:`lstm_core.combine.ONE_STEP`): ``"online"``, the standby takes the share of every level
#: member that left its training range at a point, and over the test part the weights follow the
#: members' errors at the points before (session 23; ``"stand-in"`` in sessions 18-22).
STANDBY = "steps"
ONE_STEP_MODE = "online"
#: How new runs' deseasonalised members estimate their seasonal profile at a forecast origin
#: (:data:`lstm_core.combine.PROFILES`): from all the values before it (session 24).
PROFILE_MODE = "origin"
#: How new runs combine their networks' multi-step paths (:data:`lstm_core.combine.PATHS`): a level
#: member whose window at the origin lies past its training range is left out there (session 36).
PATH_MODE = "ranged"


def standby_transform(reps: list[Transform], season: int | None, train_end: int) -> Transform | None:
    """The representation of a run's standby network (:attr:`lstm_core.combine.Member.standby`),
    or None when it needs none. The caller asks only for ``transform="auto"`` with ``ensemble``
    left to auto.

    With :data:`STANDBY` ``"steps"``: a standby is made when no representation that gets
    networks (``reps``, best first) is differenced at lag 1. It takes the first one's logs and the
    season's profile where the training part holds three seasons and more, and differences at lag
    1: its network sees steps, so one step ahead it follows a level shift or a trend at once, where
    a network on the levels cannot leave the range it trained on and one on the values less their
    window's mean lags by about a window. A network on seasonal differences (lag = the season)
    predicts the change since a season ago, whose noise is that of two readings: on weekly CO2 all
    three kept representations were such, and one step ahead they did worse than the naive
    forecast (0.545 against 0.521); with the standby 0.476 (``benchmarks/bench_steps_standby.py``).
    It is weighed in by validation error like the others, and takes the share of the level members
    the range guard leaves out (:data:`lstm_core.combine.ONE_STEP` ``"stand-in"``;
    ``benchmarks/bench_standby.py``). With ``"difference"`` (runs of sessions 18-19) it is made
    only where no representation is differenced at all.

    With ``"window_mean"`` (runs of sessions 16-17): made when every representation is a level
    one, on the values less each window's mean (measured on a daily series with a weekly cycle and
    a slow trend, 1,062 points, not in the sets, whose three representations were all levels:
    one-step RMSE 5.45 -> 4.06, Holt-Winters 3.78; ``benchmarks/bench_range_guard.py``)."""
    if not reps:
        return None
    m = int(season) if season and season >= 2 and train_end >= 3 * season + 2 else 0
    if STANDBY == "window_mean":
        if not all(is_level(tr) for tr in reps):
            return None
        return Transform(log=reps[0].log, deseason=m, window_norm=True, reason="standby for the one-step predictions")
    if any(tr.lag == 1 for tr in reps) or (STANDBY == "difference" and any(tr.lag for tr in reps)):
        return None
    return Transform(log=reps[0].log, deseason=m, lag=1, reason="standby for the one-step predictions")


#: Intervals are calibrated for horizons up to this many steps; beyond, the last width grows as
#: :data:`INTERVAL_GROWTH` says.
MAX_CALIBRATED_STEPS = 120
COVERAGE_LEVEL = 0.9
#: How the widths grow past the last calibrated horizon K: ``"sqrt"`` like sqrt(k / K) (a random
#: walk's; the default), ``"fitted"`` like (k / K) ** b with b the slope of log width on log horizon
#: over the calibrated horizons' second half, held between 0 (a stationary series' errors stop
#: growing) and 0.5. Hourly temperatures of 12-58 °F forecast 3,600 hours ahead got a band reaching
#: 1,015 °F from the square root; ``"fitted"`` was measured (``benchmarks/bench_interval_growth.py``)
#: and not adopted: the test span's coverage fell where the errors keep growing past the calibrated
#: horizons at a slower pace than before them (monthly sunspots 0.96 -> 0.79, gasoline 0.36 -> 0.23,
#: the mark-pound rate 0.90 -> 0.69) and rose nowhere.
INTERVAL_GROWTH = ("sqrt", "fitted")
#: Fewest calibrated horizons to fit the growth on; fewer grow like the square root.
MIN_GROWTH_FIT = 8


def growth_exponent(q: np.ndarray) -> float:
    """b of ``"fitted"`` growth (:data:`INTERVAL_GROWTH`) for calibrated half-widths ``q`` (m,)."""
    q = np.asarray(q, dtype=np.float64)
    k = np.arange(1, len(q) + 1)
    late = k >= len(q) / 2
    if len(q) < MIN_GROWTH_FIT or not np.all(q[late] > 0):
        return 0.5
    return round(float(np.clip(np.polyfit(np.log(k[late]), np.log(q[late]), 1)[0], 0.0, 0.5)), 3)


def _growth_words(q: np.ndarray, growth: str) -> str:
    """What the widths do past calibration, for the coverage note: ``grow with the square root of the
    steps ahead``, ``grow with the steps ahead to the power 0.21``, or ``stay at the last width``
    ("grow like sqrt(k)" named a k nobody was told of)."""
    b = growth_exponent(q) if growth == "fitted" else 0.5
    if b == 0.5:
        return "grow with the square root of the steps ahead"
    return "stay at the last width" if b == 0.0 else f"grow with the steps ahead to the power {b:.2f}"


def widths(q: np.ndarray, steps: int, growth: str = "sqrt") -> np.ndarray:
    """Half-widths for horizons 1..steps from calibrated ones ``q`` (shape (m,)): the first
    ``steps`` of them, growing past the last calibrated horizon as ``growth`` says
    (:data:`INTERVAL_GROWTH`)."""
    if len(q) >= steps:
        return q[:steps]
    last = q[-1] if len(q) else 0.0
    k = np.arange(len(q) + 1, steps + 1)
    b = growth_exponent(q) if growth == "fitted" else 0.5
    return np.concatenate([q, last * (k / max(len(q), 1)) ** b])


@dataclass
class Run:
    """A trained model with its data, preprocessing, history, predictions and metrics."""

    config: RunConfig
    series: Series  # the data it was trained on, with the season of its time index
    prep: Prepared
    model: Forecaster | Ensemble
    fit: FitResult  # member 0's training (the live curve and the gates shown)
    device: str = "cpu"
    metrics: RunMetrics | None = None  # set by attach(evaluate(run))
    predictions: pd.DataFrame | None = None  # see :func:`evaluate`
    conformal_q: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (steps,) model-scale widths
    conformal_note: str = ""
    gate_history: list = field(default_factory=list)  # per-epoch gate statistics (record_gates), see gates.GateRecorder
    backtest: Backtest | None = None  # how ``auto`` chose the representation (None when it was given)
    members_fit: list = field(default_factory=list)  # FitResult of every network (the first is ``fit``)
    #: (widths, note, one-step width or None, one-step residuals or None) of a saved run: reused
    fixed_intervals: tuple | None = None
    conformal_q1: float | None = None  # one-step half-width (model scale); None: ``conformal_q[0]``
    interval_growth: str = "sqrt"  # past the calibrated horizons (INTERVAL_GROWTH; saved runs: theirs)
    #: (m,) absolute one-step calibration residuals (model scale) the test part's one-step widths
    #: adapt from (``forecast.online_widths``); None: ``conformal_q1`` throughout (runs saved before)
    conformal_r1: np.ndarray | None = None
    #: (steps,) model-scale half-widths of the band past the data (:func:`_ahead_widths`, recomputed when a
    #: saved run is loaded); None: ``conformal_q``
    ahead_q: np.ndarray | None = None
    members: list[Member] = field(default_factory=list)  # every representation and its networks; [0] = (prep, model)
    paths: str = "guarded"  # how the networks' recursive forecasts are combined (combine.PATHS)
    one_step: str = "guarded"  # how the members' one-step predictions are weighted (combine.ONE_STEP)
    profiles: str = "fixed"  # the seasonal profile at a forecast origin (combine.PROFILES)
    #: the look_back the config asked for where the networks used a shorter one (``fitted_look_back``:
    #: the series is too short for it); None: the config's own
    look_back_asked: int | None = None
    #: rows of the data given left out before and after the target's observed values (:func:`observed_span`)
    trimmed: tuple[int, int] = (0, 0)
    #: each baseline's calibrated band half-widths once made (:meth:`baseline_future`), None: none to make
    _baseline_q: dict[str, np.ndarray | None] = field(default_factory=dict, repr=False, compare=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The data it was trained on (``series.frame``)."""
        return self.series.frame

    @property
    def combination(self) -> Combination:
        """The forecaster: the members' forecasts averaged (one member: just ``model``)."""
        return Combination(self.members or [Member(self.prep, self.model)], self.paths, self.one_step, self.profiles)

    @property
    def networks(self) -> int:
        """Networks the run trained, over all members: the forecast's and those making one-step predictions only."""
        return sum(m.networks for m in (self.members or [Member(self.prep, self.model)]))

    @property
    def path_networks(self) -> int:
        """Networks behind the forecast ahead (:attr:`networks` less the one-step-only ones), as Gates counts them."""
        return sum(m.networks for m in self.combination.path_members)

    @property
    def history(self) -> list[EpochStats]:
        return self.fit.history

    def history_frame(self) -> pd.DataFrame:
        cols = ["epoch", "train_loss", "val_loss", "seconds", "samples_per_s"]
        return pd.DataFrame([s.to_dict() for s in self.fit.history], columns=cols)

    def widths(self, steps: int) -> np.ndarray:
        """Conformal half-widths for horizons 1..steps (model scale), extrapolated past calibration."""
        return widths(self.conformal_q, steps, self.interval_growth)

    def ahead_widths(self, steps: int) -> np.ndarray:
        """The band past the data's half-widths for horizons 1..steps (model scale): :attr:`ahead_q`, else
        the calibrated ones, extrapolated alike."""
        return widths(self.conformal_q if self.ahead_q is None else self.ahead_q, steps, self.interval_growth)

    def attach(self, ev: Evaluation) -> Run:
        """Store an :func:`evaluate` result on this run (metrics, predictions, widths); returns it."""
        self.metrics, self.predictions = ev.metrics, ev.predictions
        self.conformal_q, self.conformal_note, self.conformal_q1, self.conformal_r1 = ev.q, ev.note, ev.q1, ev.r1
        self.ahead_q = ev.q_ahead
        return self

    def future(self, steps: int) -> pd.DataFrame:
        """Forecast ``steps`` points past the data: columns time, forecast, lower, upper
        (held at 0 or above when the series never goes below 0; the band's widths :attr:`ahead_q`)."""
        out = self.combination.future(steps, self.ahead_widths(steps))
        if fc.never_negative(self.prep.y):
            for c in ("forecast", "lower", "upper"):
                out[c] = np.maximum(out[c].to_numpy(dtype=np.float64), 0.0)
        return out

    def baseline_future(self, name: str, steps: int) -> pd.DataFrame:
        """A baseline's forecast of ``steps`` points past the data (fitted on everything before
        the test part, filtered through all the data): columns time, forecast, lower, upper (its
        :data:`COVERAGE_LEVEL` band, :func:`baseline_widths`; NaN where it has no out-of-sample errors
        to calibrate on). The verdict tells to prefer it: without a band, taking that advice lost the
        forecast's uncertainty."""
        y = self.prep.y
        vals = multistep_forecast(name, y, self.prep.n, steps, self.prep.test_start, self.prep.season)
        if name not in self._baseline_q:
            truth = np.where(filled_target(self), np.nan, y)
            self._baseline_q[name] = baseline_widths(y, truth, self.prep.test_start, self.prep.season, name)
        q = self._baseline_q[name]
        if q is None:
            lower = upper = np.full(steps, np.nan)
        else:
            w = widths(q, steps, "sqrt")
            lower, upper = fc.within_reach(y, vals, vals - w, vals + w)
        if fc.never_negative(y):
            vals, lower, upper = (np.maximum(v, 0.0) for v in (vals, lower, upper))
        return pd.DataFrame({"time": self.prep.future_index(steps), "forecast": vals, "lower": lower, "upper": upper})


def linear_inputs(cfg: RunConfig, prep: Prepared, one_step_only: bool = False) -> int:
    """Inputs of a network's linear path (:class:`~lstm_core.model.Forecaster`): the look_back
    with ``cfg.model.linear_path`` on networks that see the target's own past and either have
    several outputs (the path adds to the first) or make one-step predictions only; else 0.

    A network of one output run recursively for the multi-step forecast gets none: a linear map
    of the window fed its own outputs compounds over the steps (measured: Johnson & Johnson's
    multi-step RMSE ÷ best baseline 1.03 -> 1.97). Measured with ``bench_forecast`` (seeds 0-2,
    the three sets, geometric means; ``benchmarks/results/bench_forecast*.md``, Session 21):
    one-step RMSE ÷ best statsforecast model 1.029 -> 1.008 (suite), 1.121 -> 1.111 (held-out),
    1.161 -> 1.131 (fpp2); multi-step ÷ best baseline 0.904 -> 0.926, 1.431 -> 1.404,
    1.272 -> 1.241; largest seed spread 1.232 -> 1.299, 1.148 -> 1.176, 1.322 -> 1.244."""
    on = cfg.model.linear_path and prep.cfg.uses_target_history and (prep.out_dim > 1 or one_step_only)
    return int(prep.cfg.look_back) if on else 0


def sized(cfg: RunConfig, prep: Prepared, one_step_only: bool = False) -> ModelConfig:
    """``cfg.model`` with the input and output sizes of the prepared data and the inputs of its
    linear path (:func:`linear_inputs`; a copy: the run's config keeps what the user chose)."""
    return replace(
        cfg.model,
        input_size=int(prep.features.shape[1]),
        output_size=int(prep.out_dim),
        linear_inputs=linear_inputs(cfg, prep, one_step_only),
    )


def build_model(cfg: RunConfig, prep: Prepared, members: int | None = None) -> Forecaster | Ensemble:
    """A fresh, seeded model whose input/output sizes match the prepared data: one
    Forecaster, or an Ensemble of ``members`` (default ``cfg.train.ensemble``)."""
    k = cfg.train.networks(prep.n) if members is None else members
    nets = []
    for i in range(k):
        seed_everything(cfg.train.seed + i * MEMBER_SEED_STEP)
        nets.append(Forecaster(sized(cfg, prep)))
    return pack(nets)


def empty_model(cfg: RunConfig, prep: Prepared, networks: int, one_step_only: bool = False) -> Forecaster | Ensemble:
    """Like :func:`build_model` for weights that are loaded next: nothing is seeded or drawn from
    the global random generator (see :func:`lstm_core.model.empty_forecaster`). ``one_step_only``:
    the networks make one-step predictions only (see :func:`linear_inputs`)."""
    return pack([empty_forecaster(sized(cfg, prep, one_step_only)) for _ in range(networks)])


def _train_member(
    prep: Prepared,
    cfg: RunConfig,
    device,
    seed: int,
    callbacks: Callbacks | None = None,
    net: Forecaster | None = None,
    one_step_only: bool = False,
) -> tuple[Forecaster, FitResult]:
    """Train one network with ``seed`` on ``prep``'s windows (``net`` if given, built with
    that seed, else a new one, for one-step predictions only with ``one_step_only``); returns it
    with its FitResult. ``callbacks``: its epochs and the stop signal."""
    tcfg = type(cfg.train).from_dict({**cfg.train.to_dict(), "seed": seed})
    if net is None:
        seed_everything(seed)
        net = Forecaster(sized(cfg, prep, one_step_only))
    w_tr, w_val = prep.windows["train"], prep.windows["val"]
    fit = Trainer(net, tcfg, device).fit(
        w_tr.x, w_tr.y, w_val.x, w_val.y, callbacks=callbacks, output_weights=output_weights(prep.out_dim)
    )
    return net, fit


def run_horizons(cfg: RunConfig, n: int) -> list[int | None]:
    """The horizons of this run's networks on a series of ``n`` points: ``[cfg.data.horizon]``,
    except with ``horizon=None`` (auto) on a series too short for the network backtest to rank
    representations (:func:`~lstm_core.strategy.can_rank`): ``[None, 1]``, every representation
    then gets a network with a season of outputs per window (auto) and one with a single output
    run recursively, and their forecasts are combined. Neither strategy wins on such series and
    there are too few points to choose (bench_forecast, seeds 0-2: one output per window alone
    took UKgas from 1.38x to 1.12x the best baseline and USAccDeaths from 1.44x to 0.85x, but
    JohnsonJohnson from 1.37x to 1.51x with a seed spread of 1.49).
    """
    d = cfg.data
    if d.horizon is not None or can_rank(n, d.val_fraction, d.test_fraction):
        return [d.horizon]
    return [None, 1]


def output_weights(h: int) -> np.ndarray | None:
    """Loss weights of a head with ``h`` outputs: the first (the one-step prediction) weighs
    as much as the other ``h - 1`` together (measured on 12 real series: one-step RMSE 3%
    lower, multi-step unchanged); None for a single output."""
    if h <= 1:
        return None
    w = np.ones(h)
    w[0] = h - 1
    return w


def choose_representation(
    series: Series,
    cfg: RunConfig,
    device,
    callbacks: Callbacks | None = None,
    on_network: Callable[[Forecaster, Prepared], None] | None = None,
) -> tuple[list[Transform], Backtest | None]:
    """For ``transform="auto"``: rank candidates by their null forecasts, then train the
    network on the data before a cut-off for the best :data:`SHORTLIST` (and the best plain
    level representation, :func:`~lstm_core.strategy.shortlist`) and keep the best
    :data:`SHORTLIST` by their multi-step forecasts after the cut-off. On a series too short for that to rank
    (:func:`~lstm_core.strategy.can_rank`) the null order stands, less the candidates whose
    networks missed by over :data:`~lstm_core.strategy.SCREEN_RATIO` times the best
    (:func:`~lstm_core.strategy.screen`); on any series, those that missed by over
    :data:`~lstm_core.strategy.SKILL_RATIO` times the better of the naive and seasonal naive
    forecasts on the same points are left out. Returns the representations, best first
    (``[]`` when not auto), and the backtest (None when it could not run). Only ``callbacks.stop``
    and ``callbacks.phase`` are used: the backtest's networks are not the run's live curve; the phase
    ``"choosing k/N"`` is told as backtest network k of N starts (a 52,000-point series backtested
    for four minutes under one unchanging line). ``on_network(net, prep)`` is called after each
    backtest network has trained, with the preparation of the data it saw."""
    report = callbacks or Callbacks()
    cb = report.stop_only()
    d = cfg.data
    if d.transform != "auto" or not d.uses_target_history:
        return [], None
    frame = series.frame
    target, _ = resolve_target(frame, d)
    y = frame[target].to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(y)):
        return [], None  # prepare() reports the missing values
    n = len(y)
    train_end, test_start = split_points(n, d.val_fraction, d.test_fraction)
    # the networks' values: lone spikes before the test part replaced (as prepare() does), so the
    # null ranking and the backtest judge the representations on them too
    y, season, spikes = fit_values(y, d, series.season, train_end, test_start, longer_season(series.frequency))
    positive = bool(np.all(y > 0))
    if len(spikes):
        frame = frame.copy()
        frame[target] = y
    h = d.horizon if d.horizon is not None else auto_horizon(season, train_end, d.look_back)
    ranked = rank_transforms(y[:test_start], train_end, season, positive, d.look_back, max(h, 1))
    candidates = shortlist(ranked, can_rank(n, d.val_fraction, d.test_fraction))

    started = 0

    def train_one(sub: pd.DataFrame, c: RunConfig, tr: Transform):
        nonlocal started
        p = prepare(replace(series, frame=sub), c.data, transform=tr)
        started += 1
        report.phase(f"choosing {started}/{len(candidates)}")
        net, _ = _train_member(p, c, device, c.train.seed, cb)
        if on_network is not None:
            on_network(net, p)
        return net, p

    bt = backtest(frame, cfg, season, candidates, test_start, n - test_start, train_one, cb.stop)
    if not bt.scores or not bt.ranks:
        # too few points to rank the networks: the null ranking orders the shortlist, and the
        # backtest's networks only screen out candidates that missed by far (strategy.screen)
        # never the level one: it only competes in a ranking
        nulls = [s.transform for s in null_order(ranked, False)[:SHORTLIST]]
        # the damping a candidate's backtest network scored best with (strategy.SHORT_DAMP), by
        # the candidate's undamped name
        damp_of = {replace(sc.transform, damp=1.0).name: sc.transform.damp for sc in bt.scores}
        undamped = replace(bt, scores=[replace(sc, transform=replace(sc.transform, damp=1.0)) for sc in bt.scores])
        kept = {tr.name for tr in screen(undamped, nulls)}
        out = []
        for rank, tr in enumerate(nulls):
            if tr.name not in kept:
                log.info(
                    "auto: %s left out: its backtest network missed by over %sx the best or %sx the naive forecasts",
                    tr.name,
                    SCREEN_RATIO,
                    SKILL_RATIO,
                )
                continue
            why = (
                f"auto: {tr.name}, ranked {rank + 1} of {len(ranked)} representations by the "
                "rolling-origin backtest of their null forecasts (too few points to rank networks before it)"
            )
            if len(kept) < len(nulls):
                why += (
                    f"; kept among the {len(kept)} whose networks' backtest error was within {SCREEN_RATIO:g}x "
                    f"the best and {SKILL_RATIO:g}x the naive forecasts'"
                )
            out.append(Transform(**{**tr.to_dict(), "damp": damp_of.get(tr.name, tr.damp), "reason": why}))
        # the backtest's networks still calibrate the intervals (those of the candidates that trained)
        return out, (bt if bt.scores else None)
    # no network beat the naive forecasts before the test part: those anchored on the last value,
    # their steps damped as the backtest supports (strategy.no_skill)
    pool = bt.scores
    unskilled = strategy.no_skill(bt)
    if unskilled is not None:
        bt = unskilled
        pool = [s for s in bt.scores if strategy.is_anchored_last(s.transform)]
        log.info(
            "auto: no candidate beat the naive forecasts in the backtest; keeping those anchored on the last value"
        )
    best = pool[:SHORTLIST]  # the level representation competes for a place, it adds none
    screened = {tr.name for tr in screen(bt, [s.transform for s in best], ratio=math.inf, level_ratio=LEVEL_RATIO)}
    kept = screened
    # a last-value or smoothed-level member stays where it helps the others' mean
    checks = [False] if strategy.LAST_ANCHOR == "combo" else []
    checks += [True] if strategy.SMOOTH_ANCHOR in ("combo", "mixed") else []
    trend_check = strategy.TREND_ANCHOR == "combo"
    if checks or trend_check:
        passed = screen(bt, [s.transform for s in pool], ratio=math.inf, level_ratio=LEVEL_RATIO)
        kept_trs = [s.transform for s in best if s.transform.name in kept]
        for smoothed in checks:
            kept_trs = combo_check(bt, kept_trs, passed, smoothed)
        if trend_check:
            kept_trs = combo_check(bt, kept_trs, passed, trend=True)
        kept = {tr.name for tr in kept_trs}
        best = [s for s in bt.scores if s in best or s.transform.name in kept]  # the next one may take its place
    out = []
    for sc in best:
        if sc.transform.name not in kept:
            if sc.transform.name in screened:  # a last-value member that did not help the others' mean
                log.info(
                    "auto: %s left out: the others' mean backtest forecast did as well without it", sc.transform.name
                )
                continue
            log.info(
                "auto: %s left out: its backtest network missed by over %sx the naive forecasts%s",
                sc.transform.name,
                SKILL_RATIO,
                f" (a level one: or {LEVEL_RATIO}x the best)" if is_level(sc.transform) else "",
            )
            continue
        rank = bt.scores.index(sc)
        why = (
            f"auto: {sc.transform.name}, ranked {rank + 1} of {len(bt.scores)} representations whose networks were "
            f"trained on the data before point {bt.cut} and scored on multi-step forecasts up to the test part"
        )
        if unskilled is not None:
            why += (
                "; no candidate beat the naive forecasts there, so only those anchored on the last value "
                "or season were kept, their steps damped as that backtest supports"
            )
        elif len(screened) < min(len(bt.scores), SHORTLIST):  # the screen left some out
            why += (
                f"; kept among the {len(kept)} within {SKILL_RATIO:g}x the naive forecasts' error "
                f"(and level ones within {LEVEL_RATIO:g}x the best)"
            )
        out.append(Transform(**{**sc.transform.to_dict(), "reason": why}))
    return out, bt


def observed_span(series: Series, cfg: RunConfig) -> tuple[Series, tuple[int, int]]:
    """``series`` without the rows before its target's first observed value and after its last
    (values the loader filled in: a column that starts later or ends earlier than the file's
    others, copied there from its nearest value), and how many rows were left out at each end.
    A series whose target was observed at both ends, or nowhere, is returned whole. Raises
    ConfigError where the config names a target the data lacks."""
    if series.filled is None:
        return series, (0, 0)
    target, _ = resolve_target(series.frame, cfg.data)
    seen = np.flatnonzero(~series.filled_at(target))
    n = len(series)
    if not len(seen) or (seen[0] == 0 and seen[-1] == n - 1):
        return series, (0, 0)
    first, last = int(seen[0]), int(seen[-1])
    log.info("rows %d..%d of %d hold the target's observed values: the rest left out", first, last, n)
    return series.rows(first, last + 1), (first, n - 1 - last)


def trimmed_note(run: Run) -> str | None:
    """One sentence where :func:`observed_span` left rows out, else None."""
    before, after = run.trimmed
    if not before and not after:
        return None

    def rows(k: int) -> str:
        return f"{k} row{'s' if k != 1 else ''}"

    name = repr(run.prep.target)
    if before and after:
        which = f"the {rows(before)} before the first value of {name} and the {after} after its last"
    elif before:
        which = f"the {rows(before)} before the first value of {name}"
    else:
        which = f"the {rows(after)} after the last value of {name}"
    return (
        f"The run left out {which}: the loader had "
        "filled them in (empty cells at the start or end of the column), so the networks did not "
        "train on made-up values."
    )


def fit_run(
    data: Series | pd.DataFrame,
    cfg: RunConfig,
    *,
    callbacks: Callbacks | None = None,
) -> Run:
    """Choose the representations, train the networks and evaluate. Raises ConfigError /
    TrainingDiverged with one sentence.

    With ``transform="auto"`` the networks (``cfg.train.networks``) are spread over the
    representations :func:`choose_representation` kept, best first (network k on variant
    k mod V, a variant being a representation with one of :func:`run_horizons`), and their
    forecasts are combined in original units; else they all use the given transform.
    ``callbacks`` (see :class:`~lstm_core.callbacks.Callbacks`): ``on_epoch`` receives the first
    network's epochs (the live curve); ``on_gates`` receives the run's
    :class:`~lstm_core.gates.GateRecorder` before that network trains (a between-epochs weight
    snapshot, so the job registry can show the gates of a model that is still learning);
    ``on_phase`` is told ``"choosing"`` (the backtest; ``"choosing k/N"`` as its network k of N
    starts), ``"training"``, ``"member k/K"`` for
    the other networks, then ``"evaluating"``. A stop keeps the networks trained so far (at
    least the first one's best weights); a stop before the first epoch ended, or during the
    evaluation, raises :class:`~lstm_core.callbacks.Stopped` (there is no run worth keeping).

    ``data`` is a :class:`~lstm_core.data.Series` (its season is used when ``cfg.data.season``
    is None) or a bare frame (no season). The missing-value policy the loader applied to the
    series is recorded in ``cfg.data.missing``, so a saved config says what was done.

    A small model trains with one torch thread on the calling thread, whoever calls
    (:func:`lstm_core.threads.small_model_threads`); the caller's thread count is restored.
    """
    with threads.small_model_threads(cfg.model.hidden_size, cfg.model.num_layers):
        return _fit_run(data, cfg, callbacks)


def _fit_run(data: Series | pd.DataFrame, cfg: RunConfig, callbacks: Callbacks | None) -> Run:
    """:func:`fit_run`'s body, under its thread count."""
    cb = callbacks or Callbacks()
    series, trimmed = observed_span(as_series(data), cfg)
    # the run's own copy (the caller's is left alone), with the policy the loader applied
    cfg = cfg.replace(**({"missing": series.missing_policy} if series.missing_policy is not None else {}))
    cfg.validate()
    asked = cfg.data.look_back
    if cfg.data.transform == "auto" and cfg.data.uses_target_history:
        train_end, _ = split_points(len(series), cfg.data.val_fraction, cfg.data.test_fraction)
        fitted = fitted_look_back(asked, train_end)
        if fitted != asked:  # a series too short for it: said in the metrics' guards
            cfg = cfg.replace(look_back=fitted)
    device = resolve_device(cfg.train.device)
    bt: Backtest | None = None
    reps: list[Transform] = []
    horizons = run_horizons(cfg, len(series))
    k_nets = cfg.train.networks(len(series))  # before the representations are known: the fewest
    looks = k_nets > 1 and cb.wants_preview()  # a first look while an ensemble trains
    if cfg.data.transform == "auto":
        prepare(series, cfg.data, transform=Transform())  # bad data or config: one sentence, now
        cb.phase("choosing")
        # the count is known here unless more variants than AUTO_NETWORKS / 2 may come (short series)
        known = cfg.train.ensemble is not None or cfg.train.networks(len(series), SHORTLIST * len(horizons)) == k_nets
        quick = _quick_look(series, cfg, k_nets if known else None, cb) if looks else None
        reps, bt = choose_representation(series, cfg, device, cb, on_network=quick)
        log.info("representations, best first: %s", ", ".join(t.name for t in reps) or "none")
    # network k trains on variant k mod V: every representation (best first), with each horizon
    chosen: list[Transform | None] = list(reps) or [None]  # None: cfg's own transform
    variants = [(tr, h) for tr in chosen for h in horizons]
    k_nets = cfg.train.networks(len(series), len(variants))
    variants = variants[:k_nets]
    preps = [prepare(series, replace(cfg.data, horizon=h), transform=tr) for tr, h in variants]
    prep = preps[0]
    extra = one_step_networks(cfg, horizons, variants, k_nets)
    short = replace(cfg.data, horizon=1, look_back=one_step_look_back(cfg.data.look_back))
    step_preps = [prepare(series, short, transform=tr) if c else None for (tr, _), c in zip(variants, extra)]
    spec = one_step_specialist(bt, reps) if any(extra) else None
    anchor = last_value_one_step(reps) if any(extra) else None
    left = screened_one_step(bt, reps) if any(extra) else []
    # (representation, data settings, networks) of the networks that serve the one-step predictions only
    asides = [
        (tr, short, cfg.train.NETWORKS_PER_VARIANT)
        for tr in [spec, anchor] + [t for t in left if spec is None or t.name != spec.name]
        if tr is not None
    ]
    auto = bool(reps) and cfg.data.uses_target_history and cfg.train.ensemble is None  # auto, as the one-step ones
    # not past AUTO_ENSEMBLE_POINTS: there the run's few networks see thousands of windows, and
    # these would almost double a 2,284-point weekly series' training time (11 -> 19 s)
    if auto and len(series) <= cfg.train.AUTO_ENSEMBLE_POINTS:
        asides += [(tr, replace(cfg.data, horizon=1), RANKED_ONE_STEP) for tr in ranked_left_out(bt, reps)]
    for tr, data_cfg, count in asides:
        try:
            step_preps.append(prepare(series, data_cfg, transform=tr))
            extra.append(count)
        except ConfigError as exc:
            log.info("no one-step network on %s: %s", tr.name, exc)
    sb_prep = None
    trained = [tr for tr, _ in variants if tr is not None]  # the representations that get networks, best first
    sb_tr = standby_transform(trained, prep.season, prep.train_end) if auto else None
    if sb_tr is not None:
        try:
            sb_prep = prepare(series, replace(cfg.data, horizon=1), transform=sb_tr)
        except ConfigError as exc:  # e.g. too few windows for one output: the guard keeps the usual weights
            log.info("no standby network: %s", exc)
    total = k_nets + sum(extra) + (1 if sb_prep is not None else 0)
    recorder = GateRecorder(prep, record=cfg.train.record_gates)

    seed_everything(cfg.train.seed)
    first = Forecaster(sized(cfg, prep))
    recorder.epoch_end(first, 0)
    cb.gates(recorder)

    def epoch_end(stats: EpochStats) -> None:
        recorder.epoch_end(first, stats.epoch)
        cb.epoch(stats)

    cb.phase("training")
    _, fit0 = _train_member(prep, cfg, device, cfg.train.seed, cb.with_epoch(epoch_end), net=first)
    if cb.should_stop() and not fit0.history:
        raise Stopped("stopped before the first epoch finished")  # an untrained model is not worth evaluating
    if looks and not cb.should_stop():
        _hand_over(lambda: first_look(prep, first, total), cb)  # the run's own network replaces the quick look
    nets: list[list[Forecaster]] = [[] for _ in preps]
    nets[0].append(first)
    fits = [fit0]
    for k in range(1, k_nets):
        if cb.should_stop():
            break
        cb.phase(f"member {k + 1}/{total}")
        r = k % len(preps)
        net, fit = _train_member(preps[r], cfg, device, cfg.train.seed + k * MEMBER_SEED_STEP, cb.stop_only())
        if fit.status == FitStatus.CANCELLED and not fit.history:
            break
        nets[r].append(net)
        fits.append(fit)
    # the one-step networks of a short series, after the others (a Stop keeps the forecast's own)
    step_nets: list[list[Forecaster]] = [[] for _ in step_preps]
    k = k_nets
    for r, sp in enumerate(step_preps):
        for _ in range(extra[r]):
            if sp is None or cb.should_stop():
                break
            cb.phase(f"member {k + 1}/{total}")
            seed = cfg.train.seed + k * MEMBER_SEED_STEP
            net, fit = _train_member(sp, cfg, device, seed, cb.stop_only(), one_step_only=True)
            k += 1
            if fit.status == FitStatus.CANCELLED and not fit.history:
                break
            step_nets[r].append(net)
            fits.append(fit)
    # the standby network of a run whose representations are all levels, last
    standby: list[Member] = []
    if sb_prep is not None and not cb.should_stop():
        cb.phase(f"member {k + 1}/{total}")
        try:
            seed = cfg.train.seed + k * MEMBER_SEED_STEP
            net, fit = _train_member(sb_prep, cfg, device, seed, cb.stop_only(), one_step_only=True)
        except TrainingDiverged as exc:  # the run's own networks trained: it goes on without a standby
            log.info("no standby network: %s", exc)
        else:
            if not (fit.status == FitStatus.CANCELLED and not fit.history):
                standby.append(Member(sb_prep, pack([net]), one_step_only=True, standby=True))
                fits.append(fit)
    # Decided before the phase is announced: a Stop seen from then on ends the evaluation.
    stopped_before = cb.should_stop()
    cb.phase("evaluating")
    log.info(
        "%s: %d network(s) trained in %.1f s (first: %s after %d epochs)",
        cfg.model.cell,
        len(fits),
        sum(f.seconds for f in fits),
        fit0.status,
        len(fit0.history),
    )
    members = [Member(p, pack(ns)) for p, ns in zip(preps, nets) if ns]
    members += [Member(sp, pack(ns), one_step_only=True) for sp, ns in zip(step_preps, step_nets) if sp and ns]
    members += standby
    for m in members:
        # evaluated on the CPU wherever it trained: a saved run reloads there (runs.load_run), and
        # its predictions must come out the same to the bit (a CUDA evaluation differed by ~1e-8)
        m.model.cpu().eval()
    run = Run(
        cfg,
        series,
        prep,
        members[0].model,
        fit0,
        device=device_label(device, torch.get_num_threads()),  # the threads it trained on
        gate_history=recorder.get_history(),
        backtest=bt,
        members_fit=fits,
        members=members,
        paths=PATH_MODE,
        one_step=ONE_STEP_MODE,
        profiles=PROFILE_MODE,
        look_back_asked=asked if asked != cfg.data.look_back else None,
        trimmed=trimmed,
    )
    if stopped_before and fit0.status != FitStatus.CANCELLED:
        run.fit.status = FitStatus.CANCELLED
    # A stop asked for before the evaluation (training stopped early) lets it finish: its cost is
    # bounded. One asked for during it ends it (Stopped): a run without its evaluation is not kept.
    with stop_checks(None if stopped_before else cb.stop):
        return run.attach(evaluate(run))


@dataclass(frozen=True)
class FirstLook:
    """A first network's one-step predictions, made before the rest of the ensemble trains.

    ``predictions`` has one row per point: time, actual, part (train/val/test) and one_step
    (NaN where no window fits), as in :func:`evaluate`'s frame; ``networks`` is how many
    networks the run trains in all (None: not known yet, when the backtest decides it). Not a
    result: the run's metrics come from all of them.
    ``seen_before``: None for the run's own first network; for the quicker look from the
    representation backtest's first network, the index of the first point it never saw (it
    trained on the data before it, so its predictions from there on are out of sample).
    """

    predictions: pd.DataFrame
    networks: int | None
    seen_before: int | None = None


def _quick_look(
    series: Series, cfg: RunConfig, k_nets: int | None, cb: Callbacks
) -> Callable[[Forecaster, Prepared], None]:
    """A hook for :func:`choose_representation` that hands the backtest's first trained
    network to ``cb.preview`` as a :class:`FirstLook` on the run's own split, about a second
    before the run's first network could (then it does nothing)."""
    done: list[bool] = []

    def hook(net: Forecaster, sub: Prepared) -> None:
        if done or cb.should_stop():
            return
        done.append(True)

        def look() -> FirstLook:
            # the whole series on the run's split, scaled as the network was trained
            full = prepare(series, replace(cfg.data, season=sub.season, horizon=sub.cfg.horizon), like=sub)
            return replace(first_look(full, net, k_nets), seen_before=sub.test_start)

        _hand_over(look, cb)

    return hook


def _hand_over(make: Callable[[], FirstLook], cb: Callbacks) -> None:
    """Make a first look and give it to ``cb.preview``; one that cannot be made is logged and
    skipped (a look is a courtesy: it must never change or end the run)."""
    try:
        look = make()
    except Exception:  # noqa: BLE001 - see above
        log.warning("no first look for this run", exc_info=True)
        return
    cb.preview(look)


def part_labels(prep: Prepared) -> np.ndarray:
    """(n,) "train" / "val" / "test" for every point of the series."""
    i = np.arange(prep.n)
    return np.where(i < prep.train_end, "train", np.where(i < prep.test_start, "val", "test"))


def first_look(prep: Prepared, model: Forecaster, networks: int | None) -> FirstLook:
    """One-step predictions of ``model`` alone over every part (see :class:`FirstLook`), a removed
    seasonal profile taken at each origin as the run's are (:data:`PROFILE_MODE`); clipped at zero
    for a series that never goes below it, as the final ones are."""
    model.eval()
    col = np.full(prep.n, np.nan)
    combo = Combination([Member(prep, model)], profiles=PROFILE_MODE)
    for part in ("train", "val", "test"):
        t = one_step_targets(prep, part)
        col[t] = fc.one_step_at(model, prep, t, combo.origin_profiles(prep, t))
    if fc.never_negative(prep.y[: prep.test_start]):  # as the run decides it: from the data before the test part
        col = np.maximum(col, 0.0)  # NaN stays NaN
    frame = pd.DataFrame({"time": prep.index, "actual": prep.y, "part": part_labels(prep), "one_step": col})
    return FirstLook(frame, networks)


def _metrics(y: np.ndarray, yhat: np.ndarray, prep: Prepared) -> Scores | None:
    if len(y) == 0:
        return None
    return Scores.from_dict(compute_metrics(y, yhat, prep.y[: prep.test_start], season=prep.season or 1))


@dataclass(frozen=True)
class Evaluation:
    """What :func:`evaluate` finds: the metrics, the per-point predictions and the interval
    widths (``q``, shape (steps,), model scale) with the note on how they were calibrated;
    ``q1``: the one-step intervals' half-width before the test part (None: ``q[0]``, runs saved
    before it existed); ``r1``: the one-step residuals it is the quantile of, from which the test
    part's one-step widths adapt online (None: ``q1`` throughout, runs saved before session 22);
    ``q_ahead``: the widths of the band past the data, ``q`` or wider where forecasts from origins in
    the test part erred more."""

    metrics: RunMetrics
    predictions: pd.DataFrame
    q: np.ndarray
    note: str
    q1: float | None = None
    r1: np.ndarray | None = None
    #: (steps,) the half-widths of the band past the data (:func:`_ahead_widths`); None: ``q``
    q_ahead: np.ndarray | None = None


def _season_source(run: Run, season: int | None) -> str:
    if run.config.data.season:
        return "set"
    if run.series.season:
        if season != run.series.season and season == longer_season(run.series.frequency):
            # prep.longer_or_given chose the week of a step under a day, or the year of a daily one
            return "weekly" if season == weekly_season(run.series.frequency) else "yearly"
        return "time index"
    return "detected" if season else "none"


def _truth_z(run: Run) -> np.ndarray:
    """The target on the interval scale (N,), NaN where the loader filled a value in: nobody's truth,
    so no residual is taken there."""
    return np.where(filled_target(run), np.nan, run.combination.z_from_y(run.prep.y))


def _calibrate(run: Run, steps_cal: int) -> tuple[np.ndarray, str, float | None, np.ndarray | None]:
    """Conformal half-widths for horizons 1..steps_cal, the one-step intervals' half-width and
    the one-step residuals it is the quantile of (which :func:`lstm_core.forecast.online_widths`
    starts from over the test part); or a saved run's (one-step width None: ``q[0]``, and
    residuals None: that width throughout, as such runs were evaluated)."""
    if run.fixed_intervals is not None:
        q, note, *rest = run.fixed_intervals
        return q, note, (rest[0] if rest else None), (rest[1] if len(rest) > 1 else None)
    combo = run.combination
    truth = _truth_z(run)

    def calibrate(steps: int, extra) -> tuple[np.ndarray, str, np.ndarray]:
        groups, note = fc.conformal_residuals(
            combo.forecast_z,
            run.prep,
            steps,
            1 - COVERAGE_LEVEL,
            extra,
            earliest=combo.earliest,
            z=truth,
        )
        r1 = np.abs(groups[0][np.isfinite(groups[0])])  # as the quantile takes them (saved, reloaded)
        return fc.residual_quantiles(groups, 1 - COVERAGE_LEVEL), note, r1

    bt = run.backtest
    if bt is None or not bt.scores:
        q, note, r1 = calibrate(steps_cal, None)
        return q, note, float(q[0]) if len(q) else 0.0, r1
    # the same combination of the backtest's networks (of the run's own horizon), out of sample,
    # on member 0's scale
    names = list(dict.fromkeys(m.prep.transform.name for m in combo.path_members))
    extra = [combo.z_from_y(t) - combo.z_from_y(f) for t, f in zip(bt.truth, bt.combined(names))]
    if all(n in bt.forecasts for n in names):
        q, note, r1 = calibrate(steps_cal, extra)
        return q, note, float(q[0]) if len(q) else 0.0, r1
    # Some representations could not be trained before the cut-off (a short series): the mean of
    # the others stands in for the combination at horizon 1 only, where the members agree closely,
    # for the one-step intervals (on 72-point series the validation part alone gives ~7 residuals:
    # one-step coverage 0.62). Their multi-step paths diverge, so the multi-step widths keep the
    # validation residuals (measured: with the backtest's, 90% bands covered 96-100%).
    q, note, _ = calibrate(steps_cal, None)
    q1, _, r1 = calibrate(1, extra[:1])
    n_bt = len(extra[0]) if extra else 0
    return (
        q,
        # none to add (a backtest whose networks had no horizon-1 residuals) is not said: "also from 0"
        note
        + (f"; the one-step width also from {n_bt:,} horizon-1 residuals of the backtest's networks" if n_bt else ""),
        float(q1[0]),
        r1,
    )


#: A horizon whose forecasts from origins in the test part number fewer than this gives the band past
#: the data no width of its own (:func:`_ahead_widths`): the calibrated one, grown, stands.
AHEAD_MIN_RESIDUALS = 10
#: The band past the data is said to be wider (``Coverage.ahead_widened``, the notes) where its width
#: at some horizon is this many times the calibrated one or more.
AHEAD_WIDER = 1.05


def _ahead_widths(run: Run, q: np.ndarray) -> tuple[np.ndarray, int]:
    """Half-widths (len(q),) of the band past the data, model scale, and the test-part residuals they took.

    ``q`` was calibrated on errors before the test part. Forecasts from origins in the test part are
    out of sample too (the networks never trained on it) and the nearest the forecast ahead: per
    horizon the band takes the larger of ``q`` and their conformal quantile. A series that jumped
    in its test part (errors near 1000 where the calibration's were near 0.001) had a band ahead
    999.1261 to 999.1268 after its test span's band held 24% of the points. Computed from the
    networks and the data, so a saved run gets the same band when loaded.
    """
    prep, combo = run.prep, run.combination
    ts, n = prep.test_start, prep.n
    if len(q) == 0 or n - ts < AHEAD_MIN_RESIDUALS:
        return q, 0
    truth = _truth_z(run)
    origins = np.arange(max(ts, n - fc.MAX_CALIBRATION_ORIGINS), n)
    groups = fc.residuals_by_horizon(combo.forecast_z, truth, origins, len(q), n)
    groups = [g[np.isfinite(g)] for g in groups]
    groups = [g if len(g) >= AHEAD_MIN_RESIDUALS else np.zeros(0) for g in groups]
    used = sum(len(g) for g in groups)
    if used == 0:
        return q, 0
    return np.maximum(q, fc.residual_quantiles(groups, 1 - COVERAGE_LEVEL)), used


#: Forecast origins, spread evenly, whose errors calibrate a baseline's band ahead (:func:`baseline_widths`),
#: and the most horizons they are scored at (past them the widths grow like the square root).
BASELINE_BAND_ORIGINS, BASELINE_BAND_HORIZONS = 60, 240


def baseline_widths(
    y: np.ndarray, truth: np.ndarray, test_start: int, season: int | None, name: str
) -> np.ndarray | None:
    """Half-widths (H,) of baseline ``name``'s band past the data, original units, horizons 1..H: per
    horizon the conformal quantile (:data:`COVERAGE_LEVEL`) of its errors from up to
    :data:`BASELINE_BAND_ORIGINS` origins it never fitted on: Holt-Winters' in the test part (its
    parameters come from the data before), the naive forecasts' anywhere they can forecast from
    (they fit nothing). Horizons with fewer than :data:`AHEAD_MIN_RESIDUALS` errors take the last
    such width grown like the square root; None where horizon 1 has fewer (a short test part).

    ``y`` (N,) is the series the forecasts read, ``truth`` (N,) the same with NaN at the values the
    loader filled in (nobody's truth: no error is taken there), ``test_start`` where the test part starts.
    """
    n, ts = len(y), test_start
    first = ts if name == "holt_winters" else (season if name == "seasonal_naive" and season else 1)
    if n - first < AHEAD_MIN_RESIDUALS:
        return None
    origins = np.unique(np.linspace(first, n - 1, min(BASELINE_BAND_ORIGINS, n - first)).round().astype(np.int64))
    horizons = min(n - int(origins[0]), BASELINE_BAND_HORIZONS)
    errors = np.full((len(origins), horizons), np.nan)  # (origins, horizons); NaN past the data
    for i, o in enumerate(origins.tolist()):
        k = min(horizons, n - o)
        errors[i, :k] = truth[o : o + k] - multistep_forecast(name, y, o, k, ts, season)
    counted = np.isfinite(errors).sum(axis=0)
    if counted[0] < AHEAD_MIN_RESIDUALS:
        return None
    last = int(np.flatnonzero(counted >= AHEAD_MIN_RESIDUALS).max())
    groups = [col[np.isfinite(col)] if c >= AHEAD_MIN_RESIDUALS else np.zeros(0) for col, c in zip(errors.T, counted)]
    return fc.residual_quantiles(groups[: last + 1], 1 - COVERAGE_LEVEL)


def look_back_note(run: Run) -> str | None:
    """One sentence where the run's networks used a shorter look_back than its config asked for
    (:func:`fitted_look_back`), else None."""
    asked, used = run.look_back_asked, run.config.data.look_back
    if asked is None or asked == used:
        return None
    return (
        f"The networks used a look_back of {used} instead of {asked}: {asked} is over half of the "
        f"{run.prep.train_end} training points and leaves fewer training windows than inputs per window. "
        f"Load a longer series for a longer look_back."
    )


def evaluate(run: Run) -> Evaluation:
    """Evaluate a trained run: metrics, predictions and conformal interval widths.

    Nothing of ``run`` is changed; :meth:`Run.attach` stores the result.
    ``predictions`` has one row per point of the series: time, actual, part
    (train/val/test), one_step (NaN where no window fits), multistep (test span only,
    recursive from the start of the test part), lower/upper (the multistep interval),
    one_step_lower/one_step_upper (the one-step interval at the test points, each point's width
    adapted to the errors before it: :func:`lstm_core.forecast.online_widths`).
    """
    prep, model, combo = run.prep, run.model, run.combination
    y, n, ts = prep.y, prep.n, prep.test_start
    test_len = n - ts
    season = prep.season
    one = {part: combo.one_step(part) for part in ("train", "val", "test")}
    t_test, yhat_test = one["test"]
    steps_cal = min(max(test_len, 2 * (season or 12)), MAX_CALIBRATED_STEPS)
    q, note, q1, r1 = _calibrate(run, steps_cal)
    if q1 is None:
        q1 = float(widths(q, 1)[0])
    z1 = combo.z_from_y(yhat_test)  # (n_test,) the one-step band's centre on the interval scale
    if r1 is None:  # a run saved before session 22: one width throughout
        w1 = np.full(len(t_test), q1)
    else:  # each test point's width from the residuals before it (adaptive conformal)
        # a prediction at or below 0 on the log scale is held just above 0 (z1 of a value near 0): its
        # error counts as a miss but is no residual, which would widen every later band by e^17
        errors = np.where(combo.held(yhat_test), combo.z_from_y(y[t_test]) - z1, np.nan)
        w1 = fc.online_widths(r1, errors, 1 - COVERAGE_LEVEL)
    online = "" if r1 is None else "; one-step widths adapted over the test part to the errors before each point"
    multi, lower, upper = combo.path_band(
        combo.forecast_y(np.array([ts]), test_len)[0], widths(q, test_len, run.interval_growth)
    )
    # the bands held within reach of the data before them, as the band ahead is (on the log scale a band
    # around values near 0 reached six times the data's top)
    lower, upper = fc.within_reach(y[:ts], multi, lower, upper)
    lo1, up1 = fc.one_step_within_reach(y, t_test, yhat_test, *combo.interval(z1, w1))
    # from the data before the test part, as the scaler is: decided on the whole series, a value in the test
    # part's last row unclipped bands four years before it
    nonneg = fc.never_negative(y[:ts])
    if nonneg:
        multi, lower, upper = (np.maximum(a, 0.0) for a in (multi, lower, upper))
        lo1, up1 = np.maximum(lo1, 0.0), np.maximum(up1, 0.0)
        one = {k: (t, np.maximum(v, 0.0)) for k, (t, v) in one.items()}
        t_test, yhat_test = one["test"]
        lo1 = np.minimum(lo1, yhat_test)  # a prediction held at 0 lies in its band (held just above 0)

    # Baselines are fitted on everything before the test part: the history the model sees.
    base1 = one_step_baselines(y, t_test, ts, season)
    basem = multistep_baselines(y, ts, test_len, ts, season)
    # the scores and coverage leave out the test values the loader filled in (the naive forecast
    # scores a forward-filled gap exactly), the model's and every baseline's alike
    real = observed_values(filled_target(run), ts)
    s1, sm = real[t_test], real[ts:]
    hist = run.fit.history
    members_fit = run.members_fit or [run.fit]
    members = run.members or [Member(prep, model)]
    grows = f"; widths past {len(q)} steps {_growth_words(q, run.interval_growth)}" if test_len > len(q) else ""
    q_ahead, n_ahead = _ahead_widths(run, q)
    # said where it is wider by a twentieth or more somewhere (a clean sine's 1e-9 over 9e-10 is no news)
    widened = bool(n_ahead and np.any(q_ahead > AHEAD_WIDER * q))
    ahead = (
        f"; the band past the data is wider where forecasts from origins in the test part erred more "
        f"({n_ahead:,} residuals)"
        if widened
        else ""
    )
    # the training and validation scores leave out the values the loader filled in too (they scored them)
    t_tr, t_va = one["train"][0], one["val"][0]
    metrics = RunMetrics(
        train=_metrics(y[t_tr][real[t_tr]], one["train"][1][real[t_tr]], prep),
        val=_metrics(y[t_va][real[t_va]], one["val"][1][real[t_va]], prep),
        test=_metrics(y[t_test][s1], yhat_test[s1], prep),
        test_multistep=_metrics(y[ts:][sm], multi[sm], prep),
        baselines={k: _metrics(y[t_test][s1], b.predictions[s1], prep) for k, b in base1.items()},
        baselines_multistep={k: _metrics(y[ts:][sm], b.predictions[sm], prep) for k, b in basem.items()},
        coverage=Coverage(
            level=COVERAGE_LEVEL,
            one_step=fc.coverage(y[t_test][s1], lo1[s1], up1[s1]),
            multistep=fc.coverage(y[ts:][sm], lower[sm], upper[sm]),
            note=note + grows + online + ahead,
            ahead_widened=widened,
        ),
        info=RunInfo(
            target=prep.target,
            inputs=list(prep.inputs),
            n_points=n,
            train_end=prep.train_end,
            test_start=ts,
            n_test=int(len(t_test)),
            n_test_filled=int(len(t_test) - s1.sum()),
            season=season,
            season_source=_season_source(run, season),
            transform=prep.transform.name,
            transform_reason=prep.transform.reason,
            representation=prep.transform.to_dict(),
            representations=[
                {
                    "name": m.prep.transform.name,
                    "networks": m.networks,
                    "horizon": m.prep.out_dim,
                    "look_back": m.prep.cfg.look_back,
                    **({"one_step_only": True} if m.one_step_only else {}),
                    **({"standby": True} if m.standby else {}),
                }
                for m in members
            ],
            horizon=prep.out_dim,
            cell=run.config.model.cell,
            parameters=sum(m.model.num_parameters() for m in members),
            ensemble=run.networks,
            epochs_run=len(hist),
            best_epoch=run.fit.best_epoch,
            member_best_epochs=[int(f.best_epoch) for f in members_fit],
            status=run.fit.status,
            train_seconds=round(sum(f.seconds for f in members_fit), 3),
            device=run.device,
            baseline_models={k: b.description for k, b in base1.items()},
            backtest=[
                {"representation": s.transform.name, "rmse": s.score}
                for s in (run.backtest.scores if run.backtest else [])
            ],
        ),
        guards=Guards(
            non_negative=nonneg,
            runaway=fc.runaway_note(y, multi, "The forecast over the test span"),
            one_step_range=combo.range_note(t_test),
            look_back=look_back_note(run),
            outliers=spikes_note(future_spikes(prep), prep.index, prep.test_start),
            trimmed=trimmed_note(run),
        ),
    )
    one_col = np.full(n, np.nan)
    for t, yh in one.values():
        one_col[t] = yh
    pad = np.full(ts, np.nan)
    predictions = pd.DataFrame(
        {
            "time": prep.index,
            "actual": y,
            "part": part_labels(prep),
            "one_step": one_col,
            "multistep": np.concatenate([pad, multi]),
            "lower": np.concatenate([pad, lower]),
            "upper": np.concatenate([pad, upper]),
            "one_step_lower": _at(n, t_test, lo1),
            "one_step_upper": _at(n, t_test, up1),
        }
    )
    _assert_finite(metrics.to_dict())
    return Evaluation(metrics, predictions, q, note, q1, r1, q_ahead)


def filled_target(run: Run) -> np.ndarray:
    """(n,) bool: True where the run's target value was filled in by the loader (all False where
    none was, or where the series does not line up with the run's preparation)."""
    n = run.prep.n
    return run.series.filled_at(run.prep.target) if len(run.series) == n else np.zeros(n, dtype=bool)


def observed_values(filled: np.ndarray, test_start: int) -> np.ndarray:
    """(n,) bool: the values the test scores count, those not filled in (``filled``, (n,) bool);
    every value where the whole test part was filled in (trailing empty cells), rather than none."""
    real = ~filled
    if not real[test_start:].any():
        real[test_start:] = True
    return real


def _at(n: int, t: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(n,) NaN but ``v`` (k,) at indices ``t`` (k,)."""
    out = np.full(n, np.nan)
    out[t] = v
    return out


def _assert_finite(obj, path: str = "metrics") -> None:
    """No NaN or infinity may reach a result: fail loudly instead of showing one."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            _assert_finite(v, f"{path}.{k}")
    elif isinstance(obj, float) and not math.isfinite(obj):
        raise TrainingDiverged(f"{path} is not finite: the model's predictions blew up; lower the learning rate.")
