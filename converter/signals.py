"""Stopping on SIGINT and SIGTERM without losing the signal inside a finalizer.

Python prints and swallows an exception raised in ``__del__`` or in a weak reference's callback
("Exception ignored in …", with a traceback), and the interrupted code goes on as if nothing
had happened. A handler that would raise there delivers the signal again a moment later instead,
once the finalizer has returned. Used by the command line's process and by the build's workers.
"""
from __future__ import annotations

import os
import threading

#: where the standard library's weak-reference callbacks live (WeakKeyDictionary's ``remove``,
#: WeakSet's ``_remove``, weakref.finalize): run from a deallocation, as __del__ is
_WEAKREF_MODULES = ("weakref.py", "_weakrefset.py")


def in_finalizer(frame) -> bool:
    """Whether the interrupted code runs inside an object's __del__ or a weak reference's
    callback (at any depth)."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or code.co_filename.endswith(_WEAKREF_MODULES):
            return True
        frame = frame.f_back
    return False


def deferred(signum: int, frame) -> bool:
    """For a handler: when the signal landed inside a finalizer, deliver it again soon and say
    True (the handler returns); else False (the handler acts now)."""
    if not in_finalizer(frame):
        return False
    deliver_again_soon(signum)
    return True


def deliver_again_soon(signum: int) -> None:
    """Send the signal to this process again in 10 ms (from a timer thread: the handler runs
    again in the main thread, by then outside the finalizer)."""
    threading.Timer(0.01, os.kill, (os.getpid(), signum)).start()
