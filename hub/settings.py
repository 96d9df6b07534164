"""The hub's settings: one typed, frozen object built once at start-up.

Read from a TOML file (`[hub]` table, or top-level keys) and `JIAOHAO_*`
environment variables (which win), then from command-line flags (which win
over both). Nothing else reads the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    TypeAdapter,
    ValidationError,
    create_model,
)
from pydantic import Field as Size

ASYNC_MODES = ("gevent", "eventlet", "threading")
ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting that cannot be used, naming it."""


@dataclass(frozen=True)
class Settings:
    store: str = "sqlite:///var/jiaohao.db"
    host: str = "127.0.0.1"
    port: int = 8600
    async_mode: str = "gevent"
    centers: tuple[str, ...] = ()  # center configuration TOML files
    public_url: str = ""  # how phones reach the hub (QR codes); defaults to http://host:port
    message_queue: str = ""  # redis:// URL to fan out broadcasts across hub processes
    assets_dir: str = str(ROOT / "assets")
    token_hours: int = 12
    login_max_failures: int = 5
    login_lock_minutes: int = 10
    mobile_tickets_per_hour: int = 6
    max_body_bytes: int = 16 * 1024
    snapshot_every: int = 10_000
    clock: str = ""  # "" = real time; "fast:60@2026-11-27T08:25" for demos and simulation
    cors_origins: tuple[str, ...] = field(default=())
    # Seconds between the /live heartbeats ({seq, heard} per room) by which clients
    # see they are behind; 0 sends none.
    heartbeat_seconds: float = 5.0
    # Several hub processes on one Redis journal: a process stops following a center
    # that it has not served (no request, no socket) for this long while another
    # process writes to it, and follows it again when it is asked about it or its
    # journal falls quiet. 0 = every process follows every center always.
    follow_idle_seconds: float = 60.0
    # On Redis: acknowledge a command only once this many replicas have its events
    # (WAIT after each append, up to redis_wait_ms; 0 = don't wait). See README.
    redis_wait_replicas: int = 0
    redis_wait_ms: int = 1000
    # Proxies in front of the hub whose X-Forwarded-For/-Proto it believes (1 behind
    # the shipped nginx); 0 when clients connect directly.
    trusted_proxies: int = 0
    # Seconds a connection may stay silent (no request, or half a header) before it
    # is closed. Websockets are exempt: Socket.IO's pings watch them.
    idle_timeout: int = 30
    # Connections one address may hold at once when the hub listens directly
    # (trusted_proxies = 0); 0 = no cap. Phones on a center's Wi-Fi often share one
    # NAT address, each with a socket: keep it well above the hall's crowd.
    max_connections_per_address: int = 300
    # The signing key's file (default: beside a SQLite journal, journal.key), or
    # the key itself in secret_key (JIAOHAO_SECRET_KEY); see hub/store/keys.py.
    key_file: str = ""
    secret_key: str = field(default="", repr=False)
    # Notifications (the outbox, hub/web/outbox.py): the sender (log | webhook | sms), where
    # it posts, and its signing secret (JIAOHAO_NOTIFY_SECRET or a key file: never in the
    # journal, never in a repr). Retries back off exponentially from notify_backoff_seconds
    # up to notify_backoff_cap_seconds; a claim's lease keeps other hub processes off.
    notify_sender: str = "log"
    notify_log_params: bool = False  # the log sender writes parameters (codes!): demos only
    notify_url: str = ""
    notify_secret: str = field(default="", repr=False)
    notify_secret_file: str = ""
    notify_sms_provider: str = "generic"  # generic | aliyun | tencent (hub/read/notify/sms.py)
    notify_sms_sign: str = ""  # 短信签名
    notify_sms_app: str = ""  # the provider's application id (Tencent SmsSdkAppId)
    notify_timeout_seconds: float = 5.0
    notify_poll_seconds: float = 1.0
    notify_backoff_seconds: float = 5.0
    notify_backoff_cap_seconds: float = 300.0
    notify_lease_seconds: float = 30.0
    checkin_codes_per_hour: int = 30  # per kiosk and per phone number

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"


