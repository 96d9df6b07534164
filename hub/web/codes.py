"""One-time check-in codes at the edge: made, hashed and sealed here, so the domain
(and the journal) never hold a code in clear.

- `hash_code(key, phone, code)`: HMAC-SHA256 keyed by the hub's secret: what the
  journal keeps to check a code typed at the kiosk;
- `seal(key, code)` / `unseal(key, sealed)`: the code travels in the outbox to the
  sender sealed (a keystream from HMAC-SHA256 over a random nonce, with a MAC), so a
  manager reading the journal cannot read a live code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def _key(secret: bytes, purpose: str) -> bytes:
    return hmac.new(secret, b"jiaohao-checkin-" + purpose.encode(), hashlib.sha256).digest()


def hash_code(secret: bytes, phone_digits: str, code: str) -> str:
    message = f"{phone_digits}:{code.strip()}".encode()
    return hmac.new(_key(secret, "hash"), message, hashlib.sha256).hexdigest()


def seal(secret: bytes, code: str) -> str:
    key = _key(secret, "seal")
    nonce = secrets.token_bytes(12)
    plain = code.encode()
    stream = hmac.new(key, nonce, hashlib.sha256).digest()[: len(plain)]
    cipher = bytes(a ^ b for a, b in zip(plain, stream, strict=True))
    tag = hmac.new(key, nonce + cipher, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def unseal(secret: bytes, sealed: str) -> str:
    """The code, or ValueError when the seal was not made with this secret."""
    key = _key(secret, "seal")
    raw = base64.urlsafe_b64decode(sealed.encode())
    nonce, cipher, tag = raw[:12], raw[12:-16], raw[-16:]
    if not hmac.compare_digest(tag, hmac.new(key, nonce + cipher, hashlib.sha256).digest()[:16]):
        raise ValueError("the seal does not match this hub's secret")
    stream = hmac.new(key, nonce, hashlib.sha256).digest()[: len(cipher)]
    return bytes(a ^ b for a, b in zip(cipher, stream, strict=True)).decode()
