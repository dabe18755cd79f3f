"""Plans as background jobs: started by a request, polled for progress, cached per inputs.

A plan simulates a whole week and takes seconds, so `GET /api/halls/{hall}/plan` no longer
blocks: it returns the finished plan when one exists for the same inputs (hall, dates, options
and the ledger read — its number of tickets and events, so a new ticket gives a new plan),
else starts a job in a worker thread and answers 202 with the job to poll. A job reports its
share done and the step it is at; a failure keeps its worded message. The last `MAX_JOBS`
jobs are kept (in this process: every `onewindow serve` process plans for itself).
"""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread

MAX_JOBS = 32


@dataclass
class PlanJob:
    id: str
    hall: str
    status: str = "running"
    """"running", "done" or "failed"."""
    progress: float = 0.0
    step: str = ""
    result: dict[str, Any] | None = None
    error: str | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    def public(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "job": self.id,
            "status": self.status,
            "progress": round(self.progress, 3),
            "step": self.step,
            "poll": f"/api/halls/{self.hall}/plan/jobs/{self.id}",
        }
        if self.error is not None:
            body["error"] = self.error
        return body


class PlanJobs:
    def __init__(self) -> None:
        self._by_key: OrderedDict[Hashable, PlanJob] = OrderedDict()
        self._by_id: dict[str, PlanJob] = {}

    def get(self, job_id: str) -> PlanJob | None:
        return self._by_id.get(job_id)

    def start(
        self, key: Hashable, hall: str, work: Callable[[Callable[[float, str], None]], dict[str, Any]]
    ) -> PlanJob:
        """The job for `key`: the cached or running one, or a new one running `work(progress)`
        in a worker thread (a failed job is started again)."""
        job = self._by_key.get(key)
        if job is not None and job.status != "failed":
            self._by_key.move_to_end(key)
            return job
        job = PlanJob(secrets.token_urlsafe(9), hall)

        def progress(share: float, step: str) -> None:
            job.progress, job.step = share, step

        async def run() -> None:
            try:
                job.result = await anyio.to_thread.run_sync(lambda: work(progress))
                job.status, job.progress = "done", 1.0
            except ValueError as exc:
                job.status, job.error = "failed", str(exc)

        job.task = asyncio.get_running_loop().create_task(run())
        self._by_key[key] = job
        self._by_id[job.id] = job
        while len(self._by_key) > MAX_JOBS:
            _, old = self._by_key.popitem(last=False)
            self._by_id.pop(old.id, None)
        return job


jobs = PlanJobs()
