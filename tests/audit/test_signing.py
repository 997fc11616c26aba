"""Ed25519 signatures over the manifest: keygen, sign, verify --pubkey."""

from __future__ import annotations

import base64
import json
import shutil
import stat
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from typer.testing import CliRunner

from bideval.audit.signing import check_signature
from bideval.cli import app
from bideval.cli.audit import PASSPHRASE_ENV
from tests.audit.test_verify import read, refused, rewrite, rows, status_of
from tests.conftest import KR, run

PASSPHRASE = "조달 심사 2025 — correct horse"


def run_with(*args, passphrase: str | None = PASSPHRASE, input: str | None = None):
    """The CLI with $BIDEVAL_KEY_PASSPHRASE set to `passphrase` (None: unset, so it prompts, reading `input`)."""
    return CliRunner().invoke(app, [str(a) for a in args], input=input, env={PASSPHRASE_ENV: passphrase})


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """Two key pairs made by `bideval keygen`, encrypted with PASSPHRASE: (alice.key, alice.pub, bob.pub)."""
    folder = tmp_path_factory.mktemp("keys")
    for name in ("alice", "bob"):
        result = run_with("keygen", folder / name)
        assert result.exit_code == 0, result.output
    return folder / "alice.key", folder / "alice.pub", folder / "bob.pub"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("signing") / "out"
    result = run("evaluate", *KR, "--out", out, "--archive", "--lang", "en")
    assert result.exit_code == 0, result.output
    return out / "archive.zip"


@pytest.fixture
def unsigned(built, tmp_path):
    return shutil.copyfile(built, tmp_path / "unsigned.zip")


@pytest.fixture
def signed(built, keys, tmp_path):
    path = shutil.copyfile(built, tmp_path / "signed.zip")
    result = run_with("sign", path, "--key", keys[0])
    assert result.exit_code == 0, result.output
    return path


def _verified(result):
    assert result.exit_code == 0, result.output
    assert "verified: every file identical" in result.stdout
    return rows(result.stdout)


def _signature_detail(found):
    details = [d for n, _, d in found if n == "signature.json"]
    assert len(details) == 1, found
    return details[0]


# -- keygen ----------------------------------------------------------------------------------------


def test_keygen_writes_a_matching_pair(tmp_path):
    prefix = tmp_path / "keys" / "committee"
    result = run_with("keygen", prefix)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    private_file, public_file = tmp_path / "keys" / "committee.key", tmp_path / "keys" / "committee.pub"
    pem = private_file.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert b"BEGIN PRIVATE KEY" not in pem
    with pytest.raises(TypeError, match="encrypted"):  # not usable without the passphrase
        serialization.load_pem_private_key(pem, password=None)
    private = serialization.load_pem_private_key(pem, password=PASSPHRASE.encode())
    public = serialization.load_pem_public_key(public_file.read_bytes())
    assert isinstance(private, Ed25519PrivateKey) and isinstance(public, Ed25519PublicKey)
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    assert private.public_key().public_bytes(*raw) == public.public_bytes(*raw)
    assert stat.S_IMODE(private_file.stat().st_mode) == 0o600
    assert b"PRIVATE" not in public_file.read_bytes()


@pytest.mark.parametrize("existing", [("key", "pub"), ("pub",), ("key",)])
def test_keygen_never_overwrites(tmp_path, existing):
    prefix = tmp_path / "k"
    for suffix in existing:
        (tmp_path / f"k.{suffix}").write_bytes(b"keep me")
    result = run_with("keygen", prefix)
    refused(result, "already exists")
    for suffix in existing:
        assert (tmp_path / f"k.{suffix}").read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"k.{s}" for s in existing)  # the other not written


def test_two_keygens_give_different_keys(keys):
    _, alice, bob = keys
    assert alice.read_bytes() != bob.read_bytes()


# -- sign and verify -------------------------------------------------------------------------------


def test_sign_then_verify_with_the_public_key(signed, built, keys):
    before, after = read(built), read(signed)
    assert list(after) == [*before, "signature.json"]  # same members, same order; the signature last
    assert {n: d for n, d in after.items() if n != "signature.json"} == before
    with zipfile.ZipFile(built) as a, zipfile.ZipFile(signed) as b:
        assert {i.date_time for i in b.infolist()} == {a.infolist()[0].date_time}
    record = json.loads(after["signature.json"])
    assert record["algorithm"] == "Ed25519" and record["schema"] == "bideval/signature/v1"
    found = _verified(run("verify", signed, "--pubkey", keys[1]))
    assert status_of(found, "signature.json") == ["identical"]
    assert "valid Ed25519 signature" in _signature_detail(found)


def test_a_signed_archive_verifies_without_the_key_and_says_it_is_signed(signed):
    result = run("verify", signed)
    found = _verified(result)
    assert status_of(found, "signature.json") == []  # neither checked nor "unexpected"
    assert "pass --pubkey to check the signature" in result.stdout


