"""Browser-facing parts: the embeddable survey widget, hosted survey pages and the CX dashboard.

Kept import-light: `vocsvc.auth.dependencies` imports `vocsvc.web.session`, so the routers live in
`vocsvc.web.routes` and are installed by `vocsvc.app`.
"""
