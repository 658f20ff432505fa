"""A small app for malformed requests over real sockets: it reads forms, JSON, uploads and
raw bodies, serves a file with ranges, and records every body it accepted in a file
(``BAD_INPUT_RECORD``), so a test can tell that nothing was written."""

import os
from pathlib import Path

from flagon import Flagon, request, send_file

app = Flagon(__name__)
app.config["TRUSTED_HOSTS"] = ["127.0.0.1", "localhost"]
RECORD = Path(os.environ.get("BAD_INPUT_RECORD", "accepted.txt"))
FILE = Path(__file__).with_name("demo") / "numbers.txt"


def _accept(what: str) -> str:
    with RECORD.open("a") as record:
        record.write(what + "\n")
    return "accepted"


@app.post("/form")
def form():
    return _accept(request.form.get("body", ""))


@app.post("/json")
def json_body():
    return _accept(repr(request.get_json()))


@app.post("/upload")
def upload():
    return _accept(request.files["file"].filename or "")


@app.post("/raw")
def raw():
    return _accept(str(len(request.get_data())))


@app.get("/file")
def file():
    return send_file(FILE)
