"""The API behind the caching proxy, run for real (Varnish with deploy/varnish/)."""

import pytest

from tests.serving import get, varnish
from tests.test_proxy import StandIn

pytestmark = pytest.mark.proxy

API = "/api/v1/stories/"


@pytest.fixture(scope="module")
def standin():
    backend = StandIn()
    # As the API answers anonymous callers: public, varying by Accept and by key.
    backend.page(API, '{"results": []}', keys="api all")
    status, headers, content, gate = backend.pages[API]
    headers["Vary"] = "Accept, Authorization, X-Api-Key"
    yield backend
    backend.stop()


@pytest.fixture(scope="module")
def public(standin, tmp_path_factory):
    with varnish(standin.base, tmp_path_factory.mktemp("api-varnish")) as (public, _):
        yield public


def test_a_keyed_request_is_never_served_from_the_cache_nor_kept(public, standin):
    assert get(public + API)[1]["X-Proxy-Cache"] == "MISS"
    assert get(public + API)[1]["X-Proxy-Cache"] == "HIT"

    for headers in [{"Authorization": "Bearer nrk_partner"}, {"X-Api-Key": "nrk_partner"}]:
        for _ in range(2):
            assert get(public + API, headers)[1]["X-Proxy-Cache"] == "PASS"
    keyed = [asked for asked in standin.asked_for(API) if "nrk_partner" in str(asked.headers)]
    assert len(keyed) == 4


def test_any_spelling_of_accept_shares_one_copy_and_ninjs_has_its_own(public, standin):
    get(public + API, {"Accept": "application/json"})
    for accept in ["*/*", "application/json, text/plain", "text/html"]:
        assert get(public + API, {"Accept": accept})[1]["X-Proxy-Cache"] == "HIT", accept

    ninjs = {"Accept": "application/ninjs+json"}
    assert get(public + API, ninjs)[1]["X-Proxy-Cache"] == "MISS"
    assert get(public + API, ninjs)[1]["X-Proxy-Cache"] == "HIT"
    assert standin.asked_for(API)[-1].headers["Accept"] == "application/ninjs+json"
