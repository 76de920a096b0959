"""Pruebas del registro de herramientas y del bucle del agente (capítulo 6)."""

import pytest

from genai_utils.agents.calculator import calculator_tool
from genai_utils.agents.loop import parse_action, run_agent, transcript
from genai_utils.agents.models import ScriptedModel
from genai_utils.agents.tools import SchemaError, Tool, ToolRegistry, validate_arguments


@pytest.fixture()
def registry():
    return ToolRegistry().add(calculator_tool())


def test_validacion_de_esquema():
    schema = calculator_tool().schema
    assert validate_arguments({"expresion": "1+1"}, schema) == {"expresion": "1+1"}
    with pytest.raises(SchemaError, match="Falta el argumento obligatorio 'expresion'"):
        validate_arguments({}, schema)
    with pytest.raises(SchemaError, match="no existe"):
        validate_arguments({"expresion": "1", "extra": 2}, schema)
    with pytest.raises(SchemaError, match="debe ser un texto"):
        validate_arguments({"expresion": 3}, schema)
    with pytest.raises(SchemaError, match="objeto JSON"):
        validate_arguments(["1+1"], schema)


def test_herramienta_mal_definida():
    with pytest.raises(ValueError, match="identificador"):
        Tool("Mala Herramienta", "x", {"type": "object"}, lambda: "")
    with pytest.raises(ValueError, match='"type": "object"'):
        Tool("buena", "x", {"type": "string"}, lambda: "")


def test_errores_se_convierten_en_observaciones(registry):
    assert registry.call("borrar_todo", {}).text.startswith("Error: la herramienta 'borrar_todo'")
    bad = registry.call("calculadora", {"expr": "1"})
    assert not bad.ok and "Falta el argumento obligatorio" in bad.text
    inner = registry.call("calculadora", {"expresion": "__import__('os')"})
    assert not inner.ok and inner.text.startswith("Error en calculadora")
    assert registry.call("calculadora", {"expresion": "6*7"}).text == "42"


def test_parse_action():
    a = parse_action('Pensamiento: sumar\nAcción: calculadora {"expresion": "1+1"}\nObservación: 9')
    assert (a.thought, a.tool, a.arguments) == ("sumar", "calculadora", {"expresion": "1+1"})
    assert parse_action("Respuesta: 42").answer == "42"
    assert "JSON" in parse_action("Acción: calculadora {expresion: 1}").error
    assert parse_action("hola").error is not None


def test_bucle_completo_con_traza(registry):
    model = ScriptedModel(
        [
            'Pensamiento: hay que calcular\nAcción: calculadora {"expresion": "12 * 7"}',
            "Respuesta: 84",
        ]
    )
    trace = run_agent(model, registry, "¿Cuánto es 12 por 7?")
    assert trace.answer == "84" and trace.stop_reason == "respuesta"
    [step] = trace.steps
    assert (step.tool, step.arguments, step.observation, step.ok) == (
        "calculadora",
        {"expresion": "12 * 7"},
        "84",
        True,
    )
    assert step.thought == "hay que calcular" and step.seconds >= 0
    assert "Observación: 84" in model.prompts[1]
    assert "calculadora" in model.prompts[0]  # la cabecera describe las herramientas
    assert "<table>" in trace._repr_html_() and "84" in str(trace)


def test_el_bucle_se_detiene_en_el_presupuesto(registry):
    outputs = [f'Acción: calculadora {{"expresion": "{i} + 1"}}' for i in range(10)]
    trace = run_agent(ScriptedModel(outputs), registry, "¿?", max_steps=3)
    assert len(trace.steps) == 3 and trace.answer is None
    assert trace.stop_reason == "presupuesto agotado"


def test_bucle_repetido_se_corta(registry):
    model = ScriptedModel(['Acción: calculadora {"expresion": "1 + 1"}'])
    trace = run_agent(model, registry, "¿?", max_steps=10, max_repeats=3)
    assert len(trace.steps) == 3 and trace.stop_reason == "bucle detectado"
    trace = run_agent(ScriptedModel(["no sé"]), registry, "¿?", max_steps=4, max_repeats=None)
    assert len(trace.steps) == 4 and all("Error de formato" in s.observation for s in trace.steps)


def test_herramienta_inventada_no_rompe_el_bucle(registry):
    model = ScriptedModel(['Acción: navegador {"url": "x"}', "Respuesta: no puedo"])
    trace = run_agent(model, registry, "¿?")
    assert trace.answer == "no puedo" and "no existe" in trace.steps[0].observation


def test_argumentos_invalidos(registry):
    with pytest.raises(ValueError, match="max_steps"):
        run_agent(ScriptedModel(["x"]), registry, "¿?", max_steps=0)
    with pytest.raises(ValueError, match="question"):
        run_agent(ScriptedModel(["x"]), registry, "  ")
    assert transcript("P", []) == "Pregunta: P\n"
