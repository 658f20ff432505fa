"""TimedSigner: itsdangerous's URL-safe timed format, checked against itsdangerous itself."""

from __future__ import annotations

import hashlib
import secrets
import time

import pytest
from itsdangerous import BadPayload, BadSignature, SignatureExpired, URLSafeTimedSerializer

from flagon.json.tag import TaggedJSONSerializer
from flagon.signing import TimedSigner

SALT = "cookie-session"


def reference(keys):
    return URLSafeTimedSerializer(
        keys,
        salt=SALT,
        serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )


def signer(keys):
    return TimedSigner(keys, SALT, TaggedJSONSerializer())


SMALL = {"user": "ada", "pair": (1, 2)}
LARGE = {"text": "repetitive " * 200, "blob": b"\x00" * 300}  # compressed by both


@pytest.mark.parametrize("value", [SMALL, LARGE, {}], ids=["small", "compressed", "empty"])
def test_itsdangerous_reads_what_it_signs_and_the_reverse(value):
    ours, theirs = signer(["k"]), reference(["k"])
    assert theirs.loads(ours.dumps(value)) == value
    assert ours.loads(theirs.dumps(value)) == value


def test_large_payloads_are_compressed():
    assert signer(["k"]).dumps(LARGE).startswith(".")
    assert not signer(["k"]).dumps(SMALL).startswith(".")


def test_the_newest_key_signs_and_every_key_verifies():
    rotated = signer(["old", "new"])
    assert rotated.loads(signer(["old"]).dumps(SMALL)) == SMALL
    assert signer(["new"]).loads(rotated.dumps(SMALL)) == SMALL
    with pytest.raises(BadSignature):
        signer(["old"]).loads(rotated.dumps(SMALL))


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _respellings(value):
    """Other spellings of ``value`` that a lenient base64 decoder reads as the same bytes."""
    payload, stamp, signature = value.split(".")
    last = _ALPHABET.index(signature[-1])
    return {
        "junk inside the signature": f"{payload}.{stamp}.{signature[:5]}!!!!{signature[5:]}",
        "spaces inside the signature": f"{payload}.{stamp}.{signature[:5]}    {signature[5:]}",
        "padding after the signature": f"{payload}.{stamp}.{signature}=",
        "unused low bits of the signature": f"{payload}.{stamp}.{signature[:-1]}{_ALPHABET[last ^ 1]}",
        "junk inside the timestamp": f"{payload}.{stamp[:2]}!!!!{stamp[2:]}.{signature}",
    }


@pytest.mark.parametrize("kind", list(_respellings(signer(["k"]).dumps(SMALL))))
def test_a_signed_value_has_exactly_one_accepted_spelling(kind):
    ours = signer(["k"])
    value = ours.dumps(SMALL)
    respelled = _respellings(value)[kind]
    with pytest.raises(BadSignature):
        ours.loads(respelled)


def test_a_value_signed_with_another_key_or_salt_is_refused():
    value = signer(["k"]).dumps(SMALL)
    with pytest.raises(BadSignature):
        signer(["other"]).loads(value)
    with pytest.raises(BadSignature):
        TimedSigner(["k"], "another-salt", TaggedJSONSerializer()).loads(value)


def test_any_change_to_the_signed_value_is_refused():
    value = signer(["k"]).dumps(SMALL)
    payload, stamp, signature = value.split(".")
    forged_payload = signer(["k"]).dumps({"user": "root"}).split(".")[0]
    for forged in (
        f"{forged_payload}.{stamp}.{signature}",
        f"{payload}.{stamp}1.{signature}",
        f"{payload}.{stamp}.{signature[:-2]}",
        f"{payload}.{stamp}",
        payload,
        "",
        "é.é.é",
        "...",
    ):
        with pytest.raises(BadSignature):
            signer(["k"]).loads(forged)


def test_max_age_refuses_old_and_future_values(monkeypatch):
    value = signer(["k"]).dumps(SMALL)
    assert signer(["k"]).loads(value, max_age=60) == SMALL
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 120)
    with pytest.raises(SignatureExpired):
        signer(["k"]).loads(value, max_age=60)
    assert signer(["k"]).loads(value) == SMALL  # no max_age: age not checked
    monkeypatch.setattr(time, "time", lambda: now - 120)
    with pytest.raises(SignatureExpired):
        signer(["k"]).loads(value, max_age=60)


def test_a_signed_value_that_is_not_the_serializers_output_is_a_bad_payload():
    plain = URLSafeTimedSerializer(
        "k", salt=SALT, signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1}
    )
    value = plain.make_signer().sign(b"not base64 json!").decode()
    with pytest.raises(BadPayload):
        signer(["k"]).loads(value)


def test_bytes_keys_and_values_are_accepted():
    value = signer([b"k"]).dumps(SMALL)
    assert signer(["k"]).loads(value.encode()) == SMALL


def test_a_signer_needs_a_key():
    with pytest.raises(ValueError):
        signer([])


def test_random_payloads_round_trip():
    data = {"token": secrets.token_urlsafe(64), "raw": secrets.token_bytes(32)}
    assert reference(["k"]).loads(signer(["k"]).dumps(data)) == data
