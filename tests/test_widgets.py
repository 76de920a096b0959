"""Pruebas de genai_utils.widgets: controles con etiquetas en español."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from genai_utils.widgets import dropdown, float_slider, int_slider


def test_float_slider() -> None:
    s = float_slider("Temperatura", 0.1, 2.0, 0.1, 1.0)
    assert isinstance(s, widgets.FloatSlider)
    assert s.description == "Temperatura" and s.value == 1.0
    assert s.continuous_update is False


def test_int_slider_valor_por_defecto() -> None:
    s = int_slider("Orden", 1, 5)
    assert isinstance(s, widgets.IntSlider)
    assert s.value == 1 and s.max == 5 and s.continuous_update is False


def test_dropdown() -> None:
    d = dropdown("Dígito", [0, 1, 2], 2)
    assert d.value == 2 and d.description == "Dígito"


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"min": 2.0, "max": 1.0, "step": 0.1, "value": 1.5}, "min"),
        ({"min": 0.0, "max": 1.0, "step": 0.0, "value": 0.5}, "step"),
        ({"min": 0.0, "max": 1.0, "step": 0.1, "value": 3.0}, "value"),
    ],
)
def test_rangos_invalidos(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        float_slider("x", **kwargs)


def test_otros_errores() -> None:
    with pytest.raises(ValueError, match="description"):
        float_slider("", 0.0, 1.0, 0.1, 0.5)
    with pytest.raises(TypeError, match="step"):
        int_slider("Orden", 1, 5, 0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="options"):
        dropdown("Modelo", [])
    with pytest.raises(ValueError, match="value"):
        dropdown("Modelo", ["a", "b"], "c")
