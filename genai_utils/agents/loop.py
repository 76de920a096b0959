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

* **Tiempo.** Cada herramienta se ejecuta en un hilo aparte y el bucle la espera como mucho
  ``step_timeout`` segundos; si no ha terminado, el paso vuelve con una observación de error y el
  hilo se abandona (se le pide que pare en cuanto vuelva a ejecutar código Python). Una operación
  de C que no suelta el intérprete no se puede cortar desde fuera; por eso cada herramienta del
  paquete se acota además a sí misma. ``time_budget`` limita la ejecución entera.
* **Tamaño.** Toda observación se recorta; la salida del modelo, sea lo que sea, nunca hace lanzar
  al bucle (texto no válido, ``None``, bytes, JSON anidado a mil niveles, ``NaN``…).
* **Cuarentena** (:class:`Quarantine`). Después de que una herramienta marcada como no fiable
  (``untrusted=True``, como ``buscar_libro``) devuelva texto, el modelo ya no puede elegir
  herramientas fuera de ``after_untrusted`` ni escribir argumentos con palabras que solo aparezcan
  en ese texto.
"""

from __future__ import annotations

import ctypes
import html
import json
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from genai_utils.agents.tools import Observation, ToolRegistry, short_repr, truncate
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

_ACTION = re.compile(r"^\s*Acci[oó]n\s*:\s*(?P<name>[^\s{]+)\s*(?P<args>\{.*\})?\s*$")
_ANSWER = re.compile(r"^\s*Respuesta\s*:\s*(?P<text>.*)$")
_THOUGHT = re.compile(r"^\s*Pensamiento\s*:\s*(?P<text>.*)$")

STOP_ANSWER = "respuesta"
STOP_BUDGET = "presupuesto agotado"
STOP_LOOP = "bucle detectado"
STOP_TIME = "tiempo agotado"

STOP = ["\nObservación:"]
MAX_RAW_CHARS = 2000  # de la salida del modelo se guarda (y se interpreta) como mucho esto
MAX_ARGS_CHARS = 10_000  # longitud máxima del JSON de argumentos
MAX_ARGS_DEPTH = 20  # niveles de anidamiento de listas y objetos en los argumentos
MAX_OBSERVATION_CHARS = 600  # si el registro no dice otra cosa (``max_chars``)


@dataclass(frozen=True)
class Action:
    """Lo que el modelo pidió: una llamada (``tool`` y ``arguments``), una respuesta final
    (``answer``) o nada interpretable (``error`` explica por qué)."""

    thought: str = ""
    tool: str | None = None
    arguments: Any = None
    answer: str | None = None
    error: str | None = None


def parse_action(text: str) -> Action:
    """Interpreta la salida del modelo: un pensamiento opcional y una línea ``Acción:`` o
    ``Respuesta:``. Lo que venga después de esa línea se ignora (el modelo no puede inventarse
    la observación)."""
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    thought = ""
    for line in text.strip().splitlines():
        if m := _THOUGHT.match(line):
            thought = m["text"].strip()
        elif m := _ANSWER.match(line):
            return Action(thought=thought, answer=m["text"].strip())
        elif m := _ACTION.match(line):
            return _parse_call(thought, m["name"], m["args"])
    return Action(
        thought=thought,
        error="no encontré una línea «Acción: herramienta {argumentos JSON}» ni «Respuesta: …».",
    )


def _parse_call(thought: str, name: str, raw_args: str | None) -> Action:
    if raw_args is None:
        return Action(thought, name, error="faltan los argumentos en JSON tras el nombre.")
    if len(raw_args) > MAX_ARGS_CHARS:
        return Action(
            thought, name, error=f"los argumentos son demasiado largos (máximo {MAX_ARGS_CHARS})."
        )
    try:
        arguments = json.loads(raw_args, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        return Action(thought, name, error=f"los argumentos no son JSON válido ({error.msg}).")
    except (ValueError, RecursionError) as error:  # NaN/Infinity, anidamiento, enteros enormes
        detail = str(error) if isinstance(error, _NonFinite) else "anidados o enormes"
        return Action(thought, name, error=f"los argumentos no son JSON válido ({detail}).")
    if _depth(arguments) > MAX_ARGS_DEPTH:
        return Action(
            thought,
            name,
            error=f"los argumentos tienen más de {MAX_ARGS_DEPTH} niveles de anidamiento.",
        )
    return Action(thought, name, arguments)


class _NonFinite(ValueError):
    pass


def _reject_constant(token: str) -> None:
    raise _NonFinite(f"{token} no es un número JSON")


def _depth(value: Any) -> int:
    """Profundidad de listas y objetos anidados, sin recursión."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_ARGS_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest


