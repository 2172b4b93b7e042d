"""Exports of notes (Markdown, DOCX, PDF) and of all data of one user (JSON and Markdown)."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document as DocxDocument
from fpdf import FPDF
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from assistant.workspace.accounts import team_ids
from assistant.workspace.models import Note, ShareLink, Team, User
from assistant.workspace.threads import transcript

# The PDF uses the built-in Helvetica (Latin-1, so no font files are needed): typographic
# characters outside Latin-1 are written as their plain equivalents.
_LATIN1_FALLBACKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "-", "→": "->", "€": "EUR"})


def _note_sections(note: Note) -> list[tuple[str, str]]:
    sections = []
    if note.question:
        sections.append(("Vraag", note.question))
    if note.answer:
        sections.append(("Antwoord", note.answer))
    if note.body:
        sections.append(("Notitie", note.body))
    if note.citations:
        sources = "\n".join(f"- {c.get('title', '')} ({c.get('chapter', '')}): {c.get('url', '')}" for c in note.citations)
        sections.append(("Bronnen", sources))
    return sections


def notes_markdown(notes: list[Note]) -> str:
    """Render notes as one Markdown document."""
    lines = ["# Notities uit Kompas Assistent", "", f"Geëxporteerd op {dt.date.today().isoformat()}.", ""]
    for note in notes:
        lines += [f"## {note.title}", ""]
        meta = "voor het team" if note.visibility == "team" else "persoonlijk"
        if note.tags:
            meta += " · tags: " + ", ".join(note.tags)
        lines += [f"*{meta} · bijgewerkt {note.updated_at.date().isoformat()}*", ""]
        for heading, body in _note_sections(note):
            lines += [f"### {heading}", "", body, ""]
    return "\n".join(lines)


def notes_docx(notes: list[Note]) -> bytes:
    """Render notes as a Word document."""
    document = DocxDocument()
    document.core_properties.title = "Notities uit Kompas Assistent"
    document.add_heading("Notities uit Kompas Assistent", level=0)
    document.add_paragraph(f"Geëxporteerd op {dt.date.today().isoformat()}.")
    for note in notes:
        document.add_heading(note.title, level=1)
        for heading, body in _note_sections(note):
            document.add_heading(heading, level=2)
            for paragraph in body.split("\n"):
                document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def notes_pdf(notes: list[Note]) -> bytes:
    """Render notes as a PDF."""
    pdf = FPDF()
    # Uncompressed streams keep the text searchable by simple tools; notes are small.
    pdf.set_compression(False)
    pdf.set_title("Notities uit Kompas Assistent")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def write(text_value: str, size: int, style: str = "") -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        safe = text_value.translate(_LATIN1_FALLBACKS).encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, size * 0.5, safe, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    write("Notities uit Kompas Assistent", 18, "B")
    write(f"Geëxporteerd op {dt.date.today().isoformat()}.", 10)
    for note in notes:
        pdf.ln(3)
        write(note.title, 14, "B")
        for heading, body in _note_sections(note):
            write(heading, 11, "B")
            write(body, 10)
    return bytes(pdf.output())


def user_data(db: Session, user: User) -> dict:
    """Collect everything stored about a user: account, teams, own notes, share links and chat threads."""
    teams = [db.get(Team, team_id) for team_id in sorted(team_ids(db, user.id))]
    notes = db.scalars(select(Note).where(Note.owner_id == user.id).order_by(Note.id)).all()
    links = db.scalars(select(ShareLink).where(ShareLink.created_by == user.id).order_by(ShareLink.id)).all()
    thread_rows = db.execute(
        text('SELECT "id", "name", "createdAt" FROM threads WHERE "userIdentifier" = :email ORDER BY "createdAt"'), {"email": user.email}
    ).all()
    return {
        "account": {"email": user.email, "display_name": user.display_name, "created_at": user.created_at.isoformat()},
        "teams": [{"slug": team.slug, "name": team.name} for team in teams],
        "notes": [
            {"id": n.id, "title": n.title, "visibility": n.visibility, "body": n.body, "question": n.question, "answer": n.answer,
             "citations": n.citations, "tags": n.tags, "card_ids": n.card_ids, "created_at": n.created_at.isoformat(),
             "updated_at": n.updated_at.isoformat()}
            for n in notes
        ],
        "share_links": [
            {"kind": link.kind, "target_id": link.target_id, "public": link.public, "revoked": link.revoked_at is not None,
             "created_at": link.created_at.isoformat()}
            for link in links
        ],
        "threads": [{"name": name, "created_at": created, "turns": transcript(db, thread_id)} for thread_id, name, created in thread_rows],
    }


def user_data_markdown(data: dict) -> str:
    """Render the collected data of a user as readable Markdown."""
    account = data["account"]
    lines = ["# Jouw gegevens in Kompas Assistent", "", f"- E-mailadres: {account['email']}", f"- Naam: {account['display_name']}",
             f"- Account aangemaakt: {account['created_at']}", "- Teams: " + (", ".join(t["name"] for t in data["teams"]) or "geen"), ""]
    lines += ["## Notities", ""]
    for note in data["notes"]:
        lines += [f"### {note['title']}", ""]
        for key, label in (("question", "Vraag"), ("answer", "Antwoord"), ("body", "Notitie")):
            if note.get(key):
                lines += [f"**{label}:** {note[key]}", ""]
    lines += ["## Gesprekken", ""]
    for thread in data["threads"]:
        lines += [f"### {thread['name'] or 'Gesprek'} ({thread['created_at']})", ""]
        for turn in thread["turns"]:
            lines += [f"**Vraag:** {turn['question']}", "", f"**Antwoord:** {turn['answer']}", ""]
    lines += ["## Gedeelde links", ""]
    lines += [f"- {link['kind']} {link['target_id']}{' (ingetrokken)' if link['revoked'] else ''}" for link in data["share_links"]]
    return "\n".join(lines) + "\n"


def delete_user(db: Session, user: User) -> dict:
    """Delete an account: personal notes and chat threads go; team notes stay, without the author.

    Share links to deleted content are removed; other links stay with the team without their creator.
    Returns counts of what was removed and kept.
    """
    personal = db.scalars(select(Note).where(Note.owner_id == user.id, Note.visibility == "personal")).all()
    team_notes = db.scalars(select(Note).where(Note.owner_id == user.id, Note.visibility == "team")).all()
    personal_ids = {str(note.id) for note in personal}
    threads = [row[0] for row in db.execute(text('SELECT "id" FROM threads WHERE "userIdentifier" = :email'), {"email": user.email})]

    for link in db.scalars(select(ShareLink).where(ShareLink.created_by == user.id)).all():
        target_deleted = (link.kind == "note" and link.target_id in personal_ids) or (link.kind == "thread" and link.target_id in threads)
        if target_deleted:
            db.delete(link)
        else:
            link.created_by = None
    for link in db.scalars(select(ShareLink).where(ShareLink.kind == "thread", ShareLink.target_id.in_(threads))).all():
        db.delete(link)
    for note in personal:
        db.delete(note)
    for note in team_notes:
        note.owner_id = None
    for thread_id in threads:
        for table, column in (("feedbacks", "threadId"), ("elements", "threadId"), ("steps", "threadId"), ("threads", "id")):
            db.execute(text(f'DELETE FROM {table} WHERE "{column}" = :id'), {"id": thread_id})
    db.execute(text('DELETE FROM users WHERE "identifier" = :email'), {"email": user.email})
    db.delete(user)
    db.flush()
    return {"personal_notes_deleted": len(personal), "team_notes_anonymised": len(team_notes), "threads_deleted": len(threads)}
