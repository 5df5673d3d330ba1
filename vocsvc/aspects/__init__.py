"""Aspects per stage or touchpoint: what comments are about, how that changes."""
