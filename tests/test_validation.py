"""Pruebas de las comprobaciones de argumentos compartidas."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch

from genai_utils.validation import (
    check_bool,
    check_choice,
    check_fraction,
    check_instance,
    check_non_negative_float,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
    check_real,
    check_stop,
    check_text,
    check_top_p,
)
from genai_utils.validation_tensors import (
    check_digit_images,
    check_labels,
    check_model,
    check_tensor,
)


def test_enteros_validos_se_devuelven() -> None:
    assert check_positive_int(3, "epochs") == 3
    assert check_non_negative_int(0, "seed") == 0
    assert isinstance(check_positive_int(torch.tensor(2).item(), "n"), int)


@pytest.mark.parametrize("value", [0, -3])
def test_entero_positivo_rechaza_no_positivos(value: int) -> None:
    with pytest.raises(ValueError, match=r"`epochs`.*entero positivo.*se recibió"):
        check_positive_int(value, "epochs")


@pytest.mark.parametrize("value", [True, 2.0, "3", None])
def test_entero_positivo_rechaza_otros_tipos(value: object) -> None:
    with pytest.raises(TypeError, match="`n`"):
        check_positive_int(value, "n")


def test_entero_no_negativo() -> None:
    with pytest.raises(ValueError, match="`seed`"):
        check_non_negative_int(-1, "seed")
    with pytest.raises(TypeError, match="`seed`"):
        check_non_negative_int(1.5, "seed")


def test_fraccion() -> None:
    assert check_fraction(0.25, "p") == 0.25
    assert check_fraction(0, "p", open_interval=False) == 0.0
    for bad in (0, 1, -0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match=r"`p`.*\(0, 1\)"):
            check_fraction(bad, "p")
    with pytest.raises(TypeError, match="`p`"):
        check_fraction("0.5", "p")


def test_float_positivo() -> None:
    assert check_positive_float(2, "lr") == 2.0
    for bad in (0.0, -1e-3, math.inf, math.nan):
        with pytest.raises(ValueError, match="`lr`"):
            check_positive_float(bad, "lr")
    with pytest.raises(TypeError, match="`lr`"):
        check_positive_float(True, "lr")


def test_opciones() -> None:
    assert check_choice("a", "modo", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"`modo`.*'a', 'b'.*'c'"):
        check_choice("c", "modo", ("a", "b"))


def test_tensor_valido() -> None:
    x = torch.zeros(4, 1, 8, 8)
    assert check_tensor(x, "x", ndim=4, last_dims=(8, 8), floating=True) is x
    assert check_tensor(torch.zeros(3, 2), "x", ndim=(2, 3)) is not None


def test_tensor_errores() -> None:
    with pytest.raises(TypeError, match="`x`.*tensor"):
        check_tensor([1.0, 2.0], "x")
    with pytest.raises(ValueError, match=r"`x`.*2 dimensiones.*\(3,\)"):
        check_tensor(torch.zeros(3), "x", ndim=2)
    with pytest.raises(ValueError, match=r"`x`.*\(2,\).*\(5, 3\)"):
        check_tensor(torch.zeros(5, 3), "x", last_dims=(2,))
    with pytest.raises(TypeError, match="`x`.*coma flotante.*int64"):
        check_tensor(torch.zeros(3, dtype=torch.long), "x", floating=True)
    with pytest.raises(TypeError, match="`y`.*enteros"):
        check_tensor(torch.zeros(3), "y", floating=False)


def test_check_labels() -> None:
    labels = torch.tensor([0, 2, 1], dtype=torch.int32)
    out = check_labels(labels, "labels", n=3, n_classes=3, rows_of="x")
    assert out.dtype == torch.int64 and out.tolist() == [0, 2, 1]
    with pytest.raises(ValueError, match="una etiqueta por fila de `x` \\(4\\)"):
        check_labels(labels, "labels", n=4, n_classes=3, rows_of="x")
    with pytest.raises(ValueError, match="entre 0 y 1; se recibieron valores entre 0 y 2"):
        check_labels(labels, "labels", n=3, n_classes=2, rows_of="x")
    with pytest.raises(TypeError, match="tensor de enteros"):
        check_labels(labels.float(), "labels", n=3, n_classes=3, rows_of="x")


# Módulos de Python puro: importarlos no debe cargar PyTorch (cuesta segundos).
_SIN_TORCH = (
    "genai_utils.validation",
    "genai_utils.bpe",
    "genai_utils.corpus",
    "genai_utils.ngram",
    "genai_utils.stats",
    "genai_utils.report",
    "genai_utils.agents.calculator",
    "genai_utils.agents.sql",
)


@pytest.mark.parametrize("module", _SIN_TORCH)
def test_modulos_puros_no_importan_torch(module: str) -> None:
    code = f"import sys, {module}; assert 'torch' not in sys.modules, 'torch cargado'"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_comprobaciones_de_tensores_tambien_desde_validation() -> None:
    from genai_utils import validation, validation_tensors

    assert validation.check_tensor is validation_tensors.check_tensor
    assert validation.check_labels is validation_tensors.check_labels
    with pytest.raises(AttributeError):
        _ = validation.no_existe  # type: ignore[attr-defined]


def test_nuevas_comprobaciones() -> None:
    assert check_text("", "t", allow_empty=True) == ""
    with pytest.raises(ValueError, match="`t` debe ser un texto no vacío"):
        check_text("", "t")
    with pytest.raises(TypeError, match="`t`"):
        check_text(None, "t")
    assert check_non_negative_float(0, "d") == 0.0
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="`d`"):
            check_non_negative_float(bad, "d")
    with pytest.raises(TypeError, match="`d`"):
        check_non_negative_float("1", "d")
    assert check_top_p(1, "top_p") == 1.0
    with pytest.raises(ValueError, match="`top_p`"):
        check_top_p(0, "top_p")
    with pytest.raises(TypeError, match="`top_p`"):
        check_top_p(None, "top_p")
    with pytest.raises(ValueError, match="`n` no puede superar 10"):
        check_positive_int(11, "n", maximum=10)
    with pytest.raises(TypeError, match="`b`"):
        check_bool(1, "b")
    with pytest.raises(ValueError, match="`r`"):
        check_real(math.nan, "r")
    with pytest.raises(TypeError, match="`modo`"):
        check_choice(None, "modo", ("a", "b"))


def test_modelo_e_imagenes_de_digitos() -> None:
    check_model(torch.nn.Linear(2, 2), "model")
    with pytest.raises(TypeError, match="`model` debe ser un `torch.nn.Module`"):
        check_model(object(), "model")
    assert check_digit_images(torch.zeros(3, 1, 8, 8), "x").shape == (3, 64)
    assert check_digit_images(torch.zeros(3, 8, 8), "x", allow_hw=True).shape == (3, 64)
    with pytest.raises(ValueError, match=r"`x` debe tener forma \(N, 1, 8, 8\) o \(N, 64\)"):
        check_digit_images(torch.zeros(3, 8, 8), "x")
    with pytest.raises(TypeError, match="`x`.*coma flotante"):
        check_digit_images(torch.zeros(3, 64, dtype=torch.long), "x")
    with pytest.raises(ValueError, match="`x` no contiene ninguna imagen"):
        check_digit_images(torch.zeros(0, 64), "x", min_count=1)
    with pytest.raises(ValueError, match="`x` contiene valores NaN"):
        check_tensor(torch.tensor([math.nan]), "x", finite=True)
    with pytest.raises(ValueError, match="`x` está vacío"):
        check_tensor(torch.zeros(0), "x", non_empty=True)


def test_check_instance_nombra_el_argumento_y_el_tipo() -> None:
    assert check_instance(3, "n", int) == 3
    with pytest.raises(TypeError, match=r"`cfg` debe ser un dict \(con pistas\); se recibió str"):
        check_instance("x", "cfg", dict, hint=" (con pistas)")


def test_check_stop_names_the_steps_argument() -> None:
    assert check_stop(3, None) == (3, None)
    assert check_stop(None, 1.5, steps_name="max_steps") == (None, 1.5)
    with pytest.raises(ValueError, match="`max_steps`, `max_seconds` o ambos"):
        check_stop(None, None, steps_name="max_steps")
    with pytest.raises(ValueError, match="`steps`"):
        check_stop(0, None)
    with pytest.raises(TypeError, match="`max_seconds`"):
        check_stop(None, "1")


def test_lm_and_trainer_share_the_stop_check() -> None:
    from genai_utils.lm import random_windows, train_lm
    from genai_utils.trainer import Trainer

    ids = torch.arange(20)
    with pytest.raises(ValueError, match="`max_steps`, `max_seconds`"):
        train_lm(torch.nn.Linear(1, 1), ids, context=4)
    with pytest.raises(ValueError, match="`steps`, `max_seconds`"):
        Trainer(lambda batch: {}).run(lambda: None)
    with pytest.raises(ValueError, match="`train_ids` tiene 20 tokens"):
        train_lm(torch.nn.Linear(1, 1), ids, context=20, max_steps=1)
    with pytest.raises(ValueError, match="`data` tiene 20 tokens"):
        random_windows(ids, 20, 2)
