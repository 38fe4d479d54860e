"""Which endpoint URLs the site may call, checked when entered and again when connecting."""

import asyncio

import httpx
import pytest

from evaluations.endpoints.safety import (
    MESSAGES,
    GuardedTransport,
    UnsafeEndpointError,
    check_address,
    check_base_url,
    refusal_of,
    validate_endpoint_url,
    validate_endpoint_url_sync,
)
from tests.endpoints.fake_openai import API_KEY


def code_of(url: str, *, allow_private: bool = False, resolver=None) -> str | None:
    try:
        validate_endpoint_url_sync(url, allow_private=allow_private, resolver=resolver)
    except UnsafeEndpointError as error:
        return error.code
    return None


def public(host, port):
    return ["93.184.216.34"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://models.example.com/v1", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("gopher://models.example.com/", "scheme"),
        ("models.example.com/v1", "scheme"),
        ("https:///v1", "no_host"),
        ("https://user:pass@models.example.com/v1", "userinfo"),
        ("https://token@models.example.com/v1", "userinfo"),
        ("https://models.example.com/v1?key=abc", "query_or_fragment"),
        ("https://models.example.com/v1#x", "query_or_fragment"),
        ("http://[::1/v1", "malformed"),
        ("", "scheme"),
    ],
)
def test_only_plain_http_and_https_urls_with_a_host_are_accepted(url, code):
    assert code_of(url, resolver=public) == code


def test_a_good_url_comes_back_normalised_without_the_trailing_slash():
    assert validate_endpoint_url_sync(" https://Models.Example.com/v1/ ", allow_private=False,
                                      resolver=public) == "https://models.example.com/v1"  # fmt: skip


@pytest.mark.parametrize(
    "host",
    [
        "metadata.google.internal",
        "METADATA.Google.Internal.",
        "metadata",
        "instance-data.ec2.internal",
        "metadata.goog",
    ],
)
def test_cloud_metadata_host_names_are_refused_before_any_lookup(host):
    def resolver(host, port):  # a lookup would be a mistake: the name alone is enough
        raise AssertionError("resolved")

    assert code_of(f"http://{host}/computeMetadata/v1", resolver=resolver) == "metadata"


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("169.254.169.254", "metadata"),
        ("169.254.170.2", "metadata"),
        ("100.100.100.200", "metadata"),
        ("168.63.129.16", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("169.254.1.1", "link_local"),
        ("fe80::1", "link_local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        # IPv4 inside IPv6: mapped, NAT64, 6to4
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::a9fe:a9fe", "metadata"),
        ("2002:a9fe:a9fe::1", "metadata"),
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_addresses_refused_even_when_private_ones_are_allowed(address, code):
    for allow_private in (False, True):
        if code == "private" and allow_private:
            continue
        with pytest.raises(UnsafeEndpointError) as refused:
            check_address(address, allow_private=allow_private)
        assert refused.value.code == code


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.10", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("100.64.0.1", "private"),  # carrier NAT / VPN space
    ],
)
def test_loopback_and_private_addresses_need_the_setting(address, code):
    with pytest.raises(UnsafeEndpointError) as refused:
        check_address(address, allow_private=False)
    assert refused.value.code == code
    assert "ENDPOINT_ALLOW_PRIVATE" in refused.value.message
    check_address(address, allow_private=True)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    check_address(address, allow_private=False)


def test_ip_literals_in_urls_are_checked():
    assert code_of("http://169.254.169.254/latest/meta-data/") == "metadata"
    assert code_of("http://[fe80::1]:8000/v1") == "link_local"
    assert code_of("http://127.0.0.1:8000/v1") == "loopback"
    assert code_of("http://127.0.0.1:8000/v1", allow_private=True) is None
    assert code_of("http://[::ffff:a9fe:a9fe]/v1", allow_private=True) == "metadata"


def test_every_resolved_address_must_pass_not_just_the_first():
    def mixed(host, port):
        return ["93.184.216.34", "10.0.0.5"]

    assert code_of("https://models.example.com/v1", resolver=mixed) == "private"
    assert code_of("https://models.example.com/v1", resolver=mixed, allow_private=True) is None

    def to_metadata(host, port):
        return ["93.184.216.34", "169.254.169.254"]

    assert code_of("https://models.example.com/v1", resolver=to_metadata, allow_private=True) == (
        "metadata"
    )


def test_a_name_that_does_not_resolve_is_refused_with_its_own_code():
    error = None
    try:
        validate_endpoint_url_sync(
            "https://nothing.example/v1", allow_private=False, resolver=lambda h, p: []
        )
    except UnsafeEndpointError as caught:
        error = caught
    assert error.code == "unresolvable"
    assert "nothing.example" in error.message


def test_localhost_and_numeric_spellings_of_loopback_are_found_by_real_resolution():
    # The system resolver turns these into 127.0.0.1 without any DNS query.
    assert code_of("http://localhost:8000/v1") == "loopback"
    assert code_of("http://2130706433:8000/v1") == "loopback"
    assert code_of("http://0x7f000001:8000/v1") == "loopback"
    assert code_of("http://localhost:8000/v1", allow_private=True) is None


