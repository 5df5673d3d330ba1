"""Browser-facing parts: the embeddable survey widget, hosted survey pages and the CX dashboard.

The routers live in `vocsvc.web.routes` and are installed by `vocsvc.app`.
"""
