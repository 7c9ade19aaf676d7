"""Batch operations (/batches): their status as polled and their results tarball.

The operations themselves are run by :mod:`..resources.batches` through the router; this
keeps what Mailchimp keeps: the batch, its counters and the gzipped tar of the results.
"""

import gzip
import io
import json
import tarfile
import time

from ..util import invalid, locked, not_found, page

MAX_PENDING_BATCHES = 500


def _tarball(batch_id, results):
    data = json.dumps(results).encode("utf-8")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo(f"{batch_id}.json")
        info.size = len(data)
        info.mtime = int(time.time())
        tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


class BatchMixin:
    def _batch(self, batch_id):
        batch = self.batches.get(batch_id)
        if batch is None:
            raise not_found()
        return batch

    @locked
    def open_batch(self, n_operations):
        """Register a new batch (status "pending"); 400 past 500 unfinished batches.
        Returns its id."""
        pending = [b for b in self.batches.values() if b["final"] is not None]
        if len(pending) >= MAX_PENDING_BATCHES:
            raise invalid(f"You have more than {MAX_PENDING_BATCHES} pending batches.")
        batch_id = self._hex_id(self.batches)
        info = {
            "id": batch_id,
            "status": "pending",
            "total_operations": n_operations,
            "finished_operations": 0,
            "errored_operations": 0,
            "submitted_at": self.now_str(),
            "completed_at": "",
            "response_body_url": "",
        }
        self.batches[batch_id] = {
            "info": info,
            "final": None,
            "polls": 0,
            "results": [],
            "tar": None,
        }
        return batch_id

    @locked
    def finish_batch(self, batch_id, results, response_body_url):
        """Store the operations' results; the batch shows "finished" once polled enough."""
        batch = self._batch(batch_id)
        errored = sum(1 for r in results if r["status_code"] >= 400)
        batch["final"] = dict(
            batch["info"],
            status="finished",
            finished_operations=len(results),
            errored_operations=errored,
            completed_at=self.now_str(),
            response_body_url=response_body_url,
        )
        batch["results"] = results
        batch["tar"] = _tarball(batch_id, results)
        return dict(batch["info"])

    @locked
    def poll_batch(self, batch_id, pending_polls=0):
        """GET /batches/{id}: "started" for the first ``pending_polls`` polls, then final."""
        batch = self._batch(batch_id)
        if batch["final"] is not None:
            batch["polls"] += 1
            if batch["polls"] > pending_polls:
                batch["info"], batch["final"] = batch["final"], None
            else:
                batch["info"] = dict(batch["info"], status="started")
        return dict(batch["info"])

    @locked
    def batch_page(self, query):
        return page(query, "batches", [dict(b["info"]) for b in self.batches.values()])

    @locked
    def delete_batch(self, batch_id):
        self._batch(batch_id)
        del self.batches[batch_id]

    @locked
    def batch_tarball(self, batch_id):
        """The results tarball (bytes) of a batch, or None."""
        batch = self.batches.get(batch_id)
        return batch["tar"] if batch else None
