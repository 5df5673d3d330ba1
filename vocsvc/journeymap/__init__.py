"""The journey map: analytics' weakest-stage ranking fed with the aspects' evidence."""