def test_the_async_check_agrees_with_the_sync_one():
    async def resolver(host, port):
        return ["10.0.0.5"]

    with pytest.raises(UnsafeEndpointError) as refused:
        asyncio.run(
            validate_endpoint_url("https://m.example/v1", allow_private=False, resolver=resolver)
        )
    assert refused.value.code == "private"
    assert (
        asyncio.run(
            validate_endpoint_url("https://m.example/v1/", allow_private=True, resolver=resolver)
        )
        == "https://m.example/v1"
    )


def test_every_code_has_english_text_and_the_error_fills_it_in():
    error = UnsafeEndpointError("loopback", host="localhost", address="127.0.0.1")
    assert error.message == MESSAGES["loopback"].format(host="localhost", address="127.0.0.1")
    assert "localhost" in error.message and "127.0.0.1" in error.message
    assert all(isinstance(text, str) and text for text in MESSAGES.values())


def test_base_url_check_alone_refuses_link_local_literals_but_leaves_private_to_the_setting():
    with pytest.raises(UnsafeEndpointError):
        check_base_url("http://169.254.169.254/")
    assert check_base_url("http://10.0.0.1:8000/v1") == "http://10.0.0.1:8000/v1"


# Connect time ---------------------------------------------------------------------------------


async def _get(url, *, allow_private, resolver=None):
    transport = GuardedTransport(allow_private=allow_private, resolver=resolver)
    async with httpx.AsyncClient(transport=transport) as client:
        return await client.get(url, headers={"Authorization": f"Bearer {API_KEY}"})


def test_the_transport_refuses_a_forbidden_address_at_connect_time(fake_openai):
    url = f"http://localhost:{fake_openai.port}/v1/models"
    with pytest.raises(httpx.ConnectError) as refused:
        asyncio.run(_get(url, allow_private=False))
    assert refusal_of(refused.value).code == "loopback"
    assert fake_openai.requests == 0
    response = asyncio.run(_get(url, allow_private=True))
    assert response.status_code == 200
    assert fake_openai.requests == 1


def test_dns_rebinding_between_the_check_and_the_call_is_refused(fake_openai):
    """The name first resolves to a public address (check passes), then to loopback."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    async def rebinding(host, port):
        return next(answers)

    async def scenario():
        url = f"http://rebind.example:{fake_openai.port}/v1"
        checked = await validate_endpoint_url(url, allow_private=False, resolver=rebinding)
        return await _get(f"{checked}/models", allow_private=False, resolver=rebinding)

    with pytest.raises(httpx.ConnectError) as refused:
        asyncio.run(scenario())
    assert refusal_of(refused.value).code == "loopback"
    assert fake_openai.requests == 0


def test_the_transport_connects_to_the_address_it_checked_not_a_new_lookup(fake_openai):
    """rebind.example exists only in our resolver: reaching the server proves the checked IP
    was used, and the Host header still names the original host."""
    seen = []

    async def resolver(host, port):
        seen.append(host)
        return ["127.0.0.1"]

    response = asyncio.run(
        _get(
            f"http://rebind.example:{fake_openai.port}/v1/models",
            allow_private=True,
            resolver=resolver,
        )
    )
    assert response.status_code == 200
    assert seen == ["rebind.example"]
    assert response.request.headers["host"] == f"rebind.example:{fake_openai.port}"


def test_proxies_from_the_environment_are_not_used(fake_openai, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    response = asyncio.run(_get(f"{fake_openai.url}/models", allow_private=True))
    assert response.status_code == 200


def self_signed_certificate(directory, host):
    """A certificate for ``host`` (its own CA), written as PEM files; returns their paths."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def test_over_https_the_certificate_is_checked_for_the_host_name_not_the_checked_address(
    tmp_path,
):
    """The transport connects to the address it checked, yet TLS verifies the certificate
    (and sends SNI) for the name in the URL: right name accepted, any other name refused."""
    import ssl

    from tests.endpoints.fake_openai import FakeOpenAI

    cert, key = self_signed_certificate(tmp_path, "models.endpoint.test")
    context = ssl.create_default_context(cafile=cert)

    async def resolver(host, port):
        return ["127.0.0.1"]

    async def get(url):
        transport = GuardedTransport(allow_private=True, resolver=resolver, ssl_context=context)
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.get(url, headers={"Authorization": f"Bearer {API_KEY}"})

    with FakeOpenAI(tls=(cert, key)) as server:
        response = asyncio.run(get(f"https://models.endpoint.test:{server.port}/v1/models"))
        assert response.status_code == 200
        with pytest.raises(httpx.ConnectError) as refused:
            asyncio.run(get(f"https://other.endpoint.test:{server.port}/v1/models"))
        assert "certificate" in str(refused.value).lower()
        assert server.requests == 1
