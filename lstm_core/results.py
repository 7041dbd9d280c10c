"""Typed results of a run: the error measures, interval coverage, guards and facts of one run.

:class:`RunMetrics` is what :func:`lstm_core.pipeline.evaluate` returns and what ``Run.metrics``
holds. On disk (``metrics.json``) and in the CLI's JSON it is :meth:`RunMetrics.to_dict`, whose
keys are those the project has always written (``test``, ``test_multistep``, ``baselines``,
``baselines_multistep``, ``coverage``, ``info``, ``guards``, ``train``, ``val``), so saved runs
and scripts that read them keep working; :meth:`RunMetrics.from_dict` reads them back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Scores:
    """Error measures of one forecast on one set of points, in original units.

    ``mape`` is None where the truth touches zero; ``mase`` is None where the training series
    has no naive error to scale by.
    """

    rmse: float
    mae: float
    mape: float | None
    smape: float
    mase: float | None

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Scores | None:
        """Scores from their JSON form (None stays None; absent measures are None)."""
        if d is None:
            return None
        return cls(**{f.name: d.get(f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Coverage:
    """Share of test points inside the intervals at ``level`` (None where there are none)."""

    level: float = 0.9
    one_step: float | None = None
    multistep: float | None = None
    note: str = ""
    #: whether the band past the data is wider than the calibrated one somewhere: forecasts from origins
    #: in the test part erred more (:func:`lstm_core.pipeline._ahead_widths`)
    ahead_widened: bool = False


@dataclass(frozen=True)
class Guards:
    """The forecast guards: clipped at zero for a never-negative series; a runaway warning; where
    level networks were left out of one-step predictions (:data:`lstm_core.combine.RANGE_GUARD`);
    a shorter look_back than asked for on a series too short for it
    (:func:`lstm_core.prep.fitted_look_back`); lone spikes before the test part replaced for
    training (:mod:`lstm_core.outliers`)."""

    non_negative: bool = False
    runaway: str | None = None
    one_step_range: str | None = None
    look_back: str | None = None
    outliers: str | None = None
    #: where the rows before the target's first value or after its last one were left out: the
    #: loader had filled them in (empty cells at the start or end of the column)
    trimmed: str | None = None


@dataclass(frozen=True)
class RunInfo:
    """Facts of the run shown beside the metrics (data, representation, model, training)."""

    target: str = ""
    inputs: list[str] = field(default_factory=list)
    n_points: int = 0
    train_end: int = 0
    test_start: int = 0
    n_test: int = 0
    n_test_filled: int = 0  # test points the loader filled in: the scores and coverage leave them out
    season: int | None = None
    season_source: str = "none"  # set | time index | weekly (a step under a day) | yearly (daily) | detected | none
    transform: str = ""
    transform_reason: str = ""
    representation: dict[str, Any] = field(default_factory=dict)
    representations: list[dict[str, Any]] = field(default_factory=list)  # name, networks, horizon
    horizon: int = 1
    cell: str = "lstm"
    parameters: int = 0
    ensemble: int = 1
    epochs_run: int = 0
    best_epoch: int = 0
    member_best_epochs: list[int] = field(default_factory=list)
    status: str = ""
    train_seconds: float = 0.0
    device: str = "cpu"
    baseline_models: dict[str, str] = field(default_factory=dict)
    backtest: list[dict[str, Any]] = field(default_factory=list)  # representation, rmse

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunInfo:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True)
class RunMetrics:
    """Every number of a run's evaluation (see :func:`lstm_core.pipeline.evaluate`).

    ``test`` is the one-step forecast on the test part, ``test_multistep`` the forecast of the
    whole test span from its start; ``baselines`` / ``baselines_multistep`` score each baseline
    on exactly the same points. ``train`` / ``val`` are None for an empty part.
    """

    train: Scores | None
    val: Scores | None
    test: Scores | None
    test_multistep: Scores | None
    baselines: dict[str, Scores | None]
    baselines_multistep: dict[str, Scores | None]
    coverage: Coverage
    info: RunInfo
    guards: Guards = field(default_factory=Guards)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``metrics.json``): the keys the project has always written."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunMetrics:
        """Read :meth:`to_dict`'s form back (absent coverage, guards and info keys take their defaults)."""
        return cls(
            train=Scores.from_dict(d.get("train")),
            val=Scores.from_dict(d.get("val")),
            test=Scores.from_dict(d.get("test")),
            test_multistep=Scores.from_dict(d.get("test_multistep")),
            baselines={k: Scores.from_dict(v) for k, v in (d.get("baselines") or {}).items()},
            baselines_multistep={k: Scores.from_dict(v) for k, v in (d.get("baselines_multistep") or {}).items()},
            coverage=Coverage(**(d.get("coverage") or {})),
            info=RunInfo.from_dict(d.get("info") or {}),
            guards=Guards(**(d.get("guards") or {})),
        )
