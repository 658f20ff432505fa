"""An app whose async view waits, so that overlapping requests meet inside the event loop
(``green_eventlet.py`` serves it with eventlet's own WSGI server)."""

import asyncio

from flagon import Flagon, g, request

app = Flagon(__name__)


@app.before_request
def remember_who_asked():
    g.asked = request.args.get("n")


@app.route("/wait")
async def wait():
    await asyncio.sleep(0.02)
    return {"n": request.args.get("n"), "g": g.asked}
