"""The settings (`JIAOHAO_*`, the `[hub]` table, overrides) are read through pydantic
(hub/settings.py): what each kind accepts, and the errors naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.settings import SettingsError, load_settings


def test_environment_strings_become_typed_settings() -> None:
    settings = load_settings(None, environ={
        "JIAOHAO_PORT": "8700", "JIAOHAO_NOTIFY_LOG_PARAMS": " Yes ",
        "JIAOHAO_CORS_ORIGINS": "https://a.example, ,https://b.example",
        "JIAOHAO_HEARTBEAT_SECONDS": "2.5", "JIAOHAO_STORE": "memory://"})
    assert (settings.port, settings.notify_log_params, settings.cors_origins,
            settings.heartbeat_seconds, settings.store) == (
        8700, True, ("https://a.example", "https://b.example"), 2.5, "memory://")
    assert load_settings(None, environ={"JIAOHAO_NOTIFY_LOG_PARAMS": "nope"}) \
        .notify_log_params is False


@pytest.mark.parametrize(("env", "name"), [
    ({"JIAOHAO_PORT": "x"}, "port"),
    ({"JIAOHAO_PORT": "86.5"}, "port"),
    ({"JIAOHAO_HEARTBEAT_SECONDS": "-1"}, "heartbeat_seconds"),
    ({"JIAOHAO_HEARTBEAT_SECONDS": "nan"}, "heartbeat_seconds"),
    ({"JIAOHAO_HEARTBEAT_SECONDS": "inf"}, "heartbeat_seconds"),
])
def test_a_bad_environment_value_names_its_setting(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=f"^setting {name}: "):
        load_settings(None, environ=env)


@pytest.mark.parametrize(("table", "message"), [
    ("[hub]\ncolour = 1\n", r"\[hub\]\.colour is not a known setting"),
    ('[hub]\nport = "x"\n', "^setting port: 'x' is not a valid value"),
    ("[hub]\nport = true\n", "^setting port: True is not a valid value"),
    ("[hub]\nstore = 5\n", "^setting store: 5 is not a valid value"),
    ("[hub]\nheartbeat_seconds = -2.0\n", "^setting heartbeat_seconds: "),
    ("[hub]\ncors_origins = 5\n", "^setting cors_origins: "),
    ("hub = 3\n", r"\[hub\] must be a table"),
])
def test_a_bad_hub_table_names_the_key(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "hub.toml"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        load_settings(path, environ={})


def test_the_hub_table_then_the_environment_then_overrides(tmp_path: Path) -> None:
    path = tmp_path / "hub.toml"
    path.write_text('[hub]\nport = 9000\ncors_origins = ["https://x.example"]\n'
                    "token_hours = 4\n", encoding="utf-8")
    settings = load_settings(path, environ={"JIAOHAO_TOKEN_HOURS": "6"}, port="9001")
    assert (settings.port, settings.cors_origins, settings.token_hours) == (
        9001, ("https://x.example",), 6)
    with pytest.raises(SettingsError, match="^setting port: True"):
        load_settings(None, environ={}, port=True)
