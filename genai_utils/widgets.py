"""Controles interactivos (ipywidgets) con etiquetas en español y un aspecto común.

Todos los deslizadores usan ``continuous_update=False``: el resultado se recalcula al soltar el
control, no en cada píxel, para que los cuadernos respondan bien en una CPU modesta. En la página
web estática los controles se ven, pero solo actualizan la salida con un núcleo (*kernel*) en
marcha.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import ipywidgets as widgets

__all__ = ["dropdown", "float_slider", "int_slider"]

_WIDTH = "480px"
_STYLE = {"description_width": "160px"}
_S = TypeVar("_S", widgets.FloatSlider, widgets.IntSlider)


def _check_range(min: float, max: float, step: float, value: float) -> None:
    if not min < max:
        raise ValueError(f"`min` ({min}) debe ser menor que `max` ({max}).")
    if step <= 0:
        raise ValueError(f"`step` debe ser positivo; se recibió {step}.")
    if not min <= value <= max:
        raise ValueError(f"`value` ({value}) debe estar entre `min` ({min}) y `max` ({max}).")


def _check_description(description: object) -> str:
    if not isinstance(description, str) or not description.strip():
        raise ValueError("`description` debe ser un texto no vacío (la etiqueta del control).")
    return description


def float_slider(
    description: str,
    min: float,
    max: float,
    step: float,
    value: float,
    *,
    readout_format: str = ".2f",
) -> widgets.FloatSlider:
    """Deslizador de números reales con etiqueta ``description`` (p. ej. ``"Temperatura"``)."""
    _check_description(description)
    _check_range(min, max, step, value)
    return _slider(widgets.FloatSlider, description, min, max, step, value,
                   readout_format=readout_format)


def int_slider(
    description: str, min: int, max: int, step: int = 1, value: int | None = None
) -> widgets.IntSlider:
    """Deslizador de enteros con etiqueta ``description``; ``value`` por defecto es ``min``."""
    _check_description(description)
    value = min if value is None else value
    for name, v in (("min", min), ("max", max), ("step", step), ("value", value)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"`{name}` debe ser un entero; se recibió {v!r}.")
    _check_range(min, max, step, value)
    return _slider(widgets.IntSlider, description, min, max, step, value)


def _slider(kind: type[_S], description: str, min: Any, max: Any, step: Any, value: Any,
            **extra: Any) -> _S:
    """Un deslizador ``kind`` con el estilo del libro (solo se actualiza al soltarlo)."""
    return kind(value=value, min=min, max=max, step=step, description=description,
                continuous_update=False, style=_STYLE, layout=widgets.Layout(width=_WIDTH),
                **extra)


def dropdown(description: str, options: Sequence[Any], value: Any = None) -> widgets.Dropdown:
    """Lista desplegable con etiqueta ``description``; por defecto, la primera opción."""
    _check_description(description)
    options = list(options)
    if not options:
        raise ValueError("`options` no puede estar vacío.")
    value = options[0] if value is None else value
    if value not in options:
        raise ValueError(f"`value` ({value!r}) no está entre las opciones {options!r}.")
    return widgets.Dropdown(
        options=options,
        value=value,
        description=description,
        style=_STYLE,
        layout=widgets.Layout(width=_WIDTH),
    )
