# The app Varnish sits in front of, for docker compose: gunicorn in the web service.
# Checked with the healthz probe of default.vcl, which includes this file.
backend web {
    .host = "web";
    .port = "8000";
    .probe = healthz;
}
