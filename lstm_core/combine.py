"""A forecast from several members, each a representation of the series with its own
recurrent network(s), averaged in original units.

Combining forecasts is the most reliable gain in forecasting practice (the M4 competition's
best entries were combinations; N-BEATS and ES-RNN ensembles). Here every member is the
cell the user picked, trained on one of the representations that did best in the
rolling-origin backtest (:mod:`lstm_core.strategy`), so a wrong pick among close candidates
costs little. Member 0 is the best one: its first network is the one whose gates the app shows.
The intervals live on the log scale for a series above zero throughout (relative errors: bands
that widen with the level, as multiplicative seasonality and growth need; measured on 14 real
series, Johnson & Johnson's one-step coverage went from 0.54 to 0.86), else in original units.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import forecast as fc
from .config import ConfigError
from .model import Ensemble, Forecaster
from .outliers import replaced
from .prep import (
    PhaseSums,
    Prepared,
    Transform,
    future_spikes,
    one_step_targets,
    phase_sums,
    profiles_before,
    window_x,
    with_history,
)


@dataclass
class Member:
    """One representation (its prepared data) and the network(s) trained on it.

    ``one_step_only``: networks trained for the one-step predictions only (on a short series,
    one output per window over a shorter window: :data:`lstm_core.pipeline.ONE_STEP_LOOK_BACK`);
    a combination weighs them in with the others one step ahead and leaves them out of its
    multi-step paths.
    """

    prep: Prepared
    model: Forecaster | Ensemble
    one_step_only: bool = False
    #: a stand-in for one-step predictions (``one_step_only`` too): with ``one_step="online"`` or ``"stand-in"`` it
    #: is weighed in like the others and takes the share of the level members beyond their training
    #: range at a point; with ``"guarded"`` it makes the one-step prediction only where all of them
    #: are (see :data:`ONE_STEP`)
    standby: bool = False

    @property
    def networks(self) -> int:
        return len(getattr(self.model, "members", [self.model]))

    def beyond_training_range(self, t: np.ndarray, share: float, profiles: np.ndarray | None = None) -> np.ndarray:
        """Where this member's one-step input window for target index ``t`` (n,) reaches beyond
        the range of its training inputs by more than ``share`` of that range: bool (n,).

        Only a level representation (no differencing, no window mean) is judged, and only when
        the target's own past feeds its windows: its network maps levels it has seen to the next
        one, and past them it cannot follow (a random walk that leaves the range it trained on, a
        level shift). Differenced and window-normalised members see steps, which stay in range."""
        t = np.asarray(t, dtype=np.int64)
        tr = self.prep.transform
        if tr.lag or tr.window_norm or not self.prep.cfg.uses_target_history or len(t) == 0:
            return np.zeros(len(t), dtype=bool)
        seen = self.prep.features[self.prep.offset : self.prep.train_end, 0]  # (n_train,) scaled levels
        seen = seen[np.isfinite(seen)]
        if len(seen) == 0:
            return np.zeros(len(t), dtype=bool)
        lo, hi = float(seen.min()), float(seen.max())
        x = window_x(self.prep, t, profiles)[:, :, 0]  # (n, L) the same windows the network sees
        room = share * max(hi - lo, 1e-12)
        with np.errstate(invalid="ignore"):
            return (np.nanmax(x, axis=1) > hi + room) | (np.nanmin(x, axis=1) < lo - room)


def _level_words(tr: Transform) -> str:
    """What a level representation's network reads, as far as leaving a range goes: ``the series``
    (its logs leave a range where it does), ``the series less its seasonal profile (24 steps)``,
    ``the series' logs less their seasonal profile (12 steps)``."""
    if not tr.deseason:
        return "the series"
    return (
        f"the series' logs less their seasonal profile ({tr.deseason} steps)"
        if tr.log
        else (f"the series less its seasonal profile ({tr.deseason} steps)")
    )


