"""Trainer: seeded determinism, cancel within one batch, divergence, early stopping, devices."""

import threading

import numpy as np
import pytest
import torch
from torch import nn

from lstm_core.callbacks import Callbacks
from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.model import Forecaster
from lstm_core.train import DeviceError, Trainer, TrainingDiverged, available_devices, resolve_device


def _data(n=256, L=8, seed=0):
    rng = np.random.default_rng(seed)
    s = np.sin(np.arange(n + L + 1) * 0.3) + 0.1 * rng.normal(size=n + L + 1)
    x = np.stack([s[i : i + L] for i in range(n)])[..., None].astype(np.float32)  # (n, L, 1)
    y = s[L : L + n, None].astype(np.float32)  # (n, 1)
    return x[:200], y[:200], x[200:], y[200:]


def _model(cell="lstm", seed=0):
    torch.manual_seed(seed)
    return Forecaster(ModelConfig(cell=cell, hidden_size=8, input_size=1))


@pytest.mark.parametrize("cell", ["lstm", "peephole"])
def test_same_seed_same_loss_curve(cell):
    cfg = TrainConfig(epochs=4, batch_size=32, seed=3, device="cpu", patience=None)
    curves = []
    for _ in range(2):
        res = Trainer(_model(cell), cfg).fit(*_data())
        curves.append([(s.train_loss, s.val_loss) for s in res.history])
    assert curves[0] == curves[1]
    other = Trainer(_model(cell), TrainConfig(epochs=4, batch_size=32, seed=4, device="cpu")).fit(*_data())
    assert [s.train_loss for s in other.history] != [c[0] for c in curves[0]]


def test_training_reduces_loss_and_reports_every_epoch():
    seen = []
    res = Trainer(_model(), TrainConfig(epochs=15, lr=0.02, device="cpu", patience=None)).fit(
        *_data(), callbacks=Callbacks(on_epoch=seen.append)
    )
    assert [s.epoch for s in seen] == list(range(1, 16))
    assert seen[-1].train_loss < seen[0].train_loss / 3
    assert all(s.samples_per_s > 0 and s.seconds > 0 and s.val_loss is not None for s in seen)
    assert res.status == "completed"


class _StopAfter(nn.Module):
    """Wraps a model; sets ``stop`` during its k-th training forward and counts training forwards."""

    def __init__(self, inner, stop, k):
        super().__init__()
        self.inner, self.stop, self.k, self.calls = inner, stop, k, 0

    def forward(self, x):
        if self.training:
            self.calls += 1
            if self.calls == self.k:
                self.stop.set()
        return self.inner(x)


def test_cancel_stops_within_one_batch_and_keeps_best_weights():
    stop = threading.Event()
    wrapped = _StopAfter(_model(), stop, k=10)  # 200 samples / batch 16 = 13 batches an epoch
    res = Trainer(wrapped, TrainConfig(epochs=50, batch_size=16, device="cpu")).fit(
        *_data(), callbacks=Callbacks(stop=stop)
    )
    assert res.status == "cancelled"
    assert wrapped.calls == 10  # the batch in flight finished, no further batch started
    assert res.best_epoch == 1 and len(res.history) == 1
    assert all(torch.isfinite(p).all() for p in wrapped.parameters())


def test_divergence_raises_clear_message_and_leaves_finite_weights():
    model = _model()
    with pytest.raises(TrainingDiverged, match=r"lower the learning rate \(now 10\)"):
        Trainer(model, TrainConfig(epochs=30, lr=10.0, grad_clip=None, device="cpu")).fit(*_data())
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_early_stopping_restores_best_validation_weights():
    x, y, xv, yv = _data()
    res = Trainer(_model(), TrainConfig(epochs=200, lr=0.05, patience=3, device="cpu")).fit(x, y, xv, yv)
    assert res.status == "early_stopped"
    assert len(res.history) == res.best_epoch + 3
    best = min(s.val_loss for s in res.history)
    assert res.best_loss == best


def test_device_resolution():
    assert available_devices()[-1] == "cpu"
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == available_devices()[0]
    missing = [d for d in ("cuda", "mps") if d not in available_devices()]
    for name in missing:
        with pytest.raises(DeviceError, match=f"Device '{name}' is not available on this machine"):
            resolve_device(name)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
def test_cuda_training_matches_shapes():
    res = Trainer(_model(), TrainConfig(epochs=2, device="cuda")).fit(*_data())
    assert len(res.history) == 2


def test_target_loss_stops_training_once_reached():
    res = Trainer(_model(), TrainConfig(epochs=200, lr=0.02, target_loss=0.05, patience=None, device="cpu")).fit(
        *_data()
    )
    assert res.status == "reached_target"
    assert res.history[-1].train_loss < 0.05 <= min(s.train_loss for s in res.history[:-1])


