"""vocsvc: voice-of-customer measurement along customer journeys."""

__version__ = "0.1.0"
