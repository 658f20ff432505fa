"""The app the server tests run: a signed session, a streamed response and a file download,
built by a factory (``gunicorn 'demo:create_app()'``, ``flagon --app 'demo:create_app()' run``)."""

from __future__ import annotations

import os
import re
import time

from flagon import Flagon, request, send_file, session

#: Where the streaming view waits for the test's go-ahead (a file named after a token).
GATE_DIR_ENV = "DEMO_GATE_DIR"


def _wait_for_gate(token: str, timeout: float = 10.0) -> bool:
    """Whether the file ``token`` appeared in the gate folder before ``timeout`` seconds."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", token):
        return False
    path = os.path.join(os.environ[GATE_DIR_ENV], token)
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def create_app(secret_key: str = "integration-tests-only") -> Flagon:
    app = Flagon(__name__)
    app.config["SECRET_KEY"] = secret_key

    @app.route("/")
    def index() -> str:
        return "demo"

    @app.post("/session")
    def store() -> str:
        session["x"] = request.form["x"]
        return "stored"

    @app.get("/session")
    def show() -> dict:
        # A little wait keeps a worker busy, so that concurrent requests spread over workers.
        time.sleep(float(request.args.get("wait", "0")))
        return {"x": session.get("x"), "pid": os.getpid()}

    @app.route("/stream/<token>")
    def stream(token: str):
        def generate():
            yield "first chunk\n"
            # The rest only once the client has read the first chunk: proof it was not buffered.
            yield "released\n" if _wait_for_gate(token) else "gate timed out\n"
            for n in range(3):
                yield f"chunk {n}\n"

        return app.response_class(generate(), mimetype="text/plain")

    @app.route("/download")
    def download():
        path = os.path.join(app.root_path, "numbers.txt")
        return send_file(path, as_attachment=True, download_name="numbers.txt")

    return app
