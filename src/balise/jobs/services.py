"""Queueing and running background jobs.

A job names its handler by dotted path (a function marked with ``@job_handler``). In the web
process a new job is handed, once its row is committed, to a pool of ``BALISE_JOBS_THREADS``
daemon threads (a queue, not one thread per job: ten large uploads at once run two at a time),
which suits Balise's single-machine deployment; with ``BALISE_JOBS_RUNNER = "worker"`` the web
process only queues and ``balise jobs work`` (a systemd unit) runs them. ``BALISE_JOBS_SYNC`` runs
jobs inline (tests).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from balise.jobs.models import Job

logger = logging.getLogger(__name__)

_HANDLER_MARK = "_balise_job_handler"


class JobError(Exception):
    """A failure whose message is safe and useful to show to the job's owner."""


class ReportProgress(Protocol):
    def __call__(self, done: int, total: int | None = None, *, stage: str | None = None) -> None:
        """Record progress; ``total``/``stage`` change only when given."""


Handler = Callable[[Job, ReportProgress], Mapping[str, Any]]


def job_handler(func: Handler) -> Handler:
    """Mark ``func`` as runnable as a job; only marked functions can be named by a job."""
    setattr(func, _HANDLER_MARK, True)
    return func


def kind_of(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def resolve_handler(kind: str) -> Handler:
    func = import_string(kind)
    if not getattr(func, _HANDLER_MARK, False):
        raise ImportError(f"{kind} is not a job handler")
    return func  # type: ignore[no-any-return]  # import_string is untyped; marked handler checked


def jobs_sync() -> bool:
    return bool(getattr(settings, "BALISE_JOBS_SYNC", False))


def jobs_runner() -> str:
    return str(getattr(settings, "BALISE_JOBS_RUNNER", "thread"))


def job_enqueue(
    *,
    handler: Handler,
    owner: Any,
    organisation_id: int | None = None,
    params: Mapping[str, Any] | None = None,
    payload: bytes = b"",
    total: int = 0,
    start: bool = True,
) -> Job:
    """Queue a job for ``owner``; start it (inline, on a thread, or leave it to the worker)."""
    job = Job.objects.create(
        kind=kind_of(handler),
        owner=owner,
        organisation_id=organisation_id
        if organisation_id is not None
        else getattr(owner, "organisation_id", None),
        params={"language": translation.get_language() or settings.LANGUAGE_CODE, **(params or {})},
        payload=payload,
        progress_total=total,
    )
    if start:
        job_start(job.pk)
    return job


def job_start(job_id: int) -> None:
    if jobs_sync():
        run_job(job_id)
    elif jobs_runner() == "thread":
        transaction.on_commit(lambda: _spawn(job_id))
    # "worker": `balise jobs work` picks the job up.


class WorkerPool:
    """A fixed number of daemon threads taking job ids from one queue, oldest first.

    Jobs beyond the pool's size wait in the queue (their rows stay ``queued``, and the page shows
    them waiting) instead of each starting a thread: the number of jobs running at once in a web
    process is bounded, whatever the number of uploads.
    """

    def __init__(self, *, size: int, run: Callable[[int], None], name: str) -> None:
        self.size = max(1, size)
        self._run = run
        self._name = name
        self._queue: queue.Queue[int] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, job_id: int) -> None:
        self._queue.put(job_id)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            while len(self._threads) < self.size:
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}-{len(self._threads) + 1}", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                self._run(job_id)
            except Exception:  # a worker thread outlives any one job
                logger.exception("job %s: the worker thread caught an error", job_id)
            finally:
                self._queue.task_done()

    @property
    def threads(self) -> int:
        return sum(1 for thread in self._threads if thread.is_alive())

    @property
    def pending(self) -> int:
        """Jobs submitted and not yet taken by a thread."""
        return self._queue.qsize()

    def join(self) -> None:
        """Wait until every submitted job has run (tests, shutdown)."""
        self._queue.join()


_pool: WorkerPool | None = None
_pool_lock = threading.Lock()


def job_pool() -> WorkerPool:
    """The web process's pool, sized by ``BALISE_JOBS_THREADS`` when first used."""
    global _pool
    with _pool_lock:
        if _pool is None:
            size = int(getattr(settings, "BALISE_JOBS_THREADS", 2))
            _pool = WorkerPool(size=size, run=_run_in_thread, name="balise-jobs")
        return _pool


