"""Znode names as src/registry/names.ts writes them: [A-Za-z0-9_-] kept, every other UTF-8 byte
percent-encoded (upper-case hex), the empty string as a lone "%"."""

import re

_SAFE = re.compile(r"[A-Za-z0-9_-]")
_ENCODED = re.compile(r"^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})+$")


def encode_name(name: str) -> str:
    if name == "":
        return "%"
    out = []
    for ch in name:
        if _SAFE.fullmatch(ch):
            out.append(ch)
        else:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8"))
    return "".join(out)


def decode_name(encoded: str) -> str:
    """Inverse of encode_name; ValueError on anything encode_name cannot have produced."""
    if encoded == "%":
        return ""
    if not _ENCODED.match(encoded):
        raise ValueError(f"not an encoded name: {encoded!r}")
    raw = bytearray()
    i = 0
    while i < len(encoded):
        if encoded[i] == "%":
            raw.append(int(encoded[i + 1 : i + 3], 16))
            i += 3
        else:
            raw.append(ord(encoded[i]))
            i += 1
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as ex:
        raise ValueError(f"not an encoded name (bytes are not UTF-8): {encoded!r}") from ex
    if encode_name(text) != encoded:
        raise ValueError(f"not an encoded name: {encoded!r}")
    return text


def decode_or_raw(encoded: str) -> str:
    """For display: a node someone created by hand keeps its raw name."""
    try:
        return decode_name(encoded)
    except ValueError:
        return encoded
