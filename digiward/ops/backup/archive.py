"""The archive file: a gzip'd tar with a manifest and the sha256 of every member.

Layout:
    database/digiward.sqlite3 | database/digiward.pgdump   the native copy (see restore.py)
    data/<table>.jsonl                                     the portable rows (portable.py)
    files/<path>                                           the private files (var/private)
    manifest.json                                          last: it names the others' sha256

The archive holds personal data (names, phones, addresses) in clear, and the citizen IDs
encrypted: keep it as carefully as the database itself (0600, an encrypted disk or bucket).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

MANIFEST = "manifest.json"
FORMAT = "digiward-backup/1"
CHUNK = 1 << 20


class ArchiveError(Exception):
    """The file is not a DigiWard backup, or it was changed after it was written."""


class _Hashing(io.RawIOBase):
    """Reads a file into the tar while hashing exactly the bytes written."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha.update(data)
        return data


def sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def private_files(root: Path) -> Iterator[tuple[Path, str]]:
    """(path, name relative to root) of every regular file under root, sorted."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.relative_to(root).as_posix()


class Writer:
    """Adds members one by one, recording each one's sha256 for the manifest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.members: dict[str, str] = {}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._raw = os.fdopen(fd, "wb")
        # Closed by close(): the writer outlives any one with-block of its caller.
        self._tar = tarfile.open(fileobj=self._raw, mode="w:gz", compresslevel=6)  # noqa: SIM115

    def add_file(self, name: str, source: Path) -> None:
        with source.open("rb") as handle:
            info = tarfile.TarInfo(name)
            info.size = os.fstat(handle.fileno()).st_size
            info.mtime = int(os.fstat(handle.fileno()).st_mtime)
            info.mode = 0o600
            hashing = _Hashing(handle)
            self._tar.addfile(info, hashing)
            self.members[name] = hashing.sha.hexdigest()

    def add_manifest(self, manifest: dict[str, Any]) -> None:
        manifest["members"] = dict(sorted(self.members.items()))
        data = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o600
        self._tar.addfile(info, io.BytesIO(data))

    def close(self) -> None:
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()


def read_manifest(path: Path) -> dict[str, Any]:
    """Only the manifest (upgrade_check reads the latest backup's date and state)."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise ArchiveError(f"{path}: no manifest")
            manifest: dict[str, Any] = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise ArchiveError(f"{path}: not a DigiWard backup ({error})") from None
    return manifest


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, into: Path) -> None:
    """One member: a directory or a regular file inside `into`, written owner-only.

    By hand rather than with tarfile's "data" filter, which Debian 12's Python (3.11.2)
    does not have; it refuses the same things, and more (a backup has no links)."""
    name = member.name
    parts = Path(name).parts
    target = (into / name).resolve()
    if (
        not (member.isfile() or member.isdir())
        or name.startswith(("/", "\\"))
        or ".." in parts
        or not target.is_relative_to(into.resolve())
    ):
        raise ArchiveError(f"{name}: unsafe member (a link, a device or a path outside)")
    if member.isdir():
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        return
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = tar.extractfile(member)
    assert source is not None  # a regular file always has contents
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source, os.fdopen(descriptor, "wb") as out:
        while chunk := source.read(CHUNK):
            out.write(chunk)


def unpack(path: Path, into: Path) -> dict[str, Any]:
    """Extract safely (no absolute paths, links or devices) and check every checksum.

    Raises ArchiveError naming the first member that is missing, extra or changed."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                _extract(tar, member, into)
    except (OSError, tarfile.TarError, EOFError) as error:
        raise ArchiveError(f"{path}: cannot be read ({error})") from None
    manifest_path = into / MANIFEST
    if not manifest_path.is_file():
        raise ArchiveError(f"{path}: no manifest.json, not a DigiWard backup")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"{path}: unknown format {manifest.get('format')!r}")
    expected: dict[str, str] = manifest.get("members", {})
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()}
    present.discard(MANIFEST)
    for name in sorted(set(expected) | present):
        if name not in present:
            raise ArchiveError(f"{name}: listed in the manifest but missing from the archive")
        if name not in expected:
            raise ArchiveError(f"{name}: in the archive but not in its manifest")
        if sha256_file(into / name) != expected[name]:
            raise ArchiveError(f"{name}: checksum does not match the manifest (changed or damaged)")
    # Names the restore will read or write must be verified members: a manifest naming
    # "../x" as a private file or as the native copy is refused here.
    for name in manifest.get("files", {}):
        if f"files/{name}" not in expected:
            raise ArchiveError(f"files/{name}: named in the manifest but not a member")
    native = manifest.get("database", {}).get("native")
    if native and native not in expected:
        raise ArchiveError(f"{native}: named in the manifest but not a member")
    return manifest
