"""Knowledge-base pages (/console/knowledge): every agent can read and search the
entries; supervisors add, edit and switch them off (each change is in the entry's
history). `/console/live/knowledge?q=` is the canned-reply search the reply box uses as
the agent types: it answers an HTML fragment of matching entries to insert and edit.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from backend.errors import InvalidInput
from backend.localtime import local_now
from backend.models.knowledge import KnowledgeEntry
from backend.services.knowledge import entries as knowledge
from backend.services.knowledge import search as knowledge_search
from bot.console import texts
from bot.console.actions import attempt, back
from bot.console.params import RowId
from bot.console.rendering import render, render_html
from bot.console.security import ConsoleDep, ConsoleRoute, FormDep

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

HITS = 6
Text = Annotated[str, Form(max_length=4000)]


def _draft(question: str, variants: str, answer: str, short_answer: str, tags: str, valid_from: str, valid_to: str) -> knowledge.EntryDraft:
    return knowledge.EntryDraft(
        question=question, answer=answer, short_answer=short_answer,
        variants=[line for line in variants.splitlines() if line.strip()],
        tags=[t for t in tags.replace("，", ",").split(",") if t.strip()],
        valid_from=_day(valid_from, "valid_from"), valid_to=_day(valid_to, "valid_to"),
    )  # fmt: skip


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(texts.say("bad_day"), field=field) from None


@router.get("/knowledge")
def entry_list(console: ConsoleDep, q: str = "") -> Response:
    entries = knowledge.list_entries(console.db, query=q[:100])
    context = {**console.page("knowledge"), "entries": entries, "q": q[:100], "today": local_now().date()}
    return render("console/knowledge.html", context)


@router.get("/knowledge/new")
def new_entry(console: ConsoleDep) -> Response:
    console.require_supervisor()
    return render("console/knowledge_entry.html", {**console.page("knowledge"), "entry": None, "history": []})


@router.get("/knowledge/{entry_id}")
def show_entry(entry_id: RowId, console: ConsoleDep) -> Response:
    entry = knowledge.get_entry(console.db, entry_id)
    history = knowledge.history(console.db, entry_id=entry_id)
    context = {**console.page("knowledge"), "entry": entry, "history": history, "names": console.names()}
    return render("console/knowledge_entry.html", context)


@router.post("/knowledge")
def create(
    console: FormDep, question: Text = "", variants: Text = "", answer: Text = "", short_answer: Text = "",
    tags: Text = "", valid_from: Text = "", valid_to: Text = "",
) -> Response:  # fmt: skip
    console.require_supervisor()

    def act() -> KnowledgeEntry:
        draft = _draft(question, variants, answer, short_answer, tags, valid_from, valid_to)
        entry = knowledge.create_entry(console.db, draft=draft, by=console.username)
        console.audit("knowledge_created", f"knowledge:{entry.id}")
        return entry

    entry = attempt(console, act)
    if entry is None:
        return back("/console/knowledge/new")
    console.flash(texts.say("knowledge_saved"), kind="success")
    return back(f"/console/knowledge/{entry.id}")


@router.post("/knowledge/{entry_id}")
def update(
    entry_id: RowId, console: FormDep, question: Text = "", variants: Text = "", answer: Text = "",
    short_answer: Text = "", tags: Text = "", valid_from: Text = "", valid_to: Text = "",
) -> Response:  # fmt: skip
    console.require_supervisor()

    def act() -> KnowledgeEntry:
        draft = _draft(question, variants, answer, short_answer, tags, valid_from, valid_to)
        entry = knowledge.update_entry(console.db, entry_id=entry_id, draft=draft, by=console.username)
        console.audit("knowledge_updated", f"knowledge:{entry_id}")
        return entry

    if attempt(console, act) is not None:
        console.flash(texts.say("knowledge_saved"), kind="success")
    return back(f"/console/knowledge/{entry_id}")


@router.post("/knowledge/{entry_id}/active")
def toggle(entry_id: RowId, console: FormDep, active: Annotated[str, Form(max_length=5)] = "") -> Response:
    console.require_supervisor()

    def act() -> KnowledgeEntry:
        on = active == "1"
        entry = knowledge.set_active(console.db, entry_id=entry_id, active=on, by=console.username)
        console.audit("knowledge_enabled" if on else "knowledge_disabled", f"knowledge:{entry_id}")
        return entry

    entry = attempt(console, act)
    if entry is not None:
        console.flash(texts.say("knowledge_on" if entry.active else "knowledge_off"), kind="success")
    return back(f"/console/knowledge/{entry_id}")


@router.get("/live/knowledge")
def canned(console: ConsoleDep, q: str = "") -> HTMLResponse:
    """Entries matching what the agent typed: best BM25 matches first, then text matches."""
    words = q.strip()[:100]
    hits: list[Any] = []
    if words:
        today = local_now().date()
        found = knowledge_search.search(console.db, words, day=today, limit=HITS)
        ids = [m.entry.id for m in found]
        for entry in knowledge.list_entries(console.db, query=words, include_inactive=False, limit=HITS):
            if entry.id not in ids and knowledge.valid_on(entry, today):
                ids.append(entry.id)
        hits = [console.db.get(KnowledgeEntry, i) for i in ids[:HITS]]
    return HTMLResponse(render_html("console/_knowledge_hits.html", {"hits": hits, "q": words}))


