"""The shape of the house: the logic package never imports streamlit; settings are documented."""

import ast
import subprocess
import sys
from pathlib import Path

from inspection import settings

ROOT = Path(__file__).resolve().parents[2]


def test_logic_package_never_imports_streamlit():
    for path in (ROOT / "inspection").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "streamlit" for n in names), f"{path.name} imports streamlit"


def test_importing_the_package_loads_no_streamlit():
    code = "import sys, inspection.cli, inspection.metrics, inspection.importer; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_no_test_file_imports_another():
    """What tests share lives in tests/support (or tests/hostile's corpus), never in a test file."""
    tests = {path.stem for path in (ROOT / "tests").rglob("test_*.py")}
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] in tests for n in names), f"{path.relative_to(ROOT)} imports a test file"


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in settings.SETTINGS:
        assert f"`{setting.name}`" in readme, setting.name


def test_no_generated_store_is_tracked():
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT).stdout.split()
    assert not [t for t in tracked if t.endswith(".duckdb") or t.startswith(".venv/")]
