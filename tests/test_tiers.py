"""The test tiers: every collected test carries exactly one of unit, app, cluster, browser, assigned by conftest."""

from __future__ import annotations

import pytest
from conftest import TIERS, app_functions, default_tier, tier_markers

SOURCE = """
from streamlit.testing.v1 import AppTest

def new_app():
    return AppTest.from_file("app.py")

def start(at: "AppTest"):
    at.run()

@pytest.fixture
def app():
    return new_app().run()

def helper(x):
    return x + 1

def test_pure():
    assert helper(1) == 2

def test_direct():
    AppTest.from_file("app.py").run()

def test_through_a_helper():
    new_app().run()

def test_through_a_fixture(app, tmp_path):
    assert app

def test_through_an_annotation_only(at):
    start(at)

class TestGroup:
    def test_method(self):
        new_app()
"""


def test_app_functions_follow_helpers_fixtures_and_methods():
    names = app_functions(SOURCE)
    assert {"test_direct", "test_through_a_helper", "test_through_a_fixture", "test_method"} <= names
    assert {"new_app", "start", "app", "test_through_an_annotation_only"} <= names
    assert "test_pure" not in names and "helper" not in names


def test_default_tier_by_file_then_by_appTest_use():
    names = app_functions(SOURCE)
    assert default_tier("test_x_browser.py", "test_pure", names) == "browser"
    assert default_tier("test_x_browser.py", "test_direct", names) == "browser"
    assert default_tier("test_x.py", "test_direct", names) == "app"
    assert default_tier("test_x.py", "test_pure", names) == "unit"
    assert default_tier("test_ray.py", "test_pure", names) == "cluster"
    assert default_tier("test_ray_browser.py", "test_pure", names) == "browser"
    assert default_tier("test_x.py", "test_pure", names, ["tmp_path", "server"]) == "app"  # a real server
    assert default_tier("test_x.py", "test_pure", names, ["tmp_path"]) == "unit"


def test_every_collected_test_has_exactly_one_tier(request):
    items = request.session.items
    assert request.node in items
    wrong = {item.nodeid: tier_markers(item) for item in items if len(tier_markers(item)) != 1}
    assert wrong == {}
    assert tier_markers(request.node) == ["unit"]
    assert {tier_markers(item)[0] for item in items} <= set(TIERS)


@pytest.mark.parametrize("tier", TIERS)
def test_every_tier_is_a_registered_marker(request, tier):
    registered = [line.split(":")[0] for line in request.config.getini("markers")]
    assert tier in registered
