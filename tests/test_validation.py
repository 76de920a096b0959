"""Pruebas de las comprobaciones de argumentos compartidas."""

from __future__ import annotations

import math

import pytest
import torch

from genai_utils.validation import (
    check_choice,
    check_fraction,
    check_labels,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
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
