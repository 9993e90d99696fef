"""Security headers Django does not set itself.

Content-Security-Policy comes from django-csp, Referrer-Policy, X-Content-Type-Options and
Cross-Origin-Opener-Policy from Django's SecurityMiddleware (config/settings.py); this adds
Permissions-Policy: the browser features no page of the portal uses (camera, microphone…) are
refused to every page, and to any script that an injection might slip in.
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
