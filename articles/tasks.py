"""Background jobs: work neither a reader nor an editor should wait for.

Each is idempotent (running it twice leaves what running it once does) and
retried with backoff when the database is briefly unavailable.
"""

import logging

logger = logging.getLogger(__name__)


def run_in_background(task, *args) -> None:
    """Hand ``task`` to a worker (called once the change it is about has committed).

    If the broker cannot be reached the job runs here and now instead: slower
    for this request, but nothing is lost.
    """
    try:
        task.delay(*args)
    except Exception:  # the broker's client raises errors of its own kinds
        logger.warning("The job queue is not answering; running %s here.", task.name)
        task.apply(args=args, throw=True)