@dataclass
class Step:
    """Un paso del bucle, tal como lo registra la traza.

    ``untrusted`` dice si la observación vino de una herramienta no fiable; ``blocked`` es ``""``
    o el motivo por el que la llamada no se ejecutó (``"cuarentena: herramienta"``,
    ``"cuarentena: argumentos"``, ``"tiempo agotado"``).
    """

    index: int
    thought: str
    tool: str | None
    arguments: Any
    observation: str
    ok: bool
    seconds: float
    raw: str
    untrusted: bool = False
    blocked: str = ""


@dataclass(repr=False)
class Trace:
    """La ejecución completa: pasos, respuesta final (o ``None``) y motivo de parada."""

    question: str
    steps: list[Step] = field(default_factory=list)
    answer: str | None = None
    stop_reason: str = ""
    seconds: float = 0.0
    quarantined_at: int | None = None

    @property
    def blocked_steps(self) -> list[Step]:
        """Los pasos cuya llamada se bloqueó (por la cuarentena o por falta de tiempo)."""
        return [s for s in self.steps if s.blocked]

    def rows(self) -> list[dict[str, str]]:
        """Una fila por paso (y otra para la respuesta), lista para mostrar como tabla."""
        rows = [
            {
                "paso": str(s.index),
                "pensamiento": s.thought,
                "herramienta": s.tool or "—",
                "argumentos": _short_json(s.arguments),
                "observación": s.observation,
                "tiempo": f"{s.seconds * 1000:.1f} ms",
            }
            for s in self.steps
        ]
        if self.answer is not None:
            rows.append(
                {
                    "paso": "fin",
                    "pensamiento": "",
                    "herramienta": "—",
                    "argumentos": "",
                    "observación": f"Respuesta: {self.answer}",
                    "tiempo": "",
                }
            )
        return rows

    def __str__(self) -> str:
        lines = [f"Pregunta: {self.question}"]
        for row in self.rows():
            lines.append(" | ".join(f"{k}: {v}" for k, v in row.items() if v))
        lines.append(f"Parada: {self.stop_reason}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        rows = self.rows()
        head = "".join(f"<th>{html.escape(k)}</th>" for k in (rows[0] if rows else {}))
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row.values()) + "</tr>"
            for row in rows
        )
        caption = html.escape(f"{self.question} — parada: {self.stop_reason}")
        return f"<table><caption>{caption}</caption><tr>{head}</tr>{body}</table>"


