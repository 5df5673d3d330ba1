"""Demo data: the example journeys and a year of realistic responses."""

from vocsvc.demo.generate import run_demo

__all__ = ["run_demo"]
