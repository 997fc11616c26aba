"""Ed25519 signatures over an archive's manifest (the `cryptography` package).

The manifest holds the sha256 of every member, so signing it signs the whole archive:
whoever rewrites a member and its hash in the manifest still cannot forge the signature.
The signature travels inside the archive as signature.json, outside the manifest.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bideval.archive import MANIFEST, SIGNATURE, canonical_json
from bideval.errors import InputError, Problem
from bideval.zipfiles import deterministic_zip, read_members

SIGNATURE_SCHEMA = "bideval/signature/v1"


def keygen() -> tuple[bytes, bytes]:
    """A new key pair as PEM: (private key, PKCS#8 unencrypted — keep it safe; public key)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def sign_archive(archive: Path, key_file: Path) -> bytes:
    """The archive again, with signature.json over its manifest (entries and dates kept)."""
    key = _load(key_file, private=True)
    members = read_members(archive)
    if MANIFEST not in members:
        raise InputError([Problem(str(archive), 0, 0, f"no {MANIFEST}: not a bideval archive")])
    signature = key.sign(members[MANIFEST])
    record = {"schema": SIGNATURE_SCHEMA, "algorithm": "Ed25519", "public_key_sha256": _fingerprint(key.public_key()),
              "signature": base64.b64encode(signature).decode("ascii")}  # fmt: skip
    members.pop(SIGNATURE, None)
    return deterministic_zip({**members, SIGNATURE: canonical_json(record)}, _archive_day(archive))


def check_signature(members: dict[str, bytes], pubkey_file: Path) -> tuple[bool, str]:
    """Whether signature.json is a valid signature of manifest.json by the key in `pubkey_file`."""
    public = _load(pubkey_file, private=False)
    if SIGNATURE not in members:
        return False, "the archive is not signed"
    try:
        record = json.loads(members[SIGNATURE])
        signature = base64.b64decode(record["signature"], validate=True)
    except (ValueError, KeyError, TypeError):
        return False, f"{SIGNATURE} is unreadable"
    try:
        public.verify(signature, members[MANIFEST])
    except InvalidSignature:
        if record.get("public_key_sha256") != _fingerprint(public):
            return False, "signed with a different key"
        return False, "the signature does not match the manifest (archive altered after signing)"
    return True, f"valid Ed25519 signature by key {_fingerprint(public)[:16]}…"


def _fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _load(path: Path, *, private: bool):  # noqa: ANN202 - one of two key types
    try:
        data = path.read_bytes()
        key = (serialization.load_pem_private_key(data, password=None) if private
               else serialization.load_pem_public_key(data))  # fmt: skip
    except (OSError, ValueError, TypeError) as exc:
        raise InputError([Problem(str(path), 0, 0, f"not a readable PEM {'private' if private else 'public'} key "
                                  f"({exc.__class__.__name__})")]) from None  # fmt: skip
    wanted = Ed25519PrivateKey if private else Ed25519PublicKey
    if not isinstance(key, wanted):
        raise InputError([Problem(str(path), 0, 0, "not an Ed25519 key (use `bideval keygen`)")])
    return key


def _archive_day(archive: Path) -> date:
    import zipfile

    with zipfile.ZipFile(archive) as z:
        year, month, day = z.infolist()[0].date_time[:3]
    return date(year, month, day)
