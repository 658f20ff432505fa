"""Signed, timestamped values in itsdangerous's URL-safe format, made cheap to check per request.

:class:`TimedSigner` reads and writes exactly what ``itsdangerous.URLSafeTimedSerializer`` does
with HMAC key derivation and SHA-1 (the session cookie's settings, Flask's too), so cookies
pass between the two in both directions. It exists for speed: itsdangerous derives the key and
builds its signer objects again on every call, where this derives each key once and copies a
keyed HMAC. Failures raise itsdangerous's own exceptions.

Format: ``payload.timestamp.signature``, each part URL-safe base64 without padding; the
payload is the serializer's output, zlib-compressed (and prefixed with ``.``) when that makes
it shorter; the signature is the HMAC of ``payload.timestamp``.
"""

from __future__ import annotations

import binascii
import hmac
import time
import typing as t
import zlib

from itsdangerous import BadPayload, BadSignature, BadTimeSignature, SignatureExpired

# Below this size zlib rarely saves the bytes its header costs: skip trying.
_COMPRESS_FROM = 256

_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _b64encode(data: bytes) -> bytes:
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=")


def _b64decode(data: bytes) -> bytes:
    """Decode unpadded URL-safe base64, accepting only the one spelling ``_b64encode`` gives.

    A lenient decoder skips stray characters, padding and the unused low bits of the last
    character, so one cookie would have many accepted spellings.
    """
    decoded = binascii.a2b_base64(data.translate(_FROM_URLSAFE) + b"=" * (-len(data) % 4))
    if _b64encode(decoded) != data:
        raise binascii.Error("not the canonical encoding")
    return decoded


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


class TimedSigner:
    """Signs values with the newest of ``secret_keys`` (the last) and accepts any of them.

    ``serializer`` turns values to text and back (``dumps``/``loads``), as for itsdangerous.
    """

    __slots__ = ("_macs", "_serializer", "_text")

    def __init__(
        self,
        secret_keys: t.Iterable[str | bytes],
        salt: str | bytes,
        serializer: t.Any,
        digest: str = "sha1",
    ) -> None:
        salt = _as_bytes(salt)
        # itsdangerous's "hmac" key derivation: the signing key is HMAC(secret key, salt).
        macs = [
            hmac.new(hmac.digest(_as_bytes(key), salt, digest), digestmod=digest)
            for key in secret_keys
        ]
        # Copy OpenSSL's keyed HMAC itself when the wrapper has one: the same digests, without
        # the wrapper's copy() building a Python object per signature.
        self._macs = [getattr(mac, "_hmac", None) or mac for mac in macs]
        if not self._macs:
            raise ValueError("At least one secret key is needed to sign.")
        self._serializer = serializer
        self._text = isinstance(serializer.dumps({}), str)

    def _signature(self, mac: t.Any, value: bytes) -> bytes:
        mac = mac.copy()
        mac.update(value)
        return mac.digest()

    def dumps(self, obj: t.Any) -> str:
        """``obj`` serialized, timestamped and signed with the newest key."""
        data = self._serializer.dumps(obj)
        if self._text:
            data = data.encode()
        payload = _b64encode(data)
        if len(data) >= _COMPRESS_FROM:
            compressed = zlib.compress(data)
            if len(compressed) < len(data) - 1:
                payload = b"." + _b64encode(compressed)
        value = payload + b"." + _b64encode(int(time.time()).to_bytes(8, "big").lstrip(b"\0"))
        return (value + b"." + _b64encode(self._signature(self._macs[-1], value))).decode("ascii")

    def loads(self, signed: str | bytes, max_age: int | None = None) -> t.Any:
        """The value in ``signed``; raises ``BadSignature`` (or a subclass) when it was not
        signed with one of the keys or is older than ``max_age`` seconds, and ``BadPayload``
        when the signed data can't be read."""
        try:
            if isinstance(signed, str):
                signed = signed.encode("ascii")
            value, _, signature = signed.rpartition(b".")
            signature = _b64decode(signature)
        except (UnicodeError, binascii.Error):
            raise BadSignature("Malformed signed value.") from None
        if not value:
            raise BadSignature("No signature found.")
        for mac in reversed(self._macs):
            if hmac.compare_digest(signature, self._signature(mac, value)):
                break
        else:
            raise BadSignature("Signature does not match.")

        payload, _, stamp = value.rpartition(b".")
        try:
            raw_stamp = _b64decode(stamp)
        except binascii.Error:
            raw_stamp = b""
        if not payload or not raw_stamp or len(raw_stamp) > 8:
            raise BadTimeSignature("Malformed timestamp.")
        if max_age is not None:
            age = int(time.time()) - int.from_bytes(raw_stamp, "big")
            if age > max_age or age < 0:
                raise SignatureExpired(f"Signature age {age} is outside 0..{max_age} seconds.")

        try:
            if payload[:1] == b".":
                data = zlib.decompress(_b64decode(payload[1:]))
            else:
                data = _b64decode(payload)
            return self._serializer.loads(data.decode() if self._text else data)
        except Exception as e:
            raise BadPayload("Could not load the signed payload.", original_error=e) from e
