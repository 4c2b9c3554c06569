"""Run the flask command on the suite's declared clock: `python -m tests.browser.clocked <flask arguments>`.

The browser tests' server and command-line steps run in processes of their own; this starts each one at the moment
given in TEST_CLOCK_START and lets it tick on, so the server sees the same "today" as the tests that drive it."""

import os
import sys
from datetime import datetime

import time_machine
from flask.cli import main

if __name__ == "__main__":
    with time_machine.travel(datetime.fromisoformat(os.environ["TEST_CLOCK_START"]), tick=True):
        sys.argv = ["flask", *sys.argv[1:]]
        main()
