"""App shell benchmarks: cold start to a usable main window on the large demo agent's replica, RSS after
start, and a 5 ms heartbeat timer on the GUI thread during the large agent's first sync and during fast
typing in the global search (longest stall, p99 of the gaps).

    .venv/bin/python benchmarks/bench_ui.py [--workdir DIR]

The server runs in its own process (bench_sync.ServerProcess) on the large demo company (prepared
once with bench_sync.py --prepare). Qt runs offscreen. Reference measured in the same run: the cold
start of a bare QApplication showing an empty QMainWindow (what no app on this interpreter and Qt
can beat).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HEARTBEAT_MS = 5
PASSWORD = "demo-ag01"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Heartbeat:
    """A 5 ms QTimer; the gaps between its ticks beyond 5 ms are the GUI thread's stalls."""

    def __init__(self, where=lambda: "") -> None:
        from PySide6.QtCore import Qt, QTimer

        self.where = where  # what the app is doing, recorded with the longest gaps
        self.worst: list[tuple[float, str]] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.gaps, self._last = [], time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        gaps = sorted(self.gaps) or [0.0]
        worst = sorted(self.worst, reverse=True)[:5]
        self.worst = []
        return {"ticks": len(self.gaps), "longest_ms": round(gaps[-1], 1),
                "worst_gaps": [f"{g:.0f} ms {w}" for g, w in worst],
                "p99_ms": round(gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))], 1),
                "p50_ms": round(statistics.median(gaps), 1)}

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000
        self.gaps.append(gap)
        if gap > 50:
            self.worst.append((gap, self.where()))
        self._last = now


def until(condition, timeout_s: float = 600) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there")
        QApplication.processEvents()
        time.sleep(0.001)


def first_sync_and_typing(data_dir: Path, url: str) -> dict[str, object]:
    from keyring.backends.fail import Keyring
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from sfa_desktop.local_db import keys
    from sfa_desktop.ui import app as shell_app
    from sfa_desktop.ui.preferences import Preferences

    app = shell_app.application(["bench_ui"])
    shell_app.apply_language(app, "it")
    prefs = Preferences(data_dir, autolock_minutes=0, sync_minutes=0, log_dir=str(data_dir / "logs"))
    prefs.save()
    session = shell_app.make_session(prefs, keystore=keys.KeyStore(backend=Keyring()), device_name="bench")
    shell = shell_app.Shell(Preferences.load(data_dir), session=session, log_dir=prefs.log_folder)
    ready: list[float] = []
    shell.ready.connect(lambda: ready.append(time.perf_counter()))
    shell.start()
    dialog = shell.dialog
    dialog.server.setText(url)
    dialog.username.setText("ag01")
    dialog.password.setText(PASSWORD)
    def phase() -> str:
        engine = shell.session.engine
        return engine.listeners.status.phase.value if engine is not None else "signing in"

    beat = Heartbeat(phase)
    # reference in the same run: the heartbeat of the idle app (what this busy machine's scheduler gives)
    beat.start()
    _spin(app, 8.0)
    idle = beat.stop()
    beat.start()
    started = time.perf_counter()
    dialog.submit()
    until(lambda: bool(ready))
    first_sync = beat.stop()
    first_sync["seconds"] = round(ready[0] - started, 1)

    window = shell.window
    search = window.search
    answers: list[float] = []
    search.answered.connect(lambda _n: answers.append(time.perf_counter()))
    window.search.open_search()
    words = ["cavo unipolare rosso", "interruttore magnetotermico", "Rossi", "elettroservice", "FG17 1,5",
             "lampada led", "Q-AG01-2026", "O-AG01"]
    beat.start()
    latencies = []
    for text in words:
        search.field.clear()
        for char in text:  # a fast typist: a key every 60 ms
            QTest.keyClick(search.field, char)
            deadline = time.perf_counter() + 0.060
            while time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.001)
        typed = time.perf_counter()
        answers.clear()
        until(lambda: bool(answers), 30)
        latencies.append((answers[0] - typed) * 1000)
    typing = beat.stop()
    typing["answer_after_last_key_ms_p50"] = round(statistics.median(latencies), 0)
    typing["answer_after_last_key_ms_max"] = round(max(latencies), 0)
    QTest.keyClick(search.field, Qt.Key.Key_Escape)
    shell.close()
    return {"idle_heartbeat_reference": idle, "first_sync_heartbeat": first_sync,
            "search_typing_heartbeat": typing}


