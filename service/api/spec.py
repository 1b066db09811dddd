"""Endpoints declared once: the declaration validates requests and generates
/api/v1/openapi.json, so the document cannot drift from the code.

    @endpoint(bp, "/search", "GET", "Search documents", params=[Param("q", str, required=True)])
    def search(args): ...        # args: validated dict
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from flask import Blueprint, request

from govtext.errors import BadInput
from govtext.validation import check_text, loads_json, parse_int

_TYPES = {str: "string", int: "integer", bool: "boolean", list: "array"}

# A paragraph of a stored document, as 查重 sources and tracing occurrences name it.
DOC_PARAGRAPH = {
    "doc_id": {"type": "string"},
    "title": {"type": "string"},
    "date": {"type": "string"},
    "region": {"type": "string"},
    "doc_type": {"type": "string"},
    "paragraph_index": {"type": "integer"},
}


@dataclass
class Param:
    name: str
    type: type = str
    required: bool = False
    default: Any = None
    description: str = ""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    enum: tuple | None = None
    where: str = "query"

    def schema(self) -> dict:
        schema: dict = {"type": _TYPES[self.type]}
        if self.type is list:
            schema["items"] = {"type": "string"}
        for key, value in (
            ("minimum", self.minimum),
            ("maximum", self.maximum),
            ("maxLength", self.max_length),
            ("default", self.default),
        ):
            if value is not None:
                schema[key] = value
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.required and self.type is str:  # the server refuses an empty or blank value
            schema.update(minLength=1, pattern=r"\S")
        return schema

    def parse(self, values: list[str]) -> Any:
        if values == [""] and self.type in (int, bool):
            raise BadInput(f"{self.name} is empty; give a value or leave the parameter out", code="bad_parameter")
        if not values or values == [""]:
            if self.required:
                raise BadInput(f"the parameter {self.name} is required", code="missing_parameter")
            return list(self.default or []) if self.type is list else self.default
        if self.type is list:
            return [check_text(v, self.name, multiline=False) for v in values if v]
        raw = check_text(values[-1], self.name, multiline=False)
        if self.max_length is not None and len(raw) > self.max_length:
            raise BadInput(f"{self.name} is too long ({len(raw)} characters; the limit is {self.max_length})")
        if self.type is int:
            return parse_int(raw, self.name, self.minimum, self.maximum)
        if self.type is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise BadInput(f"{self.name} must be true or false")
        if self.enum and raw not in self.enum:
            raise BadInput(f"{self.name} must be one of {', '.join(self.enum)}")
        return raw


@dataclass
class Endpoint:
    path: str
    method: str
    summary: str
    params: list[Param] = field(default_factory=list)
    body: dict | None = None
    response: dict | None = None
    auth: bool = False
    tag: str = ""
    produces: str = "application/json"


ENDPOINTS: list[Endpoint] = []


def check_token(required: bool) -> None:
    """Writes need the Bearer token; reads, when locked, are guarded for every route by service.auth."""
    if required:
        from service.auth import require_write_token

        require_write_token()


def json_body(max_keys: int = 1000) -> dict:
    if not request.is_json:
        raise BadInput("the request body must be JSON (Content-Type: application/json)", code="not_json")
    data = loads_json(request.get_data(cache=True))  # nesting checked before parsing (govtext.validation)
    if not isinstance(data, dict):
        raise BadInput("the request body must be a JSON object", code="bad_json")
    return data


def endpoint(
    bp: Blueprint,
    path: str,
    method: str,
    summary: str,
    *,
    params: list[Param] | None = None,
    body: dict | None = None,
    response: dict | None = None,
    auth: bool = False,
    produces: str = "application/json",
) -> Callable:
    spec = Endpoint(path, method, summary, params or [], body, response, auth, bp.name, produces)
    ENDPOINTS.append(spec)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(**path_args):
            check_token(auth)
            args = {p.name: p.parse(request.args.getlist(p.name)) for p in spec.params if p.where == "query"}
            return view(args, **path_args)

        flask_rule = path.replace("{", "<").replace("}", ">")
        bp.add_url_rule(flask_rule, view.__name__, wrapper, methods=[method])
        return wrapper

    return decorate


def openapi_document(version: str) -> dict:
    paths: dict = {}
    for ep in ENDPOINTS:
        path = "/api/v1" + ep.path
        op: dict = {
            "summary": ep.summary,
            "tags": [ep.tag],
            "operationId": f"{ep.method.lower()}_{ep.tag}_{len(paths)}",
        }
        params = [
            {"name": p.name, "in": "query", "required": p.required, "description": p.description, "schema": p.schema()}
            for p in ep.params
        ]
        for segment in ep.path.split("/"):
            if segment.startswith("{"):
                params.append({"name": segment[1:-1], "in": "path", "required": True, "schema": {"type": "string"}})
        if params:
            op["parameters"] = params
        if ep.body:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ep.body}}}
        ok = {"description": "OK", "content": {ep.produces: {"schema": ep.response or {"type": "object"}}}}
        problem_ref = {"$ref": "#/components/responses/Problem"}
        op["responses"] = {"200": ok, **{code: problem_ref for code in ("400", "401", "403", "404", "405")}}
        if ep.body:
            op["responses"]["413"] = problem_ref
        if ep.path in ("/check", "/check/batch"):  # service/throttle.py: the budget per client, the cap per process
            op["responses"].update({"429": problem_ref, "503": problem_ref})
        if ep.path == "/boilerplate":  # a document filter the engine cannot apply (search/elastic_dedup.py)
            op["responses"]["501"] = problem_ref
        if ep.auth:
            op["security"] = [{"bearer": []}]
            op["responses"]["201"] = {"description": "Created", "content": ok["content"]}
        else:  # needed only when the server is locked (GOVTEXT_READ_TOKEN_REQUIRED=1)
            op["security"] = [{}, {"bearer": []}, {"basic": []}]
        paths.setdefault(path, {})[ep.method.lower()] = op
    problem = {
        "type": "object",
        "required": ["status", "code", "message"],
        "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "govtext API",
            "version": version,
            "description": "Search and duplicate detection for Chinese policy and governance documents.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Problem": problem},
            "responses": {"Problem": {"description": "Error", "content": {"application/json": {"schema": problem}}}},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic", "description": "any user name, the token as the password"},
            },
        },
    }
