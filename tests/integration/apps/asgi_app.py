"""One app for the ASGI servers: sync and async views, a body, a stream and the lifespan."""

from __future__ import annotations

import asyncio
import os
import threading

from flagon import Flagon, Response, abort, g, request, session, websocket

app = Flagon(__name__)
app.secret_key = "a key for the ASGI server tests"
started = threading.Event()
released = threading.Event()


@app.before_serving
async def note_start():
    await asyncio.sleep(0)
    started.set()


@app.after_serving
def note_stop():
    stopped = os.environ.get("STOPPED_FILE")
    if stopped:
        with open(stopped, "w") as out:
            out.write("stopped")


@app.get("/")
def hello():
    return "Hello, World!"


@app.get("/async")
async def slow_hello():
    await asyncio.sleep(0.01)
    g.seen = request.args.get("name", "nobody")
    return f"async hello {g.seen} (started: {started.is_set()})"


@app.post("/echo")
def echo():
    return Response(request.get_data(), mimetype="application/octet-stream")


@app.post("/form")
async def form():
    return f"{request.form['name']}: {len(request.files['upload'].read())} bytes"


@app.get("/wait")
def wait():
    """Blocks its thread until /release is called: the other requests go on meanwhile."""
    return "released" if released.wait(10) else "timed out"


@app.get("/release")
async def release():
    released.set()
    return "done"


@app.get("/events")
def events():
    def ticks():
        for n in range(3):
            yield f"data: tick {n}\n\n"

    return Response(ticks(), mimetype="text/event-stream")


@app.post("/login")
def login():
    session["name"] = request.form["name"]
    return "logged in"


@app.before_websocket
def members_only():
    if "name" not in session:
        abort(401)


@app.websocket("/chat")
async def chat():
    await websocket.accept(subprotocol="chat.v1" if "chat.v1" in websocket.subprotocols else None)
    await websocket.send(f"welcome {session['name']}")
    while True:
        message = await websocket.receive()
        await websocket.send(f"{session['name']}: {message}")
