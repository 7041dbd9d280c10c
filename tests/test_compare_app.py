"""AppTest for the Compare and Experiments pages: render, a tiny 2-variant comparison, presets by URL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.compare import CompareConfig

ROOT = Path(__file__).resolve().parents[1]


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def rerun_until(at: AppTest, done, limit_s: float = 90) -> None:
    """AppTest does not fire run_every: rerun until ``done(at)``."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        at.run()
        no_errors(at)
        if done(at):
            return
        time.sleep(0.2)
    pytest.fail("the page did not reach the expected state in time")


def test_pages_render():
    at = new_app().run()
    for page in ("pages/compare.py", "pages/experiments.py"):
        at.switch_page(page).run()
        no_errors(at)
    assert at.title[0].value == "Experiments"


def test_two_variant_comparison_finishes_and_shows_the_table():
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    no_errors(at)
    assert any("same data, split, scaler and seeds" in i.value for i in at.info)
    at.number_input(key="cmp_epochs").set_value(2)
    at.slider(key="cmp_seeds").set_value(2)
    at.button(key="cmp_start").click().run()
    no_errors(at)
    ids = at.session_state["compare_job_ids"]
    assert len(ids) == 4 and at.query_params["cmp"] == ",".join(ids)
    rerun_until(at, lambda a: any(s.value == "Results" for s in a.subheader))
    table = next(d.value for d in at.dataframe if "best in" in getattr(d.value, "columns", []))
    assert list(table["model"][:2]) == ["LSTM 32", "GRU 32"]
    assert (table["seeds"][:2] == 2).all()
    assert table["best in"].str.contains("★").any()
    assert "baseline: Holt-Winters" in set(table["model"])
    charts = at.get("plotly_chart")
    assert len(charts) >= 3  # loss bands, forecast overlay, gate saturation
    cfg = CompareConfig.from_json(at.session_state["cmp_config"])  # what the JSON download serves
    assert cfg.names() == ["LSTM 32", "GRU 32"] and cfg.seeds == [0, 1]


def test_reload_reattaches_from_the_url():
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    at.number_input(key="cmp_epochs").set_value(1)
    at.slider(key="cmp_seeds").set_value(1)
    at.button(key="cmp_start").click().run()
    ids = at.session_state["compare_job_ids"]
    fresh = new_app()
    fresh.query_params["cmp"] = ",".join(ids)
    fresh.run()
    fresh.switch_page("pages/compare.py").run()
    no_errors(fresh)
    assert fresh.session_state["compare_job_ids"] == ids
    rerun_until(fresh, lambda a: any(s.value == "Results" for s in a.subheader))


def test_preset_by_url_runs_with_its_table():
    at = new_app()
    at.query_params["preset"] = "sin-cos"
    at.run()
    at.switch_page("pages/experiments.py").run()
    no_errors(at)
    assert at.radio(key="exp_pick").value == "sin-cos"
    assert any("Scaled down for a quick class demo" in c.value for c in at.caption)
    at.button(key="exp_run_sin-cos").click().run()
    rerun_until(at, lambda a: any(s.value == "Ours next to the tutorial" for s in a.subheader), 120)
    table = at.dataframe[0].value
    assert "train MSE" in set(table["metric"])


def test_memory_sweep_runs_in_the_background():
    at = new_app()
    at.query_params["preset"] = "long-memory"
    at.run()
    at.switch_page("pages/experiments.py").run()
    at.multiselect(key="mem_lags").set_value([1, 2])
    at.multiselect(key="mem_cells").set_value(["rnn", "lstm"])
    at.number_input(key="mem_steps").set_value(50)
    at.button(key="mem_start").click().run()
    no_errors(at)
    rerun_until(
        at,
        lambda a: (
            any("4 of 4 trained" in str(p.proto.text) for p in a.get("progress"))
            and any("finished" in str(p.proto.text) for p in a.get("progress"))
        ),
        120,
    )
    assert len(at.get("plotly_chart")) == 1
