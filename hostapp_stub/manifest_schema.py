"""The manifest's JSON Schema: the host's own tables and each plugin's (``hostapp_manifest_schema``), in one document.

Administrators' editors read it (Taplo / Even Better TOML: ``#:schema ./manifest.schema.json`` on a manifest's first
line) to validate and complete a manifest as they type; ``aosign-host manifest check`` stays the judge: it also
checks what a schema cannot say (files that must exist and pass the trust rules, values relative to each other).
"""

from __future__ import annotations

from typing import Any

__all__ = ["HOST_SCHEMAS", "SCHEMA_ID", "manifest_schema"]

SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema"

_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}

#: the tables the host owns (hostapp_stub.manifest.HOST_TABLES)
HOST_SCHEMAS: dict[str, dict[str, Any]] = {
    "manifest": {
        "type": "object",
        "description": "system file only: the keys or tables (dotted) that the other file may not set",
        "properties": {"locked": {**_NAMES, "description": "keys or tables the user's file may not set"}},
        "additionalProperties": False,
    },
    "plugins": {
        "type": "object",
        "description": "which plugin distributions may load; one kept out is never imported",
        "properties": {
            "allow": {**_NAMES, "description": "only these distributions load (PEP 503 names)"},
            "block": {**_NAMES, "description": "these distributions never load"},
        },
        "additionalProperties": False,
    },
}


def manifest_schema(pm: Any) -> dict[str, Any]:
    """The whole manifest's schema: the host's tables, then every loaded plugin's (unknown tables are errors)."""
    from .plugins import call_each  # each plugin's answer guarded (issue 24)

    properties: dict[str, Any] = dict(HOST_SCHEMAS)
    tables = call_each(pm, "hostapp_manifest_schema", lambda found: isinstance(found, dict))
    for _plugin, fragment in tables:
        for table, schema in sorted(fragment.items()):
            properties.setdefault(table, schema)
    return {
        "$schema": SCHEMA_ID,
        "title": "aosign deployment manifest",
        "description": "Checked by `aosign-host manifest check`, which also refuses what a schema cannot say.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
