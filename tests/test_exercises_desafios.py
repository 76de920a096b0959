"""Pruebas de los comprobadores del capítulo 7 (genai_utils.exercises.desafios).

Además de aceptar una solución correcta y rechazar una errónea, se ejecutan los bloques de código
de la página ``book/07_desafios/ejercicios.md``: los enunciados deben dar el aviso de «pendiente»
y las soluciones ocultas deben pasar su comprobador.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path

import pytest

from genai_utils.exercises.desafios import (
    check_membership_auc,
    check_model_memory_question,
    check_ngram_overlap,
    check_training_cost,
    check_watermark_z,
)

PAGINA = Path(__file__).resolve().parents[1] / "book" / "07_desafios" / "ejercicios.md"


def _stub(*args: object) -> object:
    raise NotImplementedError("Escribe aquí tu solución")


def test_puntuacion_z() -> None:
    def bien(green, total, gamma):  # type: ignore[no-untyped-def]
        return (green - gamma * total) / math.sqrt(total * gamma * (1 - gamma))

    def sin_raiz(green, total, gamma):  # type: ignore[no-untyped-def]
        return (green - gamma * total) / (total * gamma * (1 - gamma))

    assert check_watermark_z(bien).correct
    fallo = check_watermark_z(sin_raiz)
    assert not fallo.correct and "caso 1" in fallo.message
    assert not check_watermark_z(lambda g, t, gm: abs(bien(g, t, gm))).correct
    assert check_watermark_z(_stub).pending


def test_auc_pertenencia() -> None:
    def bien(members, non_members):  # type: ignore[no-untyped-def]
        pares = [(m > n) + 0.5 * (m == n) for m in members for n in non_members]
        return sum(pares) / len(pares)

    def sin_empates(members, non_members):  # type: ignore[no-untyped-def]
        pares = [float(m > n) for m in members for n in non_members]
        return sum(pares) / len(pares)

    assert check_membership_auc(bien).correct
    fallo = check_membership_auc(sin_empates)
    assert not fallo.correct and "empate" in fallo.message
    assert not check_membership_auc(lambda m, n: 1 - bien(m, n)).correct
    assert check_membership_auc(_stub).pending


def test_coste_de_entrenamiento() -> None:
    def bien(n, d, f, u):  # type: ignore[no-untyped-def]
        flops = 6 * n * d
        return {"flops": flops, "dias": flops / (f * u) / 86_400}

    def sin_utilizacion(n, d, f, u):  # type: ignore[no-untyped-def]
        flops = 6 * n * d
        return {"flops": flops, "dias": flops / f / 86_400}

    def solo_hacia_delante(n, d, f, u):  # type: ignore[no-untyped-def]
        flops = 2 * n * d
        return {"flops": flops, "dias": flops / (f * u) / 86_400}

    assert check_training_cost(bien).correct
    assert not check_training_cost(sin_utilizacion).correct
    fallo = check_training_cost(solo_hacia_delante)
    assert not fallo.correct and "flops" in fallo.message
    assert not check_training_cost(lambda n, d, f, u: 6 * n * d).correct
    assert check_training_cost(_stub).pending


def test_solapamiento_de_ngramas() -> None:
    def bien(generated, training, n):  # type: ignore[no-untyped-def]
        def grams(tokens):  # type: ignore[no-untyped-def]
            return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]

        mios = grams(generated)
        vistos = set(grams(training))
        return sum(g in vistos for g in mios) / len(mios) if mios else 0.0

    def distintos(generated, training, n):  # type: ignore[no-untyped-def]
        mios = {tuple(generated[i : i + n]) for i in range(len(generated) - n + 1)}
        vistos = {tuple(training[i : i + n]) for i in range(len(training) - n + 1)}
        return len(mios & vistos) / len(mios) if mios else 0.0

    def palabras_sueltas(generated, training, n):  # type: ignore[no-untyped-def]
        return sum(w in training for w in generated) / len(generated)

    assert check_ngram_overlap(bien).correct
    assert not check_ngram_overlap(distintos).correct
    assert not check_ngram_overlap(palabras_sueltas).correct
    assert check_ngram_overlap(_stub).pending


def test_pregunta_memoria_del_modelo() -> None:
    assert check_model_memory_question("c").correct
    assert check_model_memory_question(" C ").correct
    assert not check_model_memory_question("a").correct
    assert check_model_memory_question(None).pending
    assert not check_model_memory_question(3).correct


# ---------------------------------------------------------------- los bloques de la página
def _bloques() -> list[tuple[str, bool]]:
    """Bloques ``python`` de la página y si están dentro de un desplegable de solución."""
    texto = PAGINA.read_text(encoding="utf-8")
    soluciones = re.findall(r"^:::\{dropdown\}[^\n]*\n(.*?)^:::$", texto, flags=re.S | re.M)
    dentro = {b for s in soluciones for b in re.findall(r"```python\n(.*?)```", s, flags=re.S)}
    todos = re.findall(r"```python\n(.*?)```", texto, flags=re.S)
    return [(b, b in dentro) for b in todos]


def _ejecuta(codigo: str) -> str:
    salida = io.StringIO()
    with contextlib.redirect_stdout(salida):
        exec(compile(codigo, str(PAGINA), "exec"), {"__name__": "__ejercicio__"})  # noqa: S102
    return salida.getvalue()


def test_la_pagina_tiene_enunciados_y_soluciones() -> None:
    bloques = _bloques()
    assert sum(solucion for _, solucion in bloques) >= 4
    assert sum(not solucion for _, solucion in bloques) >= 4


@pytest.mark.parametrize(
    ("codigo", "es_solucion"),
    _bloques(),
    ids=lambda v: ("solución" if v else "enunciado") if isinstance(v, bool) else "",
)
def test_bloques_de_la_pagina(codigo: str, es_solucion: bool) -> None:
    salida = _ejecuta(codigo)
    if es_solucion:
        assert "✅" in salida, f"La solución no pasa su comprobador:\n{salida}"
    else:
        assert "✏️" in salida, f"El enunciado debería dar el aviso de pendiente:\n{salida}"