#: How the networks' recursive forecasts are combined. ``"guarded"`` (new runs): ``"trimmed"``,
#: and with three or four members a member that runs off (:data:`RUNOFF_RANGES`) is left out of
#: the points where it does. ``"trimmed"`` (runs saved before session 15): every network runs its
#: recursion on its own outputs, each member (representation) averages its networks' paths, and
#: with :data:`TRIM_MEMBERS` members or more the highest and the lowest member forecast of every
#: point are dropped before the rest are averaged (a trimmed mean, robust to one representation
#: that runs off; bench_forecast, 14 real series, seeds 0-2, against ``"networks"``: multi-step
#: RMSE ÷ best baseline, geometric mean 1.001 -> 0.972, UKgas 1.68 -> 1.53, co2 0.53 -> 0.42;
#: largest seed spread 1.28 -> 1.21).
#: ``"networks"``: the same paths, members averaged without trimming (seed spread of multi-step
#: RMSE on co2 1.49 -> 1.16 against ``"inside"``). ``"inside"``: the networks' outputs are
#: averaged at every step and the mean is fed back (runs saved before this choice existed).
#: ``"ranged"`` (new runs, session 36): ``"guarded"``, and a level member whose input window at a forecast
#: origin reaches beyond its training inputs (:data:`PATH_RANGE_GUARD`, the one-step guard's test, at the
#: origin) is left out of that origin's paths, where another path member is not. A network maps the
#: levels it saw to the next ones; from a window past them its recursion cannot follow, and
#: the forecast ahead starts from the end of the data, which a trending series or one whose level
#: moved has left (a daily series that rose from 10 to 18 in its last 45 points was forecast at
#: 12.7, the mean of level members near 10 and the others near 18).
PATHS = ("ranged", "guarded", "trimmed", "networks", "inside")
#: Fewest members for ``paths="guarded"`` or ``"trimmed"`` to drop the extremes (fewer: a plain mean).
TRIM_MEMBERS = 5
#: With ``paths="guarded"`` and fewer members than :data:`TRIM_MEMBERS` but at least three, a member whose forecast of a
#: point lies more than this many times the training data's range from the members' median there
#: has run off, and is left out of that point's mean. (A 1,500-point stationary series of tree-ring
#: widths, range 0.08-1.74: the window-mean member's 495-step path fell steadily to -1.45 while the
#: other two held near 0.9-0.95; the plain mean of the three scored 2.1x Holt-Winters.) A median
#: of three instead of the mean measured worse where the members disagree without running off:
#: weekly CO2 multi-step RMSE 0.56x -> 0.81x the best baseline, seed spread 1.04 -> 1.49.
RUNOFF_RANGES = 0.5
#: How the members' one-step predictions are combined: ``"validation"`` weighs each member by
#: the inverse of its one-step mean squared error on the validation part (bench_forecast, 14 real
#: series: one-step RMSE ÷ best statsforecast model, geometric mean 1.098 -> 1.068); ``"guarded"``
#: (runs of sessions 16-17) the same, but at a point where a level member's input window reaches
#: beyond its training inputs (:data:`RANGE_GUARD`, :meth:`Member.beyond_training_range`) that
#: member is left out and the others' weights fill its place (all of them out: the weights as
#: they are); ``"equal"`` averages them (runs saved before either existed). Multi-step forecasts
#: stay equal-weighted (backtest-weighted multi-step combinations measured worse).
#: ``"online"`` (new runs, session 23): ``"stand-in"``, with weights inversely proportional to the
#: *square* of each member's one-step mean squared error (:data:`ONLINE_POWER`), and over the test
#: part updated after each point with that point's errors (:data:`ONLINE_DECAY`), as a forecaster in
#: service that sees each value after predicting it would move its weights to the members doing best
#: (:meth:`Combination.online_weights`).
ONE_STEP = ("online", "stand-in", "guarded", "validation", "equal")
#: The one-step weightings with the range guard (see :data:`RANGE_GUARD`). With ``"stand-in"`` (new
#: runs, session 18) a standby member is weighed in by validation error like the others, and at a
#: point it also takes the share of every level member left out there
#: (:meth:`Combination._guarded_weights`); with ``"guarded"`` (runs saved in sessions 16-17) it has
#: no weight, the others' weights fill the place, and it stands in only where every regular member
#: is out.
GUARDED = ("online", "stand-in", "guarded")
#: The one-step weightings in which a standby member is weighed in like the others and takes the
#: share of the level members the range guard leaves out at a point.
STAND_IN = ("online", "stand-in")
#: With ``one_step="online"``: the members' weights are their one-step mean squared errors to this
#: power, inverted (2: inverse-MSE² weights follow the ranking more sharply than Bates & Granger's
#: inverse MSE), and after each test point every past squared error counts this much less, the
#: validation part's as one more pooled stretch before the test part (0.97: a half-life of about 23
#: points). Measured with ``benchmarks/bench_online_weights.py``.
ONLINE_POWER = 2.0
ONLINE_DECAY = 0.97
#: With ``one_step="guarded"``, a level member's one-step prediction is left out where its input
#: window reaches more than this share of its training inputs' range beyond them. Measured with
#: ``benchmarks/bench_range_guard.py`` (engine defaults, seeds 0-2, one-step RMSE ÷ the best of the
#: engine's baselines): Google's daily close (1,000 trading days, to new highs in the test part)
#: 1.44 -> 1.01; on six such real series outside the benchmark sets 1.055 -> 0.998 (geometric mean;
#: Box & Jenkins' sales 0.98 -> 1.00). On bench_forecast's 36 series, where level members rarely
#: leave their range, one-step ÷ best statsforecast 1.057 -> 1.057, 1.126 -> 1.128 (Lake Huron
#: 1.11 -> 1.13) and 1.184 -> 1.184. At 0.25 Lake Huron keeps its figure, but a synthetic
#: business-day random walk that rose 23% past its range keeps its 2.4x the naive error (1.6x at 0.1).
RANGE_GUARD = 0.1
#: With ``paths="ranged"``, a level member whose window at a forecast origin reaches beyond its training
#: inputs by more than this share of their range is left out of that origin's paths: the one-step
#: guard's share (0.25 and 0.5 measured no better over the five sets, ``bench_path_range``).
PATH_RANGE_GUARD = RANGE_GUARD
#: How a member that removes a seasonal profile (``Transform.deseason``) deseasonalises the history
#: it forecasts from. ``"origin"`` (new runs, session 24): with the profile of all the values before
#: the forecast origin (:func:`lstm_core.prep.profiles_before`): one step ahead, the values before
#: each point; the multi-step forecast, those before its start; past the data, all of them. Inside
#: the training part that is the training part's profile, the one the networks trained on; later
#: origins see more seasons, as a forecaster in service re-estimates its seasonal factors with
#: every value it sees (ES-RNN updates them by exponential smoothing). ``"fixed"`` (runs saved
#: before): the training part's profile everywhere. Measured with
#: ``benchmarks/bench_origin_profile.py``.
PROFILES = ("origin", "fixed")
#: Most seasonal-profile values held at once (origins × season length) when every origin has its
#: own profile: a long series with a long season is handled in chunks of origins.
PROFILE_CELLS = 2_000_000


