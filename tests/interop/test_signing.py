"""The signature algorithm, and the worked example of docs/interop-12345.md recomputed from its inputs."""

from __future__ import annotations

import re
from pathlib import Path

from interop import signing

DOC = Path(__file__).resolve().parents[2] / "docs" / "interop-12345.md"


def test_the_worked_example_in_the_docs_is_what_the_code_computes():
    text = DOC.read_text()
    block = text.split("<!-- worked-example -->")[1]
    fields = dict(re.findall(r"^- (\w+): `([^`]*)`$", block, flags=re.M))
    body = re.search(r"```json\n(.*?)\n```", block, flags=re.S).group(1).encode()
    expected = re.search(r"signature: `([0-9a-f]{64})`", block).group(1)
    assert fields["secret"] and fields["method"] == "POST"
    computed = signing.sign(
        secret=fields["secret"], method=fields["method"], path=fields["path"], timestamp=fields["timestamp"], body=body
    )
    assert computed == expected


def test_verify_accepts_a_fresh_good_signature_and_says_why_it_refuses_others():
    body = b'{"a":1}'
    sig = signing.sign(secret="k", method="post", path="/x/", timestamp="1000", body=body)
    good = {"secret": "k", "method": "POST", "path": "/x/", "timestamp": "1000", "signature": sig, "body": body}
    assert signing.verify(**good, now=1000 + 299) is None
    assert signing.verify(**good, now=1000 - 299) is None
    assert signing.verify(**good, now=1000 + 301) == "timestamp outside the window"
    assert signing.verify(**{**good, "body": b'{"a":2}'}, now=1000) == "signature mismatch"
    assert signing.verify(**{**good, "path": "/y/"}, now=1000) == "signature mismatch"
    assert signing.verify(**{**good, "method": "PUT"}, now=1000) == "signature mismatch"
    assert signing.verify(**{**good, "secret": "other"}, now=1000) == "signature mismatch"
    assert signing.verify(**{**good, "timestamp": "10e2"}, now=1000) == "timestamp missing or not whole seconds"
    assert signing.verify(**{**good, "timestamp": "\xb2"}, now=1000) == "timestamp missing or not whole seconds"
    assert signing.verify(**{**good, "timestamp": "9" * 13}, now=1000) == "timestamp missing or not whole seconds"
    assert signing.verify(**{**good, "signature": sig.upper()}, now=1000) is None  # hex is case-insensitive
