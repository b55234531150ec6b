"""One clear sentence instead of a traceback for errors a user can act on.

Luigi logs a failure while planning (``requires()``) as a warning with the
whole traceback in the message, and a failure inside a task with the
exception attached. For the pipeline's own errors about its input and
settings (a missing raw folder, a bad parameter value, a clean folder made
with other settings) the traceback says nothing the message does not, so
this filter on Luigi's logger turns such a record into one line:

    ERROR: CleanCorpus cannot run: the raw folder 'raw' does not exist or is not a folder

Anything else (a bug) keeps its traceback. The exit code is Luigi's
(``[retcode]``: 35 for a planning error, 30 for a failed task).
"""
from __future__ import annotations

import errno
import logging
import os
import re
import traceback

from pipeline.batch import UnreadableFiles
from pipeline.config import ConfigError, ServiceUnavailable
from pipeline.corpus import StateError
from pipeline.sources import RawFolderError

USER_ERRORS = (ConfigError, StateError, RawFolderError, PermissionError, IsADirectoryError, NotADirectoryError,
               UnreadableFiles, ServiceUnavailable)
_NAMES = "|".join(sorted({cls.__name__ for cls in USER_ERRORS}))
# The last line of a formatted traceback: "pipeline.config.ConfigError: message".
_LAST_LINE = re.compile(rf"^(?:[\w.]+\.)?(?:{_NAMES}): (?P<message>.+)$|"
                        r"^OSError: (?P<os>\[Errno (?:28|30|122)\] .+)$")


# A full disk, a read-only or over-quota file system: the operator's to fix.
_OS_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT}


def _unparsable_value(exc_info) -> bool:
    """A value Luigi could not read as its parameter's type (``--min-words
    2O``): a ValueError raised while Luigi parsed the command line."""
    if not isinstance(exc_info[1], ValueError):
        return False
    return any(frame.filename.endswith(os.path.join("luigi", "parameter.py")) and frame.name in ("parse", "normalize")
               for frame in traceback.extract_tb(exc_info[2]))


def _user_error(exc: BaseException | None) -> bool:
    return isinstance(exc, USER_ERRORS) or (isinstance(exc, OSError) and exc.errno in _OS_ERRNOS) \
        or _redis_unreachable(exc)


def _redis_unreachable(exc: BaseException | None) -> bool:
    """Redis went away during a run (checked at its start): redis-py's
    connection errors, named without importing redis."""
    return type(exc).__module__.startswith("redis") and type(exc).__name__ in ("ConnectionError", "TimeoutError")


class OneSentence(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = None
        prefix = "CleanCorpus cannot run: %s"
        if record.exc_info and isinstance(record.exc_info[1], UnreadableFiles):
            message, prefix = str(record.exc_info[1]), "CleanCorpus: %s"
        elif record.exc_info and _user_error(record.exc_info[1]):
            message = str(record.exc_info[1])
        elif record.exc_info and _unparsable_value(record.exc_info):
            message = f"a parameter's value cannot be read: {record.exc_info[1]}"
        elif isinstance(record.msg, str) and record.msg.startswith("Will not run") and "Traceback" in record.msg:
            last = record.msg.rstrip().splitlines()[-1]
            match = _LAST_LINE.match(last)
            if match:
                message = match.group("message") or match.group("os")
        if message is not None:
            record.msg, record.args = prefix, (message,)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.ERROR, "ERROR"
        return True


def install() -> None:
    logger = logging.getLogger("luigi-interface")
    if not any(isinstance(f, OneSentence) for f in logger.filters):
        logger.addFilter(OneSentence())