def _spin(app, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)


def cold_start_child(data_dir: str, mode: str, started_at: float) -> None:
    """In a fresh process: the app opened on an existing replica, unlocked, main window shown and drawn.

    mode "password": no keyring (the password dialog, Argon2id); "keyring": the OS keyring of this
    session (a real Secret Service, see keyring_session), unlocked silently, as an agent's morning."""
    from sfa_desktop.local_db import keys
    from sfa_desktop.ui import app as shell_app
    from sfa_desktop.ui.preferences import Preferences

    app = shell_app.application(["bench_ui"])
    prefs = Preferences.load(Path(data_dir))
    shell_app.apply_language(app, "it")
    if mode == "password":
        from keyring.backends.fail import Keyring

        keystore = keys.KeyStore(backend=Keyring())
    else:
        keystore = keys.KeyStore()  # what the app picks by itself
        if not keystore.secure:
            raise SystemExit(f"no secure keyring in this session: {keystore.backend!r}")
    session = shell_app.make_session(prefs, keystore=keystore, device_name="bench")
    shell = shell_app.Shell(prefs, session=session, log_dir=prefs.log_folder)
    ready: list[float] = []
    shell.ready.connect(lambda: ready.append(time.time()))
    shell.start()
    until(lambda: shell.dialog is not None or bool(ready))
    asked = time.time()
    if not ready:
        if mode != "password":
            raise SystemExit("the keyring held the key, yet the password was asked")
        shell.dialog.password.setText(PASSWORD)
        shell.dialog.submit()
    until(lambda: bool(ready))
    unlocked = time.time()
    window = shell.window
    until(lambda: window.status.last_sync.text() != "")  # the status bar has its figures
    window.repaint()
    app.processEvents()
    usable = time.time()
    rss = rss_mb()
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = used.ru_utime + used.ru_stime  # what the start costs this process, whatever the machine's load
    # the password's key derivation alone (Argon2id, 256 MiB: slow on purpose), timed again here
    kdf_started = time.perf_counter()
    if mode == "password":
        keys.load_key(prefs.replica_path, PASSWORD, store=session.keystore)
    kdf = time.perf_counter() - kdf_started
    backend = type(session.keystore.backend)
    print(json.dumps({"to_usable_s": round(usable - started_at, 3), "cpu_s": round(cpu, 3),
                      "keyring": f"{backend.__module__}.{backend.__name__}",
                      "to_password_prompt_s": round(asked - started_at, 3),
                      "unlock_s": round(unlocked - asked, 3), "kdf_s": round(kdf, 3),
                      "after_unlock_to_usable_s": round(usable - unlocked, 3), "rss_mb": round(rss, 1)}))
    shell.close()


def keyring_setup_child(data_dir: str) -> None:
    """Inside the keyring session: the replica's key (opened with the password) stored in the OS keyring,
    as the app does at a first sign-in where a secure keyring exists."""
    from keyring.backends.fail import Keyring

    from sfa_desktop.local_db import keys
    from sfa_desktop.ui.preferences import Preferences

    path = Preferences.load(Path(data_dir)).replica_path
    key = keys.load_key(path, PASSWORD, store=keys.KeyStore(backend=Keyring()))
    store = keys.KeyStore()
    if not (store.secure and store.put(path, key)):
        raise SystemExit(f"the keyring did not take the key: {store.backend!r}")
    print(json.dumps({"keyring": type(store.backend).__name__}))


def keyring_session(home: Path, *args: str) -> list[str]:
    """argv running this script inside a private D-Bus session with gnome-keyring's Secret Service
    unlocked (as at a desktop login); the child's start time is taken just before it is exec'd, so the
    session's own start-up (which a desktop does at login) is not counted."""
    (home / "run").mkdir(parents=True, mode=0o700, exist_ok=True)
    script = (f"printf %s {PASSWORD!r} | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
              f"exec {sys.executable} {__file__} {' '.join(args)} $(date +%s.%N)")
    return ["dbus-run-session", "--", "sh", "-c", script]


