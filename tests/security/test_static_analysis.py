"""bandit finds no medium or high issue in tracker, and pip-audit finds no known vulnerability in any pinned
dependency. pip-audit asks PyPI's advisory service. Where that service cannot be reached at all, the audit
is skipped and says why (set TRACKER_REQUIRE_PIP_AUDIT=1 to make that a failure); it never passes on an audit
that did not happen, and a partial audit fails."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_bandit_finds_nothing_of_medium_or_high_severity():
    result = run(str(BIN / "bandit"), "-q", "-r", "tracker", "-ll", "-c", "pyproject.toml", "-f", "json")
    report = json.loads(result.stdout)
    issues = [f"{i['filename']}:{i['line_number']} {i['test_id']} ({i['issue_severity']}): {i['issue_text']}"
              for i in report["results"]]
    assert issues == [], "\n".join(issues)
    assert report["metrics"]["_totals"]["loc"] > 1000, "bandit scanned almost nothing"


def test_pip_audit_finds_no_known_vulnerability_in_the_pinned_dependencies():
    # Every dependency is pinned in constraints.txt, so pip need not resolve anything: --disable-pip --no-deps.
    result = run(str(BIN / "pip-audit"), "--progress-spinner", "off", "--disable-pip", "--no-deps",
                 "-r", "constraints.txt", "-f", "json")
    assert result.stdout.strip(), f"pip-audit produced no report:\n{result.stderr[-2000:]}"
    dependencies = json.loads(result.stdout)["dependencies"]
    skipped = [d["name"] for d in dependencies if "skip_reason" in d]
    if skipped and len(skipped) == len(dependencies) and not os.environ.get("TRACKER_REQUIRE_PIP_AUDIT"):
        pytest.skip("pip-audit did not run: PyPI's vulnerability service does not answer from this machine "
                    f"(none of the {len(dependencies)} pinned packages could be looked up)")
    assert not skipped, (
        f"pip-audit could not audit {len(skipped)} of {len(dependencies)} pinned packages "
        f"({', '.join(skipped[:5])}...): PyPI's vulnerability service (https://pypi.org/pypi/<name>/<version>/json) "
        "did not answer for them from this machine. Run the tests where PyPI is reachable; an audit that "
        "did not happen is not a pass.")
    vulnerable = [f"{d['name']} {d['version']}: {', '.join(v['id'] for v in d['vulns'])}"
                  for d in dependencies if d.get("vulns")]
    assert vulnerable == [], "\n".join(vulnerable)


def test_ruff_finds_nothing():
    result = run(str(BIN / "ruff"), "check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout[-4000:]
