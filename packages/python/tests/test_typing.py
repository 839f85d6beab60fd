"""The package's annotations: ``mypy --strict`` on the package and on an example
that uses every public name (``typing_example.py``). Needs no component."""

import ast
import subprocess
import sys
from importlib import resources
from pathlib import Path

import hf_provider

PACKAGE = Path(__file__).resolve().parents[1]
EXAMPLE = PACKAGE / "tests" / "typing_example.py"


def test_mypy_strict_passes_on_the_package_and_the_example(tmp_path):
    # --python-version: the oldest Python the package supports (requires-python).
    command = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10",
               "--cache-dir", str(tmp_path / "mypy-cache"), "src/hf_provider", "tests/typing_example.py"]
    run = subprocess.run(command, cwd=PACKAGE, capture_output=True, text=True)
    assert run.returncode == 0, f"{' '.join(command[2:])} failed:\n{run.stdout}{run.stderr}"


def test_the_example_uses_every_public_name():
    tree = ast.parse(EXAMPLE.read_text())
    imported = {alias.name for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == "hf_provider" for alias in node.names}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    assert imported == set(hf_provider.__all__)
    assert set(hf_provider.__all__) <= used, f"imported but not used: {sorted(set(hf_provider.__all__) - used)}"


def test_all_lists_every_public_name_and_py_typed_ships():
    public = {name for name in vars(hf_provider) if not name.startswith("_")}
    assert sorted(hf_provider.__all__) == sorted(public)
    assert len(hf_provider.__all__) == len(set(hf_provider.__all__))
    assert resources.files("hf_provider").joinpath("py.typed").is_file()
