"""One-time codes at the edge: the journal keeps a keyed hash; the outbox a seal."""

from __future__ import annotations

import pytest

from hub.web.codes import hash_code, new_code, seal, unseal


def test_codes_are_six_digits_and_vary() -> None:
    codes = {new_code() for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 40


def test_the_hash_depends_on_the_secret_the_phone_and_the_code() -> None:
    h = hash_code(b"k", "13800138000", "123456")
    assert h == hash_code(b"k", "13800138000", "123456")
    assert "123456" not in h
    assert h != hash_code(b"other", "13800138000", "123456")
    assert h != hash_code(b"k", "13800138001", "123456")
    assert h != hash_code(b"k", "13800138000", "123457")


def test_a_seal_opens_only_with_the_same_secret() -> None:
    sealed = seal(b"k", "123456")
    assert "123456" not in sealed and sealed != seal(b"k", "123456")  # a fresh nonce each
    assert unseal(b"k", sealed) == "123456"
    with pytest.raises(ValueError):
        unseal(b"other", sealed)
