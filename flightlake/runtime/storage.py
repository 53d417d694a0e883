"""File operations on the lake, for a folder or an S3 prefix.

Spark reads and writes the data; this module does the few things around it that must be
exact: listing raw drops, small JSON state files, and publishing a staged file with one
atomic step (os.replace on a folder, a single-object PUT/COPY on S3), so that readers see
either the old partition file or the new one, never a mix.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class FileInfo:
    path: str  # relative to the lake root, '/'-separated
    size: int
    # Changes whenever the content is replaced: a local file's size and change times, its
    # ETag on S3; with `content=True` a local file's is its MD5, like S3's ETag.
    version: str = ""


class Storage(Protocol):
    root: str

    def uri(self, rel: str) -> str: ...
    def list_files(self, prefix: str, content: bool = False) -> list[FileInfo]: ...
    def exists(self, rel: str) -> bool: ...
    def read_bytes(self, rel: str) -> bytes: ...
    def write_bytes(self, rel: str, data: bytes) -> None: ...
    def publish(self, staged_rel: str, rel: str) -> None: ...
    def delete_prefix(self, prefix: str) -> None: ...
    def delete_file(self, rel: str) -> None: ...


def read_json(storage: Storage, rel: str, default: Any = None) -> Any:
    if not storage.exists(rel):
        return default
    return json.loads(storage.read_bytes(rel))


def write_json(storage: Storage, rel: str, value: Any) -> None:
    storage.write_bytes(rel, json.dumps(value, indent=2, sort_keys=True, default=str).encode())


# Where a local lake remembers its files' MD5s: path → [size:mtime:ctime stamp, md5].
CONTENT_CACHE = "_state/content_versions.json"


class LocalStorage:
    """A lake in a local folder."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = str(Path(root).expanduser().resolve())

    def _abs(self, rel: str) -> Path:
        return Path(self.root, rel)

    def path(self, rel: str) -> Path:
        """The local path of a lake file (for what only a folder can do: flock)."""
        return self._abs(rel)

    def uri(self, rel: str) -> str:
        return str(self._abs(rel))

    def list_files(self, prefix: str, content: bool = False) -> list[FileInfo]:
        """The files under `prefix`. With `content`, each version is the MD5 of the bytes, so
        it survives a copy, restore or sync that loses modification times: hashed once per
        (size, mtime, ctime) and remembered in CONTENT_CACHE."""
        found = self._walk(prefix)
        return self._content_versions(prefix, found) if content else found

    def _walk(self, prefix: str) -> list[FileInfo]:
        base = self._abs(prefix)
        if not base.exists():
            return []
        found = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
            for name in filenames:
                if name.startswith((".", "_")):
                    continue
                full = Path(dirpath, name)
                stat = full.stat()
                found.append(
                    FileInfo(
                        full.relative_to(self.root).as_posix(),
                        stat.st_size,
                        # ctime too: any write moves it, and no one can set it back.
                        f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}",
                    )
                )
        return sorted(found, key=lambda f: f.path)

    def _content_versions(self, prefix: str, found: list[FileInfo]) -> list[FileInfo]:
        cache_path = self._abs(CONTENT_CACHE)
        try:
            cache = json.loads(cache_path.read_bytes())
        except (OSError, ValueError):
            cache = {}
        # Entries of files gone from this prefix are dropped; other prefixes' are kept.
        folder = prefix.rstrip("/") + "/"
        kept = {p: v for p, v in cache.items() if not p.startswith(folder)}
        out = []
        for f in found:
            entry = cache.get(f.path)
            if entry is None or entry[0] != f.version:
                digest = hashlib.md5(usedforsecurity=False)
                try:
                    with open(self._abs(f.path), "rb") as fh:
                        while chunk := fh.read(1 << 20):
                            digest.update(chunk)
                except FileNotFoundError:  # deleted since the walk: not listed
                    continue
                entry = [f.version, digest.hexdigest()]
            kept[f.path] = entry
            out.append(FileInfo(f.path, f.size, entry[1]))
        if kept != cache:
            self.write_bytes(CONTENT_CACHE, json.dumps(kept, separators=(",", ":")).encode())
        return out

    def exists(self, rel: str) -> bool:
        return self._abs(rel).exists()

    def read_bytes(self, rel: str) -> bytes:
        return self._abs(rel).read_bytes()

    def write_bytes(self, rel: str, data: bytes) -> None:
        target = self._abs(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)

    def publish(self, staged_rel: str, rel: str) -> None:
        target = self._abs(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._abs(staged_rel), target)

    def delete_prefix(self, prefix: str) -> None:
        folder, root = self._abs(prefix), Path(self.root)
        shutil.rmtree(folder, ignore_errors=True)
        # As on S3, a folder lives only as long as it holds something: the emptied parents
        # (e.g. _staging/<run_id>/ once its last step is done) go too.
        for parent in folder.parents:
            if parent == root or not parent.is_relative_to(root):
                break
            try:
                parent.rmdir()
            except OSError:  # not empty (or already gone)
                break

    def delete_file(self, rel: str) -> None:
        self._abs(rel).unlink(missing_ok=True)


