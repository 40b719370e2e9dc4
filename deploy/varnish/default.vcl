vcl 4.1;

# The caching proxy in front of gunicorn: Varnish with the xkey vmod (varnish-modules),
# the same file in docker compose, the tests and `make bench`. Each names its own
# backend in backend.vcl, found on varnishd's vcl_path.
#
# varnishd's listeners (-a NAME=address) say who reaches them:
#   lb      readers, through a TLS load balancer that sets X-Forwarded-Proto itself,
#           overwriting any a client sent (compose);
#   readers readers directly, over plain HTTP: a client's X-Forwarded-Proto is ignored;
#   purge   the app's purges (PURGE with xkey-purge: k1 k2 ...), never published.

import cookie;
import std;
import xkey;

# Whether the app can answer: /healthz checks the database and that pages render.
# Asked for localhost, which the app must allow (compose adds it to ALLOWED_HOSTS):
# a backend that never answers 200 here gets no requests at all.
probe healthz {
    .request =
        "GET /healthz HTTP/1.1"
        "Host: localhost"
        "User-Agent: Varnish health probe"
        "Connection: close";
    .interval = 3s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
}

include "backend.vcl";

# Who may purge, on the purge listener: the host and private networks (compose's).
acl purgers {
    "127.0.0.0"/8;
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
    "fc00::"/7;
}

sub vcl_recv {
    if (local.socket == "purge") {
        call purge_by_key;
    }
    if (req.method == "PURGE") {
        return (synth(405, "Purges go to the purge listener"));
    }
    # Set on our own restart (vcl_synth), never taken from a client.
    if (req.restarts == 0) {
        unset req.http.X-Stale-If-Error;
        # Every request's own id, as gunicorn logs it (the app keeps a sane one).
        set req.http.X-Request-ID = "v" + req.xid + "-" +
            std.integer(real = std.random(0, 999999999), fallback = 0);
    }
    unset req.http.X-Proxy-Cache;
    unset req.http.X-Plain-Copy;

    # The scheme readers used, which the app trusts for its redirect to HTTPS and its
    # secure cookies; pages are kept per scheme.
    if (local.socket == "lb" && req.http.X-Forwarded-Proto ~ "^(?i)https?$") {
        set req.http.X-Forwarded-Proto = req.http.X-Forwarded-Proto.lower();
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }
    # Host is passed on as readers sent it, port included, for the app's redirects and
    # links (ALLOWED_HOSTS refuses other hosts); pages are kept per host.
    if (req.http.Host ~ "[[:upper:]]") {
        set req.http.Host = req.http.Host.lower();
    }
    if (!req.http.Host && req.proto == "HTTP/1.1") {
        return (synth(400, "No Host"));
    }
    # X-Forwarded-For: varnishd appends the client's address itself.

    # A stale copy is served only while the app cannot answer (see vcl_synth): when it
    # is healthy, an expired or purged page is fetched before it is served, so a story
    # withdrawn and purged answers 410 at once. Readers missing one page meanwhile
    # wait for that one fetch (the waiting list) rather than each asking the app.
    if (std.healthy(req.backend_hint) && !req.http.X-Stale-If-Error) {
        set req.grace = 0s;
    } else {
        # As long as each copy's own grace (its stale-if-error).
        set req.grace = 1y;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        # Uploads (30 MB at most) are read whole before gunicorn sees them, however
        # slow the sender. One said to be larger is refused before it is read.
        if (std.integer(req.http.Content-Length, 0) > 31457280 ||
            !std.cache_req_body(30MB)) {
            return (synth(413, "Request body too large"));
        }
        return (pass);
    }
    if (req.url ~ "^/healthz(\?|$)") {
        return (pass);
    }
    # A partner's API key: what it may read (embargoed stories) is never kept here,
    # and a kept copy made for readers is never given in its place.
    if (req.http.Authorization || req.http.X-Api-Key) {
        return (pass);
    }
    # The API answers JSON, or ninjs when asked: one copy of each, not one per
    # spelling of Accept.
    if (req.url ~ "^/api/") {
        if (req.http.Accept ~ "(?i)application/ninjs\+json") {
            set req.http.Accept = "application/ninjs+json";
        } else {
            set req.http.Accept = "application/json";
        }
    }
    # Signed-in people (Django's session cookie) always reach the app, with all their
    # cookies, and what they get is never kept.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Anyone else is a reader: pages do not depend on their cookies (the app keeps no
    # page that sets or varies on one), so analytics cookies are dropped rather than
    # passed or kept per value. csrftoken stays for the admin's sign-in form, which
    # reuses it, and never reaches a kept page.
    if (req.http.Cookie) {
        cookie.parse(req.http.Cookie);
        cookie.keep("csrftoken");
        set req.http.Cookie = cookie.get_string();
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    # Readers who take gzip, whatever words their browser uses, and the others each
    # have their copy of a page, both made by the app, which compresses a page once
    # when it keeps it: nothing is zipped or unzipped here on each request.
    if (req.http.Accept-Encoding ~ "(?i)(^|,)\s*gzip\s*(,|;|$)" &&
        req.http.Accept-Encoding !~ "(?i)(^|,)\s*gzip\s*;\s*q\s*=\s*0(\.0*)?\s*(,|$)") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
        set req.http.X-Plain-Copy = "1";
    }
    return (hash);
}

