"""Ingest: chunking, the vector cache and atomic index builds."""

from __future__ import annotations

import shutil

import pytest

import index.store
from index.settings import Settings
from index.store import CURRENT_FILE, IndexBuild
from ingest.chunking import split_card
from ingest.content import ContentError, load_content
from ingest.pipeline import run_ingest


class FailingEmbedder:
    """Wraps the real embedder and fails on the first batch, like an interrupted ingest."""

    def __init__(self, embedder) -> None:
        self.name = embedder.name
        self.dim = embedder.dim

    def embed_passages(self, texts):
        raise KeyboardInterrupt("simulated interruption")

    def embed_queries(self, texts):
        raise KeyboardInterrupt("simulated interruption")


def _content_copy(tmp_path, settings: Settings) -> Settings:
    content = tmp_path / "content"
    shutil.copytree(settings.content_dir, content)
    return Settings(data_dir=settings.data_dir, content_dir=content)


def _edit_emergency_card(settings: Settings) -> None:
    path = settings.content_dir / "kaarten" / "acuut" / "acuut-gevaar.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Blijf bij de persoon", "Blijf zo mogelijk bij de persoon", 1), encoding="utf-8")


def test_chunks_follow_headings(session_settings):
    card = next(c for c in load_content(session_settings.content_dir).cards if c.id == "acuut-gevaar")

    chunks = split_card(card)

    assert [chunk.heading for chunk in chunks][:2] == ["In het kort", "Eerst: 112"]
    assert all(chunk.card_id == "acuut-gevaar" for chunk in chunks)
    assert all("##" not in chunk.text for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == len(chunks)


def test_card_questions_become_question_chunks(session_settings):
    card = next(c for c in load_content(session_settings.content_dir).cards if c.id == "acuut-gevaar")

    chunks = split_card(card)
    questions = [chunk for chunk in chunks if chunk.question]

    assert [chunk.text for chunk in questions] == card.questions
    assert [chunk.id for chunk in questions] == [f"acuut-gevaar#q{n}" for n in range(1, len(card.questions) + 1)]
    assert chunks[-len(questions):] == questions
    assert questions[0].passage_text(card, None) == card.questions[0]


def test_card_questions_are_embedded_as_queries(built_index, session_settings, embedder):
    build = IndexBuild.load(session_settings.index_dir)
    position = next(i for i, chunk in enumerate(build.chunks) if chunk.question)
    stored = build.vectors.reconstruct(position)
    text = build.chunks[position].text

    assert stored @ embedder.embed_queries([text])[0] == pytest.approx(1.0, abs=1e-4)
    assert stored @ embedder.embed_passages([text])[0] < 0.999


def test_ingest_writes_loadable_build(fresh_settings, embedder):
    report = run_ingest(fresh_settings, embedder=embedder)

    build = IndexBuild.load(fresh_settings.index_dir)
    assert build.build_id == report.build_id
    assert len(build.cards) == report.cards
    assert build.vectors.ntotal == report.chunks == len(build.chunks)
    assert build.second_vectors.ntotal == report.chunks
    assert build.manifest["embedder"] == embedder.name
    assert build.manifest["second_embedder"].startswith("use-multilingual-v3:")


def test_second_channel_off_rebuilds(fresh_settings, embedder):
    from assistant.service import Assistant

    with_second = run_ingest(fresh_settings, embedder=embedder)
    settings = fresh_settings.model_copy(update={"second_embedder": "none"})

    without = run_ingest(settings, embedder=embedder)
    build = IndexBuild.load(settings.index_dir)

    assert without.changed is True
    assert without.build_id != with_second.build_id
    assert build.second_vectors is None
    assert build.manifest["second_embedder"] is None
    assert Assistant(settings, build, embedder).rank_cards("Wat doet de AVIM?")[0] == "partner-politie-avim"
    with pytest.raises(ValueError, match="second embedder None"):
        Assistant(fresh_settings, build, embedder)


def test_rerun_without_changes_embeds_nothing(fresh_settings, embedder):
    first = run_ingest(fresh_settings, embedder=embedder)

    second = run_ingest(fresh_settings, embedder=embedder)

    assert second.embedded == 0
    assert second.changed is False
    assert second.build_id == first.build_id


def test_changed_card_embeds_only_its_chunks(tmp_path, fresh_settings, embedder):
    settings = _content_copy(tmp_path, fresh_settings)
    first = run_ingest(settings, embedder=embedder)
    _edit_emergency_card(settings)

    second = run_ingest(settings, embedder=embedder)

    assert second.changed is True
    assert second.embedded == 1
    assert second.cached == second.chunks - 1
    assert second.build_id != first.build_id


def test_invalid_content_keeps_previous_build(tmp_path, fresh_settings, embedder):
    settings = _content_copy(tmp_path, fresh_settings)
    report = run_ingest(settings, embedder=embedder)
    card = settings.content_dir / "kaarten" / "acuut" / "acuut-gevaar.md"
    card.write_text(card.read_text(encoding="utf-8").replace("kind: hoe", "kind: fout"), encoding="utf-8")

    with pytest.raises(ContentError):
        run_ingest(settings, embedder=embedder)

    assert (settings.index_dir / CURRENT_FILE).read_text().strip() == report.build_id
    assert IndexBuild.load(settings.index_dir).build_id == report.build_id


def test_interrupted_embedding_keeps_previous_build(tmp_path, fresh_settings, embedder):
    settings = _content_copy(tmp_path, fresh_settings)
    report = run_ingest(settings, embedder=embedder)
    _edit_emergency_card(settings)

    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, embedder=FailingEmbedder(embedder))

    assert IndexBuild.load(settings.index_dir).build_id == report.build_id


def test_failed_write_leaves_no_partial_build(tmp_path, fresh_settings, embedder, monkeypatch):
    settings = _content_copy(tmp_path, fresh_settings)
    report = run_ingest(settings, embedder=embedder)
    _edit_emergency_card(settings)

    def broken_write_index(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(index.store.faiss, "write_index", broken_write_index)
    with pytest.raises(OSError):
        run_ingest(settings, embedder=embedder)
    monkeypatch.undo()

    builds = settings.index_dir / "builds"
    assert sorted(path.name for path in builds.iterdir()) == [report.build_id]
    assert IndexBuild.load(settings.index_dir).build_id == report.build_id