def _flag(value: Any) -> bool:
    """1/true/yes/on (any case, spaces around) is true, any other text false."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _no_flag(value: Any) -> Any:
    if isinstance(value, bool):  # true is no number of seconds
        raise ValueError("not a number")
    return value


def _listed(value: Any) -> tuple[str, ...]:
    """"a, b" or ["a", "b"] -> ("a", "b")."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if not isinstance(value, list | tuple):
        raise ValueError("not a list")
    return tuple(str(part) for part in value)


# A setting's kind (the type of its default) -> how a TOML value or an environment
# string becomes one (pydantic, lax: "8600" from the environment is 8600).
_KINDS: dict[type, Any] = {
    bool: Annotated[bool, BeforeValidator(_flag)],
    int: Annotated[int, BeforeValidator(_no_flag)],
    float: Annotated[float, BeforeValidator(_no_flag), Size(ge=0, allow_inf_nan=False)],
    tuple: Annotated[tuple[str, ...], BeforeValidator(_listed)],
    str: Annotated[str, Strict()],
}


_ADAPTERS: dict[type, TypeAdapter[Any]] = {kind: TypeAdapter(t) for kind, t in _KINDS.items()}


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
        return _ADAPTERS[type(default)].validate_python(value)
    except ValidationError:
        raise SettingsError(f"setting {name}: {value!r} is not a valid value") from None


@cache
def _hub_table() -> type[BaseModel]:
    """The `[hub]` table of a settings file: every setting optional, nothing else."""
    defaults = Settings()
    fields_: dict[str, Any] = {
        f.name: (_KINDS[type(getattr(defaults, f.name))] | None, None) for f in fields(Settings)}
    model: type[BaseModel] = create_model(
        "HubTable", __config__=ConfigDict(extra="forbid"), **fields_)
    return model


def _read_hub_table(path: Path, table: Any) -> dict[str, Any]:
    """The settings the `[hub]` table sets, checked: an unknown key or a bad value is
    a SettingsError naming it."""
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [hub] must be a table")
    try:
        checked = _hub_table().model_validate(table)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        key = str(problem["loc"][0])
        if problem["type"] == "extra_forbidden":
            raise SettingsError(f"{path}: [hub].{key} is not a known setting") from None
        raise SettingsError(f"setting {key}: {table[key]!r} is not a valid value") from None
    return {key: getattr(checked, key) for key in table}


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings from a TOML file, JIAOHAO_* variables and overrides, in that order."""
    environ = os.environ if environ is None else environ
    defaults = Settings()
    known = {f.name: getattr(defaults, f.name) for f in fields(Settings)}
    values: dict[str, Any] = {}
    if config_file:
        path = Path(config_file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise SettingsError(f"cannot read {path}: {error}") from None
        values.update(_read_hub_table(path, data.get("hub", {})))
        if "center" in data:  # the file is itself a center configuration
            values.setdefault("centers", (str(path),))
    for key in known:
        env = environ.get(f"JIAOHAO_{key.upper()}")
        if env is not None and env != "":
            values[key] = _coerce(key, env, known[key])
    for key, value in overrides.items():
        if value is None:
            continue
        if key not in known:
            raise SettingsError(f"{key} is not a known setting")
        values[key] = _coerce(key, value, known[key])
    settings = replace(defaults, **values)
    if settings.async_mode not in ASYNC_MODES:
        raise SettingsError(f"async_mode must be one of {', '.join(ASYNC_MODES)}")
    if not 0 < settings.port < 65536:
        raise SettingsError("port must be between 1 and 65535")
    for name in ("trusted_proxies", "idle_timeout", "max_connections_per_address"):
        if getattr(settings, name) < 0:
            raise SettingsError(f"{name} must not be negative")
    return settings
