"""config/gunicorn_conf.py, production's gunicorn settings (docker-compose.yml's web, bench.load's gunicorn)."""

import gc
import importlib.util
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn_conf.py"


def _load(monkeypatch, threshold: str | None):
    if threshold is None:
        monkeypatch.delenv("WEB_GC_GEN0_THRESHOLD", raising=False)
    else:
        monkeypatch.setenv("WEB_GC_GEN0_THRESHOLD", threshold)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def restored_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settings_are_what_the_compose_file_used_to_pass():
    settings = runpy.run_path(str(CONF))
    assert (settings["timeout"], settings["accesslog"], settings["worker_class"]) == (60, "-", "sync")


def test_collector_left_as_python_sets_it_by_default(monkeypatch, restored_gc):
    conf = _load(monkeypatch, None)
    before = (gc.get_threshold(), gc.get_freeze_count())
    conf.post_worker_init(worker=None)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_threshold_switch_freezes_and_sets_the_first_generation(monkeypatch, restored_gc):
    conf = _load(monkeypatch, "5000")
    _, gen1, gen2 = gc.get_threshold()
    conf.post_worker_init(worker=None)
    assert gc.get_threshold() == (5000, gen1, gen2)
    assert gc.get_freeze_count() > 0
