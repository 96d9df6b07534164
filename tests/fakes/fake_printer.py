"""A fake ESC/POS network printer, and a decoder for the bytes it receives.

``FakeEscposPrinter`` is a real TCP server on 127.0.0.1 (a free port unless one
is given), serving in a background thread like a printer's port 9100: it
records every byte and answers ``DLE EOT n`` status requests with configurable
status bytes, so tests can make it run out of paper, open its cover or go
offline. ``unused_port()`` gives a port with nothing listening (connection
refused); ``SilentPort`` one where connecting times out, like a printer that
is switched off behind a switch.

``parse_escpos`` splits a byte stream into commands and text runs, decoding
text inside ``FS &`` ... ``FS .`` as GB18030. To review a golden file::

    .venv/bin/python -m tests.fakes.fake_printer tests/golden/ticket_a012.bin
"""

from __future__ import annotations

import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

DLE_EOT = b"\x10\x04"
# Status bytes per DLE EOT n: bits 1 and 4 are always set in an answer.
READY = 0x12
_OFFLINE = 0x08  # n=1
_COVER_OPEN, _STOPPED_AT_PAPER_END = 0x04, 0x20  # n=2
_PAPER_NEAR_END, _PAPER_END = 0x0C, 0x60  # n=4


def unused_port() -> int:
    """A loopback TCP port with nothing listening on it (connecting is refused)."""
    from tests.support.kit import free_port  # here: this file also runs as a script

    return free_port()


class SilentPort:
    """A loopback port where connecting hangs until the client's timeout.

    It listens with a backlog of zero and one connection parked in it, so the
    kernel drops further connection attempts instead of refusing them.
    """

    def __init__(self) -> None:
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(0)
        self.port: int = self._server.getsockname()[1]
        self._parked = socket.create_connection(("127.0.0.1", self.port), timeout=1)

    def close(self) -> None:
        """Release the port."""
        self._parked.close()
        self._server.close()

    def __enter__(self) -> SilentPort:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def status_bytes(
    *, paper: str = "ok", cover_open: bool = False, offline: bool = False
) -> dict[int, int]:
    """The answers a printer gives to DLE EOT 1, 2, 3 and 4 in the given state."""
    paper_end = paper == "out"
    stopped = offline or cover_open or paper_end  # a real printer goes offline for these
    return {
        1: READY | (_OFFLINE if stopped else 0),
        2: READY | (_COVER_OPEN if cover_open else 0) | (_STOPPED_AT_PAPER_END if paper_end else 0),
        3: READY,
        4: READY | {"ok": 0, "low": _PAPER_NEAR_END, "out": _PAPER_END | _PAPER_NEAR_END}[paper],
    }


class FakeEscposPrinter:
    """A TCP ESC/POS printer on 127.0.0.1 that records what it is sent."""

    def __init__(self, port: int = 0, *, answer_status: bool = True) -> None:
        #: Answer per DLE EOT n; change it (or call ``set_status``) at any time.
        self.status = status_bytes()
        #: False makes it a mute printer that never answers status requests.
        self.answer_status = answer_status
        self._lock = threading.Lock()
        self._finished = threading.Condition(self._lock)
        self._jobs: list[bytearray] = []
        self._closed_connections = 0
        self._queries: list[int] = []
        self._stopping = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", port))
        self._server.listen(8)
        self._server.settimeout(0.05)
        self.port: int = self._server.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepter.start()

    def set_status(
        self, *, paper: str = "ok", cover_open: bool = False, offline: bool = False
    ) -> None:
        """Put the printer in a state (paper "ok", "low" or "out"; cover; offline)."""
        self.status = status_bytes(paper=paper, cover_open=cover_open, offline=offline)

    @property
    def received(self) -> bytes:
        """Every byte received so far, over all connections."""
        with self._lock:
            return b"".join(bytes(job) for job in self._jobs)

    @property
    def jobs(self) -> list[bytes]:
        """The bytes received on each connection, oldest first."""
        with self._lock:
            return [bytes(job) for job in self._jobs]

    @property
    def queries(self) -> list[int]:
        """The n of every DLE EOT n status request received."""
        with self._lock:
            return list(self._queries)

    def wait_for_closed_connections(self, count: int, timeout: float = 5.0) -> None:
        """Block until ``count`` connections have been closed by the client."""
        with self._finished:
            if not self._finished.wait_for(lambda: self._closed_connections >= count, timeout):
                raise TimeoutError(f"only {self._closed_connections} of {count} connections closed")

    def stop(self) -> None:
        """Stop listening, drop open connections and join the threads."""
        self._stopping.set()
        self._accepter.join(timeout=5)
        self._server.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FakeEscposPrinter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._jobs.append(bytearray())
                job = self._jobs[-1]
            thread = threading.Thread(target=self._serve, args=(connection, job), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket, job: bytearray) -> None:
        scanned = 0  # bytes of ``job`` already searched for DLE EOT
        with connection:
            connection.settimeout(0.05)
            while not self._stopping.is_set():
                try:
                    chunk = connection.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:  # the client finished: close our side, as a printer does
                    break
                with self._lock:
                    job.extend(chunk)
                    data = bytes(job)
                while (found := data.find(DLE_EOT, scanned)) >= 0 and found + 2 < len(data):
                    n = data[found + 2]
                    scanned = found + 3
                    with self._lock:
                        self._queries.append(n)
                    if self.answer_status and n in self.status:
                        connection.sendall(bytes([self.status[n]]))
                if data.find(DLE_EOT, scanned) < 0:
                    scanned = max(scanned, len(data) - 1)  # a DLE may start the next request
        with self._finished:
            self._closed_connections += 1
            self._finished.notify_all()


