"""Plazos del agente: cuánto tiempo tiene cada herramienta y cuánto la ejecución entera.

:class:`TimeBudget` lleva la cuenta del tiempo total (``time_budget``) y da el plazo de cada paso
(``step_timeout`` o lo que quede del total, lo que sea menor). :func:`call_tool` ejecuta una
llamada con ese plazo: en un hilo aparte al que el bucle espera como mucho ``seconds``; si no ha
vuelto, devuelve una observación de error y al hilo se le lanza una excepción para que pare en
cuanto ejecute código Python. Una operación de C que no suelta el intérprete (un cálculo enorme
con enteros) no se puede cortar así; por eso cada herramienta del paquete se acota a sí misma.

Nada de lo que haga la herramienta escapa: sus excepciones (también ``SystemExit``) y lo que
devuelva se convierten en una :class:`~genai_utils.agents.tools.Observation` recortada.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable
from typing import Any

from genai_utils.agents.tools import Observation, truncate
from genai_utils.report import fmt_num

__all__ = ["TimeBudget", "call_tool"]


class TimeBudget:
    """Reloj de una ejecución: ``total`` segundos en conjunto y ``per_step`` por herramienta.

    ``None`` en cualquiera de los dos quita ese límite. El reloj empieza al crear el objeto.
    """

    def __init__(self, total: float | None, per_step: float | None) -> None:
        self.total = total
        self.per_step = per_step
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        """Segundos desde que empezó la ejecución."""
        return time.perf_counter() - self.start

    def expired(self) -> bool:
        """``True`` si ya se gastó el tiempo total."""
        return self.total is not None and self.elapsed() >= self.total

    def step_limit(self) -> float | None:
        """Plazo del paso que empieza: ``per_step`` o lo que queda del total (el menor)."""
        limit = self.per_step
        if self.total is not None:
            left = self.total - self.elapsed()
            limit = left if limit is None else min(limit, left)
        return limit


class _ToolTimeout(BaseException):
    """Se lanza dentro del hilo de una herramienta abandonada para que pare."""


def call_tool(
    call: Callable[[object, object], object],
    name: Any,
    arguments: Any,
    seconds: float | None,
    max_chars: int,
) -> Observation:
    """``call(name, arguments)`` como observación recortada; con ``seconds``, como mucho ese plazo.

    Con ``seconds=None`` la llamada se hace en este hilo, sin plazo. Nunca lanza.
    """
    if seconds is None:
        return _observation(_safe_call(call, name, arguments), max_chars)
    return _call_with_deadline(call, name, arguments, seconds, max_chars)


def _observation(value: object, max_chars: int) -> Observation:
    """Cualquier cosa que devuelva un registro, convertida en una observación recortada."""
    text = getattr(value, "text", value)
    ok = getattr(value, "ok", True)
    if not isinstance(text, str):
        try:
            text = str(text)
        except Exception:  # noqa: BLE001 - un __str__ roto no debe escapar
            text, ok = f"Error: la herramienta devolvió un {type(text).__name__} ilegible.", False
    return Observation(truncate(text, max_chars), ok=bool(ok) if isinstance(ok, bool) else False)


def _safe_call(call: Callable[[object, object], object], name: object, arguments: Any) -> object:
    try:
        return call(name, arguments)
    except (Exception, SystemExit) as error:  # noqa: BLE001 - un registro ajeno no tumba el bucle
        return Observation(f"Error en {name}: {_describe(error)}", ok=False)


def _call_with_deadline(
    call: Callable[[object, object], object],
    name: Any,
    arguments: Any,
    seconds: float,
    max_chars: int,
) -> Observation:
    """Ejecuta ``call(name, arguments)`` en un hilo y lo espera como mucho ``seconds``."""
    box: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = call(name, arguments)
        except BaseException as error:  # noqa: BLE001 - también SystemExit o el aviso de plazo
            box["error"] = error
        finally:
            done.set()

    worker = threading.Thread(target=work, name="herramienta del agente", daemon=True)
    worker.start()
    if not done.wait(seconds):
        _ask_to_stop(worker)
        message = (
            f"Error en {name}: la herramienta no terminó en {_seconds(seconds)} y se abandonó."
        )
        return Observation(truncate(message, max_chars), ok=False)
    if "error" in box:
        error = box["error"]
        assert isinstance(error, BaseException)
        return Observation(truncate(f"Error en {name}: {_describe(error)}", max_chars), ok=False)
    return _observation(box.get("value"), max_chars)


def _seconds(value: float) -> str:
    """``1.5`` → ``"1,5 s"`` (coma decimal)."""
    return fmt_num(value, 1) + " s"


def _ask_to_stop(worker: threading.Thread) -> None:
    """Pide al hilo abandonado que lance :class:`_ToolTimeout` (CPython); si no se puede, sigue."""
    try:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(worker.ident or 0), ctypes.py_object(_ToolTimeout)
        )
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - otros intérpretes
        pass


def _describe(error: BaseException) -> str:
    try:
        detail = str(error)
    except Exception:  # noqa: BLE001 - un __str__ roto no debe escapar
        detail = ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__