class Combination:
    """Average of the members' forecasts in original units; ``prep`` is member 0's.

    ``paths``: see :data:`PATHS`; ``one_step``: see :data:`ONE_STEP`.
    """

    def __init__(
        self, members: list[Member], paths: str = "guarded", one_step: str = "guarded", profiles: str = "fixed"
    ):
        if not members:
            raise ValueError("A combination needs at least one member.")
        if profiles not in PROFILES:
            raise ValueError(f"Unknown seasonal profile rule {profiles!r}; choose one of {', '.join(PROFILES)}.")
        if paths not in PATHS:
            raise ValueError(f"Unknown path combination {paths!r}; choose one of {', '.join(PATHS)}.")
        if one_step not in ONE_STEP:
            raise ValueError(f"Unknown one-step weighting {one_step!r}; choose one of {', '.join(ONE_STEP)}.")
        self.members = members
        self.paths = paths
        self.one_step_mode = one_step
        self.profiles = profiles
        self._sums: dict[int, PhaseSums | None] = {}  # prep_id -> its phase sums (origin_profiles)
        #: the members whose paths make the multi-step forecast (all but the one-step-only ones;
        #: every member makes the one-step predictions)
        self.path_members = [m for m in members if not m.one_step_only] or list(members)
        #: (members,) True for every member but a standby one (which only stands in, see ``one_step``)
        self.regular = np.array([not m.standby for m in members])
        self.prep = self.path_members[0].prep
        #: the intervals live on the log scale for a series above zero throughout (errors that
        #: grow with the level give bands that grow with it)
        self.log_scale = bool(np.all(self.prep.y > 0))

    @property
    def earliest(self) -> int:
        """First index every path member can forecast from (the longest differencing lag + window)."""
        return max(m.prep.offset + m.prep.cfg.look_back for m in self.path_members)

    def _one_step_each(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        """Every member's one-step predictions where all have one: ``(t (n,), yhat (members, n))``."""
        outs = []
        for m in self.members:
            t = one_step_targets(m.prep, part)
            outs.append((t, self.at_origins(m.prep, t, lambda tt, pp, m=m: fc.one_step_at(m.model, m.prep, tt, pp))))
        t = outs[0][0]
        for ti, _ in outs[1:]:
            t = np.intersect1d(t, ti)
        if len(t) == 0:
            return t, np.zeros((len(outs), 0))
        return t, np.array([yi[np.searchsorted(ti, t)] for ti, yi in outs])

    def origin_profiles(self, prep: Prepared, t: np.ndarray) -> np.ndarray | None:
        """The seasonal profile (n, m) a member on ``prep`` deseasonalises its history with for
        each forecast origin (or one-step target) ``t`` (n,) (:data:`PROFILES`); None for the
        training part's throughout."""
        t = np.asarray(t, dtype=np.int64)
        if self.profiles != "origin" or not len(t) or int(t.max()) <= prep.train_end:
            return None
        if id(prep) not in self._sums:  # the series' detrended values, once per member
            self._sums[id(prep)] = phase_sums(prep)
        return profiles_before(prep, t, self._sums[id(prep)])

    def at_origins(self, prep: Prepared, t: np.ndarray, fn):
        """``fn(t, profiles)`` for origins ``t`` (n,) of a member on ``prep``, with their seasonal
        profiles (:meth:`origin_profiles`), in chunks of origins where the profiles would hold over
        :data:`PROFILE_CELLS` values; the results joined along their first axis."""
        t = np.asarray(t, dtype=np.int64)
        m = len(prep.profile) if prep.profile is not None else 1
        step = max(1, PROFILE_CELLS // m)

        if len(t) <= step:
            return fn(t, self.origin_profiles(prep, t))
        return np.concatenate(
            [fn(t[i : i + step], self.origin_profiles(prep, t[i : i + step])) for i in range(0, len(t), step)]
        )

    def _weighed(self) -> np.ndarray:
        """(members,) True for the members weighed in one step ahead: the regular ones, and with
        ``one_step`` in :data:`STAND_IN` a standby one too."""
        return self.regular | (self.one_step_mode in STAND_IN)

    def _validation_errors(self) -> np.ndarray | None:
        """Every member's one-step squared errors on the validation part (members, n_val), or
        None without a validation part."""
        t, ys = self._one_step_each("val")
        if len(t) == 0:
            return None
        return (ys - self.prep.y[t][None, :]) ** 2

    def _inverse(self, mse: np.ndarray) -> np.ndarray | None:
        """Weights (members,) of the weighed members (:meth:`_weighed`) from their mean squared
        errors ``mse`` (members,): inversely proportional to ``mse`` (``mse²`` with
        ``one_step="online"``: :data:`ONLINE_POWER`); None where one is not finite and positive."""
        weighed = self._weighed()
        m = mse[weighed]
        if not np.all(np.isfinite(m)) or np.any(m <= 0):
            return None
        inv = m ** -(ONLINE_POWER if self.one_step_mode == "online" else 1.0)
        if not np.all(np.isfinite(inv)) or not inv.sum() > 0:
            return None
        w = np.zeros(len(self.members))
        w[weighed] = inv / inv.sum()
        return w

    def one_step_weights(self) -> np.ndarray:
        """Weights (members,) of the one-step combination, summing to 1 (a standby member's: 0,
        but with ``one_step`` in :data:`STAND_IN`, where it is weighed in like the others).
        With ``one_step="validation"``, ``"guarded"`` or ``"stand-in"``: inversely proportional to
        each member's one-step mean squared error on the validation part (Bates & Granger; the
        networks never trained on it, early stopping watched it), equal without a validation part;
        ``"online"``: to its square (the weights before the first test point, see
        :meth:`online_weights`); ``"equal"``: equal."""
        if self.one_step_mode == "equal" or int(self._weighed().sum()) == 1:
            return self._validation_weights(None)
        return self._validation_weights(self._validation_errors())

    def _validation_weights(self, errors: np.ndarray | None) -> np.ndarray:
        """:meth:`one_step_weights` from the members' validation errors (members, n_val): equal
        without them (None) or where one member's mean is not finite and positive."""
        weighed = self._weighed()
        w = np.zeros(len(self.members))
        w[weighed] = 1.0 / int(weighed.sum())
        if errors is None:
            return w
        got = self._inverse(errors.mean(axis=1))
        return w if got is None else got

    def online_weights(self, t: np.ndarray, ys: np.ndarray) -> np.ndarray | None:
        """Per-point weights (members, n) of the one-step combination at the test part's target
        indices ``t`` (n,), given the members' predictions there ``ys`` (members, n).

        With ``one_step="online"``, the weights at a point come from the members' squared errors on
        the validation part and at the test points before it, each older one discounted by
        :data:`ONLINE_DECAY` per point (the validation part's mean counts as one stretch of as many
        points before the first test point); nothing at or after a point sets its weights. None
        for the other weightings (or a single member weighed in): :meth:`one_step_weights` holds
        at every point."""
        if self.one_step_mode != "online" or int(self._weighed().sum()) == 1:
            return None
        errors = self._validation_errors()  # once: the members' validation predictions are not cheap
        w0 = self._validation_weights(errors)
        n = len(t)
        total = errors.sum(axis=1) if errors is not None else np.zeros(len(self.members))
        count = float(errors.shape[1]) if errors is not None else 0.0
        sq = (ys - self.prep.y[t][None, :]) ** 2  # (members, n) known once each point has passed
        out = np.empty((len(self.members), n))
        for i in range(n):
            got = self._inverse(total / count) if count > 0 else None
            out[:, i] = w0 if got is None else got
            if np.all(np.isfinite(sq[:, i])):
                total = ONLINE_DECAY * total + sq[:, i]
                count = ONLINE_DECAY * count + 1.0
        return out

    def _guarded_weights(self, t: np.ndarray, w: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-point weights (members, n) of the guarded one-step combination at target indices
        ``t``, with where a regular member was left out (members, n) and where a standby member
        stood in (n,): with ``one_step`` in :data:`STAND_IN` for the members left out there, with
        ``"guarded"`` only where every regular member was left out. ``w``: the weights before the
        guard, (members,) or (members, n); :meth:`one_step_weights` when None."""
        regular = self.regular
        w = self.one_step_weights() if w is None else w
        wn = np.broadcast_to(w[:, None], (len(w), len(t))) if w.ndim == 1 else w  # (members, n)
        out = np.array(
            [
                self.at_origins(m.prep, t, lambda tt, pp, m=m: m.beyond_training_range(tt, RANGE_GUARD, pp)) & r
                for m, r in zip(self.members, regular)
            ]
        )
        wt = np.where(out, 0.0, wn)  # (members, n); a standby member is never out
        spare = ~regular
        if self.one_step_mode in STAND_IN and spare.any():
            moved = np.sum(np.where(out, wn, 0.0), axis=0)  # (n,) the weight left out at each point
            wt[spare] += moved[None, :] / int(spare.sum())
            return wt, out, moved > 0
        total = wt.sum(axis=0)
        stood = (total <= 0) & bool(spare.any())
        fallback = np.where(regular, 0.0, 1.0 / max(int(spare.sum()), 1))[:, None] if stood.any() else wn
        wt = np.where(total > 0, wt / np.where(total > 0, total, 1.0), fallback)
        return wt, out, stood

    def one_step(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        """One-step predictions ``(t (n,), yhat (n,))`` where every member has one: the members'
        predictions weighted by :meth:`one_step_weights` (on the test part with
        ``one_step="online"``: :meth:`online_weights`), with ``one_step`` in :data:`GUARDED` less
        the level members that are beyond their training range at a point (:data:`RANGE_GUARD`;
        see :meth:`_guarded_weights` for who takes their place)."""
        t, ys = self._one_step_each(part)
        if len(t) == 0:
            return t, np.zeros(0)
        w = self.online_weights(t, ys) if part == "test" else None
        w = self.one_step_weights() if w is None else w  # (members,) or, online, (members, n)
        if self.one_step_mode not in GUARDED or len(self.members) == 1:
            return t, w @ ys  # per-point weights come only with "online", a guarded weighting
        wt, _, _ = self._guarded_weights(t, w)
        return t, np.sum(wt * ys, axis=0)

    def range_note(self, t: np.ndarray) -> str | None:
        """One sentence on the one-step predictions at target indices ``t`` (n,) that the range
        guard changed (``one_step`` in :data:`GUARDED`), or None where it changed none."""
        if self.one_step_mode not in GUARDED or len(self.members) == 1 or len(t) == 0:
            return None
        _, out, stood = self._guarded_weights(t)
        hit = (out.any(axis=0) & ~out[self.regular].all(axis=0)) | stood  # all out and no standby: unchanged
        if not hit.any():
            return None
        judged = [m for m, o in zip(self.members, out) if (o & hit).any()]
        nets = sum(m.networks for m in judged)
        their = "their" if nets != 1 else "its"  # one network: "its one-step predictions", "took its share"
        # what left the range is what those networks read: the series, its logs, or either less its seasonal
        # profile (a daily cycle's noise left the range of the training part's where the series stayed in it)
        read = {_level_words(m.prep.transform) for m in judged}
        what = (
            f"{read.pop()} had left the range that {nets} network{'s' if nets != 1 else ''} on it trained on"
            if len(read) == 1
            else f"the values that {nets} networks on its levels read had left the range they trained on"
        )
        return f"At {int(hit.sum())} of {len(t)} test points {what}; {their} one-step predictions " + (
            "were left out there and " + self._stand_in_words(int(stood.sum()), their)
            if stood.any()
            else "were left out there and the other representations' stand in."
        )

    def _stand_in_words(self, stood: int, their: str = "their") -> str:
        """How the standby network stood in at ``stood`` of the points noted (end of a sentence);
        ``their``: the networks left out ("its" for one)."""
        sb = next(m for m, r in zip(self.members, self.regular) if not r)
        what = (
            "on the values less their window's mean"
            if sb.prep.transform.window_norm and not sb.prep.transform.lag
            else f"on the representation '{sb.prep.transform.name}'"
        )
        if self.one_step_mode in STAND_IN:
            return f"a standby network {what} took {their} share at {stood} of them."
        return f"at {stood} of them where no other representation was left, a standby network {what} stood in."

    def forecast_y(self, origins: np.ndarray, steps: int) -> np.ndarray:
        """Recursive forecasts (M, steps) in original units from each origin."""
        origins = np.asarray(origins, dtype=np.int64)
        each = np.array([self._member_y(m, origins, steps) for m in self.path_members])  # (members, M, steps)
        out = self.paths_out_of_range(origins) if self.paths == "ranged" else None
        if out is None:
            return self._combined(each)
        result = np.empty(each.shape[1:])
        # the origins that leave the same members out are combined together
        patterns, which = np.unique(out.T, axis=0, return_inverse=True)
        for k, left_out in enumerate(patterns):
            at = np.flatnonzero(which.ravel() == k)
            result[at] = self._combined(each[~left_out][:, at])
        return result

    def paths_out_of_range(self, origins: np.ndarray) -> np.ndarray | None:
        """(path members, M): True where a level path member's input window at an origin reaches
        beyond its training inputs (:meth:`Member.beyond_training_range` at :data:`PATH_RANGE_GUARD`), and
        another path member's does not (that origin keeps the others' paths); None where none is."""
        if len(self.path_members) < 2 or not len(origins):
            return None
        out = np.array(
            [
                self.at_origins(m.prep, origins, lambda tt, pp, m=m: m.beyond_training_range(tt, PATH_RANGE_GUARD, pp))
                for m in self.path_members
            ]
        )
        out &= ~out.all(axis=0)  # every member out: the origin keeps them all
        return out if out.any() else None

    def _combined(self, each: np.ndarray) -> np.ndarray:
        """The members' forecasts ``each`` (members, M, steps) combined as :data:`PATHS` says: (M, steps)."""
        if self.paths in ("ranged", "guarded", "trimmed") and len(each) >= TRIM_MEMBERS:
            each = np.sort(each, axis=0)[1:-1]  # NaN (no inputs past the data) sorts last and stays NaN
        elif self.paths in ("ranged", "guarded") and len(each) >= 3:
            return self._without_runoffs(each)
        return each.mean(axis=0)

    def _without_runoffs(self, each: np.ndarray) -> np.ndarray:
        """Mean over members (axis 0 of ``each``, (members, M, steps)) of the forecasts within
        :data:`RUNOFF_RANGES` training-data ranges of the members' median at each point; the
        plain mean where that leaves none (or the median is NaN: no inputs past the data)."""
        y = self.prep.y_fit[: max(self.prep.train_end, 1)]  # lone spikes replaced, as the networks saw it
        span = float(np.max(y) - np.min(y)) if len(y) else 0.0
        mean = each.mean(axis=0)
        if not span > 0:
            return mean
        with np.errstate(invalid="ignore"):
            keep = np.abs(each - np.median(each, axis=0)) <= RUNOFF_RANGES * span  # (members, M, steps)
        n = keep.sum(axis=0)
        kept = np.where(keep, each, 0.0).sum(axis=0) / np.maximum(n, 1)
        return np.where(n > 0, kept, mean)

    def _member_y(self, m: Member, origins: np.ndarray, steps: int) -> np.ndarray:
        """One member's recursive forecasts (M, steps) in original units: its networks' own
        paths averaged, or (``paths="inside"``) one recursion of their mean output."""
        nets = [m.model] if self.paths == "inside" else list(getattr(m.model, "members", [m.model]))

        def paths(o: np.ndarray, profiles: np.ndarray | None) -> np.ndarray:
            return np.mean([m.prep.y_from_z(fc.recursive_z(net, m.prep, o, steps, profiles)) for net in nets], axis=0)

        return self.at_origins(m.prep, origins, paths)

    def z_from_y(self, y: np.ndarray) -> np.ndarray:
        """The interval scale: logs for a positive series (a non-positive forecast is held just
        above 0), else original units."""
        y = np.asarray(y, dtype=np.float64)
        if self.log_scale:
            return np.log(np.maximum(y, self._log_floor))
        return y

    @property
    def _log_floor(self) -> float:
        """Where the log scale holds a value at or below 0 (just above 0, in the series' own units)."""
        return float(self.prep.y.min()) * 1e-6

    def held(self, y: np.ndarray) -> np.ndarray:
        """(n,) True where :meth:`z_from_y` holds a value as it is: everywhere on original units, where
        it is above 0 on the log scale (a forecast at or below 0 is held just above 0 there)."""
        y = np.asarray(y, dtype=np.float64)
        return np.ones(y.shape, dtype=bool) if not self.log_scale else y > self._log_floor

    def y_from_z(self, z: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`z_from_y`."""
        z = np.asarray(z, dtype=np.float64)
        if self.log_scale:
            return np.exp(np.clip(z, -700, 700))
        return z

    def interval(self, z_center: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Band ``z ± q`` on the interval scale, in original units."""
        return self.y_from_z(z_center - q), self.y_from_z(z_center + q)

    def path_band(self, y: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A forecast path ``y`` (h,) and its band of half-widths ``q`` (h,) on the interval scale:
        ``(forecast, lower, upper)`` in original units. On the log scale a step forecast at or below
        0 is 0, its band from 0 to where the band of the data's lowest value reaches (held just above
        0, its band would shrink to millionths: [2e-7, 2e-5] for monthly deaths of 2 to 17)."""
        y = np.asarray(y, dtype=np.float64)
        z = self.z_from_y(y)
        lower, upper = self.interval(z, q)
        out = ~self.held(y)
        forecast = np.where(out, 0.0, self.y_from_z(z))  # the path through the interval scale, as before
        if not out.any():
            return forecast, lower, upper
        lowest = self.z_from_y(np.full(int(out.sum()), float(self.prep.y.min())))
        lower[out], upper[out] = 0.0, self.y_from_z(lowest + q[out])
        return forecast, lower, upper

    def forecast_z(self, origins: np.ndarray, steps: int) -> np.ndarray:
        """:meth:`forecast_y` on member 0's model scale (M, steps)."""
        return self.z_from_y(self.forecast_y(origins, steps))

    def with_history(self, y: np.ndarray) -> Combination:
        """The same networks and weighting, conditioned on the target's values ``y`` (N,)
        (:func:`lstm_core.prep.with_history`)."""
        members = [replace(m, prep=with_history(m.prep, y)) for m in self.members]
        return Combination(members, self.paths, self.one_step_mode, self.profiles)

    def future(self, steps: int, q: np.ndarray) -> pd.DataFrame:
        """``steps`` points past the end of the data: columns time, forecast, lower, upper."""
        if steps < 1:
            raise ConfigError("Ask for at least one forecast step.")
        if len(q) < steps:
            q = np.concatenate([q, np.full(steps - len(q), q[-1] if len(q) else 0.0)])
        prep = self.prep
        # from the history with every lone spike replaced (with outliers="replace")
        spikes = future_spikes(prep)
        combo = self if len(spikes) == len(prep.spikes) else self.with_history(replaced(prep.y, spikes))
        forecast, lower, upper = self.path_band(combo.forecast_y(np.array([prep.n]), steps)[0], q[:steps])
        lower, upper = fc.within_reach(prep.y, forecast, lower, upper)  # no band reaching past a runaway
        return pd.DataFrame({"time": prep.future_index(steps), "forecast": forecast, "lower": lower, "upper": upper})
