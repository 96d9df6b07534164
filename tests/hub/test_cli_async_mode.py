"""`jiaohao hub` patches for its green-thread library before it reads the settings
(whose pydantic models eventlet's patching cannot walk): the mode it patches for
must be the one the settings then read, from the flag, the environment or the file."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from hub.settings import load_settings
from tools.cli import _async_mode


def args(config: Path | None = None, mode: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(config=str(config) if config else None, async_mode=mode)


@pytest.mark.parametrize("text", ['[hub]\nasync_mode = "eventlet"\n', 'async_mode = "eventlet"\n',
                                  '[hub]\nport = 8600\n', ""])
def test_the_mode_patched_for_is_the_mode_the_settings_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.delenv("JIAOHAO_ASYNC_MODE", raising=False)
    config = tmp_path / "hub.toml"
    config.write_text(text, encoding="utf-8")
    assert _async_mode(args(config)) == load_settings(str(config)).async_mode


def test_the_environment_wins_over_the_file_and_the_flag_over_both(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "hub.toml"
    config.write_text('[hub]\nasync_mode = "eventlet"\n', encoding="utf-8")
    monkeypatch.setenv("JIAOHAO_ASYNC_MODE", "threading")
    assert _async_mode(args(config)) == "threading" == load_settings(str(config)).async_mode
    assert _async_mode(args(config, "gevent")) == "gevent"
