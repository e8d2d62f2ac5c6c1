"""The production path, for real: gunicorn (gunicorn.conf.py) on a free loopback port with
DEBUG off, a real SECRET_KEY, HTTPS behind a proxy, a moved admin, collected static
files and a freshly migrated SQLite database holding one imported text. Fetches the home
page, a thread, a static file and the admin login; checks the security headers."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, **headers: str):
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **headers})
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "HTTPS": "1",
        "BEHIND_PROXY": "1",
        "ADMIN_URL": "gestion",
        "WEB_CONCURRENCY": "2",
        "PYTHONWARNINGS": "ignore",
    }
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["import_dump", str(SEEDS["001"]), "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=180
        )
    process = subprocess.Popen(
        [str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the workers go with it
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        with sqlite3.connect(tmp / "db.sqlite3") as db:
            slug = db.execute("select slug from threads_article limit 1").fetchone()[0]
        yield f"http://127.0.0.1:{port}", slug
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


SECURE = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front sets it


def test_pages_static_files_and_admin_login_with_security_headers(server):
    base, slug = server
    status, headers, body = fetch(f"{base}/", **SECURE)
    assert status == 200 and b"cmforum" in body
    stylesheet = body.decode().split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert stylesheet != "/static/css/cmforum.css"  # a hashed name, from the manifest
    for url in (f"/articles/{slug}/", stylesheet, "/gestion/login/"):
        status, headers, body = fetch(base + url, **SECURE)
        assert status == 200, url
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    status, headers, _ = fetch(base + stylesheet, **SECURE)
    assert "immutable" in headers["Cache-Control"]  # whitenoise, hashed name
    assert fetch(f"{base}/admin/login/", **SECURE)[0] == 404


def test_plain_http_is_redirected_to_https(server):
    base, _ = server
    status, headers, _ = fetch(f"{base}/comments/")
    assert status == 301 and headers["Location"] == "https://127.0.0.1/comments/"


def test_bad_requests_and_writes_get_4xx_pages(server):
    base, slug = server
    assert fetch(f"{base}/search/?q=%00", **SECURE)[0] == 400
    assert fetch(f"{base}/?q=" + "x" * 5000, **SECURE)[0] == 414
    assert fetch(f"{base}/nexiste-pas/", **SECURE)[0] == 404
    request = urllib.request.Request(
        f"{base}/articles/{slug}/feed/", data=b"x=1", method="POST",
        headers={"Host": "127.0.0.1", **SECURE},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=20)
    assert refused.value.code == 405
    status, _, body = fetch(f"{base}/nexiste-pas/", **SECURE)
    assert 'class="error-page"' in body.decode()


def test_no_start_without_a_real_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    result = subprocess.run(
        [str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env={**env, "DEBUG": "0", "WEB_CONCURRENCY": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is missing or weak" in result.stderr
