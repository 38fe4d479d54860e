"""Turns the data files' source citations into a readable title and, where possible, a link."""

from __future__ import annotations

import re

_GITHUB = re.compile(r"^github:(?P<repo>[\w.-]+/[\w.-]+)(?:\s+(?P<path>\S+))?$")
_ARXIV = re.compile(r"^arXiv:(?P<id>\d{4}\.\d{4,5})$")
_HF = re.compile(r"^Hugging Face model card (?P<repo>[\w.-]+/[\w.-]+)$")


def citation_link(citation: str, path: str = "") -> tuple[str, str]:
    """(title, url) for one citation such as 'github:OWNER/REPO' with a file path; url may be ''."""
    citation = citation.strip()
    match = _GITHUB.match(citation)
    if match:
        repo = match["repo"]
        path = path or match["path"] or ""
        title = f"{repo} {path}".strip()
        return title, f"https://github.com/{repo}"
    match = _ARXIV.match(citation)
    if match:
        return citation, f"https://arxiv.org/abs/{match['id']}"
    match = _HF.match(citation)
    if match:
        return citation, f"https://huggingface.co/{match['repo']}"
    return citation, ""


def citation_links(text: str) -> list[tuple[str, str]]:
    """Every citation in a '; '-separated source text, as (title, url) pairs."""
    return [citation_link(part) for part in text.split(";") if part.strip()]