def _spawn(job_id: int) -> None:
    job_pool().submit(job_id)


def _run_in_thread(job_id: int, attempts: int = 5) -> None:
    """Run a job on its own thread and connection; a busy database delays the start, retried."""
    close_old_connections()
    try:
        for attempt in range(1, attempts + 1):
            try:
                run_job(job_id)
                return
            except DatabaseError:
                logger.warning(
                    "job %s: database busy (attempt %s of %s)", job_id, attempt, attempts
                )
                connection.close()
                time.sleep(0.5 * attempt)
        # Still queued (or left running): `balise jobs work` or `balise jobs reap` deals with it.
        logger.error("job %s could not run on its thread", job_id)
    finally:
        connection.close()


class _Progress:
    """Writes progress to the job row, at most every ``interval`` seconds."""

    def __init__(self, job: Job, interval: float = 0.5) -> None:
        self.job = job
        self.interval = interval
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, *, stage: str | None = None) -> None:
        self.job.progress_done = done
        if total is not None:
            self.job.progress_total = total
        changed_stage = stage is not None and stage != self.job.stage
        if stage is not None:
            self.job.stage = stage
        now = time.monotonic()
        finished = bool(self.job.progress_total) and done >= self.job.progress_total
        if changed_stage or finished or now - self._last >= self.interval:
            self._last = now
            Job.objects.filter(pk=self.job.pk).update(
                progress_done=self.job.progress_done,
                progress_total=self.job.progress_total,
                stage=self.job.stage,
            )


def _claim(job_id: int) -> bool:
    """Move a queued job to running; False when someone else already took it."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    return claimed == 1


def run_job(job_id: int) -> Job:
    """Run one queued job to its end; never raises for a failing handler."""
    if not _claim(job_id):
        return Job.objects.get(pk=job_id)
    job = Job.objects.get(pk=job_id)
    fields = ["status", "result", "error", "finished_at", "payload", "progress_done", "stage"]
    # Messages the job writes (errors, result tables) are in the owner's language at enqueue time.
    language = str(job.params.get("language") or settings.LANGUAGE_CODE)
    try:
        with translation.override(language):
            handler = resolve_handler(job.kind)
            result = handler(job, _Progress(job))
    except JobError as exc:
        job.status = Job.Status.FAILED
        job.error = str(exc)
    except Exception:
        # The traceback goes to the server log (handlers never put row content in exceptions
        # they raise on purpose); the owner gets a plain message.
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status = Job.Status.FAILED
        with translation.override(language):
            job.error = _("The job stopped because of an unexpected error.")
    else:
        job.status = Job.Status.SUCCEEDED
        job.result = dict(result)
        job.progress_done = job.progress_total or job.progress_done
    job.finished_at = timezone.now()
    if not job.params.get("keep_payload"):
        job.payload = b""
    job.save(update_fields=fields)
    return job


def run_queued(*, limit: int | None = None) -> int:
    """Run queued jobs, oldest first; the number run."""
    ran = 0
    while limit is None or ran < limit:
        next_id = (
            Job.objects.filter(status=Job.Status.QUEUED)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if next_id is None:
            break
        run_job(next_id)
        ran += 1
    return ran


def reap_stale(*, older_than: timedelta) -> int:
    """Fail jobs left running by a process that died (a restart kills daemon threads)."""
    cutoff = timezone.now() - older_than
    stale = Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=cutoff)
    reaped = 0
    for job_id, params in stale.values_list("pk", "params"):
        # The owner reads the message in the language they started the job in, like its others.
        with translation.override(str(params.get("language") or settings.LANGUAGE_CODE)):
            message = _("The job was interrupted (the server restarted). Please start it again.")
        reaped += Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), error=message, payload=b""
        )
    return reaped


def purge_payloads(*, older_than: timedelta) -> int:
    """Drop uploaded inputs kept for a confirmation step that never came."""
    cutoff = timezone.now() - older_than
    return (
        Job.objects.filter(created_at__lt=cutoff)
        .exclude(payload=b"")
        .exclude(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .update(payload=b"")
    )
