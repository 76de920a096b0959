"""Los comprobadores del capítulo 6 aceptan una solución correcta y rechazan una errónea."""

from genai_utils.agents.tools import Tool
from genai_utils.exercises.agentes import (
    check_injection_defense,
    check_loop_diagnosis,
    check_recall_at_k,
    check_word_count_tool,
)

SCHEMA = {
    "type": "object",
    "properties": {"texto": {"type": "string", "description": "x"}},
    "required": ["texto"],
}


def test_herramienta():
    def good():
        return Tool("contar_palabras", "cuenta", SCHEMA, lambda texto: str(len(texto.split())))

    def loose():
        return Tool(
            "contar_palabras",
            "cuenta",
            {"type": "object", "additionalProperties": True},
            lambda texto="": str(len(str(texto).split())),
        )

    def pending():
        raise NotImplementedError

    assert check_word_count_tool(good).correct
    assert not check_word_count_tool(loose).correct
    assert check_word_count_tool(pending).pending
    wrong = check_word_count_tool(lambda: Tool("contar", "c", SCHEMA, lambda texto: "1"))
    assert not wrong.correct and "contar_palabras" in wrong.message


def test_recall():
    def good(ranked, gold, k):
        return sum(g in r[:k] for r, g in zip(ranked, gold, strict=True)) / len(gold)

    def off_by_one(ranked, gold, k):
        return sum(g in r[: k + 1] for r, g in zip(ranked, gold, strict=True)) / len(gold)

    assert check_recall_at_k(good).correct
    assert not check_recall_at_k(off_by_one).correct


def test_opcion_multiple():
    assert check_loop_diagnosis("c").correct and not check_loop_diagnosis("a").correct
    assert check_loop_diagnosis(None).pending
    assert check_injection_defense("B").correct and not check_injection_defense("c").correct
