"""How the OpenAPI schema describes partners' keys (drf-spectacular's extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "syndication.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner's key, as `Authorization: Bearer <key>` (or in "
            "`X-Api-Key`). Optional: without one, published content only.",
        }