def test_another_keys_public_key_fails(signed, keys):
    result = run("verify", signed, "--pubkey", keys[2])
    assert result.exit_code == 1, result.output
    found = rows(result.stdout)
    assert status_of(found, "signature.json") == ["differs"]
    assert "different key" in _signature_detail(found)
    assert {s for n, s, _ in found if n != "signature.json"} == {"identical"}


def test_tampering_after_signing_fails_even_when_the_hashes_agree(signed, keys):
    """The forger changes a member and rewrites its hash in the manifest: every hash row agrees,
    but the manifest is no longer the one that was signed."""
    name = "inputs/builtin/gpus.yaml"  # kept for the record only, so the re-run is unaffected
    rewrite(signed, replace={name: read(signed)[name] + b"# added after signing\n"}, manifest=True)
    result = run("verify", signed, "--pubkey", keys[1])
    assert result.exit_code == 1, result.output
    found = rows(result.stdout)
    assert status_of(found, name) == ["identical"]
    assert status_of(found, "signature.json") == ["differs"]
    assert "altered after signing" in _signature_detail(found)
    assert [n for n, s, _ in found if s != "identical"] == ["signature.json"]


def test_an_unsigned_archive_with_a_pubkey_fails(unsigned, keys):
    result = run("verify", unsigned, "--pubkey", keys[1])
    assert result.exit_code == 1, result.output
    found = rows(result.stdout)
    assert status_of(found, "signature.json") == ["differs"]
    assert "not signed" in _signature_detail(found)


def _ec_key(path):
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))  # fmt: skip
    return path


def _unusable_key(kind, keys, folder):
    if kind == "public":
        return keys[1]
    if kind == "ecdsa":
        return _ec_key(folder / "ec.key")
    path = folder / f"{kind}.key"
    if kind != "absent":
        path.write_bytes({"garbage": b"\x00\xffnot a key at all", "empty": b""}[kind])
    return path


@pytest.mark.parametrize("kind", ["public", "garbage", "empty", "absent", "ecdsa"])
def test_sign_with_an_unusable_key_is_refused(unsigned, keys, tmp_path, kind):
    key = _unusable_key(kind, keys, tmp_path)
    before = unsigned.read_bytes()
    result = run("sign", unsigned, "--key", key)
    refused(result, key.name)
    assert "key" in result.stderr
    assert unsigned.read_bytes() == before
    assert sorted(p.name for p in unsigned.parent.iterdir() if p.name.startswith(".")) == []  # no temp file left


@pytest.mark.parametrize("kind", ["private", "garbage"])
def test_verify_with_an_unusable_public_key_is_refused(unsigned, keys, tmp_path, kind):
    pubkey = keys[0] if kind == "private" else tmp_path / "g.pub"
    if kind == "garbage":
        pubkey.write_bytes(b"-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")
    refused(run("verify", unsigned, "--pubkey", pubkey), pubkey.name, "public key")


def test_signing_is_deterministic(built, keys, tmp_path):
    first, second = (shutil.copyfile(built, tmp_path / f"{n}.zip") for n in ("a", "b"))
    for path in (first, second):
        assert run_with("sign", path, "--key", keys[0]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    once = first.read_bytes()
    assert run_with("sign", first, "--key", keys[0]).exit_code == 0  # signing again replaces, never adds
    assert first.read_bytes() == once
    assert list(read(first)).count("signature.json") == 1


def test_sign_refuses_what_is_not_a_bideval_archive(tmp_path, keys):
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("hello.txt", "hi")
    before = plain.read_bytes()
    refused(run_with("sign", plain, "--key", keys[0]), "manifest.json")
    assert plain.read_bytes() == before
    text = tmp_path / "text.zip"
    text.write_text("not a zip", encoding="utf-8")
    refused(run_with("sign", text, "--key", keys[0]), "not a readable zip")
    assert text.read_text(encoding="utf-8") == "not a zip"


# -- passphrases -----------------------------------------------------------------------------------


WRONG = "wrong passphrase: cannot decrypt this private key"


def _left_in(folder):
    return sorted(p.name for p in folder.iterdir())


def test_encrypted_key_round_trip_via_the_environment(unsigned, keys):
    result = run_with("sign", unsigned, "--key", keys[0])
    assert result.exit_code == 0, result.output
    assert "Passphrase" not in result.output  # taken from the environment, never asked
    found = _verified(run("verify", unsigned, "--pubkey", keys[1]))
    assert status_of(found, "signature.json") == ["identical"]


def test_keygen_and_sign_ask_for_the_passphrase_when_it_is_not_in_the_environment(unsigned, tmp_path):
    typed = "hunter2-조달"
    # a mismatched confirmation is asked again; nothing is written until the two agree
    made = run_with("keygen", tmp_path / "k", passphrase=None, input=f"{typed}\ntypo\n{typed}\n{typed}\n")
    assert made.exit_code == 0, made.output
    assert "do not match" in made.output and "Passphrase for" in made.output
    pem = (tmp_path / "k.key").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert typed.encode() not in pem and typed not in made.output  # hidden input, never echoed
    serialization.load_pem_private_key(pem, password=typed.encode())
    signed = run_with("sign", unsigned, "--key", tmp_path / "k.key", passphrase=None, input=f"{typed}\n")
    assert signed.exit_code == 0, signed.output
    assert "Repeat" not in signed.output  # no confirmation when signing
    _verified(run("verify", unsigned, "--pubkey", tmp_path / "k.pub"))


@pytest.mark.parametrize("how", ["environment", "prompt"])
def test_keygen_refuses_an_empty_passphrase(tmp_path, how):
    folder = tmp_path / "keys"
    if how == "environment":
        result = run_with("keygen", folder / "k", passphrase="")
    else:
        result = run_with("keygen", folder / "k", passphrase=None, input="\n\n")
    refused(result, "k.key", "empty passphrase", "--no-passphrase")
    assert not folder.exists() or _left_in(folder) == []


def test_keygen_no_passphrase_writes_an_unencrypted_key_with_a_warning(unsigned, tmp_path):
    result = run_with("keygen", tmp_path / "k", "--no-passphrase", passphrase=None)  # nothing asked
    assert result.exit_code == 0, result.output
    assert "warning" in result.stderr and "not encrypted" in result.stderr
    pem = (tmp_path / "k.key").read_bytes()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE((tmp_path / "k.key").stat().st_mode) == 0o600
    assert isinstance(serialization.load_pem_private_key(pem, password=None), Ed25519PrivateKey)
    assert run_with("sign", unsigned, "--key", tmp_path / "k.key", passphrase=None).exit_code == 0
    _verified(run("verify", unsigned, "--pubkey", tmp_path / "k.pub"))


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE], ids=["no-env", "env-ignored"])
def test_an_old_unencrypted_key_still_signs(unsigned, tmp_path, passphrase):
    """Keys written before keys were encrypted: unencrypted PKCS#8, used as they are, nothing asked."""
    key = Ed25519PrivateKey.generate()
    old_key, old_pub = tmp_path / "old.key", tmp_path / "old.pub"
    old_key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))  # fmt: skip
    old_pub.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))  # fmt: skip
    result = run_with("sign", unsigned, "--key", old_key, passphrase=passphrase)
    assert result.exit_code == 0, result.output
    assert "Passphrase" not in result.output
    _verified(run("verify", unsigned, "--pubkey", old_pub))


