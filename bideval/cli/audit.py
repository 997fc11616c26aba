"""Auditor commands: archive, verify, regenerate, keygen, sign (registered on the one `app`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bideval.cli.app import app, fail, make_console, write_archive

# Each worker is a process that renders PDFs (WeasyPrint): more than this only queues for memory and cores.
MOST_JOBS = 64
JobsOpt = Annotated[int, typer.Option(
    "--jobs", min=0, max=MOST_JOBS,
    help=f"Parallel workers, at most {MOST_JOBS} [default: one per core].")]  # fmt: skip


@app.command("archive")
def archive_command(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="A folder written by `bideval evaluate`.")],
    to: Annotated[Path | None, typer.Option("--to", help="Archive file (default: OUT_DIR/archive.zip).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing archive.")] = False,
) -> None:
    """Zip an evaluation's inputs, outputs and a manifest of hashes and versions, reproducibly."""
    typer.echo(f"wrote {write_archive(out_dir, to or out_dir / 'archive.zip', force=force)}")


@app.command("verify")
def verify_command(
    archive: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive.zip.")],
    pubkey: Annotated[Path | None, typer.Option("--pubkey", help="Public key to check the signature.")] = None,
) -> None:
    """Check an archive's hashes (and signature), re-run it, compare its decision and every output.

    Exit 0 when the decision is identical and every output is byte-identical or differs in rendering
    only, explained by a different bideval version or rendering environment (both are listed)."""
    from bideval.audit.verdicts import render_verdict
    from bideval.audit.verify import verify_archive
    from bideval.errors import InputError

    try:
        verdict = verify_archive(archive, pubkey)
    except InputError as exc:
        fail(exc.problems)
    render_verdict(verdict, make_console())
    raise typer.Exit(0 if verdict.ok else 1)


@app.command("regenerate")
def regenerate_command(
    archives: Annotated[list[Path], typer.Argument(metavar="ARCHIVE...", help="Archives to regenerate.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the regenerated outputs (one per archive).")],
    jobs: JobsOpt = 0,
) -> None:
    """Regenerate and verify many archives in parallel, with a progress bar and a summary."""
    from bideval.audit.regenerate import regenerate_all

    ok = regenerate_all(archives, out, jobs or None, make_console())
    raise typer.Exit(0 if ok else 1)


PASSPHRASE_ENV = "BIDEVAL_KEY_PASSPHRASE"


def _passphrase(prompt: str, *, confirm: bool) -> str:
    """The private key's passphrase: $BIDEVAL_KEY_PASSPHRASE when set (scripts), else asked on the terminal."""
    import os

    if PASSPHRASE_ENV in os.environ:
        return os.environ[PASSPHRASE_ENV]
    # default="": an empty answer comes back (and is refused with a message) instead of asking forever
    return typer.prompt(prompt, default="", show_default=False, hide_input=True, confirmation_prompt=confirm, err=True)


@app.command("keygen")
def keygen_command(
    prefix: Annotated[Path, typer.Argument(metavar="PREFIX", help="Writes PREFIX.key (private) and PREFIX.pub.")],
    no_passphrase: Annotated[
        bool, typer.Option("--no-passphrase", help="Write the private key unencrypted (tests, automation).")
    ] = False,
) -> None:
    """Make an Ed25519 key pair for signing archives.

    The private key is encrypted with a passphrase, taken from $BIDEVAL_KEY_PASSPHRASE if set,
    otherwise asked twice on the terminal."""
    from bideval.audit.signing import keygen
    from bideval.errors import Problem
    from bideval.render.output import write_atomic

    private, public = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    existing = [p for p in (private, public) if p.exists()]
    if existing:
        fail([Problem(str(p), 0, 0, "already exists; keys are never overwritten") for p in existing])
    passphrase = None if no_passphrase else _passphrase(f"Passphrase for {private}", confirm=True)
    if passphrase == "":
        fail([Problem(str(private), 0, 0, "an empty passphrase is refused; "
                       "use --no-passphrase to write the key unencrypted")])  # fmt: skip
    private_pem, public_pem = keygen(passphrase)
    private.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(private, private_pem)
    private.chmod(0o600)
    write_atomic(public, public_pem)
    if no_passphrase:
        typer.echo(f"warning: {private} is not encrypted; whoever can read it can sign archives", err=True)
    typer.echo(f"wrote {private} (keep it secret) and {public}")


@app.command("sign")
def sign_command(
    archive: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive.zip to sign in place.")],
    key: Annotated[Path, typer.Option("--key", help="Private key from `bideval keygen`.")],
) -> None:
    """Add an Ed25519 signature over the archive's manifest (signature.json).

    An encrypted key's passphrase is taken from $BIDEVAL_KEY_PASSPHRASE if set, otherwise asked."""
    from bideval.audit.signing import sign_archive
    from bideval.errors import InputError
    from bideval.render.output import write_atomic

    try:
        payload = sign_archive(archive, key, lambda: _passphrase(f"Passphrase for {key}", confirm=False))
    except InputError as exc:
        fail(exc.problems)
    write_atomic(archive, payload)
    typer.echo(f"signed {archive}")
