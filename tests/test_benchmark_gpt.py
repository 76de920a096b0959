"""Prueba de humo del banco de pruebas del GPT: corre con un presupuesto mínimo y resume bien."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from guiones import cargar_guion

from genai_utils.corpus import split_text
from genai_utils.recipes import get_recipe

RAIZ = Path(__file__).resolve().parents[1]


def _load_script():
    return cargar_guion("benchmark_gpt")


TEXTO = ("La atención mira hacia atrás; el modelo predice el carácter siguiente. ¿Qué año? 2026. "
         "Señor Núñez, ¡pingüino! ") * 120


@pytest.mark.parametrize("tokenizador", ["bpe", "caracteres"])
def test_resumen_final(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tokenizador: str
) -> None:
    archivo = tmp_path / "texto.txt"
    archivo.write_text(TEXTO, encoding="utf-8")
    bench = _load_script()
    codigo = bench.main([str(archivo), "3", "--tokenizador", tokenizador, "--fusiones", "40",
                         "--contexto", "16", "--lote", "16", "--hilos", "1"])
    assert codigo == 0
    ultima = capsys.readouterr().out.strip().splitlines()[-1]
    m = re.fullmatch(r"parámetros=(\d+) caracteres_por_segundo=(\d+) "
                     r"bits_por_caracter_validacion=(\d+\.\d{3})", ultima)
    assert m, ultima
    assert int(m.group(1)) > 0 and int(m.group(2)) > 0
    # Un texto tan repetitivo se aprende en segundos: muy por debajo de 8 bits por carácter.
    assert float(m.group(3)) < 4.0


def test_libro_entrena_con_entrenamiento_y_mide_con_desarrollo() -> None:
    bench = _load_script()
    entrenamiento, evaluacion = bench.load_texts("libro")
    from genai_utils.corpus import book_splits

    partes = book_splits()
    assert (entrenamiento, evaluacion) == (partes.train, partes.dev)  # nunca la prueba
    assert bench.parse_args(["libro", "1"]).dim == get_recipe("gpt_libro").model["n_embd"]


def test_los_caracteres_puntuados_cuadran_con_el_texto() -> None:
    bench = _load_script()
    entrenamiento, validacion = split_text(TEXTO, val_fraction=0.1)
    datos = bench.prepare_data(entrenamiento, validacion, "bpe", 40)
    assert int(datos.val_chars.sum()) == len(validacion)
    contexto = 8
    assert 0 < bench.scored_chars(datos, contexto) <= len(validacion)
    caracteres = bench.prepare_data(entrenamiento, validacion, "caracteres", 0)
    ventanas = (len(caracteres.val_ids) - 1) // contexto
    assert bench.scored_chars(caracteres, contexto) == ventanas * contexto
