"""Typed configuration carried end to end: pages fill it, the trainer takes it, runs store it.

Every config is a plain dataclass; ``asdict(cfg)`` goes to ``config.json`` and
``Cls.from_dict(d)`` reads it back (unknown keys are rejected so a typo never passes
silently). ``validate()`` raises :class:`ConfigError` with one sentence that says what is
wrong and what to do; it is called before any training starts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

CELL_TYPES = ("rnn", "lstm", "gru", "peephole", "cifg")
SCALERS = ("minmax", "standard", "none")
TRANSFORMS = ("auto", "none", "log", "diff", "log_diff", "seasonal_diff", "log_seasonal_diff")
MISSING_POLICIES = ("interpolate", "ffill", "drop")
DEVICES = ("auto", "cpu", "cuda", "mps")


class ConfigError(ValueError):
    """A configuration value is out of bounds; the message is one user-facing sentence."""


class _Dict:
    """Mixin: ``to_dict`` / ``from_dict`` for flat dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, d: dict[str, Any]):
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = set(d) - names
        if unknown:
            raise ConfigError(f"Unknown {cls.__name__} field(s) {sorted(unknown)}; valid fields are {sorted(names)}.")
        return cls(**d)


@dataclass
class DataConfig(_Dict):
    """What to predict from what, and how the series is split and scaled."""

    target: str | None = None  # column to predict; None = the last numeric column
    inputs: list[str] = field(default_factory=list)  # extra input columns (exogenous)
    target_as_input: bool | None = None  # feed the target's own past; None = yes unless horizon == 0
    look_back: int = 12  # window length fed to the network, in time steps
    horizon: int | None = (
        None  # outputs per window: steps t+1..t+horizon at once; None = auto (one season); 0 = map y_t from x_{..t}
    )
    val_fraction: float = 0.1  # chronological validation part (early stopping, conformal calibration)
    test_fraction: float = 0.33  # chronological test part, the last points of the series
    scaler: str = "standard"  # fitted on the training part only
    transform: str = "auto"  # target transform; auto = chosen by a rolling-origin backtest before the test part
    season: int | None = None  # season length in steps; None = from the time index frequency
    missing: str = "interpolate"  # policy for missing values in the chosen columns

    def validate(self) -> None:
        if self.look_back < 1:
            raise ConfigError(
                f"look_back must be at least 1 (got {self.look_back}); choose a window of 1 or more steps."
            )
        if self.horizon is not None and not (0 <= self.horizon <= 10_000):
            raise ConfigError(f"horizon must be between 0 and 10000 (got {self.horizon}); leave it empty for auto.")
        if not (0.0 <= self.val_fraction < 0.9):
            raise ConfigError(f"val_fraction must be in [0, 0.9) (got {self.val_fraction}); 0.1 is a good default.")
        if not (0.0 < self.test_fraction < 0.9):
            raise ConfigError(f"test_fraction must be in (0, 0.9) (got {self.test_fraction}); 0.2 to 0.33 is usual.")
        if self.val_fraction + self.test_fraction >= 0.9:
            raise ConfigError(
                "val_fraction + test_fraction leave under 10% of the series for training; make them smaller."
            )
        if self.scaler not in SCALERS:
            raise ConfigError(f"Unknown scaler {self.scaler!r}; choose one of {', '.join(SCALERS)}.")
        if self.transform not in TRANSFORMS:
            raise ConfigError(f"Unknown transform {self.transform!r}; choose one of {', '.join(TRANSFORMS)}.")
        if self.season is not None and self.season < 2:
            raise ConfigError(f"season must be 2 or more steps (got {self.season}); leave it empty to detect it.")
        if self.missing not in MISSING_POLICIES:
            raise ConfigError(
                f"Unknown missing-value policy {self.missing!r}; choose one of {', '.join(MISSING_POLICIES)}."
            )
        if self.horizon == 0 and not self.inputs:
            raise ConfigError(
                "horizon 0 maps inputs to the target at the same step, so it needs at least one input column."
            )

    @property
    def uses_target_history(self) -> bool:
        """Whether the target's own past is one of the network's input features."""
        if self.target_as_input is None:
            return self.horizon is None or self.horizon >= 1
        return bool(self.target_as_input)


