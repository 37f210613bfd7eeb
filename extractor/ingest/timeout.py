"""Reading one file under a time limit: `read_with_timeout(path, limits)`.

The limit is `limits.timeout_s` (None or 0: no limit). Two mechanisms, chosen
automatically:

- in the main thread of a process on a system with SIGALRM (the CLI, and each
  worker of a multiprocessing pool), a real-time interval timer interrupts the
  read; the previous SIGALRM handler is restored afterwards (a timer the
  caller had running is cancelled). This interrupts
  Python code (pdfminer, the readers); a single long call into C code ends
  when that call returns.
- elsewhere (another thread, no SIGALRM), the read runs in a forked child
  process that is killed on timeout (not possible in a daemonic process, where
  the read runs without a limit).

On timeout a `ReadError(path, "took longer than N s (time limit)")` is raised.
"""
from __future__ import annotations

import multiprocessing
import signal
import threading

from ..model import Document
from .errors import ReadError
from .limits import DEFAULT_LIMITS, Limits
from .read import read_path


class _TimeUp(BaseException):
    """Raised by the alarm; a BaseException so readers' `except Exception` let it through."""


def _timeout_error(path: str, seconds: float) -> ReadError:
    return ReadError(path, f"took longer than {seconds:g} s (time limit)")


def read_with_timeout(path: str, limits: Limits | None = None) -> Document:
    limits = limits or DEFAULT_LIMITS
    seconds = limits.timeout_s
    if not seconds or seconds <= 0:
        return read_path(path, limits)
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _with_alarm(path, limits, seconds)
    if multiprocessing.current_process().daemon or "fork" not in multiprocessing.get_all_start_methods():
        return read_path(path, limits)
    return _in_child(path, limits, seconds)


def _with_alarm(path: str, limits: Limits, seconds: float) -> Document:
    return run_with_alarm(path, seconds, lambda: read_path(path, limits))


def can_alarm() -> bool:
    """Can this thread be interrupted by a timer (main thread, SIGALRM available)?"""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def run_with_alarm(path: str, seconds: float, fn):
    """Run `fn()` with a real-time limit (main thread only); ReadError on timeout.

    The pipeline uses it to bound the whole work on one file, reading and extraction.
    """
    def on_alarm(signum, frame):
        raise _TimeUp()

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TimeUp:
        raise _timeout_error(path, seconds) from None
    finally:
        signal.signal(signal.SIGALRM, old_handler)


def _child(conn, path: str, limits: Limits) -> None:
    try:
        conn.send(("ok", read_path(path, limits)))
    except ReadError as e:
        conn.send(("err", e))
    except BaseException as e:  # pragma: no cover - read_path turns errors into ReadError
        conn.send(("err", ReadError(path, f"unexpected error while reading: {e}")))
    finally:
        conn.close()


def _in_child(path: str, limits: Limits, seconds: float) -> Document:
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, path, limits), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise _timeout_error(path, seconds)
        try:
            status, value = parent.recv()
        except EOFError:
            proc.join(1)
            raise ReadError(path, f"reader crashed (exit code {proc.exitcode})") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if status == "ok":
        return value
    raise value
