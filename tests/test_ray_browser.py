"""The app with ``LSTM_LAB_RAY_ADDRESS=local`` in a real browser: the sidebar says where jobs run
(connecting, then the cluster and its CPUs), and a training job runs on the Ray cluster with its
live panel, then finishes with its forecast link, as with threads.

Its own server (a private 2-CPU local Ray cluster started by the app, on 127.0.0.1, its files
in a short temp folder, usage statistics off). Skips without chromium, playwright or ray.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import CHROMIUM, expect_one, nav, new_page

from benchmarks.st_server import free_port, start_server, stop_server

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("ray", reason="ray is not installed (pip install -r requirements-ray.txt)")
expect = sync_api.expect

CLUSTER_MS = 240_000  # a private cluster's start on a busy 2-core machine (~20 s quiet)


@pytest.fixture(scope="module")
def ray_server(tmp_path_factory):
    """Base URL of ``streamlit run app.py`` with its jobs on a private local Ray cluster."""
    tmp = tempfile.mkdtemp(prefix="lrb", dir="/tmp")  # short: Ray's Unix sockets live under it
    env = {
        "LSTM_LAB_RAY_ADDRESS": "local",
        "LSTM_LAB_RAY_CPUS": "2",
        "LSTM_LAB_RAY_GPUS": "0",
        "LSTM_LAB_RAY_TMPDIR": tmp,
        "RAY_USAGE_STATS_ENABLED": "0",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # start_server passes os.environ to the server
    try:
        port = free_port()
        proc = start_server(port, tmp_path_factory.mktemp("ray-server") / "streamlit.log")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)  # the bridge sees its parent go and shuts the cluster down
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def page(browser):
    ctx, pg = new_page(browser, 1400, 1000)
    yield pg
    ctx.close()


def test_app_on_a_ray_cluster_trains_with_live_progress(ray_server, page):
    page.goto(ray_server)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()  # serves while Ray starts
    expect(sidebar.get_by_text("Connecting to a private local Ray cluster")).to_be_visible()
    expect(sidebar.get_by_text("Jobs run on a private local Ray cluster (2 CPU(s)).")).to_be_visible(timeout=CLUSTER_MS)

    nav(page, "Train")
    page.get_by_role("button", name=re.compile("Start training")).click()
    # the live panel fills from the Ray worker: an epoch count, then the end and the forecast link
    expect(page.get_by_text(re.compile(r"Epoch [1-9]\d* / \d+")).first).to_be_visible(timeout=CLUSTER_MS)
    expect(page.get_by_text(re.compile(r"^Finished")).first).to_be_visible(timeout=CLUSTER_MS)
    expect(page.get_by_text(re.compile(r"Training (completed|early-stopped) after")).first).to_be_visible()
    expect_one(page.get_by_role("link", name=re.compile("See the forecast")))