def test_the_public_key_format_is_unchanged(keys):
    pem = keys[1].read_bytes()
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----\n") and pem.endswith(b"-----END PUBLIC KEY-----\n")
    assert isinstance(serialization.load_pem_public_key(pem), Ed25519PublicKey)


@pytest.mark.parametrize(
    ("passphrase", "typed", "message"),
    [("wrong", None, WRONG), (PASSPHRASE.upper() + "!", None, WRONG), (None, "wrong\n", WRONG),
     ("", None, "the private key is encrypted and the passphrase given is empty")],
    ids=["env", "env-near-miss", "prompt", "env-empty"],
)
def test_sign_with_a_wrong_passphrase_is_refused_and_writes_nothing(unsigned, keys, passphrase, typed, message):
    before, listing = unsigned.read_bytes(), _left_in(unsigned.parent)
    result = run_with("sign", unsigned, "--key", keys[0], passphrase=passphrase, input=typed)
    refused(result, message)
    assert result.stderr.count("error:") == 1 and f"error: {keys[0]}: {message}\n" in result.stderr  # after any prompt
    assert unsigned.read_bytes() == before
    assert _left_in(unsigned.parent) == listing  # no temporary file left


def test_sign_refuses_an_encrypted_key_when_no_passphrase_comes(unsigned, keys):
    before = unsigned.read_bytes()
    result = run_with("sign", unsigned, "--key", keys[0], passphrase=None, input="")  # stdin closed
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert unsigned.read_bytes() == before


# -- check_signature on members (no re-run) --------------------------------------------------------


def test_check_signature_unit(signed, keys):
    members = read(signed)
    ok, message = check_signature(members, keys[1])
    assert ok, message
    record = json.loads(members["signature.json"])

    broken = {**members, "signature.json": b"{not json"}
    assert check_signature(broken, keys[1]) == (False, "signature.json is unreadable")
    no_field = {**members, "signature.json": json.dumps({"algorithm": "Ed25519"}).encode()}
    assert check_signature(no_field, keys[1]) == (False, "signature.json is unreadable")
    not_base64 = {**members, "signature.json": json.dumps({**record, "signature": "***"}).encode()}
    assert check_signature(not_base64, keys[1]) == (False, "signature.json is unreadable")

    flipped = bytearray(base64.b64decode(record["signature"]))
    flipped[0] ^= 1
    forged = {
        **members,
        "signature.json": json.dumps({**record, "signature": base64.b64encode(bytes(flipped)).decode()}).encode(),
    }
    ok, message = check_signature(forged, keys[1])
    assert not ok and "altered after signing" in message

    other_manifest = {**members, "manifest.json": members["manifest.json"].replace(b'"lang": "en"', b'"lang": "ko"')}
    assert other_manifest["manifest.json"] != members["manifest.json"]
    ok, message = check_signature(other_manifest, keys[1])
    assert not ok and "altered after signing" in message

    ok, message = check_signature(members, keys[2])
    assert not ok and "different key" in message
