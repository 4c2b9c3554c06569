"""Run the flask command on the suite's declared clock: `python -m tests.browser.clocked <flask arguments>`.

The browser tests' server and command-line steps run in processes of their own. Each one's clock is the declared
moment given in TEST_CLOCK_START plus the real time that has passed since TEST_CLOCK_TAKEN_AT (a real Unix time),
and ticks on from there (read at once, see below). So every process started from one `clock_env()` reads the same
time as the others and as the tests that drive them, however long each took to start: two servers whose clocks
differed by a moment would refuse each other's session cookies, which are signed with the time."""

import os
import sys
import time
from datetime import UTC, datetime, timedelta

import time_machine
from flask.cli import main


def real_time() -> float:
    escape = time_machine.escape_hatch
    return escape.time.time() if escape.is_travelling() else time.time()


def clock_env() -> dict[str, str]:
    """The variables that start a process on this process's clock (the suite's declared one, in the tests).

    Its clients (Chromium, `requests`) keep the real clock and judge a cookie's expiry by it, so the session
    lives long enough for both clocks: only the server's own idle check ends one."""
    return {
        "TEST_CLOCK_START": datetime.now(UTC).isoformat(),
        "TEST_CLOCK_TAKEN_AT": repr(real_time()),
        "TRACKER_SECURITY_SESSION_IDLE_MINUTES": str(60 * 24 * 365 * 10),
    }


def declared_now() -> datetime:
    start = datetime.fromisoformat(os.environ["TEST_CLOCK_START"])
    taken_at = float(os.environ["TEST_CLOCK_TAKEN_AT"])
    return start + timedelta(seconds=real_time() - taken_at)


if __name__ == "__main__":
    with time_machine.travel(declared_now(), tick=True):
        # time-machine starts a ticking clock at its first reading, not when the travel begins: read it now, or the
        # clock would stand still while the app is imported and run behind the other processes' for ever after
        time.time()
        sys.argv = ["flask", *sys.argv[1:]]
        main()
