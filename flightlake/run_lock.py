"""The lake's run lock: one writer at a time.

A run (a workflow, or a step run on its own) takes the lock before it changes anything and
gives it back when it ends. A second run on the same lake is refused at once, with one line
naming the holder: run id, host, pid and since when. Whoever takes the lock removes what
abandoned runs left in `_staging/`: nobody else is running.

In a folder the lock is an advisory lock (flock(2)) on `_state/run.lock`; the kernel
releases it when the holding process ends, however it ends, so the lock of a killed run is
free at once. The file's content names the holder; a holder that never cleared it was
killed, and the next run says it takes over.

On S3 the lock is the object `_state/run.lock`, created with a conditional write
(`If-None-Match: *`): of two runs, one creates it and the other gets 412 Precondition
Failed (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
Another machine cannot be seen dying, so the holder renews a lease while it runs; a lock
whose lease ran out was left by a killed run and is taken over with a write conditional on
its ETag (`If-Match`), so of two runs taking over a stale lock only one succeeds. moto
implements both conditions, and the tests use it.

The jobs of one Glue workflow run share its run id and so its lock (`shared`): each renews
the lease while it runs and none releases it; it lapses one lease after the last job.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from flightlake.errors import JobError
from flightlake.lake import Lake
from flightlake.runtime.storage import LocalStorage, S3Storage

LOCK_FILE = f"{Lake.state_root()}/run.lock"
# A holder renews its lease every LEASE / 5; a lease not renewed for LEASE was abandoned.
LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Holder:
    run_id: str
    host: str
    pid: int
    since: str
    expires: str = ""  # S3 only: when the lease runs out unless renewed

    def describe(self) -> str:
        return f"run {self.run_id} (host {self.host}, pid {self.pid}, since {self.since})"

    @classmethod
    def parse(cls, data: bytes) -> Holder | None:
        try:
            return cls(**json.loads(data))
        except (ValueError, TypeError):
            return None

    def dump(self) -> bytes:
        return json.dumps(asdict(self)).encode()


class LakeLocked(JobError):
    """Another run holds the lake."""

    def __init__(self, lake: Lake, holder: Holder | None) -> None:
        who = holder.describe() if holder else "another run"
        super().__init__(
            f"{lake.root} is locked by {who}: one run at a time writes a lake; "
            "wait for it to finish"
        )
        self.holder = holder


def _now() -> datetime:
    return datetime.now(UTC)


def _me(run_id: str, lease: bool) -> Holder:
    now = _now()
    return Holder(
        run_id=run_id,
        host=socket.gethostname(),
        pid=os.getpid(),
        since=now.isoformat(timespec="seconds"),
        expires=(now + LEASE).isoformat(timespec="seconds") if lease else "",
    )


@dataclass
class Held:
    """The lock as this run holds it."""

    holder: Holder
    # The holder this run took the lock over from (it never released it): a killed run.
    took_over: Holder | None = None
    joined: bool = False  # shared with the other jobs of the same run


@contextmanager
def _folder_lock(lake: Lake, storage: LocalStorage, run_id: str) -> Iterator[Held]:
    import fcntl

    path = storage.path(LOCK_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            raise LakeLocked(lake, Holder.parse(fh.read())) from None
        fh.seek(0)
        left = Holder.parse(fh.read())
        me = _me(run_id, lease=False)
        fh.seek(0)
        fh.truncate()
        fh.write(me.dump())
        fh.flush()
        try:
            yield Held(me, took_over=left)
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            # Closing the file releases the flock.


class _Lease:
    """Renews the S3 lease in the background until stopped."""

    def __init__(self, storage: S3Storage, holder: Holder, etag: str) -> None:
        self.storage, self.holder, self.etag = storage, holder, etag
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._renew, name="run-lock-lease", daemon=True)
        self.thread.start()

    def _renew(self) -> None:
        while not self.stopped.wait(LEASE.total_seconds() / 5):
            renewed = Holder(**{**asdict(self.holder), "expires": (_now() + LEASE).isoformat()})
            etag = self.storage.put_if(LOCK_FILE, renewed.dump(), match=self.etag)
            if etag is None:  # taken over: this run's lease lapsed while it ran
                return
            self.etag = etag

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


@contextmanager
def _s3_lock(lake: Lake, storage: S3Storage, run_id: str, shared: bool) -> Iterator[Held]:
    me = _me(run_id, lease=True)
    took_over = None
    joined = False
    etag = storage.put_if(LOCK_FILE, me.dump(), match=None)
    if etag is None:
        current = storage.read_versioned(LOCK_FILE)
        holder = Holder.parse(current[0]) if current else None
        if current is None:  # released in between: try once more
            etag = storage.put_if(LOCK_FILE, me.dump(), match=None)
        elif holder is not None and shared and holder.run_id == run_id:
            joined, etag = True, current[1]
            me = holder
        elif holder is None or datetime.fromisoformat(holder.expires) < _now():
            etag = storage.put_if(LOCK_FILE, me.dump(), match=current[1])
            took_over = holder
        if etag is None:
            latest = storage.read_versioned(LOCK_FILE)
            raise LakeLocked(lake, Holder.parse(latest[0]) if latest else holder)
    lease = _Lease(storage, me, etag)
    try:
        yield Held(me, took_over=took_over, joined=joined)
    finally:
        lease.stop()
        if not shared:
            storage.delete_if(LOCK_FILE, match=lease.etag)


@contextmanager
def hold(lake: Lake, run_id: str, shared: bool = False) -> Iterator[Held]:
    """Hold the lake's lock for `run_id` (LakeLocked if another run holds it). `shared`: a
    Glue job joins the lock of its own workflow run and leaves it to lapse."""
    storage = lake.storage
    if isinstance(storage, LocalStorage):
        lock = _folder_lock(lake, storage, run_id)
    elif isinstance(storage, S3Storage):
        lock = _s3_lock(lake, storage, run_id, shared)
    else:
        raise TypeError(f"no run lock for {type(storage).__name__}")
    with lock as held:
        if not held.joined:
            # Nobody else runs: whatever is in _staging/ was left by a killed run.
            storage.delete_prefix(lake.staging_root())
        yield held
