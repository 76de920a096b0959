"""El bucle de un agente (ReAct): pensar → actuar → observar, con su traza completa.

En cada paso el modelo de lenguaje lee la transcripción (la pregunta y los pasos anteriores) y
escribe un razonamiento y una **acción** en una línea con formato fijo::

    Pensamiento: hay que calcular
    Acción: calculadora {"expresion": "12 * 7"}

El bucle interpreta la acción, la ejecuta con el :class:`~genai_utils.agents.tools.ToolRegistry`
y añade la **observación** a la transcripción. Termina cuando el modelo escribe
``Respuesta: …`` (parada limpia), cuando se agota el **presupuesto de pasos** o de **tiempo**, o
cuando el modelo repite la misma llamada (bucle). Cada paso queda registrado en la :class:`Trace`:
pensamiento, herramienta, argumentos, observación, si falló, si se bloqueó y cuánto tardó.

Tres límites que no dependen del modelo:

* **Tiempo** (:mod:`~genai_utils.agents.deadline`). Cada herramienta se ejecuta en un hilo
  aparte y el bucle la espera como mucho ``step_timeout`` segundos; si no ha terminado, el paso
  vuelve con una observación de error y el hilo se abandona. ``time_budget`` limita la
  ejecución entera.
* **Tamaño** (:mod:`~genai_utils.agents.actions`). Toda observación se recorta; la salida del
  modelo, sea lo que sea, nunca hace lanzar al bucle (texto no válido, ``None``, bytes, JSON
  anidado a mil niveles, ``NaN``…).
* **Cuarentena** (:mod:`~genai_utils.agents.quarantine`). Después de que una herramienta marcada
  como no fiable (``untrusted=True``, como ``buscar_libro``) devuelva texto, el modelo ya no
  puede elegir herramientas fuera de ``after_untrusted`` ni escribir argumentos con palabras que
  solo aparezcan en ese texto.

Este módulo reexporta los nombres de esas piezas (``Action``, ``parse_action``, ``Step``,
``Trace``, ``Quarantine``, ``default_header``, ``transcript``), que se importan desde aquí.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any

from genai_utils.agents.actions import STOP, Action, parse_action, read_action
from genai_utils.agents.deadline import TimeBudget, call_tool
from genai_utils.agents.prompt import default_header, transcript
from genai_utils.agents.quarantine import Quarantine
from genai_utils.agents.tools import ToolRegistry, truncate
from genai_utils.agents.trace import (
    STOP_ANSWER,
    STOP_BUDGET,
    STOP_LOOP,
    STOP_TIME,
    Step,
    Trace,
    short_json,
)
from genai_utils.validation import check_positive_float, check_positive_int

__all__ = [
    "Action",
    "Quarantine",
    "Step",
    "Trace",
    "default_header",
    "parse_action",
    "run_agent",
    "transcript",
]

MAX_OBSERVATION_CHARS = 600  # si el registro no dice otra cosa (``max_chars``)
MAX_TOKENS = 120  # tokens que puede escribir el modelo en cada paso


def run_agent(
    model: Any,
    registry: ToolRegistry,
    question: str,
    *,
    max_steps: int = 5,
    max_repeats: int | None = 2,
    header: str | None = None,
    step_timeout: float | None = 10.0,
    time_budget: float | None = 120.0,
    quarantine: bool = True,
    after_untrusted: Collection[str] | None = None,
) -> Trace:
    """Ejecuta el bucle del agente para ``question`` y devuelve su :class:`Trace`.

    ``model`` es cualquier objeto con ``complete(prompt, stop=…, max_tokens=…) -> str``. Con
    ``header=None`` se usa :func:`default_header`, salvo que el modelo tenga
    ``needs_header = False`` (el GPT entrenado en el capítulo ya conoce sus herramientas).

    El bucle se detiene tras ``max_steps`` acciones, cuando la misma llamada se repite
    ``max_repeats`` veces seguidas (``None`` desactiva esta defensa) o cuando pasan
    ``time_budget`` segundos (se comprueba antes de cada paso). Cada herramienta tiene
    ``step_timeout`` segundos (``None``: sin plazo ni hilo aparte). Con ``quarantine=True`` el
    texto de las herramientas no fiables queda en cuarentena (:class:`Quarantine`;
    ``after_untrusted`` son las herramientas que se permiten después). Nunca lanza por culpa de
    lo que escriba el modelo.

    Cómo se aplica el plazo: la llamada corre en un hilo aparte y el bucle la espera como mucho
    ``step_timeout`` segundos (o lo que quede de ``time_budget``). Si no ha vuelto, el paso
    recibe una observación de error y al hilo se le lanza una excepción para que pare en cuanto
    ejecute código Python; una llamada de C que no suelta el intérprete (un cálculo enorme con
    enteros) no se puede cortar así, y por eso cada herramienta del paquete se acota a sí misma.
    """
    _check_limits(max_steps, max_repeats, step_timeout, time_budget, quarantine)
    header = _header(model, registry, question, header)
    guard = _guard(registry, question, header, quarantine, after_untrusted)
    max_chars = _max_chars(registry)
    trace = Trace(question)
    budget = TimeBudget(time_budget, step_timeout)
    while len(trace.steps) < max_steps:
        if budget.expired():
            trace.stop_reason = STOP_TIME
            break
        t0 = time.perf_counter()
        prompt = header + transcript(question, trace.steps)
        raw, action = read_action(model.complete(prompt, stop=list(STOP), max_tokens=MAX_TOKENS))
        if action.answer is not None:
            trace.answer, trace.stop_reason = action.answer, STOP_ANSWER
            break
        step = Step(len(trace.steps) + 1, action.thought, action.tool, action.arguments, "",
                    False, 0.0, raw)
        _act(step, action, registry, guard, budget.step_limit(), max_chars)
        if step.untrusted and trace.quarantined_at is None:
            trace.quarantined_at = step.index
        step.seconds = time.perf_counter() - t0
        trace.steps.append(step)
        if stop := _stop_reason(trace.steps, max_repeats):
            trace.stop_reason = stop
            break
    else:
        trace.stop_reason = STOP_BUDGET
    trace.seconds = budget.elapsed()
    return trace


def _check_limits(
    max_steps: object,
    max_repeats: object,
    step_timeout: object,
    time_budget: object,
    quarantine: object,
) -> None:
    """Valida los límites de :func:`run_agent` (errores en español que nombran el argumento)."""
    check_positive_int(max_steps, "max_steps")
    if max_repeats is not None and check_positive_int(max_repeats, "max_repeats") < 2:
        raise ValueError(
            "El argumento `max_repeats` debe ser al menos 2 (repetir es hacer dos veces lo mismo) "
            "o None para desactivar la detección de bucles."
        )
    if step_timeout is not None:
        check_positive_float(step_timeout, "step_timeout")
    if time_budget is not None:
        check_positive_float(time_budget, "time_budget")
    if not isinstance(quarantine, bool):
        raise TypeError("El argumento `quarantine` debe ser True o False.")


def _header(model: Any, registry: Any, question: object, header: object) -> str:
    """La cabecera de la instrucción (*prompt*): la dada o, si el modelo la necesita, la de
    :func:`default_header`."""
    if not isinstance(question, str) or not question.strip():
        raise ValueError("El argumento `question` debe ser un texto no vacío.")
    if header is not None and not isinstance(header, str):
        raise TypeError(
            f"El argumento `header` debe ser un str; se recibió {type(header).__name__}."
        )
    if header is None:
        return default_header(registry) if getattr(model, "needs_header", True) else ""
    return header


def _guard(
    registry: Any,
    question: str,
    header: str,
    quarantine: bool,
    after_untrusted: Collection[str] | None,
) -> Quarantine | None:
    """La cuarentena del bucle, o ``None`` si se desactivó o el registro no marca herramientas."""
    knows_tools = isinstance(getattr(registry, "tools", None), dict)  # sin `tools` no hay marcas
    if quarantine and (knows_tools or after_untrusted is not None):
        return Quarantine(registry, question, header=header, after_untrusted=after_untrusted)
    return None


def _max_chars(registry: Any) -> int:
    """Longitud máxima de una observación: la del registro si es válida."""
    max_chars = getattr(registry, "max_chars", MAX_OBSERVATION_CHARS)
    if not isinstance(max_chars, int) or max_chars < 1:
        return MAX_OBSERVATION_CHARS
    return max_chars


def _act(
    step: Step,
    action: Action,
    registry: Any,
    guard: Quarantine | None,
    limit: float | None,
    max_chars: int,
) -> None:
    """Rellena la observación de ``step``: error de formato, bloqueo o resultado de la llamada."""
    if action.error is not None:
        step.observation = truncate(f"Error de formato: {action.error}", max_chars)
        return
    if guard is not None and (reason := guard.check(action.tool, action.arguments)):
        step.observation = truncate(reason, max_chars)
        step.blocked = f"cuarentena: {guard.last_kind}"
        return
    if limit is not None and limit <= 0:
        step.observation, step.blocked = "No queda tiempo para ejecutar la herramienta.", STOP_TIME
        return
    result = call_tool(registry.call, action.tool, action.arguments, limit, max_chars)
    step.observation, step.ok = result.text, result.ok
    if guard is not None:
        step.untrusted = guard.record(action.tool, action.arguments, step.observation)


def _stop_reason(steps: list[Step], max_repeats: int | None) -> str:
    """``STOP_TIME`` si el último paso se quedó sin tiempo, ``STOP_LOOP`` si se repite, o ``""``."""
    if steps[-1].blocked == STOP_TIME:
        return STOP_TIME
    return STOP_LOOP if _repeating(steps, max_repeats) else ""


def _repeating(steps: list[Step], max_repeats: int | None) -> bool:
    if max_repeats is None or len(steps) < max_repeats:
        return False
    last = steps[-max_repeats:]
    keys = {(s.tool, short_json(s.arguments), s.raw if s.tool is None else "") for s in last}
    return len(keys) == 1
