"""What one installation keeps about itself: its secrets and the zone its rollup was counted in."""