@dataclass
class ModelConfig(_Dict):
    """The recurrent stack and its head."""

    cell: str = "lstm"  # rnn | lstm | gru | peephole | cifg
    hidden_size: int = 32  # units per layer
    num_layers: int = 1  # stacked recurrent layers, 1..4
    dropout: float = 0.0  # between recurrent layers (ignored with one layer)
    input_size: int = 1  # features per time step (set from the data)
    output_size: int = 1  # outputs per window (max(horizon, 1); set from the data)

    def validate(self) -> None:
        if self.cell not in CELL_TYPES:
            raise ConfigError(f"Unknown cell {self.cell!r}; choose one of {', '.join(CELL_TYPES)}.")
        if not (1 <= self.hidden_size <= 1024):
            raise ConfigError(f"hidden_size must be between 1 and 1024 (got {self.hidden_size}).")
        if not (1 <= self.num_layers <= 4):
            raise ConfigError(f"num_layers must be between 1 and 4 (got {self.num_layers}).")
        if not (0.0 <= self.dropout < 1.0):
            raise ConfigError(f"dropout must be in [0, 1) (got {self.dropout}); 0 to 0.3 is usual.")
        if self.input_size < 1 or self.output_size < 1:
            raise ConfigError("The model needs at least one input feature and one output.")


@dataclass
class TrainConfig(_Dict):
    """How the weights are fitted."""

    #: ``ensemble=None`` trains 6 networks on series up to this many points, 3 on longer ones
    #: (measured: 6 keep the seed spread of multi-step errors near 1.3x; 3 keep a 2,284-point
    #: weekly series under 20 s on one core).
    AUTO_ENSEMBLE_POINTS = 1000

    epochs: int = 300  # upper bound; early stopping usually ends sooner
    batch_size: int = 32
    lr: float = 0.01  # Adam learning rate
    weight_decay: float = 0.0
    grad_clip: float | None = 1.0  # max global gradient norm; None = no clipping
    patience: int | None = 30  # epochs without validation improvement before stopping; None = never
    target_loss: float | None = None  # stop once an epoch's training MSE (scaled targets) is below this
    seed: int = 0
    device: str = "auto"  # auto picks CUDA, then Apple MPS, then CPU
    record_gates: bool = True  # record gate statistics after every epoch (gate-evolution slider; ~1-4% of an epoch)
    ensemble: int | None = None  # networks whose forecasts are averaged; None = auto (6, or 3 past 1,000 points)

    def networks(self, n_points: int) -> int:
        """Networks to train for a series of ``n_points`` (resolves ``ensemble=None``)."""
        if self.ensemble is not None:
            return self.ensemble
        return 6 if n_points <= self.AUTO_ENSEMBLE_POINTS else 3

    def validate(self) -> None:
        if not (1 <= self.epochs <= 100_000):
            raise ConfigError(f"epochs must be between 1 and 100000 (got {self.epochs}).")
        if not (1 <= self.batch_size <= 65_536):
            raise ConfigError(f"batch_size must be between 1 and 65536 (got {self.batch_size}).")
        if not (self.lr > 0 and self.lr <= 10):
            raise ConfigError(f"learning rate must be above 0 and at most 10 (got {self.lr}); try 0.001 to 0.01.")
        if self.weight_decay < 0:
            raise ConfigError(f"weight_decay must be 0 or more (got {self.weight_decay}).")
        if self.grad_clip is not None and self.grad_clip <= 0:
            raise ConfigError(f"grad_clip must be positive or empty (got {self.grad_clip}).")
        if self.patience is not None and self.patience < 1:
            raise ConfigError(f"patience must be at least 1 or empty (got {self.patience}).")
        if self.target_loss is not None and self.target_loss <= 0:
            raise ConfigError(f"target_loss must be positive or empty (got {self.target_loss}).")
        if self.ensemble is not None and not (1 <= self.ensemble <= 10):
            raise ConfigError(
                f"ensemble must be between 1 and 10 networks (got {self.ensemble}); leave it empty for auto."
            )
        if self.device not in DEVICES:
            raise ConfigError(f"Unknown device {self.device!r}; choose one of {', '.join(DEVICES)}.")


@dataclass
class RunConfig(_Dict):
    """Everything needed to reproduce a run: data, model and training configs."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunConfig:
        return cls(
            data=DataConfig.from_dict(d.get("data", {})),
            model=ModelConfig.from_dict(d.get("model", {})),
            train=TrainConfig.from_dict(d.get("train", {})),
        )

    def validate(self) -> None:
        self.data.validate()
        self.model.validate()
        self.train.validate()
