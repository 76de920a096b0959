"""Un conjunto de instrucciones en español generado con código, con respuesta exacta (capítulo 5).

Para convertir un modelo base en un asistente hacen falta ejemplos de *instrucción → respuesta*.
Aquí se generan con plantillas, así cada respuesta es **comprobable**: la instrucción pide una
operación sobre unas palabras (repetirlas, elegir una, darles la vuelta) y la respuesta correcta
se calcula. Cinco tareas::

    <|usuario|>Di la última palabra: tren flor playa<|asistente|> playa<|fin|>

Las instrucciones de **prueba** no se parecen a las de entrenamiento más que en lo esencial: usan
otras formas de pedir (cuerpos y envoltorios que no aparecen al entrenar) y, si se quiere, **otras
palabras** (:func:`split_words` reparte una lista en dos).
Cada forma nueva conserva la palabra que define la tarea («repite», «primera», «segunda»,
«última», «revés»), como haría cualquier persona. Las marcas de los turnos (:data:`USER`,
:data:`ASSISTANT`, :data:`END`) son la plantilla de conversación de
:mod:`genai_utils.posttraining.chat`. Las palabras van siempre precedidas de un
espacio, igual en la instrucción que en la respuesta: así el tokenizador las parte igual en los
dos sitios y copiar es posible.

El módulo es Python puro (sin PyTorch).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from genai_utils.validation import check_non_negative_int, check_positive_int

__all__ = [
    "ASSISTANT",
    "END",
    "TASKS",
    "USER",
    "Instruction",
    "make_instructions",
    "prompt_text",
    "split_words",
    "with_mistakes",
]

#: Las marcas de la plantilla de conversación: empieza el turno de la persona, empieza el del
#: asistente y termina la respuesta (:mod:`genai_utils.posttraining.chat` las hace tokens).
USER, ASSISTANT, END = "<|usuario|>", "<|asistente|>", "<|fin|>"

# Cada tarea: cuántas palabras recibe y cómo se calcula la respuesta.
_OPERATIONS: dict[str, tuple[int, Callable[[list[str]], list[str]]]] = {
    "repetir": (1, lambda w: w),
    "primera": (3, lambda w: w[:1]),
    "segunda": (3, lambda w: w[1:2]),
    "última": (3, lambda w: w[-1:]),
    "revés": (2, lambda w: w[::-1]),
}
#: Las tareas del conjunto, en orden.
TASKS: tuple[str, ...] = tuple(_OPERATIONS)

# Cuerpos de cada tarea, cortos (el GPT del libro ve 32 tokens); {w} son las palabras.
_BODIES_TRAIN = {
    "repetir": ["repite la palabra:{w}", "repite:{w}", "escribe otra vez:{w}", "repite esto:{w}",
                "di otra vez:{w}", "copia la palabra:{w}"],
    "primera": ["di la primera palabra:{w}", "escribe la primera:{w}", "la primera de:{w}",
                "contesta con la primera:{w}", "copia solo la primera:{w}", "elige la primera:{w}"],
    "segunda": ["di la segunda palabra:{w}", "escribe la segunda:{w}", "la segunda de:{w}",
                "contesta con la segunda:{w}", "copia solo la segunda:{w}", "elige la segunda:{w}"],
    "última": ["di la última palabra:{w}", "escribe la última:{w}", "la última de:{w}",
               "contesta con la última:{w}", "copia solo la última:{w}", "elige la última:{w}"],
    "revés": ["escribe al revés:{w}", "pon del revés:{w}", "del revés:{w}", "di del revés:{w}",
              "copia del revés:{w}", "escribe del revés:{w}"],
}
_BODIES_TEST = {
    "repetir": ["repite tal cual:{w}", "solo repite:{w}"],
    "primera": ["quiero la primera:{w}", "dame solo la primera:{w}"],
    "segunda": ["quiero la segunda:{w}", "dame solo la segunda:{w}"],
    "última": ["quiero la última:{w}", "dame solo la última:{w}"],
    "revés": ["ordena del revés:{w}", "dilas del revés:{w}"],
}
# Envoltorios, comunes a todas las tareas: {x} es el cuerpo.
_WRAPPERS_TRAIN = ["{x}", "por favor, {x}", "oye, {x}", "bien, {x}", "a ver, {x}", "hola, {x}"]
_WRAPPERS_TEST = ["ahora, {x}", "venga, {x}"]


@dataclass(frozen=True)
class Instruction:
    """Un ejemplo: la ``instruction`` (sin cabecera), su ``answer`` exacta y la tarea."""

    instruction: str
    answer: str
    task: str

    @property
    def prompt(self) -> str:
        """Lo que ve el modelo antes de responder (:func:`prompt_text`)."""
        return prompt_text(self.instruction)

    @property
    def completion(self) -> str:
        """Lo que el modelo debe escribir: un espacio, la respuesta y la marca :data:`END`."""
        return f" {self.answer}{END}"


def prompt_text(instruction: str) -> str:
    """Lo que precede a la respuesta: la marca :data:`USER`, la instrucción y :data:`ASSISTANT`."""
    if not isinstance(instruction, str) or not instruction.strip():
        raise ValueError(
            f"El argumento `instruction` debe ser un texto no vacío; se recibió {instruction!r}."
        )
    return f"{USER}{instruction}{ASSISTANT}"


def split_words(words: Sequence[str], test_share: float = 0.25) -> tuple[list[str], list[str]]:
    """Reparte ``words`` en (entrenamiento, prueba) con una suma de comprobación de cada palabra.

    El reparto no depende del orden ni de qué otras palabras haya: una palabra cae siempre del
    mismo lado (cerca de ``test_share`` de ellas, en la prueba).
    """
    if isinstance(test_share, bool) or not isinstance(test_share, int | float) or not (
            0 < test_share < 1):
        raise ValueError(
            f"El argumento `test_share` debe estar en (0, 1); se recibió {test_share!r}."
        )
    unique = sorted(set(_check_words(words, "words")))
    test = [w for w in unique if zlib.crc32(w.encode("utf-8")) % 1000 < 1000 * test_share]
    return [w for w in unique if w not in set(test)], test


def make_instructions(
    n: int, words: Sequence[str], *, phrasing: str = "train", seed: int = 0,
    tasks: Sequence[str] = TASKS,
) -> list[Instruction]:
    """``n`` instrucciones con las palabras ``words``, repartidas por turno entre ``tasks``.

    ``phrasing="test"`` usa cuerpos y envoltorios que ``"train"`` nunca usa. Con la misma semilla
    salen las mismas; las palabras de una lista son siempre distintas.
    """
    check_positive_int(n, "n")
    check_non_negative_int(seed, "seed")
    if phrasing not in ("train", "test"):
        raise ValueError(
            f'El argumento `phrasing` debe ser "train" o "test"; se recibió {phrasing!r}.'
        )
    unknown = [t for t in tasks if t not in _OPERATIONS]
    if isinstance(tasks, str) or not tasks or unknown:
        raise ValueError(f"El argumento `tasks` debe ser una lista no vacía de {list(TASKS)}; "
                         f"se recibió {tasks!r}.")
    pool = sorted(set(_check_words(words, "words")))
    if len(pool) < 3:
        raise ValueError(f"El argumento `words` debe tener al menos 3 palabras distintas; "
                         f"tiene {len(pool)}.")
    train = phrasing == "train"
    bodies = _BODIES_TRAIN if train else _BODIES_TEST
    wrappers = _WRAPPERS_TRAIN if train else _WRAPPERS_TEST
    rng = random.Random(f"{phrasing}-{seed}")
    examples = []
    for i in range(n):
        task = tasks[i % len(tasks)]
        count, operation = _OPERATIONS[task]
        chosen = rng.sample(pool, count)
        body = rng.choice(bodies[task]).format(w="".join(f" {w}" for w in chosen))
        text = rng.choice(wrappers).format(x=body)
        examples.append(Instruction(text[0].upper() + text[1:], " ".join(operation(chosen)), task))
    return examples


# El error típico de cada tarea: lo que escribe quien se equivoca (confunde una tarea con otra).
_MISTAKES: dict[str, Callable[[list[str]], list[str]]] = {
    "repetir": lambda w: w + w,
    "primera": lambda w: w[-1:],
    "segunda": lambda w: w[:1],
    "última": lambda w: w[:1],
    "revés": lambda w: w,
}


def with_mistakes(
    examples: Sequence[Instruction], rate: float, *, seed: int = 0
) -> list[Instruction]:
    """Una copia de ``examples`` en la que una fracción ``rate`` tiene la respuesta equivocada.

    Imita unas demostraciones escritas a mano con el despiste típico de cada tarea: dar la última
    palabra cuando se pedía la primera (y al revés), la primera cuando se pedía la segunda, la
    lista sin invertir o la palabra repetida dos veces. Las instrucciones no cambian.
    """
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise ValueError(f"El argumento `rate` debe estar en [0, 1]; se recibió {rate!r}.")
    check_non_negative_int(seed, "seed")
    rng = random.Random(f"errores-{seed}")
    out = []
    for e in examples:
        if rng.random() < rate:
            words = e.instruction.split(":")[-1].split()
            e = Instruction(e.instruction, " ".join(_MISTAKES[e.task](words)), e.task)
        out.append(e)
    return out


def _check_words(words: object, name: str) -> list[str]:
    if isinstance(words, str) or not isinstance(words, Sequence) or not all(
            isinstance(w, str) and w.isalpha() for w in words):
        raise ValueError(f"El argumento `{name}` debe ser una lista de palabras (solo letras, "
                         f"sin espacios); se recibió {str(words)[:60]!r}.")
    return list(words)
