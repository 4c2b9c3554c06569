"""scripts/feature-imports counts every run-time import between packages, and no import made for the type checker."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "feature-imports"


def package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def count(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True, check=False)


def test_an_import_for_the_type_checker_only_makes_no_loop(tmp_path):
    folder = package(
        tmp_path,
        {
            "__init__.py": "",
            "low/__init__.py": "",
            "low/models.py": (
                "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.high.models import High\n"
            ),
            "high/__init__.py": "",
            "high/models.py": "from pkg.low.models import *\n\nclass High: ...\n",
        },
    )
    result = count(folder)
    assert result.returncode == 0, result.stdout
    assert "mutual pairs: 0" in result.stdout


def test_a_run_time_import_back_is_a_loop_even_inside_a_function_or_an_else(tmp_path):
    folder = package(
        tmp_path,
        {
            "__init__.py": "",
            "low/__init__.py": "",
            "low/models.py": (
                "import typing\n\nif typing.TYPE_CHECKING:\n    pass\nelse:\n"
                "    def later():\n        from pkg.high import models\n"
            ),
            "high/__init__.py": "",
            "high/models.py": "from pkg.low import models\n",
        },
    )
    result = count(folder)
    assert result.returncode == 1
    assert "high <-> low" in result.stdout
