"""TLS with a certificate the client does not trust: the sync stops with the certificate message
(never falls back to plain HTTP or skips verification), and trusting the company CA works."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sfa_desktop.sync.errors import CertificateError, LoginFailedError
from sfa_desktop.sync.transport import Transport

DEVICE = "3f1c2a9e-0000-4000-8000-000000000001"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class _Login(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.dumps({"detail": "Wrong username or password.", "code": "bad_credentials"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_a: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = _self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Login)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", cert
    server.shutdown()
    server.server_close()


def test_an_untrusted_certificate_stops_with_the_certificate_message(tls_server: tuple[str, Path]) -> None:
    url, cert = tls_server
    transport = Transport(url, max_retries=0)
    with pytest.raises(CertificateError) as info:
        transport.login(username="ag01", password="a password", device_id=DEVICE, device_name="pc")
    assert "certificate" in info.value.user_message.lower()
    transport.close()
    trusting = Transport(url, ca_bundle=str(cert), max_retries=0)  # the company CA, configured
    with pytest.raises(LoginFailedError) as answered:  # the server answered through TLS
        trusting.login(username="ag01", password="a password", device_id=DEVICE, device_name="pc")
    assert not isinstance(answered.value, CertificateError)  # the TLS handshake passed; the server answered
    trusting.close()
