"""Long-memory task: windows carry the right label, accuracy is sign agreement, a tiny run trains."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import memory_task as mt
from lstm_core.config import ConfigError
from lstm_core.data import generate
from lstm_core.job_status import JobStatus
from lstm_core.jobs import JobRegistry


@pytest.mark.parametrize("lag, extra", [(1, 1), (3, 2), (10, 5)])
def test_windows_label_is_the_sign_lag_steps_back(lag, extra):
    x, y = mt.windows(lag, 200, extra, seed=4)
    assert x.shape == (200, lag + extra, 1) and y.shape == (200,)
    np.testing.assert_array_equal(y, x[:, extra - 1, 0])  # lag steps before the window's last step
    assert set(np.unique(x)) == {-1.0, 1.0}
    frame = generate("long-memory", length=200 + lag + extra - 1, seed=4, lag=lag)
    np.testing.assert_array_equal(x[:, -1, 0], frame["x"].to_numpy()[lag + extra - 1 :])


def test_sign_accuracy():
    assert mt.sign_accuracy([1, -1, 1, -1], [0.3, -2, -0.1, 0.0]) == 0.5
    assert mt.sign_accuracy(np.ones(3), np.ones(3) * 0.01) == 1.0
    with pytest.raises(ValueError):
        mt.sign_accuracy([], [])


def test_forget_bias_is_set():
    m = mt.build_model("lstm", 4, 5.0, 0)
    total = (m.rnn.bias_ih_l0 + m.rnn.bias_hh_l0).detach().numpy()
    np.testing.assert_allclose(total[4:8], 5.0)
    g = mt.build_model("gru", 4, 5.0, 0, update_bias=3.0)
    np.testing.assert_allclose((g.rnn.bias_ih_l0 + g.rnn.bias_hh_l0).detach().numpy()[4:8], 3.0)


def test_tiny_sweep_solves_a_short_lag_and_reports_rows():
    cfg = mt.MemoryConfig(cells=["lstm", "gru"], lags=[1], max_steps=150, n_train=512, n_test=256, extra=1)
    res = mt.sweep(cfg)
    assert list(res["cell"]) == ["lstm", "gru"] and (res["lag"] == 1).all()
    assert (res["accuracy"] >= 0.9).all()
    assert (res["steps"] <= 150).all()
    table = mt.accuracy_table(res)
    assert list(table.columns) == ["lstm", "gru"] and table.index.tolist() == [1]


def test_bad_config():
    with pytest.raises(ConfigError, match="lags"):
        mt.MemoryConfig(lags=[0]).validate()
    with pytest.raises(ConfigError, match="cells"):
        mt.MemoryConfig(cells=["tcn"]).validate()


def test_sweep_runs_as_a_job_of_the_registry_and_can_stop():
    reg = JobRegistry(max_workers=1, torch_threads=1)
    try:
        cfg = mt.MemoryConfig(cells=["rnn"], lags=[1, 2], max_steps=20, n_train=128, n_test=64, extra=1)
        snap = reg.wait(reg.submit_sweep(cfg, owner="me"), 60)
        assert snap.status == JobStatus.FINISHED and len(snap.results) == 2
        stopped = reg.submit_sweep(mt.MemoryConfig(cells=["lstm"], lags=[1, 2, 5], max_steps=20_000), owner="me")
        reg.wait_until(stopped, lambda s: s.status == JobStatus.RUNNING, 60)
        reg.cancel(stopped)
        snap = reg.wait(stopped, 60)
        assert snap.status == JobStatus.CANCELLED and len(snap.results) < 3
    finally:
        reg.close()


def test_a_sweep_against_the_pages_claim_is_said_to_be():
    """A budget-100 sweep put the RNN ahead at lags 5 and 10 (79% and 91% against the LSTM's 71% and 68%) under
    "a plain RNN forgets; LSTM and GRU cells can hold it", and nothing said so."""
    import pandas as pd

    def sweep(acc: dict[str, list[float]], steps: int) -> pd.DataFrame:
        lags = [5, 10, 25, 50]
        return pd.DataFrame(
            [{"cell": c, "lag": lag, "accuracy": a, "steps": steps} for c, v in acc.items() for lag, a in zip(lags, v)]
        )

    small = sweep({"rnn": [0.79, 0.914, 0.496, 0.508], "lstm": [0.708, 0.68, 0.621, 0.555]}, 100)
    assert mt.claim_note(small) == (
        "In this sweep the plain RNN beat every gated cell at lags 5 and 10, against the claim above: with 100 "
        "training steps at most, the gated cells may not have learned to hold the sign yet (the shipped result "
        "trained up to 1,500 per cell and lag)."
    )
    # both at 100% at short lags, the RNN at chance at long ones: the claim borne out, nothing to say
    full = sweep({"rnn": [1.0, 0.998, 0.497, 0.498], "lstm": [1.0, 1.0, 1.0, 1.0], "gru": [1.0, 1.0, 0.995, 1.0]}, 900)
    assert mt.claim_note(full) is None
    assert mt.claim_note(sweep({"lstm": [0.5, 0.5, 0.5, 0.5]}, 100)) is None  # no RNN to compare with
