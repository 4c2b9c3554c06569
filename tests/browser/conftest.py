"""Browser fixtures: a fresh demo database served by a real server on a free port, and Debian's Chromium.

The database is built once with the same commands an operator runs (`flask db upgrade`, `flask tracker demo`),
then copied for each server, so the journeys and the accessibility sweep cannot see each other's changes."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.browser.clocked import clock_env
from tests.conftest import TEST_PASSWORD_HASH

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-demo-password"
#: how long a browser step waits for what it expects: every wait is on what the page shows, so a generous limit
#: costs nothing on a quick machine and keeps a slow or busy one (CI runs its stages side by side) from failing
PATIENCE_MS = 30000
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def tracker_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TRACKER_DATABASE_URL": f"sqlite:///{folder / 'tracker.sqlite'}",
            "TRACKER_DEMO_PASSWORD": PASSWORD,
            "TRACKER_UPLOADS_FOLDER": str(folder / "uploads"),
            "TRACKER_MAIL_BACKEND": "sink",
            "TRACKER_SECURITY_PASSWORD_HASH": TEST_PASSWORD_HASH,
            # as `make run` does for the demo: the demo's administrator signs in with a password alone
            "TRACKER_AUTH_REQUIRE_TOTP_FOR": "[]",
            "FLASK_DEBUG": "0",
            # the server runs on the suite's clock, with a session that outlives Chromium's real one (see clocked.py)
            **clock_env(),
            # the journeys and the sweep are Barking's; the overview's server adds the living region (region_folder)
            "TRACKER_DEMO_LIVING_REGION": "false",
        }
    )
    return env


#: the flask command, started on the suite's declared clock
FLASK_COMMAND = [sys.executable, "-m", "tests.browser.clocked", "--app", "app"]


def flask(folder: Path, *args: str) -> str:
    result = subprocess.run(
        [*FLASK_COMMAND, *args], cwd=ROOT, env=tracker_env(folder), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthcheck", timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not answer within {seconds} seconds")


class Server(NamedTuple):
    url: str
    database: Path


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory) -> Path:
    """Migrations run, the Barking demo loaded and a Monday's jobs run (so the outbox has mail), once, by the
    command-line tools."""
    folder = tmp_path_factory.mktemp("browser-demo")
    flask(folder, "db", "upgrade")
    flask(folder, "tracker", "demo")
    today = date.today()
    flask(folder, "tracker", "run-jobs", "--as-of", (today + timedelta(days=7 - today.weekday())).isoformat())
    return folder


@pytest.fixture(scope="session")
def region_folder(tmp_path_factory) -> Path:
    """The demo with the living region (fictional London PDUs), as `make run` loads it."""
    folder = tmp_path_factory.mktemp("browser-region")
    flask(folder, "db", "upgrade")
    flask(folder, "tracker", "demo", "--region")
    return folder


@pytest.fixture(scope="session")
def start_server(demo_folder, tmp_path_factory) -> Iterator[Callable[..., Server]]:
    """Start a server on its own copy of the demo database. All are stopped at the end of the session."""
    processes: list[subprocess.Popen] = []
    logs = []

    def start(name: str, source: Path | None = None, **settings: str) -> Server:
        """`source` is the folder of the database to copy (the Barking demo's unless given); `settings` are more
        environment variables for this server (TRACKER_OIDC_ISSUER=...)."""
        source = source or demo_folder
        folder = tmp_path_factory.mktemp(name)
        shutil.copy(source / "tracker.sqlite", folder / "tracker.sqlite")
        if (source / "uploads").exists():
            shutil.copytree(source / "uploads", folder / "uploads")
        port = free_port()
        # The request log goes to a file: an unread pipe would fill up and stall the server.
        log = folder / "server.log"
        logs.append(log.open("w"))
        process = subprocess.Popen(
            [
                *FLASK_COMMAND,
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-reload",
                "--no-debugger",
                "--with-threads",
            ],
            # PORT, as `make run` passes it: links in emails and the sign-on callback follow it
            cwd=ROOT,
            env={**tracker_env(folder), "PORT": str(port), **settings},
            stdout=logs[-1],
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process, log)
        return Server(url, folder / "tracker.sqlite")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
    for handle in logs:
        handle.close()


@pytest.fixture(scope="session")
def server(start_server) -> Server:
    """The server the journeys share; each journey changes different records."""
    return start_server("journeys")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; skipped when absent, unless TRACKER_REQUIRE_BROWSER=1 (as in CI)."""
    required = os.environ.get("TRACKER_REQUIRE_BROWSER") == "1"
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        problem = f"Playwright is not installed ({error})"
    if problem is None and not CHROMIUM.exists():
        problem = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if required:
            pytest.fail(f"TRACKER_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
        pytest.skip(f"browser tests skipped: {problem}")
    from playwright.sync_api import expect

    expect.set_options(timeout=PATIENCE_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(PATIENCE_MS)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/")


@pytest.fixture(scope="session")
def axe_server(start_server) -> Server:
    """A server of its own for the accessibility sweep, which submits and assures records to reach every page."""
    return start_server("accessibility")


@pytest.fixture(scope="session")
def region_server(start_server, region_folder) -> Server:
    """A server on the demo with the living region, for the regional director's overview."""
    return start_server("region", source=region_folder)


@pytest.fixture
def axe_page(browser):
    """A page whose context ignores the CSP, only so that axe-core can be injected; the journeys keep the CSP."""
    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    context.set_default_timeout(PATIENCE_MS)
    page = context.new_page()
    yield page
    context.close()


#: the narrowest phone, and a 1280 px screen zoomed to 400%: WCAG 1.4.10 asks that content reflows at 320 CSS px
NARROW = 320


@contextmanager
def narrowed(page, width: int = NARROW):
    """The loaded page, resized to `width` CSS px wide for the block, then restored: the same page load serves
    the desktop and the phone checks."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": size["height"] if size else 720})
    try:
        yield page
    finally:
        if size:
            page.set_viewport_size(size)


def scrolls_sideways(page) -> list[str]:
    """One line if the page is wider than its window, naming the elements and text that stick out so the fix is
    findable."""
    width, inner, culprits = page.evaluate(WIDTH_CHECK)
    return [f"{page.url}: {width} px wide in {inner} ({', '.join(culprits)})"] if width > inner else []


#: the document's width and the window's, and the innermost elements and the text whose right edge passes the
#: window's (outside a scroll region)
WIDTH_CHECK = """() => {
  const inner = window.innerWidth;
  const sticksOut = e => e.getBoundingClientRect().right > inner + 0.5;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const out = [...document.querySelectorAll('body *')].filter(e => sticksOut(e) && e.getBoundingClientRect().width > 0
    && !e.closest('.tracker-scroll') && ![...e.children].some(sticksOut)).map(name);
  // a long word or address overflows as text, past the box of the element that holds it
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getBoundingClientRect().right > inner + 0.5 && !node.parentElement.closest('.tracker-scroll'))
      out.push(name(node.parentElement) + ' "' + node.textContent.trim().slice(0, 40) + '"');
  }
  return [document.documentElement.scrollWidth, inner, out.slice(0, 4)];
}"""


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def govuk_conditional_radio(rule: str, node: dict) -> bool:
    """GOV.UK Frontend's script marks a radio that reveals a follow-up question with `aria-expanded`, which ARIA 1.2
    does not list for radios. The Design System keeps it on purpose, as screen readers announce it (a documented
    known issue: alphagov/govuk-frontend#979), so axe's report of exactly that, and nothing else, is set aside."""
    problems = [line.strip() for line in node.get("failureSummary", "").splitlines()[1:] if line.strip()]
    return (
        rule == "aria-allowed-attr"
        and "govuk-radios__input" in node["html"]
        and bool(problems)
        and all(problem.startswith("ARIA attribute is not allowed: aria-expanded=") for problem in problems)
    )


def axe_violations(page) -> list[str]:
    """Run axe-core on the page at WCAG 2.2 AA; one line per violation with its id, impact, targets and help."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # Only violations are read: axe then skips gathering the nodes of every rule that passed, which is most of its work.
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    found = []
    for violation in result["violations"]:
        nodes = [n for n in violation["nodes"] if not govuk_conditional_radio(violation["id"], n)]
        if nodes:
            found.append(
                f"{page.url}: {violation['id']} ({violation['impact']}) at {[n['target'] for n in nodes]}: "
                f"{violation['help']}"
            )
    return found


def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist, every browser test of one module runs in one worker: a module's journeys share the
    server its fixtures start, and the accessibility sweep's last test counts the pages every sweep checked."""
    for item in items:
        if item.path.parent == Path(__file__).parent:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
