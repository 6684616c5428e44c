"""End-to-end journeys in headless Debian Chromium, driven by Playwright, against Django's
live server on the test database (PostgreSQL on CI), with the demo data loaded.

Screenshots of each journey's last step go to ``test-artifacts/e2e/`` (git-ignored); a
failing journey also saves its page HTML there. A JavaScript error or a console error (a
CSP violation, a failed script) fails the journey.

Speed: ``seed_demo`` runs once per session; every later test loads a snapshot of what it
made (``dumpdata`` / ``loaddata``, plus a copy of the PoE files), which takes a fraction of
the time. Each test still starts from the same demo data on a fresh database.
"""

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from tests.helpers import needs_service

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
PASSWORD = "cpor-demo"
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
expect.set_options(timeout=TIMEOUT_MS)  # assertions wait as long as actions (a busy CI machine)
# Tables the snapshot leaves out: rebuilt by migrate/flush (content types, permissions) or
# per-request state that a fresh test must not inherit (sessions, login attempts).
SNAPSHOT_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the journeys of this folder. Package scope, not session: while
    Playwright runs, this thread has a running event loop, which Django's ORM refuses outside
    these tests (and the test databases' teardown at the end of the session)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        os.environ.pop("CHROMIUM_PRESENT", None)
        needs_service("CHROMIUM_PRESENT", f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # This run's screenshots only: a stale "-FAILED" file from an earlier run misleads.
    if ARTIFACTS.is_dir():
        for old in ARTIFACTS.iterdir():
            if old.suffix in (".png", ".html"):
                old.unlink()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@contextmanager
def _orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; the ORM calls a journey (and
    its fixtures, the root conftest's autouse ones included) make between browser steps are
    ordinary synchronous calls. Allowed only while an e2e test runs: the variable must not
    leak into other tests or the processes they start (``check --deploy`` refuses it)."""
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


# These hooks run through the item's own hook relay, so only for the tests in this folder.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    with _orm_beside_playwright():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    with _orm_beside_playwright():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    with _orm_beside_playwright():
        yield


@pytest.fixture(scope="session")
def _demo_snapshot(tmp_path_factory):
    """Where the first test's seeded demo data is kept for the others (filled lazily)."""
    return {"dir": tmp_path_factory.mktemp("demo-snapshot"), "ready": False}


def _poe_root() -> Path:
    return Path(settings.STORAGES["poe"]["OPTIONS"]["location"])


@pytest.fixture
def demo(transactional_db, monkeypatch, settings, _demo_snapshot):
    """The demo data (``seed_demo``) on this test's fresh database, with its PoE files. The
    queue's page cache is on, as in production (the live server runs in this process)."""
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    settings.QUEUE_CACHE_SECONDS = 60
    snapshot = _demo_snapshot["dir"]
    data, files = snapshot / "demo.json", snapshot / "poe"
    if _demo_snapshot["ready"]:
        # A serialized rollback elsewhere in the run may have put the migrations' rows (the
        # reviewer groups) back after the last flush; the snapshot brings its own.
        from django.contrib.auth.models import Group

        Group.objects.all().delete()
        call_command("loaddata", str(data), verbosity=0)
        shutil.copytree(files, _poe_root(), dirs_exist_ok=True)
        return
    call_command("seed_demo", verbosity=0)
    call_command("dumpdata", natural_foreign=True, exclude=SNAPSHOT_EXCLUDE, output=str(data), verbosity=0)
    if _poe_root().exists():
        shutil.copytree(_poe_root(), files)
    else:
        files.mkdir()
    _demo_snapshot["ready"] = True


class Actors:
    """Browser contexts of this test, one per signed-in person (``actors("reviewer1")``). Each
    keeps its own cookies, so a journey can switch between a partner and a reviewer. At the
    end every page is screenshotted, and any JavaScript or console error fails the test."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url
        self.pages = {}

    def new_page(self, name="page", *, bypass_csp=False, locale="en-US"):
        context = self.browser.new_context(
            base_url=self.base_url,
            locale=locale,
            viewport={"width": 1360, "height": 900},
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text} @ {msg.location}"))
        page.js_errors = errors
        page.allowed_console = []  # substrings of console errors a test expects (e.g. a deliberate 404)
        key, n = name, 2
        while key in self.pages:
            key, n = f"{name}-{n}", n + 1
        self.pages[key] = page
        return page

    def __call__(self, username, **kwargs):
        page = self.new_page(username, **kwargs)
        sign_in(page, username)
        return page

    def unexpected_errors(self):
        found = []
        for name, page in self.pages.items():
            for error in page.js_errors:
                if not any(allowed in error for allowed in page.allowed_console):
                    found.append(f"[{name}] {error}")
        return found

    def finish(self, node):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        failed = getattr(node, "rep_call", None) is not None and node.rep_call.failed
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", node.name.replace("[", "-")).strip("_-")
        single = len(self.pages) == 1
        for name, page in self.pages.items():
            stem = base if single else f"{base}-{name}"
            stem += "-FAILED" if failed else ""
            try:
                if not page.is_closed():
                    page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
                    if failed:
                        (ARTIFACTS / f"{stem}.html").write_text(page.content())
            except Exception as exc:  # a crashed page must not hide the test's own failure
                print(f"could not save {stem}: {exc}")
            finally:
                page.context.close()


@pytest.fixture
def actors(browser, live_server, demo, request):
    crew = Actors(browser, live_server.url)
    yield crew
    errors = crew.unexpected_errors()
    crew.finish(request.node)
    call = getattr(request.node, "rep_call", None)
    if errors and call is not None and call.passed:
        pytest.fail("JavaScript/console errors during the journey:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(actors):
    """One anonymous browser page (sign in with ``sign_in``)."""
    return actors.new_page()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(page, username, password=PASSWORD):
    """Sign in through the login form and wait for the landing page."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")


def tr(text: str, language: str) -> str:
    """``text`` as the portal shows it in ``language`` (the catalog the server uses)."""
    with translation.override(language):
        return translation.gettext(text)


def settle(page):
    """Wait until HTMX has no request in flight and has settled its swaps."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')", timeout=TIMEOUT_MS
    )


def pdf_file(tmp_path, name="proof-of-execution.pdf", text="Signed customer acknowledgement") -> Path:
    """A small, valid PDF for uploads (distinct text gives a distinct SHA-256)."""
    from demo.files import demo_pdf

    path = tmp_path / name
    path.write_bytes(demo_pdf(text))
    return path


def pytest_terminal_summary(terminalreporter):
    from tests.e2e import axe

    lines = axe.summary_lines()
    if lines:
        axe.write_report(ARTIFACTS)
        terminalreporter.section("accessibility (axe-core)")
        for line in lines:
            terminalreporter.write_line(line)
