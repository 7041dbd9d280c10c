"""The bytes a run holds in memory, as the job registry bounds them (lstm_core.footprint)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from lstm_core.footprint import footprint


@dataclass
class _Holder:
    arrays: list = field(default_factory=list)
    frame: pd.DataFrame | None = None
    model: torch.nn.Module | None = None
    extra: dict = field(default_factory=dict)


def test_arrays_frames_and_modules_count_once_each():
    a = np.zeros(1000, dtype=np.float64)  # 8,000 bytes
    frame = pd.DataFrame({"x": np.ones(500, dtype=np.float32)}, index=pd.RangeIndex(500))
    lin = torch.nn.Linear(10, 4)  # 40 weights + 4 biases, float32
    held = _Holder(arrays=[a, a[10:20], a.reshape(10, 100)], frame=frame, model=lin, extra={"again": a, "n": 3})
    expected = 8000 + int(frame.memory_usage(index=True).sum()) + 44 * 4
    assert footprint(held) == expected
    assert footprint([held, held]) == expected  # the same object reached twice
    assert footprint(None) == 0 and footprint("text") == 0 and footprint({"k": 1.5}) == 0


def test_a_trained_run_counts_its_data_and_networks():
    from lstm_core.config import RunConfig
    from lstm_core.data import Series, generate
    from lstm_core.pipeline import fit_run

    cfg = RunConfig.make(
        hidden_size=8, look_back=8, epochs=2, patience=None, device="cpu", ensemble=1, transform="none"
    )
    short = fit_run(Series(generate("sine", length=120)), cfg)
    long = fit_run(Series(generate("sine", length=1200)), cfg)
    params = sum(p.numel() * p.element_size() for p in short.model.parameters())
    assert footprint(short) > params + short.series.frame.memory_usage(index=True).sum()
    assert footprint(long) > 5 * footprint(short)  # it grows with the series
