"""The web application: ``create_app(settings)`` builds the FastAPI app with pages and the API."""

from xinxiao.web.app import create_app

__all__ = ["create_app"]
