"""Run the hub under its green-thread server (after `runtime.patch`)."""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any

from hub.settings import Settings

log = logging.getLogger("hub")


def serve(settings: Settings, *, banner: Any = None) -> int:
    from hub.app import create_app

    try:
        app, socketio, hub = create_app(settings)
    except (OSError, ValueError) as error:
        print(f"jiaohao hub: cannot start: {error}", file=sys.stderr)
        return 2
    centers = ", ".join(sorted(hub.centers)) or "none"
    log.info("hub on %s (async %s, store %s, centers %s)", settings.base_url,
             settings.async_mode, settings.store.split("@")[-1], centers)
    if banner is not None:
        banner(hub)

    def stop(signum: int, frame: Any) -> None:
        log.info("hub stopping (signal %s)", signum)
        socketio.stop()
        hub.store.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    socketio.run(app, host=settings.host, port=settings.port, log_output=False,
                 use_reloader=False)
    return 0
