"""The daily rollups every common read uses, kept exact by every write."""
