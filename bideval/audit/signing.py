"""Ed25519 signatures over an archive's manifest (the `cryptography` package).

The manifest holds the sha256 of every member, so signing it signs the whole archive:
whoever rewrites a member and its hash in the manifest still cannot forge the signature.
The signature travels inside the archive as signature.json, outside the manifest.
"""

from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bideval.audit.archive import MANIFEST, SIGNATURE, canonical_json
from bideval.audit.zipfiles import read_members
from bideval.errors import InputError, Problem
from bideval.render.reproducible_zip import deterministic_zip

SIGNATURE_SCHEMA = "bideval/signature/v1"


def keygen(passphrase: str | None) -> tuple[bytes, bytes]:
    """A new key pair as PEM: (private key, PKCS#8 encrypted with `passphrase`, or unencrypted when it
    is None; public key, SubjectPublicKeyInfo as before so existing archives still verify)."""
    if passphrase is not None and not passphrase:
        raise ValueError("an empty passphrase encrypts nothing; pass None for an unencrypted key")
    key = Ed25519PrivateKey.generate()
    encryption = (serialization.BestAvailableEncryption(_encode(passphrase)) if passphrase is not None
                  else serialization.NoEncryption())  # fmt: skip
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def sign_archive(archive: Path, key_file: Path, passphrase: Callable[[], str] | None = None) -> bytes:
    """The archive again, with signature.json over its manifest (entries and dates kept).

    `passphrase` is called only when the key file is encrypted (an unencrypted key, as written
    by earlier versions or `keygen --no-passphrase`, is used as it is)."""
    key = _load_private(key_file, passphrase)
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
    public = _load_public(pubkey_file)
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


def _encode(passphrase: str) -> bytes:
    # NFC: the same Hangul passphrase typed on another system may arrive decomposed.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _load_private(path: Path, passphrase: Callable[[], str] | None) -> Ed25519PrivateKey:
    def problem(message: str) -> InputError:
        return InputError([Problem(str(path), 0, 0, message)])

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise problem(f"not a readable PEM private key ({exc.__class__.__name__})") from None
    try:
        return _check_type(path, serialization.load_pem_private_key(data, password=None), private=True)
    except TypeError:  # documented: the key is encrypted and no password was given
        pass
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise problem(f"not a readable PEM private key ({exc.__class__.__name__})") from None
    if passphrase is None:
        raise problem("the private key is encrypted and no passphrase was given")
    secret = passphrase()
    if not secret:
        raise problem("the private key is encrypted and the passphrase given is empty")
    try:
        key = serialization.load_pem_private_key(data, password=_encode(secret))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise problem("wrong passphrase: cannot decrypt this private key") from None
    return _check_type(path, key, private=True)


def _load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InputError([Problem(str(path), 0, 0, f"not a readable PEM public key ({exc.__class__.__name__})")]) from None
    return _check_type(path, key, private=False)


def _check_type(path: Path, key: object, *, private: bool):
    wanted = Ed25519PrivateKey if private else Ed25519PublicKey
    if not isinstance(key, wanted):
        raise InputError([Problem(str(path), 0, 0, "not an Ed25519 key (use `bideval keygen`)")])
    return key


def _archive_day(archive: Path) -> date:
    import zipfile

    with zipfile.ZipFile(archive) as z:
        year, month, day = z.infolist()[0].date_time[:3]
    return date(year, month, day)
