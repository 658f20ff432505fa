"""deploy/ as shipped: the tools it is written for accept every file."""

from __future__ import annotations

import os
import runpy
import sys

import pytest
from forum_servers import DEPLOY, REPO, require_program, run

pytestmark = pytest.mark.slow


def test_gunicorn_serves_the_factory_on_loopback_with_several_workers(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["wsgi_app"] == "bbs:create_app()"
    assert all(address.startswith("127.0.0.1:") for address in settings["bind"])
    assert settings["workers"] >= 3
    assert settings["forwarded_allow_ips"] == ""  # the app's ProxyFix decides, alone


def test_the_nginx_site_is_valid(tmp_path):
    """deploy/nginx/bbs.conf, with a throwaway certificate and logs in a temporary folder,
    passes ``nginx -t``."""
    nginx = require_program("nginx", "nginx")
    openssl = require_program("openssl", "openssl")
    run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=forum.example.org",
            "-keyout",
            str(tmp_path / "privkey.pem"),
            "-out",
            str(tmp_path / "fullchain.pem"),
        ]
    )
    site = (DEPLOY / "nginx" / "bbs.conf").read_text()
    for shipped, here in [
        ("/etc/letsencrypt/live/forum.example.org/", f"{tmp_path}/"),
        ("/etc/nginx/snippets/bbs-proxy.conf", str(DEPLOY / "nginx" / "bbs-proxy.conf")),
        ("/var/log/nginx/", f"{tmp_path}/"),
    ]:
        assert shipped in site
        site = site.replace(shipped, here)
    (tmp_path / "bbs.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n    include {tmp_path}/bbs.conf;\n}}\n"
    )
    result = run(
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            str(tmp_path / "error.log"),
        ]
    )
    assert "test is successful" in result.stderr


def test_the_systemd_unit_is_valid(tmp_path):
    analyze = require_program("systemd-analyze", "systemd")
    unit = (DEPLOY / "bbs.service").read_text()
    assert "ExecStart=/srv/bbs/.venv/bin/gunicorn --config /srv/bbs/deploy/gunicorn.conf.py" in unit
    assert "Environment=BBS_PROXY_FIX=1" in unit and "User=bbs" in unit
    # Where this checkout's programs are, so that systemd finds the executable.
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    unit = unit.replace("/srv/bbs/.venv/bin/gunicorn", gunicorn).replace("/srv/bbs", str(REPO))
    (tmp_path / "bbs.service").write_text(unit)
    result = run([analyze, "verify", "--man=no", str(tmp_path / "bbs.service")])
    assert result.stdout + result.stderr == ""


def test_the_mail_worker_unit_is_valid(tmp_path):
    analyze = require_program("systemd-analyze", "systemd")
    unit = (DEPLOY / "bbs-mail.service").read_text()
    assert "ExecStart=/srv/bbs/.venv/bin/flagon --app bbs mail-worker" in unit
    assert "EnvironmentFile=/etc/bbs/bbs.env" in unit and "User=bbs" in unit
    flagon = os.path.join(os.path.dirname(sys.executable), "flagon")
    unit = unit.replace("/srv/bbs/.venv/bin/flagon", flagon).replace("/srv/bbs", str(REPO))
    (tmp_path / "bbs-mail.service").write_text(unit)
    result = run([analyze, "verify", "--man=no", str(tmp_path / "bbs-mail.service")])
    assert result.stdout + result.stderr == ""


def test_the_database_script_needs_both_passwords(postgres):
    result = postgres.cluster.psql("--file", str(DEPLOY / "postgresql.sql"))
    assert "Set the passwords" in result.stderr
    listed = postgres.cluster.psql(
        "--tuples-only", "--command", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bbs_%'"
    )
    assert listed.stdout.split() == ["2"]  # the two made at setup, nothing more
