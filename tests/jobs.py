"""A job for the worker tests: slow enough to be interrupted, and idempotent."""

import time
from pathlib import Path

from celery import shared_task


@shared_task
def mark_slowly(path: str, seconds: float) -> None:
    Path(f"{path}.started").touch()
    time.sleep(seconds)
    Path(path).write_text("done")