# -- decoding ---------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One command (``name`` like "GS !", ``data`` its parameter bytes) or text run."""

    offset: int
    name: str
    data: bytes
    chinese: bool = False

    @property
    def text(self) -> str:
        """The text of a "text" token, GB18030 in Chinese mode, ASCII otherwise."""
        return self.data.decode("gb18030" if self.chinese else "ascii")


# Fixed-length commands: prefix -> (name, parameter byte count).
_COMMANDS: dict[bytes, tuple[str, int]] = {
    b"\x1b@": ("ESC @", 0),
    b"\x1ba": ("ESC a", 1),
    b"\x1bE": ("ESC E", 1),
    b"\x1bt": ("ESC t", 1),
    b"\x1bd": ("ESC d", 1),
    b"\x1b!": ("ESC !", 1),
    b"\x1d!": ("GS !", 1),
    b"\x1dV": ("GS V", 1),
    b"\x1c&": ("FS &", 0),
    b"\x1c.": ("FS .", 0),
    b"\x10\x04": ("DLE EOT", 1),
    b"\n": ("LF", 0),
}
_MEANING = {
    "ESC @": "initialise",
    "ESC a": "align (0 left, 1 center)",
    "ESC E": "bold",
    "ESC t": "code page",
    "ESC d": "feed n lines",
    "GS !": "size (high nibble width-1, low nibble height-1)",
    "GS V": "cut",
    "FS &": "Chinese mode on",
    "FS .": "Chinese mode off",
    "DLE EOT": "real-time status request",
    "LF": "print line",
    "GS ( k": "2D code: pL pH cn fn [m] data",
}


def parse_escpos(data: bytes) -> list[Token]:
    """Split ESC/POS bytes into tokens; raise ``ValueError`` on a command it does not know."""
    tokens: list[Token] = []
    chinese = False
    index = 0
    while index < len(data):
        if data.startswith(b"\x1d(k", index):
            length = data[index + 3] + 256 * data[index + 4]
            end = index + 5 + length
            tokens.append(Token(index, "GS ( k", data[index + 5 : end]))
            index = end
            continue
        for prefix, (name, size) in _COMMANDS.items():
            if data.startswith(prefix, index):
                end = index + len(prefix) + size
                tokens.append(Token(index, name, data[index + len(prefix) : end]))
                chinese = {"FS &": True, "FS .": False}.get(name, chinese)
                index = end
                break
        else:
            if data[index] < 0x20 or data[index] == 0x7F:
                raise ValueError(f"unknown ESC/POS command at {index}: {data[index : index + 4]!r}")
            end = index
            while end < len(data) and data[end] >= 0x20 and data[end] != 0x7F:
                end += 1
            tokens.append(Token(index, "text", data[index:end], chinese))
            index = end
    return tokens


def dump(data: bytes) -> str:
    """An annotated listing of ESC/POS bytes, one token per line, for review."""
    lines = []
    for token in parse_escpos(data):
        if token.name == "text":
            what = f"{'GB18030' if token.chinese else 'ASCII'} {token.text!r}"
        elif token.name == "GS ( k":
            what = f"GS ( k  cn={token.data[:1]!r} fn={token.data[1:2]!r} rest={token.data[2:]!r}"
        else:
            what = f"{token.name} {token.data.hex(' ')}".strip() + f"  ; {_MEANING[token.name]}"
        lines.append(f"{token.offset:04d}  {what}")
    return "\n".join(lines)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(dump(Path(name).read_bytes()))
