"""The `jiaohao hub` process loads no client library it will not use: python-socketio
imports Redis's client and requests at load time (14 MB of an idle hub's 77 MB), and
a hub on SQLite alone uses neither (issue 13: RSS at 1,000 clients)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hub.runtime import uses_redis
from tools.process import RedisServer

ROOT = Path(__file__).resolve().parents[2]

# In a process of its own: what is left out stays out of that process for good.
PROBE = """
import json, sys
from hub.runtime import leave_out_unused_clients
leave_out_unused_clients(sys.argv[1], sys.argv[2])
from hub.settings import load_settings
from hub.web.app import create_app
import os
os.environ["JIAOHAO_STORE"] = sys.argv[1]
app, socketio, hub = create_app(load_settings(None))
loaded = {name: getattr(sys.modules.get(name), "__file__", None) is not None
          for name in ("redis", "requests", "flask_socketio")}
try:
    import redis
    importable = True
except ImportError:
    importable = False
hub.close()
print(json.dumps({"loaded": loaded, "redis_importable": importable,
                  "centers": sorted(hub.centers)}))
"""


def probe(store: str, message_queue: str = "") -> dict[str, object]:
    run = subprocess.run([sys.executable, "-c", PROBE, store, message_queue], cwd=ROOT,
                         capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "JIAOHAO_ASYNC_MODE": "threading"})
    assert run.returncode == 0, run.stderr[-2000:]
    answer: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    return answer


@pytest.mark.slow
def test_a_hub_on_sqlite_builds_its_app_without_redis_or_requests(tmp_path: Path) -> None:
    answer = probe(f"sqlite:///{tmp_path / 'journal.db'}")
    assert answer["loaded"] == {"redis": False, "requests": False, "flask_socketio": True}
    assert answer["redis_importable"] is False


@pytest.mark.parametrize(("store", "queue"), [
    ("redis://127.0.0.1:1/0", ""), ("sqlite:///x.db", "redis://127.0.0.1:1/0"),
    ("unix:///run/redis.sock", ""), ("redis+sentinel://a:26379/0/m", ""),
    ("sqlite:///x.db", "unix:///run/redis.sock")])
def test_any_redis_journal_or_queue_keeps_the_redis_client(store: str, queue: str) -> None:
    assert uses_redis(store, queue)


@pytest.mark.slow
def test_a_hub_on_redis_keeps_its_client(redis_server: RedisServer) -> None:
    answer = probe(redis_server.url)
    assert answer["loaded"]["redis"] is True  # type: ignore[index]
    assert answer["redis_importable"] is True


@pytest.mark.parametrize("store", ["sqlite:///var/jiaohao.db", "memory://"])
def test_sqlite_or_memory_alone_does_not_use_redis(store: str) -> None:
    assert not uses_redis(store, "")