def keyring_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_RUNTIME_DIR=str(home / "run"),
               QT_QPA_PLATFORM="offscreen")
    return env


def reference_child(started_at: float) -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(["reference"])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    window.repaint()
    app.processEvents()
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"to_usable_s": round(time.time() - started_at, 3), "rss_mb": round(rss_mb(), 1),
                      "cpu_s": round(used.ru_utime + used.ru_stime, 3)}))


def spawn(*args: str, keyring_home: Path | None = None) -> dict[str, float]:
    if keyring_home is not None:
        argv, env = keyring_session(keyring_home, *args), keyring_env(keyring_home)
    else:
        argv, env = [sys.executable, __file__, *args, repr(time.time())], {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def compile_bytecode() -> None:
    """The app's modules compiled to bytecode, as an installed app has them (pip compiles at install,
    PyInstaller bundles .pyc); an editable checkout under PYTHONDONTWRITEBYTECODE=1 would otherwise
    compile every module at every start."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sfa_desktop")], check=True)


def summary(starts: list[dict]) -> dict[str, object]:
    out: dict[str, object] = {"to_usable_s_median": statistics.median(s["to_usable_s"] for s in starts),
                              "runs_s": [s["to_usable_s"] for s in starts], "keyring": starts[0]["keyring"]}
    for key in ("cpu_s", "to_password_prompt_s", "unlock_s", "kdf_s", "after_unlock_to_usable_s", "rss_mb"):
        out[f"{key}_median"] = statistics.median(s[key] for s in starts)
    out["to_usable_without_kdf_s_median"] = statistics.median(s["to_usable_s"] - s["kdf_s"] for s in starts)
    return out


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--cold-child":
        cold_start_child(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--keyring-setup":
        keyring_setup_child(sys.argv[2])
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--reference-child":
        reference_child(float(sys.argv[2]))
        return 0
    from bench_sync import ServerProcess

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=None, help="where the large server database is kept")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-only", action="store_true", help="only the cold starts, on the replica a "
                        "previous run left in --workdir")
    parser.add_argument("--no-bytecode", action="store_true", help="do not compile the app's modules first "
                        "(each start then compiles them, as an editable checkout without .pyc does)")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sfa-bench-ui-"))
    workdir.mkdir(parents=True, exist_ok=True)
    server_db = workdir / "server-large.db"
    if not server_db.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_sync.py"), "--prepare",
                        f"sqlite:///{server_db}.tmp", "--size", "large"], check=True, cwd=ROOT)
        shutil.move(f"{server_db}.tmp", server_db)
    data_dir = workdir / "app"
    results: dict[str, object] = {}
    if not (args.cold_only and (data_dir / "replica.sfadb").exists()):
        shutil.rmtree(data_dir, ignore_errors=True)
        server = ServerProcess(f"sqlite:///{server_db}")
        try:
            results = first_sync_and_typing(data_dir, server.url)
        finally:
            server.stop()  # the cold starts are offline, as an agent's morning at a client's site
    if not args.no_bytecode:
        compile_bytecode()
    results["bytecode"] = "none (compiled at each start)" if args.no_bytecode else "compiled, as installed"
    if shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"):
        home = workdir / "keyring-home"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir()
        spawn("--keyring-setup", str(data_dir), keyring_home=home)
        silent = [spawn("--cold-child", str(data_dir), "keyring", keyring_home=home) for _ in range(args.runs)]
        results["cold_start_silent_keyring"] = summary(silent)
    else:
        results["cold_start_silent_keyring"] = "not measured: apt-get install gnome-keyring dbus"
    starts = [spawn("--cold-child", str(data_dir), "password") for _ in range(args.runs)]
    results["cold_start_password"] = summary(starts)
    refs = [spawn("--reference-child") for _ in range(args.runs)]
    results["reference_bare_qt_window_s_median"] = statistics.median(r["to_usable_s"] for r in refs)
    results["reference_rss_mb_median"] = statistics.median(r["rss_mb"] for r in refs)
    results["reference_cpu_s_median"] = statistics.median(r["cpu_s"] for r in refs)
    results["load_average"] = os.getloadavg()
    results["replica_mb"] = round((data_dir / "replica.sfadb").stat().st_size / 1e6, 1)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
