"""Start and stop the Rasa NLU server as a subprocess, for tests, dev runs and evaluation.

The command is the one production runs (Procfile `nlu` line), bound to loopback on a free
port. "Ready" means `GET /` answers and `GET /status` names the loaded model: Rasa answers
`/` a few seconds before the model has finished loading.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from nlu.errors import NluServerError

REPO = Path(__file__).resolve().parents[1]
RASA_BIN = REPO / ".venv-rasa" / "bin" / "rasa"
MODELS = REPO / "nlu" / "models"
SETUP_HINT = "run scripts/setup-nlu to build .venv-rasa and train the model"


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on the host right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def model_available(models: Path = MODELS) -> bool:
    """Return whether a trained model archive exists in the models directory."""
    return models.is_dir() and any(models.glob("*.tar.gz"))


def missing_reason(rasa_bin: Path = RASA_BIN, models: Path = MODELS) -> str | None:
    """Return why the server cannot be started here, or None when it can."""
    if not os.access(rasa_bin, os.X_OK):
        return f"{rasa_bin} is missing; {SETUP_HINT}"
    if not model_available(models):
        return f"no trained model in {models}; {SETUP_HINT}"
    return None


def server_command(port: int, host: str = "127.0.0.1", rasa_bin: Path = RASA_BIN,
                   models: Path = MODELS) -> list[str]:  # fmt: skip
    """Return the command line that serves the model over HTTP."""
    return [str(rasa_bin), "run", "--enable-api", "-m", str(models), "--port", str(port),
            "-i", host]  # fmt: skip


def wait_until_ready(url: str, timeout: float = 120.0,
                     process: subprocess.Popen[bytes] | None = None) -> None:  # fmt: skip
    """Block until the server at url has loaded its model; raise NluServerError on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise NluServerError(f"the Rasa server exited with code {process.returncode}")
        try:
            if requests.get(f"{url}/", timeout=2).ok and requests.get(
                f"{url}/status", timeout=2
            ).json().get("model_file"):
                return
        except (requests.RequestException, ValueError):
            pass  # not listening yet, or still loading the model (409)
        time.sleep(0.25)
    raise NluServerError(f"the Rasa server at {url} was not ready within {timeout:.0f} s")


class RasaServer:
    """A Rasa server process started by `start_server`."""

    def __init__(self, url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.url = url
        self.process = process
        self.log_path = log_path

    def running(self) -> bool:
        """Return whether the process is still alive."""
        return self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it lingers) and its child processes."""
        if not self.running():
            return
        # start_server put Rasa in its own process group, so this reaches only its children
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)

    def log_tail(self, lines: int = 20) -> str:
        """Return the last lines the server wrote, to explain a failure."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_server(port: int | None = None, host: str = "127.0.0.1", timeout: float = 120.0,
                 rasa_bin: Path = RASA_BIN, models: Path = MODELS,
                 log_path: Path | None = None) -> RasaServer:  # fmt: skip
    """Start `rasa run --enable-api` on a free port and wait until its model is loaded."""
    reason = missing_reason(rasa_bin, models)
    if reason:
        raise NluServerError(reason)
    port = port or free_port(host)
    if log_path is None:
        handle, name = tempfile.mkstemp(prefix="rasa-", suffix=".log")
        os.close(handle)
        log_path = Path(name)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            server_command(port, host, rasa_bin, models),
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = RasaServer(f"http://{host}:{port}", process, log_path)
    try:
        wait_until_ready(server.url, timeout, process)
    except NluServerError as exc:
        server.stop()
        raise NluServerError(
            f"{exc}; its log ({log_path}) ends with:\n{server.log_tail()}"
        ) from None
    return server


@contextmanager
def running_server(port: int | None = None, timeout: float = 120.0,
                   models: Path = MODELS) -> Iterator[RasaServer]:  # fmt: skip
    """Run a Rasa server on loopback for the duration of a with-block."""
    server = start_server(port, timeout=timeout, models=models)
    try:
        yield server
    finally:
        server.stop()