class S3Storage:
    """A lake under s3://bucket/prefix (boto3; tested with moto)."""

    def __init__(self, uri: str, client: Any = None) -> None:
        bucket, _, prefix = uri.removeprefix("s3://").partition("/")
        self.root = uri.rstrip("/")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.s3 = client

    def _key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def uri(self, rel: str) -> str:
        return f"s3://{self.bucket}/{self._key(rel)}"

    def list_files(self, prefix: str, content: bool = False) -> list[FileInfo]:
        # The ETag stands for the content: it changes whenever an object is written. It is
        # the MD5 of the bytes only for a single-part upload without SSE-KMS, so a lake
        # copied into new objects under SSE-KMS (prod) or in multipart uploads reads its
        # files as changed and reprocesses them.
        found = []
        strip = len(self.prefix) + 1 if self.prefix else 0
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(
            Bucket=self.bucket, Prefix=self._key(prefix).rstrip("/") + "/"
        ):
            for obj in page.get("Contents", []):
                rel = obj["Key"][strip:]
                if any(part.startswith((".", "_")) for part in rel.split("/")[1:]):
                    continue
                found.append(FileInfo(rel, obj["Size"], obj["ETag"]))
        return sorted(found, key=lambda f: f.path)

    def exists(self, rel: str) -> bool:
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self._key(rel), MaxKeys=1)
        return resp.get("KeyCount", 0) > 0

    def read_bytes(self, rel: str) -> bytes:
        return self.s3.get_object(Bucket=self.bucket, Key=self._key(rel))["Body"].read()

    def write_bytes(self, rel: str, data: bytes) -> None:
        # A single PUT is atomic for readers. No encryption header: the bucket's default
        # encryption applies (SSE-S3 or SSE-KMS with a bucket key, deploy/template.py).
        self.s3.put_object(Bucket=self.bucket, Key=self._key(rel), Body=data)

    def publish(self, staged_rel: str, rel: str) -> None:
        self.s3.copy_object(
            Bucket=self.bucket,
            Key=self._key(rel),
            CopySource={"Bucket": self.bucket, "Key": self._key(staged_rel)},
        )
        self.s3.delete_object(Bucket=self.bucket, Key=self._key(staged_rel))

    def delete_file(self, rel: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=self._key(rel))

    def put_if(self, rel: str, data: bytes, match: str | None) -> str | None:
        """Write only if the object does not exist (`match` None) or still has ETag `match`;
        return the new ETag, or None when the condition failed (412)."""
        condition = {"IfMatch": match} if match else {"IfNoneMatch": "*"}
        try:
            response = self.s3.put_object(
                Bucket=self.bucket,
                Key=self._key(rel),
                Body=data,
                **condition,
            )
        except self.s3.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            # 409 ConditionalRequestConflict: a concurrent conditional write won the race.
            if code in ("PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey"):
                return None
            raise
        return response["ETag"]

    def read_versioned(self, rel: str) -> tuple[bytes, str] | None:
        """The object's bytes and ETag, or None when it does not exist."""
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=self._key(rel))
        except self.s3.exceptions.NoSuchKey:
            return None
        return response["Body"].read(), response["ETag"]

    def delete_if(self, rel: str, match: str) -> None:
        """Delete the object if it still has ETag `match` (else someone else owns it now)."""
        try:
            self.s3.delete_object(Bucket=self.bucket, Key=self._key(rel), IfMatch=match)
        except self.s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "NoSuchKey"):
                raise

    def delete_prefix(self, prefix: str) -> None:
        """Every object under the folder `prefix` (never `prefix_other/`)."""
        paginator = self.s3.get_paginator("list_objects_v2")
        folder = self._key(prefix).rstrip("/") + "/"
        for page in paginator.paginate(Bucket=self.bucket, Prefix=folder):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})


def storage_for(root: str) -> Storage:
    return S3Storage(root) if root.startswith("s3://") else LocalStorage(root)
