"""Health, themes and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, jsonify

from govtext import __version__
from service.api.spec import endpoint, openapi_document
from service.context import get_backend

bp = Blueprint("meta", __name__)


@endpoint(bp, "/health", "GET", "Store and index status")
def health(args):
    info = get_backend().health()
    info["version"] = __version__
    return jsonify(info)


@endpoint(bp, "/themes", "GET", "The theme taxonomy (ids are stable)")
def themes(args):
    from nlp.taxonomy import get_taxonomy
    from service.context import get_settings

    taxonomy = get_taxonomy(get_settings().config_dir)
    return jsonify({"themes": [{"id": t.id, "name": t.name, "description": t.description} for t in taxonomy.themes]})


@endpoint(bp, "/openapi.json", "GET", "This API, described in OpenAPI 3")
def openapi(args):
    return jsonify(openapi_document(__version__))
