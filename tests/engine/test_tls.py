"""Certificates are verified by default; a CA the user trusts is honoured."""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine import protocol as p
from tests.engine.conftest import FAST
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess


def test_a_self_signed_certificate_is_refused_clearly(worker, tls_server, downloads) -> None:
    server, _cert = tls_server
    (download_id,) = worker.add([server.data_url(10_000, "secure.bin")], downloads)
    info = worker.wait_state(download_id, p.State.COMPLETED, p.State.FAILED)
    assert info.state is p.State.FAILED
    assert info.error_code == p.ErrorCode.TLS
    assert not (downloads / "secure.bin").exists()


def test_a_trusted_ca_is_accepted(home: Path, tls_server, downloads: Path) -> None:
    server, cert = tls_server
    worker = WorkerProcess(home, settings=FAST, env={"REQUESTS_CA_BUNDLE": str(cert)})
    try:
        (download_id,) = worker.add([server.data_url(300_000, "secure.bin")], downloads,
                                    connections=3)
        info = worker.wait_state(download_id, p.State.COMPLETED, p.State.FAILED)
    finally:
        worker.close()
    assert info.state is p.State.COMPLETED, info.error
    digest = hashlib.sha256((downloads / "secure.bin").read_bytes()).hexdigest()
    assert digest == sha256_of(300_000)
