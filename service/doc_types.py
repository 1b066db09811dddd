"""Names of document types, for people."""

from __future__ import annotations

from nlp.doctype import DOC_TYPES

# Labels of the document types that JSONL sources set themselves (the sample corpus);
# the types the NLP stage assigns are named by nlp.doctype.DOC_TYPES.
DOC_TYPE_LABELS = {
    "law": "法律",
    "regulation": "法规规章",
    "judicial": "司法解释",
    "case": "案例",
    "report": "工作报告",
}


def doc_type_name(type_id: str) -> str:
    """名称 of a document type: the NLP stage's names, then the sample corpus's JSONL types."""
    if not type_id:
        return ""
    return DOC_TYPES.get(type_id) or DOC_TYPE_LABELS.get(type_id, type_id)
