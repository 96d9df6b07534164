"""`jiaohao`: the one command line of the hub and its device agents.

Imports stay inside the subcommands: a green-thread server must monkey-patch
the standard library before Flask, sockets or threads are imported.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class CliError(Exception):
    """A problem to report in one line, with a non-zero exit."""


def _settings(args: argparse.Namespace, **extra: Any) -> Any:
    from hub.settings import SettingsError, load_settings

    try:
        return load_settings(
            getattr(args, "config", None),
            store=getattr(args, "store", None),
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            async_mode=getattr(args, "async_mode", None),
            **extra,
        )
    except SettingsError as error:
        raise CliError(str(error)) from None


def _offline_hub(settings: Any) -> Any:
    """A Hub on the configured store for administrative commands (no server)."""
    from hub.core import bootstrap

    try:
        return bootstrap(settings).open()
    except (OSError, ValueError) as error:
        raise CliError(f"cannot open the hub's journal: {error}") from None


def _pick_center(hub: Any, center_id: str | None, config: str | None = None) -> Any:
    """The center a command is about: --center, else the one --config describes,
    else the only one."""
    if center_id is None and config:
        import tomllib

        try:
            data = tomllib.loads(open(config, encoding="utf-8").read())
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CliError(f"cannot read {config}: {error}") from None
        center_id = data.get("center", {}).get("id") if isinstance(data, dict) else None
    center = hub.center(center_id)
    if center is None:
        known = ", ".join(sorted(hub.centers)) or "none (start the hub with --config first)"
        raise CliError(f"name a center with --center (known: {known})")
    return center


# ------------------------------------------------------------------ hub


def _async_mode(args: argparse.Namespace) -> str:
    """The async mode as the settings will read it (flag, then JIAOHAO_ASYNC_MODE,
    then the file's `[hub]` table), found with the standard library only:
    the green-thread library must patch before anything else is imported (the
    settings' pydantic models included, which eventlet's patching cannot walk)."""
    if getattr(args, "async_mode", None):
        return str(args.async_mode)
    if os.environ.get("JIAOHAO_ASYNC_MODE"):
        return os.environ["JIAOHAO_ASYNC_MODE"]
    config = getattr(args, "config", None)
    if config:
        import tomllib

        try:
            data = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return "gevent"  # the settings report the file's problem
        table = data.get("hub")
        mode = table.get("async_mode") if isinstance(table, dict) else None
        if isinstance(mode, str):
            return mode
    return "gevent"


def cmd_hub(args: argparse.Namespace) -> int:
    from hub.runtime import leave_out_unused_clients, patch

    mode = _async_mode(args)
    patch(mode)  # gevent or eventlet; any other mode patches nothing (the settings check it)
    settings = _settings(args)
    if settings.async_mode != mode:  # cannot happen unless the two readings disagree
        raise CliError(f"async_mode {settings.async_mode!r} was read after patching for {mode!r}")
    leave_out_unused_clients(settings.store, settings.message_queue)
    from hub.web.server import serve

    return serve(settings)


def cmd_demo(args: argparse.Namespace) -> int:
    from tools.demo import run_demo

    return run_demo(args)


# ------------------------------------------------------------------ accounts


def cmd_user_add(args: argparse.Namespace) -> int:
    import getpass

    from hub.domain.accounts import SaveUser
    from hub.domain.errors import DomainError
    from hub.store.auth import hash_password

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise CliError("the passwords differ")
    if len(password) < 8:
        raise CliError("the password must have at least 8 characters")
    windows = _windows(args.windows)
    hub = _offline_hub(_settings(args))
    center = _pick_center(hub, args.center, args.config)
    command = SaveUser(args.name, args.role, hash_password(password), args.display_name or "",
                       windows)
    try:
        center.execute(command, actor="cli")
    except DomainError as error:
        raise CliError(error.message) from None
    print(f"user {args.name} ({args.role}) added to center {center.id}")
    return 0


def _windows(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise CliError("--windows takes window numbers like 1,3,5") from None


def cmd_device_add(args: argparse.Namespace) -> int:
    from hub.domain.accounts import AddDevice
    from hub.domain.errors import DomainError
    from hub.store.auth import new_device_token, token_hash

    hub = _offline_hub(_settings(args))
    center = _pick_center(hub, args.center, args.config)
    token = new_device_token(center.id)
    try:
        center.execute(AddDevice(args.name, args.role, token_hash(token), args.window),
                       actor="cli")
    except DomainError as error:
        raise CliError(error.message) from None
    where = f" at window {args.window}" if args.window is not None else ""
    print(f"device {args.name} ({args.role}){where} added to center {center.id}; its token "
          "(shown once, keep it on the device):", file=sys.stderr)
    print(token)
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    from hub.domain.accounts import RevokeDevice
    from hub.domain.errors import DomainError

    hub = _offline_hub(_settings(args))
    center = _pick_center(hub, args.center, args.config)
    try:
        center.execute(RevokeDevice(args.name), actor="cli")
    except DomainError as error:
        raise CliError(error.message) from None
    print(f"device {args.name} revoked")
    return 0


def cmd_key_rotate(args: argparse.Namespace) -> int:
    from hub.store.keys import KeyFileError, rotate

    try:
        path = rotate(_settings(args, key_file=args.key_file))
    except KeyFileError as error:
        raise CliError(str(error)) from None
    print(f"a new signing key is in {path}. Restart every hub process that reads it: "
          "staff sign in again (their login tokens end); device tokens keep working.")
    return 0


# ------------------------------------------------------------------ agents and tools


def cmd_agent(args: argparse.Namespace) -> int:
    """Run a device agent (kiosk, display, caller): its module's main(args)."""
    import importlib

    from client.agent import AgentError

    if hasattr(args, "token") and not args.token:
        raise CliError("give the device token with --token or $JIAOHAO_TOKEN")
    module = importlib.import_module(f"{args.command}.agent")
    try:
        code: int = module.main(args)
    except AgentError as error:
        raise CliError(str(error)) from None
    return code


def cmd_store_copy(args: argparse.Namespace) -> int:
    """Copy centers' journals from one store to another, seq for seq, then verify."""
    from hub.store import open_store
    from hub.store.base import dumps

    try:
        source, target = open_store(args.source), open_store(args.target)
    except ValueError as error:
        raise CliError(str(error)) from None
    centers = [args.center] if args.center else source.centers()
    if not centers:
        raise CliError("the source store has no journal")
    for center in centers:
        if target.last_seq(center) != 0:
            raise CliError(f"the target already has a journal for {center}; nothing copied")
    for center in centers:
        copied = 0
        page: list[Any] = []
        for event in source.load(center):
            page.append(event)
            if len(page) == 5000:
                target.append(center, page, copied)
                copied += len(page)
                page = []
        if page:
            target.append(center, page, copied)
            copied += len(page)
        # Verify: the same events, in the same order, byte for byte.
        for mine, theirs in zip(source.load(center), target.load(center), strict=True):
            if dumps(mine) != dumps(theirs):
                raise CliError(f"{center}: event {mine.seq} differs after copying")
        print(f"{center}: {copied} events copied and verified")
    source.close()
    target.close()
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from client.agent import AgentError, check_hub_url, wait_for_hub
    from tools.simulate import SimulationError
    from tools.simulate import main as simulate_main

    try:
        args.hub = check_hub_url(args.hub)
        wait_for_hub(args.hub)
        code: int = simulate_main(args)
    except (AgentError, SimulationError) as error:
        raise CliError(str(error)) from None
    return code


def cmd_bench(args: argparse.Namespace) -> int:
    from tools.bench import main as bench_main

    code: int = bench_main(args)
    return code


# ------------------------------------------------------------------ parser


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML file: a center configuration or hub settings")
    parser.add_argument("--store", help="sqlite:///path.db (default) or redis://host:port/0")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8600)")
    parser.add_argument("--async-mode", dest="async_mode", choices=("gevent", "eventlet"),
                        help="green-thread server (default gevent)")


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="the center's TOML file")
    parser.add_argument("--store", help="sqlite:///path.db or redis://host:port/0")
    parser.add_argument("--center", help="center id (when the hub serves several)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiaohao", description="叫号: queue, kiosk and hall display for service centers")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    hub = sub.add_parser("hub", help="run the hub server")
    _server_options(hub)
    hub.set_defaults(run=cmd_hub)

    demo = sub.add_parser("demo", help="run a demo center and print its page URLs and logins")
    demo.add_argument("--port", type=int, default=8600)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--store", help="journal (default: a temporary SQLite file)")
    demo.add_argument("--async-mode", dest="async_mode", choices=("gevent", "eventlet"),
                      default="gevent")
    demo.add_argument("--simulate", action="store_true",
                      help="run a simulated day (clock 30× from 08:20) so the hall lives")
    demo.set_defaults(run=cmd_demo)

    user = sub.add_parser("user", help="staff accounts").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    add = user.add_parser("add", help="add a staff account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("admin", "manager", "clerk"))
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument("--windows", help="windows a clerk may serve, e.g. 1,3,5 (default: all)")
    add.add_argument("--display-name", help="name shown to managers")
    _store_options(add)
    add.set_defaults(run=cmd_user_add)

    device = sub.add_parser("device", help="device tokens").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    dadd = device.add_parser("add", help="add a device; prints its token once")
    dadd.add_argument("name")
    dadd.add_argument("--role", required=True, choices=("kiosk", "display", "caller", "pad"))
    dadd.add_argument("--window", type=int, default=None, metavar="N",
                      help="the window the device stands at (a rating pad rates only "
                           "the visits completed at its window)")
    _store_options(dadd)
    dadd.set_defaults(run=cmd_device_add)
    drevoke = device.add_parser("revoke", help="revoke a device's token")
    drevoke.add_argument("name")
    _store_options(drevoke)
    drevoke.set_defaults(run=cmd_device_revoke)

    key = sub.add_parser("key", help="the signing key of login tokens").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    krotate = key.add_parser("rotate", help="write a new key (every login token ends at the "
                                            "hub's restart; device tokens stay)")
    krotate.add_argument("--key-file", dest="key_file",
                         help="the key file (default: key_file, or beside a SQLite journal)")
    _store_options(krotate)
    krotate.set_defaults(run=cmd_key_rotate)

    kiosk = sub.add_parser("kiosk", help="run the kiosk agent: the kiosk page and its printer")
    kiosk.add_argument("--hub", required=True, help="the hub's URL, e.g. http://10.0.0.2:8600")
    kiosk.add_argument("--token", default=os.environ.get("JIAOHAO_TOKEN"),
                       help="this kiosk's device token (default: $JIAOHAO_TOKEN)")
    kiosk.add_argument("--printer", default="none",
                       help="tcp:HOST:9100 | usb:VID:PID | serial:/dev/ttyS0 | file:/dev/usb/lp0 "
                            "| cups:NAME | none")
    kiosk.add_argument("--paper", default=os.environ.get("JIAOHAO_PAPER", "80"),
                       help="the printer's paper width in mm: 80 (48 columns, 576 dots) "
                            "or 58 (32 columns, 384 dots); default $JIAOHAO_PAPER or 80")
    kiosk.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    kiosk.add_argument("--size", help="window size WxH (default 1080x1920, a portrait kiosk)")
    kiosk.add_argument("--status-every", dest="status_every", type=float, default=10.0,
                       help="seconds between printer status checks (default 10)")
    kiosk.set_defaults(run=cmd_agent)

    display = sub.add_parser("display", help="run a hall or window display, optionally speaking")
    display.add_argument("--hub", required=True, help="the hub's URL")
    display.add_argument("--token", default=os.environ.get("JIAOHAO_TOKEN"),
                         help="this display's device token (default: $JIAOHAO_TOKEN)")
    display.add_argument("--window", type=int, help="show the window screen of window N")
    display.add_argument("--speak", action="store_true", help="also speak every call")
    display.add_argument("--no-window", dest="no_window", action="store_true",
                         help="speak only, without a screen (with --speak)")
    display.add_argument("--voice", default="sit/cmn-latn-pinyin", help="espeak-ng voice")
    display.add_argument("--clips", help="folder of recorded WAV clips instead of espeak-ng")
    display.add_argument("--repeat", type=int, default=2, help="times each call is said")
    display.add_argument("--english", action="store_true", help="add an English line")
    display.add_argument("--phrase", default="请{number}号到{window}号窗口办理",
                         help="the Chinese call phrase; may use {number} (read digit by digit), "
                              "{window}, {window_name} and {service}")
    display.add_argument("--speak-to", dest="speak_to", metavar="DIR",
                         help="write each announcement as a numbered WAV file into DIR instead "
                              "of playing it (a record, or a PC without speakers); implies --speak")
    display.add_argument("--max-age", type=float, default=120.0,
                         help="calls older than this many seconds are shown, not spoken")
    display.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    display.set_defaults(run=cmd_agent)

    caller = sub.add_parser("caller", help="run the clerk's caller in a small window on top")
    caller.add_argument("--hub", required=True, help="the hub's URL")
    caller.add_argument("--size", default="460x720",
                        help="the window's WIDTHxHEIGHT in pixels (default 460x720)")
    caller.set_defaults(run=cmd_agent)

    store = sub.add_parser("store", help="journal maintenance").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    copy = store.add_parser("copy", help="move centers' journals between stores without loss")
    copy.add_argument("--from", dest="source", required=True, help="e.g. sqlite:////var/lib/…")
    copy.add_argument("--to", dest="target", required=True, help="e.g. redis://127.0.0.1:6379/0")
    copy.add_argument("--center", help="only this center (default: every center)")
    copy.set_defaults(run=cmd_store_copy)

    simulate = sub.add_parser(
        "simulate", help="drive a realistic day against a running hub (demo, tests)")
    simulate.add_argument("--hub", required=True, help="the hub's URL")
    simulate.add_argument("--credentials", required=True,
                          help='JSON file {"users": {name: password}, "devices": {name: token}} '
                               "with a manager, the clerks, a kiosk and the rating pads")
    simulate.add_argument("--tickets", type=int, default=300, help="about how many arrive")
    simulate.add_argument("--until", help="stop at this hub time HH:MM (default: closing)")
    simulate.add_argument("--seed", type=int, help="random seed, to repeat a day")
    simulate.add_argument("--balk", action="store_true",
                          help="citizens leave without a ticket when the kiosk shows a long wait")
    simulate.set_defaults(run=cmd_simulate)

    bench = sub.add_parser("bench", help="measure the hub and print figures")
    bench.add_argument("--json", help="also write the figures to this JSON file")
    bench.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    bench.add_argument("--only", help="comma-separated parts: domain,issue,fanout,restart,"
                       "scale,partition,eta (eta: wait estimators on simulated days; not in the "
                       "default run)")
    bench.add_argument("--floor", action="store_true",
                       help="also measure a bare Flask-SocketIO + SQLite server (no rules) in "
                            "the same run (issuing and fan-out; on Redis, 1 and 2 processes, "
                            "in the partition bench), for the ratio")
    bench.add_argument("--clients", help="comma-separated fan-out sizes (default 100,1000,3000)")
    bench.add_argument("--async-mode", dest="async_mode", choices=("gevent", "eventlet", "both"),
                       default="both")
    bench.set_defaults(run=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        code: int = args.run(args)
        return code
    except CliError as error:
        print(f"jiaohao {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
