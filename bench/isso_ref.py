"""Isso on the same thread, for the thread-page reference (run with Isso's own Python).

    /tmp/isso-venv/bin/python bench/isso_ref.py THREAD.json REQUESTS

THREAD.json is [{"author", "text", "parent" (index or null), "created"}, ...] in source
order. The thread is stored twice in a fresh Isso SQLite database: nested (Isso keeps one
level of replies: a reply's parent becomes its root) and flat (every comment a root). Then
Isso's comment API (GET /?uri=…) is timed through werkzeug's test client, in process, as
cmforum's page is through Django's. Prints one JSON line: {"nested": [s, ...], "flat": [...]}.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from isso import config, make_app
from isso.db import SQLite3
from werkzeug.test import Client


def main() -> None:
    comments = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    requests = int(sys.argv[2])
    workdir = Path(tempfile.mkdtemp(prefix="bench-isso-"))
    conf = config.load(config.default_file())
    conf.set("general", "dbpath", str(workdir / "isso.db"))
    conf.set("general", "host", "http://127.0.0.1:9/")  # nothing listens: no site check wait
    conf.set("moderation", "enabled", "false")
    db = SQLite3(str(workdir / "isso.db"), conf)
    for uri in ("/nested", "/flat"):
        db.threads.new(uri, uri)
        ids: list[int] = []
        for c in comments:
            parent = ids[c["parent"]] if uri == "/nested" and c["parent"] is not None else None
            row = db.comments.add(
                uri,
                {
                    "parent": parent, "created": c["created"], "mode": 1,
                    "remote_addr": "127.0.0.1", "text": c["text"], "author": c["author"],
                    "email": None, "website": None, "notification": 0,
                },
            )  # fmt: skip
            ids.append(row["id"])
    app = make_app(conf)  # opens the same database file
    client = Client(app)
    out: dict[str, list[float]] = {}
    for uri in ("/nested", "/flat"):
        client.get(f"/?uri={uri}")  # warm
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(f"/?uri={uri}")
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        out[uri.strip("/")] = timings
    print(json.dumps(out))


if __name__ == "__main__":
    main()
