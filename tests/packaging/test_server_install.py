"""A server install does not pull in Qt (issue 14): the wheel built from this tree, installed with
its `[server]` extra into a fresh virtual environment by pip's real dependency resolution.

The server imports the client's domain and wire protocol (sfa_desktop.domain, sfa_desktop.sync.protocol):
they must import there without PySide6, SQLCipher, keyring or requests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: What an agent's laptop needs and a server must not carry.
DESKTOP_ONLY = ("PySide6", "shiboken6", "sqlcipher3", "keyring", "requests", "pypdf", "cryptography")

pytestmark = pytest.mark.slow


def _run(*cmd: str | Path, cwd: Path | None = None, check: bool = True,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env=env, check=False)
    if check and done.returncode != 0:
        command = " ".join(map(str, cmd))
        pytest.fail(f"{command} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def _source_copy(target: Path) -> Path:
    """The tree as a clone has it (no .venv, no build output), so the wheel is what a release builds."""
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                    "installer", "docs", "tests", "benchmarks")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.fixture(scope="module")
def server_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("server-install")
    source = _source_copy(base / "src")
    wheels = base / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps", "-w", wheels, source)
    (wheel,) = wheels.glob("sfa_desktop-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # real resolution: pip picks the server's dependencies from the wheel's metadata
    _run(python, "-m", "pip", "install", "--disable-pip-version-check", f"{wheel}[server]")
    return env_dir


def _clean_env(env_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_server_install_has_no_desktop_libraries(server_venv: Path) -> None:
    python = server_venv / "bin" / "python"
    installed = _run(python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check").stdout
    names = {line.split("==")[0].lower() for line in installed.splitlines()}
    assert {"fastapi", "uvicorn", "sqlalchemy", "psycopg", "alembic", "sfa-desktop"} <= names
    assert not names & {n.lower() for n in DESKTOP_ONLY}, installed
    for module in DESKTOP_ONLY:
        done = _run(python, "-c", f"import {module}", check=False, cwd=server_venv, env=_clean_env(server_venv))
        assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr, (module, done.stderr)


def test_server_runs_without_qt(server_venv: Path, tmp_path: Path) -> None:
    env = _clean_env(server_venv)
    sfa_server = server_venv / "bin" / "sfa-server"
    helped = _run(sfa_server, "--help", cwd=tmp_path, env=env)
    assert "serve" in helped.stdout and "init" in helped.stdout
    # the migrations ship in the wheel and the app builds: the server is whole, not only its CLI
    db = tmp_path / "server.db"
    assert "database ready" in _run(sfa_server, "init", "--database-url", f"sqlite:///{db}", cwd=tmp_path,
                                    env=env).stdout
    code = ("import sys, sfa_server.app as a; a.create_app(sys.argv[1]); "
            "import sfa_desktop.domain.document_pricing, sfa_desktop.sync.protocol; "
            "assert 'PySide6' not in sys.modules and 'sqlcipher3' not in sys.modules; print('ok')")
    assert _run(server_venv / "bin" / "python", "-c", code, f"sqlite:///{db}", cwd=tmp_path,
                env=env).stdout.strip() == "ok"


def test_the_wheel_installs_the_resources(server_venv: Path, tmp_path: Path) -> None:
    """resources/ (PDF fonts, logos, icon) lies beside the packages; the wheel puts it in <prefix>/share."""
    code = ("import sys; from pathlib import Path; from sfa_desktop.pdf.fonts import fonts_dir, resources_dir; "
            "assert resources_dir() == Path(sys.prefix) / 'share' / 'sfa-desktop', resources_dir(); "
            "assert (fonts_dir() / 'DejaVuSansCondensed.ttf').is_file(); "
            "assert (resources_dir() / 'icons' / 'sfa-desktop.png').is_file(); print('ok')")
    done = _run(server_venv / "bin" / "python", "-c", code, cwd=tmp_path, env=_clean_env(server_venv))
    assert done.stdout.strip() == "ok"
    logo = ("from sfa_server.demo_data import people; assert people._logo().get('logo_png'); print('logo')")
    assert _run(server_venv / "bin" / "python", "-c", logo, cwd=tmp_path,
                env=_clean_env(server_venv)).stdout.strip() == "logo"