def test_output_weights_weigh_each_outputs_error():
    from lstm_core.pipeline import output_weights

    assert output_weights(1) is None
    np.testing.assert_array_equal(output_weights(4), [3, 1, 1, 1])
    torch.manual_seed(0)
    x = torch.randn(64, 5, 1).numpy()
    y = np.zeros((64, 2), np.float32)
    y[:, 0] = 1.0  # only the first output has something to learn

    class Bias(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.b = torch.nn.Parameter(torch.zeros(2))

        def forward(self, x):
            return self.b.expand(len(x), 2)

    cfg = TrainConfig(epochs=1, batch_size=64, lr=0.1, grad_clip=None, patience=None, device="cpu")
    # one batch, the loss before the first step: errors (1, 0) per window
    plain = Trainer(Bias(), cfg).fit(x, y).history[0].train_loss
    weighted = Trainer(Bias(), cfg).fit(x, y, output_weights=np.array([3.0, 1.0])).history[0].train_loss
    assert plain == pytest.approx(0.5)  # mean(1, 0)
    assert weighted == pytest.approx(0.75)  # weights scaled to mean 1: (1.5, 0.5) -> mean(1.5, 0)


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_weight_average_is_kept_and_judged_on_validation_while_training_goes_on_unchanged():
    """With ``weight_average`` a, the kept weights are the epoch-wise moving average
    avg_k = a * avg_{k-1} + (1 - a) * w_k of the weights w_k the plain run has after epoch k,
    the validation losses reported are the average's, and the training itself (its losses) is
    that of the plain run."""
    x, y, xv, yv = _data()
    epochs = 4
    plain = []  # the weights after each epoch of the plain run (same seed and initial weights)
    m = _model()
    res_plain = Trainer(
        m, TrainConfig(epochs=epochs, lr=0.05, seed=1, device="cpu", patience=None, weight_average=0)
    ).fit(x, y, callbacks=Callbacks(on_epoch=lambda _: plain.append(_weights(m))))
    avg, avgs = None, []
    for w in plain:
        avg = dict(w) if avg is None else {k: 0.5 * avg[k] + 0.5 * w[k] for k in w}
        avgs.append(avg)
    probe = _model()
    val = []
    for a in avgs:
        probe.load_state_dict(a)
        probe.eval()
        with torch.no_grad():
            val.append(float(nn.MSELoss()(probe(torch.as_tensor(xv)), torch.as_tensor(yv))))
    model = _model()
    res = Trainer(
        model, TrainConfig(epochs=epochs, lr=0.05, seed=1, device="cpu", patience=None, weight_average=0.5)
    ).fit(x, y, xv, yv)
    assert [s.train_loss for s in res.history] == [s.train_loss for s in res_plain.history]
    np.testing.assert_allclose([s.val_loss for s in res.history], val, rtol=1e-5)
    best = int(np.argmin(val))
    assert res.best_epoch == best + 1
    kept = _weights(model)
    for k, v in avgs[best].items():
        torch.testing.assert_close(kept[k], v, rtol=1e-5, atol=1e-6)
    assert any(not torch.allclose(kept[k], plain[best][k]) for k in kept)  # not the plain weights


def test_weight_average_needs_a_validation_part():
    """Without validation windows the plain weights are kept (the training loss judges them)."""
    x, y, _, _ = _data()
    kept = []
    for a in (0.0, 0.5):
        model = _model()
        Trainer(model, TrainConfig(epochs=3, seed=2, device="cpu", patience=None, weight_average=a)).fit(x, y)
        kept.append(_weights(model))
    assert all(torch.equal(kept[0][k], kept[1][k]) for k in kept[0])


@pytest.mark.parametrize("scale", [1e-3, 1e3])
def test_gradient_clipping_matches_torchs_below_and_above_the_limit(scale):
    from lstm_core.train import _clip_grad_norm

    grads = []
    for clip in (lambda ps: nn.utils.clip_grad_norm_(ps, 1.0, foreach=True), lambda ps: _clip_grad_norm(ps, 1.0)):
        model = _model()
        x, y, _, _ = _data()
        (nn.functional.mse_loss(model(torch.as_tensor(x[:32])), torch.as_tensor(y[:32])) * scale).backward()
        params = list(model.parameters())
        clip(params)
        grads.append([p.grad.clone() for p in params])
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads[1]]))
    assert (norm.item() < 0.5) == (scale < 1)  # one case under the limit, one rescaled to it
    assert all(torch.equal(a, b) for a, b in zip(*grads))


def test_the_optimiser_is_torchs_fused_adam_on_cpu_with_the_configured_settings():
    trainer = Trainer(_model(), TrainConfig(lr=0.003, weight_decay=1e-4, device="cpu"))
    opt = trainer._optimizer()
    assert isinstance(opt, torch.optim.Adam)
    assert (opt.defaults["fused"], opt.defaults["lr"], opt.defaults["weight_decay"]) == (True, 0.003, 1e-4)


def test_a_cpu_run_says_how_many_threads_it_trained_on():
    """'on CPU (2 cores)' read as if the run had the machine, where the engine gives each job fewer
    threads beside others (a CLI run with OMP_NUM_THREADS=1 trained on one)."""
    import os

    from lstm_core.config import RunConfig
    from lstm_core.data import Series, generate
    from lstm_core.pipeline import fit_run
    from lstm_core.train import device_label

    cores = os.cpu_count() or 1
    cpu = torch.device("cpu")
    assert device_label(cpu) == f"CPU ({cores} core{'s' if cores != 1 else ''})"
    assert device_label(cpu, 1).startswith("CPU (1 thread of ")
    assert device_label(cpu, 3).startswith("CPU (3 threads of ")
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        cfg = RunConfig.make(hidden_size=4, look_back=6, epochs=1, ensemble=1, device="cpu", transform="none")
        run = fit_run(Series(generate("sine", length=60)), cfg)
        assert run.device == device_label(cpu, 1) == run.metrics.info.device
    finally:
        torch.set_num_threads(before)
