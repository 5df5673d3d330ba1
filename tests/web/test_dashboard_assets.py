"""The dashboard's chart library is served from the package, pinned, never from a CDN."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from vocsvc.analytics.palette import SIDE_COLOURS, STAGE_PALETTE, stage_colour
from vocsvc.config import REPO_ROOT
from vocsvc.web.templating import WEB_DIR

Headers = dict[str, dict[str, str]]


def test_echarts_is_served_from_the_package_at_the_locked_version(client: TestClient) -> None:
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/echarts"]["version"]
    assert (
        json.loads((REPO_ROOT / "package.json").read_text())["dependencies"]["echarts"] == version
    )
    reply = client.get("/static/vendor/echarts.min.js")
    assert reply.status_code == 200
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert f'"{version}"' in reply.text  # the build says its own version


def test_the_dashboard_loads_no_script_from_another_origin() -> None:
    page = (WEB_DIR / "templates" / "dashboard.html").read_text()
    sources = re.findall(r'src="([^"]+)"', page)
    assert "/static/vendor/echarts.min.js" in sources
    assert all(src.startswith("/static/") for src in sources)


def test_settings_serve_one_stage_palette(client: TestClient, keys: Headers) -> None:
    settings = client.get("/dashboard/settings", headers=keys["viewer"]).json()
    assert settings["stage_palette"] == list(STAGE_PALETTE)
    assert settings["side_colours"] == {"customer": SIDE_COLOURS.customer,
                                        "internal": SIDE_COLOURS.internal}  # fmt: skip
    assert len(set(STAGE_PALETTE)) == len(STAGE_PALETTE)
    assert stage_colour(len(STAGE_PALETTE) + 1) == STAGE_PALETTE[1]
