"""/docs works offline: Swagger UI comes from the package, not from a CDN."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_docs_load_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert "/docs-assets/swagger-ui-bundle.js" in html and "/openapi.json" in html
    assert "https://" not in html  # no CDN, no third-party script
    script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
    assert client.get("/redoc").status_code == 404  # ReDoc would need a CDN
