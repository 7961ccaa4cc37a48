"""Unpacking a backup archive is safe on every Python 3.11 a province server runs.

Debian 12's own Python is 3.11.2, whose tarfile has no extraction filters (they came in
3.11.4): the rehearsal install of docs/operations.md found `restore` failing there with
"extractall() got an unexpected keyword argument 'filter'". Unpacking must not depend on
them, and must still refuse what the "data" filter refuses: absolute names, names that
climb out with "..", links, devices and pipes."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from digiward.ops.backup import archive

FILES = {"data/registry_resident.jsonl": b'{"name": "Tr\\u1ea7n V\\u0103n B\\u1ea3y"}\n'}


def write_archive(path: Path, extra: list[tarfile.TarInfo] = ()) -> Path:  # type: ignore[assignment]
    manifest = {
        "format": archive.FORMAT,
        "members": {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()},
        "files": {},
        "database": {},
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {**FILES, archive.MANIFEST: json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.isfile() else None)
    return path


def test_an_archive_unpacks_where_tarfile_has_no_filters(tmp_path, monkeypatch):
    def old_extractall(self, path=".", members=None, *, numeric_owner=False):  # 3.11.2
        raise AssertionError("unpack must not rely on TarFile.extractall")

    monkeypatch.setattr(tarfile.TarFile, "extractall", old_extractall)
    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    into = tmp_path / "out"
    into.mkdir()
    manifest = archive.unpack(write_archive(tmp_path / "a.tar.gz"), into)
    assert manifest["format"] == archive.FORMAT
    name = "data/registry_resident.jsonl"
    assert (into / name).read_bytes() == FILES[name]
    assert (into / name).stat().st_mode & 0o077 == 0  # the server's account only


def member(name: str, kind: bytes = tarfile.REGTYPE, size: int = 1, link: str = ""):
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname = kind, size if kind == tarfile.REGTYPE else 0, link
    return info


@pytest.mark.parametrize(
    "unsafe",
    [
        member("{tmp}/absolute.txt"),  # the test puts its own folder in
        member("../outside.txt"),
        member("data/../../outside.txt"),
        member("data/link", tarfile.SYMTYPE, link="/etc/passwd"),
        member("data/hard", tarfile.LNKTYPE, link="data/registry_resident.jsonl"),
        member("data/fifo", tarfile.FIFOTYPE),
        member("data/device", tarfile.CHRTYPE),
    ],
    ids=["absolute", "dot-dot", "dot-dot-inside", "symlink", "hardlink", "fifo", "device"],
)
def test_an_unsafe_member_is_refused_and_nothing_lands_outside(tmp_path, unsafe):
    into = tmp_path / "a" / "out"
    into.mkdir(parents=True)
    unsafe.name = unsafe.name.replace("{tmp}", str(tmp_path))
    evil = write_archive(tmp_path / "evil.tar.gz", [unsafe])
    with pytest.raises(archive.ArchiveError, match="unsafe member"):
        archive.unpack(evil, into)
    assert not (tmp_path / "a" / "outside.txt").exists()
    assert not (tmp_path / "outside.txt").exists()
    assert not (tmp_path / "absolute.txt").exists()
    assert not (into / "data" / "link").exists()
