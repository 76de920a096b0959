"""Pruebas de los datos y del entrenamiento del GPT que llama a herramientas (capítulo 6)."""

import pytest
import torch

from genai_utils.agents.calculator import calculator_tool
from genai_utils.agents.retrieval import BM25Retriever, chunk_pages, load_pages, search_tool
from genai_utils.agents.sql import create_demo_database, sql_tool
from genai_utils.agents.toolgpt import (
    ToolGPT,
    WordCharVocab,
    _encode_examples,
    answer_from_observation,
    compact_prompt,
    format_phrases,
    make_examples,
    render_example,
    train_tool_gpt,
)
from genai_utils.agents.tools import ToolRegistry


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    db = create_demo_database(tmp_path_factory.mktemp("db") / "tienda.db")
    retriever = BM25Retriever(chunk_pages(load_pages()))
    return ToolRegistry().add(calculator_tool()).add(sql_tool(db)).add(search_tool(retriever))


def test_ejemplos_reproducibles_y_equilibrados():
    a, b = make_examples(30, seed=1), make_examples(30, seed=1)
    assert a == b and a != make_examples(30, seed=2)
    assert [e.tool for e in a[:3]] == ["calculadora", "consultar_sql", "buscar_libro"]
    train_q = {e.question for e in make_examples(300)}
    test_q = {e.question for e in make_examples(60, split="test")}
    assert not train_q & test_q  # la prueba usa otras formas de preguntar
    with pytest.raises(ValueError, match="split"):
        make_examples(3, split="val")


def test_las_llamadas_de_referencia_funcionan(registry):
    for e in make_examples(30) + make_examples(30, split="test"):
        assert registry.call(e.tool, e.arguments).ok, e


def test_render_y_mascara(registry):
    e = make_examples(1)[0]
    text, spans = render_example(e, registry.call(e.tool, e.arguments).text)
    assert text.startswith("Pregunta: ") and text.endswith("\n")
    assert [text[a:b].split(":")[0] for a, b in spans] == ["Acción", "Respuesta"]
    vocab = WordCharVocab([text], min_count=1, phrases=format_phrases())
    assert vocab.decode(vocab.encode(text)) == text
    x, y = _encode_examples([(text, spans)], vocab, 96)
    targets = vocab.decode([i for i in y[0].tolist() if i != -100])
    assert targets == text[spans[0][0] : spans[0][1]] + text[spans[1][0] : spans[1][1]]


def test_respuesta_y_prompt_compacto():
    assert answer_from_observation("[01/historia#2] En 1913…") == "[01/historia#2]"
    assert answer_from_observation("84") == "84"
    prompt = "Cabecera\nPregunta: ¿x?\nObservación: " + "a" * 200
    assert compact_prompt(prompt).startswith("Pregunta:")
    assert len(compact_prompt(prompt).split("\n")[-1]) < 80


def test_entrenamiento_reproducible(registry):
    examples = make_examples(60)
    kwargs = dict(steps=4, batch_size=4, n_layer=1, n_head=2, n_embd=16, context=256,
                  progress=False)
    m1, l1 = train_tool_gpt(examples, registry, **kwargs)
    _, l2 = train_tool_gpt(examples, registry, **kwargs)
    assert l1 == l2 and len(l1) == 4 and all(v > 0 for v in l1)
    assert isinstance(m1, ToolGPT) and not m1.needs_header
    out = m1.complete("Pregunta: ¿Cuánto es 2 más 2?\n", max_tokens=5)
    assert isinstance(out, str)
    with pytest.raises(ValueError, match="steps"):
        train_tool_gpt(examples, registry, steps=0)
    assert torch.get_num_threads() >= 1
