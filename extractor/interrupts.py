"""Ctrl-C in a batch run: who takes it, and when.

A terminal sends Ctrl-C (SIGINT) to every process of the run. Only the parent acts on
it: worker processes ignore it (`ignore_in_workers`, their start) and the parent stops
them at the next file. While the parent writes a document's results, Ctrl-C waits
until the write is done (`put_off_interrupts`), so that no output is left half written.

This module only handles the signal; what stopping means is decided by the pipeline
(its worker pools) and the command line (what it reports).
"""
from __future__ import annotations

import contextlib
import signal
import threading


def ignore_in_workers() -> None:
    """In a worker process: Ctrl-C is for the parent, which stops the workers itself (a
    worker that took it would print a traceback and break its pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def put_off_interrupts(drop: bool = False):
    """Ctrl-C put off while inside: acted on when leaving (KeyboardInterrupt), or, with
    `drop`, ignored. Processes started inside with `drop` ignore it for good, whichever
    thread starts them (an ignored signal stays ignored in a child, and Python keeps it
    so); a handler that only records it is not inherited. (Blocking the signal instead
    would not do: another thread of this process, a pool's, would take it.)

    Only the main thread may set a signal's handler: elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list = []
    old = signal.signal(signal.SIGINT, signal.SIG_IGN if drop else lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if caught and callable(old):
            old(*caught[0])          # the usual handler: raises KeyboardInterrupt
