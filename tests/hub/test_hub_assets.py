"""The pages' code is revalidated on every load, so an upgraded hub never has a
browser run its new ES modules beside cached old ones; other files may be cached."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from hubkit import DEMO_TOML

from hub.settings import load_settings
from hub.web.app import create_app


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    settings = load_settings(None, environ={}, store="memory://", async_mode="threading",
                             centers=(str(DEMO_TOML),))
    flask_app, _socketio, hub = create_app(settings)
    yield flask_app
    hub.store.close()


@pytest.mark.parametrize("name", ["js/jiaohao.js", "js/lib/resync.js", "js/caller/actions.js"])
def test_module_code_is_revalidated_and_answered_304_when_unchanged(app: Flask, name: str) -> None:
    client = app.test_client()
    first = client.get(f"/assets/{name}")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    again = client.get(f"/assets/{name}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    first.close()
    again.close()


@pytest.mark.parametrize("name", ["css/base.css", "vendor/socket.io/socket.io.min.js"])
def test_styles_and_vendored_code_are_revalidated_too(app: Flask, name: str) -> None:
    response = app.test_client().get(f"/assets/{name}")
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_other_assets_may_be_cached_a_while(app: Flask) -> None:
    response = app.test_client().get("/assets/sounds/chime.wav")
    response.close()
    assert response.status_code == 200
    assert "max-age=300" in response.headers["Cache-Control"]