def _short_json(arguments: Any) -> str:
    if arguments is None:
        return ""
    try:
        return json.dumps(arguments, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return short_repr(arguments, 200)


def default_header(registry: ToolRegistry, examples: str = "") -> str:
    """Instrucciones para un modelo general: herramientas, formato y, si se dan, ejemplos."""
    if not isinstance(examples, str):
        raise TypeError(
            f"El argumento `examples` debe ser un str; se recibió {type(examples).__name__}."
        )
    if not callable(getattr(registry, "describe", None)):
        raise TypeError("El argumento `registry` debe tener un método `describe()`.")
    return (
        "Responde a la pregunta usando herramientas. Herramientas:\n"
        f"{registry.describe()}\n"
        "Formato: una línea «Pensamiento: …» y después una línea «Acción: herramienta "
        "{argumentos JSON}». Cuando tengas el dato, escribe «Respuesta: …».\n\n"
        + (f"Ejemplos:\n{examples.strip()}\n\n" if examples.strip() else "")
    )


def transcript(question: str, steps: list[Step]) -> str:
    """Texto que ve el modelo: la pregunta y, por cada paso, su acción y su observación."""
    if not isinstance(question, str):
        raise TypeError(
            f"El argumento `question` debe ser un str; se recibió {type(question).__name__}."
        )
    if not isinstance(steps, list | tuple) or not all(isinstance(s, Step) for s in steps):
        raise TypeError("El argumento `steps` debe ser una lista de Step.")
    parts = [f"Pregunta: {question}\n"]
    for s in steps:
        if s.thought:
            parts.append(f"Pensamiento: {s.thought}\n")
        if s.tool:
            call = f"{s.tool} {_short_json(s.arguments)}".strip()
        else:  # salida sin formato: en una sola línea, para que no pueda fingir una observación
            call = truncate(" ".join(s.raw.split()), 200)
        parts.append(f"Acción: {call}\nObservación: {s.observation}\n")
    return "".join(parts)


_MIN_WORD = 3
_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    """Palabras de ≥ 3 caracteres, en minúsculas, sin tildes ni caracteres invisibles (NFKC)."""
    plain = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    plain = "".join(c for c in plain if unicodedata.category(c) not in {"Mn", "Cf"})
    return {w for w in _WORD.findall(plain) if len(w) >= _MIN_WORD}


def _argument_words(arguments: Any) -> set[str]:
    words: set[str] = set()
    pending = [arguments]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            words |= _words(str(item))
    return words


class Quarantine:
    """Cuarentena del texto no fiable: lo que lee el agente no puede elegir herramientas ni datos.

    Mientras no haya entrado texto no fiable se permite todo. Cuando una herramienta marcada con
    ``untrusted=True`` devuelve su observación (:meth:`record`), la cuarentena se activa hasta el
    final y :meth:`check` bloquea:

    1. cualquier herramienta que no esté en ``after_untrusted`` (fijado por el programa con la
       pregunta, antes de leer nada; por defecto, las propias herramientas no fiables del
       registro: se puede seguir buscando o responder, nada más);
    2. cualquier argumento con una palabra (≥ 3 caracteres, sin tildes ni mayúsculas) que aparezca
       en el texto no fiable y no en la pregunta, la cabecera, las observaciones fiables o los
       argumentos escritos antes de la cuarentena.

    Así un documento puede cambiar la respuesta, pero no qué herramientas se usan ni con qué datos.
    ``registry`` es cualquier registro con ``tools`` (``{nombre: Tool}``).
    """

    def __init__(
        self,
        registry: Any,
        question: str,
        *,
        header: str = "",
        after_untrusted: Collection[str] | None = None,
    ) -> None:
        if not isinstance(question, str):
            raise TypeError(
                f"El argumento `question` debe ser un str; se recibió {type(question).__name__}."
            )
        if not isinstance(header, str):
            raise TypeError(
                f"El argumento `header` debe ser un str; se recibió {type(header).__name__}."
            )
        tools = getattr(registry, "tools", None)
        if not isinstance(tools, dict):
            raise TypeError(
                "El argumento `registry` debe tener un atributo `tools` (dict nombre → Tool), "
                "como ToolRegistry o AllowListRegistry."
            )
        self.untrusted_tools = frozenset(
            name for name, tool in tools.items() if getattr(tool, "untrusted", False)
        )
        if after_untrusted is None:
            self.after_untrusted = self.untrusted_tools
        elif isinstance(after_untrusted, str) or not isinstance(after_untrusted, Collection):
            raise TypeError(
                "El argumento `after_untrusted` debe ser una colección de nombres de herramienta, "
                'p. ej. {"buscar_libro"} (o None).'
            )
        else:
            unknown = sorted(str(n) for n in after_untrusted if n not in tools)
            if unknown:
                raise ValueError(
                    f"El argumento `after_untrusted` nombra herramientas que no existen: {unknown}."
                )
            self.after_untrusted = frozenset(after_untrusted)
        self.trusted_words = _words(question) | _words(header)
        self.untrusted_words: set[str] = set()
        self.active = False
        self.last_kind: str | None = None

    def check(self, tool: object, arguments: Any) -> str | None:
        """Motivo (en español) por el que se bloquea la llamada, o ``None`` si se permite."""
        self.last_kind = None
        if not self.active:
            return None
        if tool not in self.after_untrusted:
            self.last_kind = "herramienta"
            permitted = ", ".join(sorted(self.after_untrusted)) or "ninguna (solo responder)"
            return (
                "Bloqueado por la cuarentena: después de leer texto no fiable solo se permiten "
                f"estas herramientas: {permitted}; «{truncate(str(tool), 40)}» no."
            )
        copied = sorted((_argument_words(arguments) & self.untrusted_words) - self.trusted_words)
        if copied:
            self.last_kind = "argumentos"
            shown = ", ".join(f"«{truncate(w, 30)}»" for w in copied[:5])
            return (
                "Bloqueado por la cuarentena: los argumentos copian palabras que solo aparecen en "
                f"texto no fiable ({shown})."
            )
        return None

    def record(self, tool: object, arguments: Any, observation: str) -> bool:
        """Anota una llamada ejecutada y su observación; ``True`` si esta no es de fiar."""
        if not self.active:
            self.trusted_words |= _argument_words(arguments)
        words = _words(observation) if isinstance(observation, str) else set()
        if tool in self.untrusted_tools:
            self.untrusted_words |= words
            self.active = True
            return True
        self.trusted_words |= words
        return False


class _ToolTimeout(BaseException):
    """Se lanza dentro del hilo de una herramienta abandonada para que pare."""


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


def _call_with_deadline(
    call: Callable[[object, object], object],
    name: str,
    arguments: Any,
    seconds: float | None,
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
        return Observation(
            truncate(
                f"Error en {name}: la herramienta no terminó en {_seconds(seconds)} y se "
                "abandonó.",
                max_chars,
            ),
            ok=False,
        )
    if "error" in box:
        error = box["error"]
        assert isinstance(error, BaseException)
        return Observation(truncate(f"Error en {name}: {_describe(error)}", max_chars), ok=False)
    return _observation(box.get("value"), max_chars)


def _seconds(value: float) -> str:
    """``1.5`` → ``"1,5 s"`` (coma decimal)."""
    return f"{value:.1f}".replace(".", ",") + " s"


def _ask_to_stop(worker: threading.Thread) -> None:
    """Pide al hilo abandonado que lance :class:`_ToolTimeout` (CPython); si no se puede, sigue."""
    try:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(worker.ident or 0), ctypes.py_object(_ToolTimeout)
        )
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - otros intérpretes
        pass


def _model_text(raw: object) -> tuple[str, str | None]:
    """La salida del modelo como texto, o un error si no lo es."""
    if isinstance(raw, str):
        return raw, None
    if raw is None:
        return "", None
    if isinstance(raw, bytes | bytearray):
        return bytes(raw[: 4 * MAX_RAW_CHARS]).decode("utf-8", errors="replace"), None
    return "", f"la salida del modelo no es texto (se recibió {type(raw).__name__})."


def _cut(text: str, stop: list[str]) -> str:
    for s in stop:
        if (i := text.find(s)) != -1:
            text = text[:i]
    return text


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
    if not isinstance(question, str) or not question.strip():
        raise ValueError("El argumento `question` debe ser un texto no vacío.")
    if header is not None and not isinstance(header, str):
        raise TypeError(
            f"El argumento `header` debe ser un str; se recibió {type(header).__name__}."
        )
    if header is None:
        header = default_header(registry) if getattr(model, "needs_header", True) else ""
    knows_tools = isinstance(getattr(registry, "tools", None), dict)  # sin `tools` no hay marcas
    guard = (
        Quarantine(registry, question, header=header, after_untrusted=after_untrusted)
        if quarantine and (knows_tools or after_untrusted is not None)
        else None
    )
    max_chars = getattr(registry, "max_chars", MAX_OBSERVATION_CHARS)
    if not isinstance(max_chars, int) or max_chars < 1:
        max_chars = MAX_OBSERVATION_CHARS
    trace = Trace(question)
    start = time.perf_counter()
    while len(trace.steps) < max_steps:
        if time_budget is not None and time.perf_counter() - start >= time_budget:
            trace.stop_reason = STOP_TIME
            break
        t0 = time.perf_counter()
        prompt = header + transcript(question, trace.steps)
        raw, problem = _model_text(model.complete(prompt, stop=list(STOP), max_tokens=120))
        raw = _cut(raw[: 4 * MAX_RAW_CHARS], STOP)[:MAX_RAW_CHARS]
        action = parse_action(raw) if problem is None else Action(error=problem)
        if action.answer is not None:
            trace.answer, trace.stop_reason = action.answer, STOP_ANSWER
            break
        step = Step(len(trace.steps) + 1, action.thought, action.tool, action.arguments, "",
                    False, 0.0, raw)
        limit = step_timeout
        if time_budget is not None:
            left = time_budget - (time.perf_counter() - start)
            limit = left if limit is None else min(limit, left)
        _act(step, action, registry, guard, limit, max_chars)
        if step.untrusted and trace.quarantined_at is None:
            trace.quarantined_at = step.index
        step.seconds = time.perf_counter() - t0
        trace.steps.append(step)
        if step.blocked == STOP_TIME:
            trace.stop_reason = STOP_TIME
            break
        if _repeating(trace.steps, max_repeats):
            trace.stop_reason = STOP_LOOP
            break
    else:
        trace.stop_reason = STOP_BUDGET
    trace.seconds = time.perf_counter() - start
    return trace


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
    if limit is None:
        result = _observation(_safe_call(registry.call, action.tool, action.arguments), max_chars)
    else:
        result = _call_with_deadline(registry.call, action.tool, action.arguments, limit, max_chars)
    step.observation, step.ok = result.text, result.ok
    if guard is not None:
        step.untrusted = guard.record(action.tool, action.arguments, step.observation)


def _safe_call(call: Callable[[object, object], object], name: object, arguments: Any) -> object:
    try:
        return call(name, arguments)
    except (Exception, SystemExit) as error:  # noqa: BLE001 - un registro ajeno no tumba el bucle
        return Observation(f"Error en {name}: {_describe(error)}", ok=False)


def _describe(error: BaseException) -> str:
    try:
        detail = str(error)
    except Exception:  # noqa: BLE001 - un __str__ roto no debe escapar
        detail = ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _repeating(steps: list[Step], max_repeats: int | None) -> bool:
    if max_repeats is None or len(steps) < max_repeats:
        return False
    last = steps[-max_repeats:]
    keys = {(s.tool, _short_json(s.arguments), s.raw if s.tool is None else "") for s in last}
    return len(keys) == 1
