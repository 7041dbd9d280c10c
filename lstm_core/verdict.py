"""The honest verdict: does the model beat the baselines one step ahead *and* over the test span?

A run is judged on both evaluations it shows: one-step predictions from the true history,
and the multi-step forecast over the whole test span from its start (what a forecast
ahead looks like). The sentence names the best baseline wherever one wins, so the page
can draw that baseline's forecast beside the model's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .metrics import figure_text
from .results import RunMetrics, Scores

#: A baseline's name in the verdict, as the metrics table under it names its row
#: (:data:`lstm_core.tables.BASELINE_ROWS`): the sentence read "naive (last value) is better"
#: above a row "Naive (last value)", and the chart's legend and the download "Naive (last value)".
BASELINE_LABELS = {
    "naive": "Naive (last value)",
    "seasonal naive": "Seasonal naive",
    "seasonal_naive": "Seasonal naive",
    "holt_winters": "Holt-Winters",
}
#: The "holt_winters" baseline's name where what it fitted has no season: on a series without one
#: (US census population every ten years, the Nile) it is Holt's linear trend, level and trend only
#: (:func:`lstm_core.baselines._candidates`), and "Holt-Winters" read as a seasonal model.
HOLT_LINEAR = "Holt's linear trend"
#: What :func:`lstm_core.baselines._Spec.describe` says a fit was (``info.baseline_models``), and
#: the name a person reads for it.
_FITTED_AS = (
    ("Holt-Winters", "Holt-Winters"),
    ("Holt linear trend", HOLT_LINEAR),
    ("Simple exponential smoothing", "Simple exponential smoothing"),
)


#: Errors under this share of the largest baseline error of the same evaluation are essentially exact:
#: a clean sine's model 1.6e-10 against Holt-Winters' 5.4e-15 (naive 0.09) is rounding against rounding,
#: and the verdict said "The model loses to the baselines" on the generator's easiest series.
EXACT_SHARE = 1e-6


#: Errors this close (the gap under this share of the larger) are a narrow call, and the verdict says
#: so with the gap: "the model beats every baseline one step ahead (RMSE 7.032; best baseline
#: Holt-Winters 7.077)" on 10 test points read as a real lead at 0.6%.
NARROW_SHARE = 0.02


def narrow_gap(a: float, b: float) -> str | None:
    """``"0.64%"``: the gap between two errors as a share of the larger, where it is above 0 and under
    :data:`NARROW_SHARE` (``"under 0.01%"`` below that: "4.5e-05%" read as code); else None."""
    big = max(abs(a), abs(b))
    if not (math.isfinite(a) and math.isfinite(b)) or big == 0 or a == b:
        return None
    gap = abs(a - b) / big
    if gap >= NARROW_SHARE:
        return None
    return f"{gap * 100:.2g}%" if gap >= 1e-4 else "under 0.01%"


def _exact(model: float, base: float, baselines: dict[str, Scores | None]) -> bool:
    """Whether ``model`` and ``base`` (the best baseline's RMSE) are both essentially exact: under
    :data:`EXACT_SHARE` of the largest baseline RMSE of the evaluation (none above zero: never)."""
    sizes = [float(m.rmse) for m in baselines.values() if m is not None and math.isfinite(float(m.rmse))]
    worst = max(sizes, default=0.0)
    return worst > 0 and max(model, base) <= EXACT_SHARE * worst


@dataclass(frozen=True)
class Verdict:
    """``level``: ``beats`` (both evaluations), ``mixed`` (one), ``loses`` (neither) or ``none``.

    ``multistep_winner`` is the key of the best multi-step baseline when it beats the model
    (its future forecast belongs beside the model's), else None.
    """

    level: str
    sentence: str
    multistep_winner: str | None = None
    one_step_winner: str | None = None


def _best(baselines: dict[str, Scores | None], measure: str = "rmse") -> tuple[str | None, float | None]:
    """The key and value of the baseline lowest on ``measure`` (a :class:`Scores` field); (None, None)
    where none has it."""
    scores = {k: float(v) for k, m in baselines.items() if m is not None and (v := getattr(m, measure)) is not None}
    if not scores:
        return None, None
    key = min(scores, key=scores.__getitem__)
    return key, scores[key]


def figure_digits(model: float, others: list[float]) -> int:
    """The significant figures (4 up to 12) at which :func:`figure_text` writes ``model`` unlike each of
    ``others`` that is not equal to it: a verdict read "Naive (last value) is better (RMSE 1.565 against
    the model's 1.565)", and "the model beats every baseline (RMSE 223,600,000,000; best baseline
    223,600,000,000)"."""
    digits = 4
    while digits < 12 and any(
        o != model and figure_text(o, digits) == figure_text(model, digits) for o in others if math.isfinite(o)
    ):
        digits += 1
    return digits


def _apart(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` written with the figures that tell them apart (:func:`figure_digits`)."""
    digits = figure_digits(a, [b])
    return figure_text(a, digits), figure_text(b, digits)


def holt_winters_name(metrics: RunMetrics | None) -> str:
    """What the "holt_winters" baseline of a run with ``metrics`` fitted, as a person reads it:
    "Holt-Winters" where it has a season, :data:`HOLT_LINEAR` where it has none (a series without a
    season, or too short for two of them), as ``info.baseline_models`` says (every run the engine
    made says; metrics that do not keep "Holt-Winters"). The stored key stays "holt_winters"."""
    if metrics is None:
        return BASELINE_LABELS["holt_winters"]
    said = metrics.info.baseline_models.get("holt_winters", "")
    for start, name in _FITTED_AS:
        if said.startswith(start):
            return name
    return BASELINE_LABELS["holt_winters"]


def label(key: str | None, metrics: RunMetrics | None = None) -> str:
    """Human name of a baseline key; with the run's ``metrics``, the Holt-Winters baseline is named
    for what it fitted (:func:`holt_winters_name`)."""
    if key == "holt_winters" and metrics is not None:
        return holt_winters_name(metrics)
    return BASELINE_LABELS.get(key or "", key or "")


def judge(metrics: RunMetrics) -> Verdict:
    """The verdict for a run's ``metrics`` (see :func:`lstm_core.pipeline.evaluate`)."""
    one = metrics.test.rmse if metrics.test is not None else None
    multi = metrics.test_multistep.rmse if metrics.test_multistep is not None else None
    b1, v1 = _best(metrics.baselines)
    bm, vm = _best(metrics.baselines_multistep)
    if one is None or b1 is None or v1 is None:
        return Verdict("none", "No baselines to compare with.")
    steps = metrics.info.n_test
    span = f"over the {steps:,}-step test span forecast from its start" if steps else "over the test span"
    has_multi = multi is not None and vm is not None and bm is not None
    # typed stand-ins: where has_multi is False the multi-step values are never shown
    multi_v, vm_v = (multi, vm) if multi is not None and vm is not None else (0.0, 0.0)
    # a tie is no win: where the model only matches a baseline, the baseline is the simpler choice
    # (a series at 0 for its whole test part: "beats every baseline (RMSE 0; best baseline naive 0)");
    # errors both essentially exact tie, whichever rounding is smaller
    exact1 = _exact(one, v1, metrics.baselines)
    exactm = has_multi and _exact(multi_v, vm_v, metrics.baselines_multistep)
    win1 = one < v1 and not exact1
    winm = not has_multi or (multi_v < vm_v and not exactm)

    def won(where: str, model: float, key: str | None, base: float) -> str:
        shown, other = _apart(model, base)
        if gap := narrow_gap(model, base):
            return f"{where}, narrowly (RMSE {shown}; best baseline {name(key)} {other}, {gap} apart)"
        return f"{where} (RMSE {shown}; best baseline {name(key)} {other})"

    def lost(where: str, model: float, key: str | None, base: float, exact: bool) -> str:
        if base == model:
            return f"{name(key)} does as well {where} (RMSE {figure_text(base)}, the model's too)"
        if exact:
            return (
                f"{name(key)} does as well {where}: both are essentially exact (RMSE {figure_text(base)} and the "
                f"model's {figure_text(model)}, under a millionth of the largest baseline error)"
            )
        other, shown = _apart(base, model)
        if gap := narrow_gap(model, base):
            return f"{name(key)} is narrowly better {where} (RMSE {other} against the model's {shown}, {gap} apart)"
        return f"{name(key)} is better {where} (RMSE {other} against the model's {shown})"

    def name(key: str | None) -> str:
        return label(key, metrics)

    if exact1 and (exactm or not has_multi):  # a series too regular to tell them apart
        both = f"{name(b1)}" if not has_multi or bm == b1 else f"{name(b1)} and {name(bm)}"
        where = f"one step ahead (RMSE {figure_text(one)}; {name(b1)} {figure_text(v1)})"
        if has_multi:
            where += f" and {span} (RMSE {figure_text(multi_v)}; {name(bm)} {figure_text(vm_v)})"
        text = (
            f"A tie: the model and {both} forecast this series essentially exactly, {where}, their errors under "
            "a millionth of the largest baseline error. A series this regular cannot tell them apart; add noise "
            "or load real data to compare them."
        )
        return Verdict("mixed", text)
    if win1 and winm:
        text = "The model beats every baseline " + won("one step ahead", one, b1, v1)
        text += (" and " + won(span, multi_v, bm, vm_v) + ".") if has_multi else "."
        return Verdict("beats", text)
    if not has_multi:  # one step ahead is all there is to judge, and the model lost it
        text = (
            f"The model loses to the baselines: {lost('one step ahead', one, b1, v1, exact1)}. "
            f"Prefer {name(b1)}, or try another cell or settings."
        )
        return Verdict("loses", text, one_step_winner=b1)
    if win1:
        text = (
            f"Mixed: the model beats every baseline {won('one step ahead', one, b1, v1)}, but "
            f"{lost(span, multi_v, bm, vm_v, exactm)}; for a forecast ahead prefer {name(bm)}, or try another cell or settings."
        )
        return Verdict("mixed", text, multistep_winner=bm)
    if winm:
        text = f"Mixed: {lost('one step ahead', one, b1, v1, exact1)}, but the model beats every baseline {won(span, multi_v, bm, vm_v)}."
        # which to use: a "Mixed" said nothing of it, and the page offered the model's forecast alone
        text += (
            " Use this model for a forecast ahead."
            if exact1
            else f" For the next step alone prefer {name(b1)}; for a forecast further ahead, this model."
        )
        return Verdict("mixed", text, one_step_winner=b1)
    text = (
        f"The model loses to the baselines: {lost('one step ahead', one, b1, v1, exact1)}, and {lost(span, multi_v, bm, vm_v, exactm)}. "
        f"Prefer {name(bm)} for a forecast ahead, or try another cell or settings."
    )
    return Verdict("loses", text, multistep_winner=bm, one_step_winner=b1)


def mae_note(metrics: RunMetrics) -> str | None:
    """One sentence where the mean absolute error ranks the model against the baselines otherwise than
    the RMSE the verdict (:func:`judge`) ranks by, one step ahead or over the test span; else None.

    RMSE weighs large errors most: on intermittent counts a model "beat every baseline" by RMSE while
    the naive forecast's typical error was smaller (MAE 1.5 against 2.0). A tie is no win, as in the
    verdict.
    """
    steps = metrics.info.n_test
    span = f"over the {steps:,}-step test span" if steps else "over the test span"
    said: list[str] = []
    for where, own, baselines in (
        ("one step ahead", metrics.test, metrics.baselines),
        (span, metrics.test_multistep, metrics.baselines_multistep),
    ):
        _, best_r = _best(baselines)
        key_a, best_a = _best(baselines, "mae")
        if own is None or best_r is None or best_a is None or key_a is None:
            continue
        if own.mae is None or not (math.isfinite(own.rmse) and math.isfinite(own.mae)):  # metrics saved without MAE
            continue
        if (own.rmse < best_r) == (own.mae < best_a) or _exact(own.rmse, best_r, baselines):
            continue  # agreed, or both essentially exact (the verdict calls it a tie)
        name = label(key_a, metrics)
        if own.mae < best_a:
            shown, other = _apart(own.mae, best_a)
            said.append(
                f"the model beats every baseline {where} (MAE {shown}; best baseline {name} {other}): "
                "its typical error is smaller, a few large ones cost it the RMSE"
            )
        else:
            lead = "the model's RMSE lead comes from fewer large errors, not smaller typical ones"
            if best_a == own.mae:
                said.append(f"{name} does as well {where} (MAE {figure_text(best_a)}, the model's too): {lead}")
            else:
                other, shown = _apart(best_a, own.mae)
                said.append(f"{name} is better {where} (MAE {other} against the model's {shown}): {lead}")
    if not said:
        return None
    return "On mean absolute error, " + "; and ".join(said) + "."


#: Below this share of test points inside the band, the band is named too narrow (the issue's floor
#: for a 90% band), where the test span has at least :data:`COVERAGE_MIN_POINTS` points. With fewer,
#: a low share is named only where chance at the band's level would give it at most
#: :data:`COVERAGE_CHANCE` of the time (10 points at a true 90%: 6 or fewer inside 1.3% of the time;
#: 0 of 8 inside, 1e-8: a band that missed every point of a short test span was left unsaid).
LOW_COVERAGE = 0.70
COVERAGE_MIN_POINTS = 10
COVERAGE_CHANCE = 0.013


def chance_of_at_most(inside: int, points: int, level: float) -> float:
    """How often ``inside`` or fewer of ``points`` values fall in a band that holds each with
    probability ``level`` (the binomial distribution's lower tail)."""
    return sum(math.comb(points, i) * level**i * (1 - level) ** (points - i) for i in range(inside + 1))


def _too_few(share: float | None, points: int, level: float) -> bool:
    if share is None or share >= LOW_COVERAGE:
        return False
    return points >= COVERAGE_MIN_POINTS or chance_of_at_most(round(share * points), points, level) <= COVERAGE_CHANCE


def scored_points(metrics: RunMetrics) -> int:
    """The test points every model's one-step score counts: the test part less the values the
    loader filled in."""
    return metrics.info.n_test - metrics.info.n_test_filled


def filled_note(metrics: RunMetrics) -> str | None:
    """One sentence where the test scores left out values the loader filled in, else None."""
    k = metrics.info.n_test_filled
    if not k:
        return None
    return (
        f"The test scores and coverage leave out the {k} test value{'s' if k != 1 else ''} the loader filled in "
        f"(empty cells or missing timestamps), for every model alike; they count the {scored_points(metrics)} observed."
    )


def coverage_note(metrics: RunMetrics) -> str | None:
    """A warning where the interval held far fewer of the test part's values than its level says
    (one step ahead or over the multi-step forecast), else None: the band drawn ahead is then
    likely too narrow as well, whatever its level says (or, where it was widened to the errors over the
    test part, ``Coverage.ahead_widened``, to be trusted less)."""
    cov = metrics.coverage
    n = scored_points(metrics)
    low = [
        f"{share:.0%} {where}"
        for where, share in (("one step ahead", cov.one_step), ("over the multi-step forecast", cov.multistep))
        if _too_few(share, n, cov.level)
    ]
    if not low:
        return None
    ahead = (
        "; the band ahead is widened to the errors of forecasts from origins in the test part, but trust it less."
        if cov.ahead_widened
        else ", so a band ahead is likely too narrow too."
    )
    return (
        f"Of the {n} test points, the {cov.level:.0%} interval held only {' and '.join(low)}, "
        f"not about {cov.level:.0%}: the forecast strayed further than its band allows{ahead}"
    )


def untested_note(metrics: RunMetrics, steps: int) -> str | None:
    """One sentence where a forecast of ``steps`` ahead goes past the test span the verdict
    covers (the span forecast from its start, ``n_points - test_start`` steps), else None."""
    tested = metrics.info.n_points - metrics.info.test_start
    if tested <= 0 or steps <= tested:
        return None
    past = steps - tested
    return (
        f"The verdict covers the {tested:,}-step test span; the {past:,} step{'s' if past != 1 else ''} past it "
        f"{'were' if past != 1 else 'was'} not tested, so trust {'them' if past != 1 else 'it'} less."
    )
