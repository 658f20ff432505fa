"""``python green_eventlet.py PORT``: green_async's app under eventlet's WSGI server, patched
before anything else is imported, as eventlet requires."""

import eventlet

eventlet.monkey_patch()

import sys  # noqa: E402

from eventlet import wsgi  # noqa: E402
from green_async import app  # noqa: E402

wsgi.server(eventlet.listen(("127.0.0.1", int(sys.argv[1]))), app, log_output=False)
