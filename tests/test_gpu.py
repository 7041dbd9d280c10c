"""The CUDA path (skipped without a CUDA device; ``scripts/gpu_check.sh`` runs these where one is):
device auto picks CUDA, every cell trains on it and agrees with the CPU, the gate replay agrees
with the CPU, a default run on the airline data trains on the GPU, and a run trained there reloads
with the same predictions."""

from __future__ import annotations

import math

import pytest
import torch

from lstm_core.cells import replay
from lstm_core.config import CELL_TYPES, ModelConfig, RunConfig
from lstm_core.data import Series, generate
from lstm_core.model import Forecaster
from lstm_core.pipeline import fit_run
from lstm_core.train import resolve_device

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")


def test_device_auto_picks_cuda():
    assert resolve_device("auto").type == "cuda"


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_cuda_cell_forward_and_gradients_match_cpu(cell):
    torch.manual_seed(0)
    cpu = Forecaster(ModelConfig(cell=cell, hidden_size=16, num_layers=2)).double()
    gpu = Forecaster(ModelConfig(cell=cell, hidden_size=16, num_layers=2)).double().cuda()
    gpu.load_state_dict(cpu.state_dict())
    x = torch.randn(8, 20, 1, dtype=torch.float64)
    out_c, out_g = cpu(x), gpu(x.cuda())
    torch.testing.assert_close(out_g.cpu(), out_c, rtol=1e-9, atol=1e-9)
    out_c.sum().backward()
    out_g.sum().backward()
    for (name, pc), pg in zip(cpu.named_parameters(), gpu.parameters()):
        torch.testing.assert_close(pg.grad.cpu(), pc.grad, rtol=1e-7, atol=1e-9, msg=name)


def test_cuda_gate_replay_matches_cpu():
    torch.manual_seed(0)
    model = Forecaster(ModelConfig(cell="lstm", hidden_size=16)).double().eval()
    x = torch.randn(4, 30, 1, dtype=torch.float64)
    on_cpu = replay(model.rnn, "lstm", x)
    on_gpu = replay(model.cuda().rnn, "lstm", x.cuda())
    for lc, lg in zip(on_cpu, on_gpu):
        assert lc.keys() == lg.keys()
        for k in lc:
            torch.testing.assert_close(lg[k].cpu(), lc[k], rtol=1e-9, atol=1e-9)


def test_cuda_default_airline_run():
    cfg = RunConfig()
    cfg.train.device = "auto"
    run = fit_run(Series(generate("airline"), season=12), cfg)
    assert run.device.startswith("CUDA (")
    assert run.metrics is not None and run.metrics.test is not None
    assert math.isfinite(run.metrics.test.rmse)


def test_a_run_trained_on_the_gpu_reloads_with_the_same_predictions_to_the_bit(tmp_path):
    """Trained on CUDA, evaluated on the CPU, where a saved run reloads: the same numbers."""
    import pandas as pd

    from lstm_core.runs import load_run, save_run

    cfg = RunConfig.make(hidden_size=8, epochs=3, device="cuda", ensemble=2)
    run = fit_run(Series(generate("airline"), season=12), cfg)
    assert run.device.startswith("CUDA (")
    back = load_run(save_run(run, tmp_path / "r"))
    pd.testing.assert_frame_equal(back.predictions, run.predictions, check_exact=True)
    pd.testing.assert_frame_equal(back.future(12), run.future(12), check_exact=True)
