"""How answers get in: one pipeline for customers' answers and bulk imports (see pipeline.py)."""
