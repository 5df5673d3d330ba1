"""Hardening of the HTTP surface: rate limits, body limits, origins, security headers."""