sub purge_by_key {
    if (req.method != "PURGE") {
        return (synth(405, "This listener only purges"));
    }
    if (client.ip !~ purgers) {
        return (synth(403, "Forbidden"));
    }
    if (!req.http.xkey-purge) {
        return (synth(400, "Name the keys to purge in xkey-purge"));
    }
    # A soft purge: the copies are expired, not dropped. While the app answers, they
    # are never served again (req.grace is 0 then); if it fails or is down, readers
    # still get the last good copy rather than an error.
    set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
    return (synth(200, "Purged " + req.http.X-Purged));
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    hash_data(req.http.X-Forwarded-Proto);
    if (req.http.X-Plain-Copy) {
        hash_data("plain");
    }
    return (lookup);
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        set req.http.X-Proxy-Cache = "HIT";
    } else {
        set req.http.X-Proxy-Cache = "STALE";
    }
}

sub vcl_miss {
    set req.http.X-Proxy-Cache = "MISS";
}

sub vcl_pass {
    set req.http.X-Proxy-Cache = "PASS";
}

sub vcl_backend_fetch {
    if (bereq.http.X-Plain-Copy) {
        # varnishd asks for gzip when it fetches a page to keep.
        unset bereq.http.Accept-Encoding;
    }
    unset bereq.http.X-Plain-Copy;
    unset bereq.http.X-Proxy-Cache;
    unset bereq.http.X-Stale-If-Error;
}

sub vcl_backend_response {
    # The app failing while a last good copy is kept (a background refresh, or a fetch
    # that varnishd made conditional on that copy's ETag or Last-Modified): keep the
    # copy, and the reader is given it (vcl_synth).
    if (beresp.status >= 500 && (bereq.is_bgfetch ||
        bereq.http.If-None-Match || bereq.http.If-Modified-Since)) {
        return (abandon);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Kept only as long as the app says (s-maxage, else max-age or Expires), and never
    # what it says to keep private, sets a cookie, varies by cookie or errs. Readers
    # asking for such a page in the next 10 s each go to the app, without waiting on
    # one another (hit-for-miss), and any answer that may be kept is kept again.
    if (beresp.status >= 500 ||
        beresp.ttl <= 0s ||
        !(beresp.http.Cache-Control ~ "(?i)max-age=[0-9]" || beresp.http.Expires) ||
        beresp.http.Cache-Control ~ "(?i)(private|no-cache|no-store)" ||
        beresp.http.Set-Cookie ||
        beresp.http.Vary ~ "(?i)(^|,)\s*(\*|cookie)\s*(,|$)") {
        set beresp.ttl = 10s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # How long a copy may stand in for the app when it fails (stale-if-error).
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-if-error=([0-9]+).*$", "\1s"),
            beresp.grace);
    }
    return (deliver);
}

sub vcl_backend_error {
    # The app unreachable while a last good copy is kept: as above.
    if (bereq.is_bgfetch || bereq.http.If-None-Match || bereq.http.If-Modified-Since) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (req.http.X-Proxy-Cache) {
        set resp.http.X-Proxy-Cache = req.http.X-Proxy-Cache;
    }
    set resp.http.X-Request-ID = req.http.X-Request-ID;
    # Surrogate keys are for the caches; this is the last one readers pass.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
}

sub vcl_synth {
    # A fetch abandoned above: serve the last good copy, looked up again with its
    # whole grace (stale-if-error).
    if (resp.status == 503 && req.http.X-Proxy-Cache == "MISS" && req.restarts == 0) {
        set req.http.X-Stale-If-Error = "1";
        return (restart);
    }
    if (req.http.X-Purged) {
        set resp.http.X-Purged = req.http.X-Purged;
    }
    if (resp.status == 413) {
        # Answered at once, without reading what is left of the body.
        set resp.http.Connection = "close";
    }
    unset resp.http.X-Varnish;
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = "" + resp.status + " " + resp.reason + {"
"};
    return (deliver);
}
