"""Zip files bideval reads, defensively.

Reading only (writing is `bideval.render.reproducible_zip`): an archive from elsewhere is untrusted. Absolute paths,
`..`, links, duplicate names, too many or oversized members (zip bombs) are refused
before anything is unpacked, and nothing is ever written outside the target folder.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from bideval.errors import InputError, Problem

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200  # uncompressed ÷ compressed beyond this is a bomb, not a report


def beyond_limits(files: dict[str, bytes], where: str) -> list[Problem]:
    """What `read_members` would refuse in a zip of `files` whatever the compression: an
    archive bideval writes must be one it can read back and verify."""
    problems = [Problem(where, 0, 0, f"{name} is {len(data):,} bytes; an archive member may hold at most "
                                     f"{MAX_MEMBER_BYTES:,} (larger ones are refused as zip bombs)")
                for name, data in files.items() if len(data) > MAX_MEMBER_BYTES]  # fmt: skip
    if len(files) > MAX_MEMBERS:
        problems.append(Problem(where, 0, 0, f"{len(files):,} files; an archive may hold at most {MAX_MEMBERS:,}"))
    total = sum(map(len, files.values()))
    if total > MAX_TOTAL_BYTES:
        problems.append(Problem(where, 0, 0, f"{total:,} bytes in all; an archive may hold at most {MAX_TOTAL_BYTES:,}"))
    return problems


def read_members(path: Path, display: str | None = None) -> dict[str, bytes]:
    """Every member of the zip at `path`, after checking each one is safe to unpack."""
    where = display or str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError([Problem(where, 0, 0, f"not a readable zip archive ({exc})")]) from None
    with archive:
        infos = archive.infolist()
        problems = _unsafe(infos, where)
        if problems:
            raise InputError(problems)
        members = {}
        for info in infos:
            if info.is_dir():
                continue
            try:
                with archive.open(info) as stream:
                    data = stream.read(MAX_MEMBER_BYTES + 1)  # never trust the declared size alone
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise InputError([Problem(where, 0, 0, f"member '{info.filename}' cannot be read ({exc})")]) from None
            if len(data) > MAX_MEMBER_BYTES:
                raise InputError([Problem(where, 0, 0, f"member '{info.filename}' unpacks beyond the size limit")])
            members[info.filename] = data
        return members


def _unsafe(infos: list[zipfile.ZipInfo], where: str) -> list[Problem]:
    problems: list[Problem] = []
    if len(infos) > MAX_MEMBERS:
        return [Problem(where, 0, 0, f"{len(infos):,} members; at most {MAX_MEMBERS:,} are accepted")]
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        reason = _bad_name(name)
        if reason is None and stat.S_ISLNK(info.external_attr >> 16):
            reason = "is a link"
        if reason is None and name in seen:
            reason = "appears more than once"
        if reason is None and (info.file_size > MAX_MEMBER_BYTES or
                               info.file_size > MAX_RATIO * max(info.compress_size, 1024)):  # fmt: skip
            reason = f"would unpack to {info.file_size:,} bytes (refused as a zip bomb)"
        if reason:
            problems.append(Problem(where, 0, 0, f"member '{name[:200]}' {reason}; the archive is refused"))
        seen.add(name)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        problems.append(Problem(where, 0, 0, f"members unpack to {total:,} bytes in all; refused as a zip bomb"))
    return problems


def _bad_name(name: str) -> str | None:
    if not name or "\x00" in name or "\\" in name:
        return "has an unusable name"
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path"
    if ".." in path.parts:
        return "climbs out of the archive with '..'"
    return None


def unpack(members: dict[str, bytes], folder: Path) -> None:
    """Write members (already checked by `read_members`) under `folder`, and nowhere else."""
    root = folder.resolve()
    for name, data in members.items():
        target = (root / name).resolve()
        if not target.is_relative_to(root):  # belt and braces after _bad_name
            raise InputError([Problem(name, 0, 0, "would be written outside the extraction folder")])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
