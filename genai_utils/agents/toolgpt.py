"""Un GPT pequeño que aprende a usar herramientas: datos sintéticos, entrenamiento y uso.

Los datos se generan con **plantillas** en español de tres familias de preguntas, cada una con
su herramienta correcta: problemas de aritmética (``calculadora``), preguntas sobre la tienda
(``consultar_sql`` con parámetros ligados) y preguntas sobre el libro (``buscar_libro``). Cada
ejemplo es una conversación completa del bucle del agente, con la observación real que devuelve
la herramienta::

    Pregunta: ¿Cuánto es 12 por 7?
    Acción: calculadora {"expresion": "12 * 7"}
    Observación: 84
    Respuesta: 84

Decisiones de diseño, medidas en una CPU de dos núcleos (el cuaderno 06_2 las cuenta):

* **Preguntas de prueba justas.** Muchas preguntas son un *envoltorio* («Dime …», «¿Puedes
  decirme …?») alrededor de un *núcleo* («cuánto es 12 más 7», «qué dice el libro sobre …»),
  y los envoltorios se comparten entre las tres familias: así la forma de pedir no delata la
  herramienta y el modelo tiene que fijarse en el contenido. Las preguntas de prueba usan
  envoltorios, núcleos y enunciados que no están en el entrenamiento, **y** valores nuevos:
  pares de números reservados, productos y una categoría de la tienda que no aparecen en el
  entrenamiento y temas del libro distintos. Cada forma nueva conserva las palabras que definen
  la tarea («más», «precio», «libro»…), como haría cualquier lector.
* **Palabras como tokens y marcadores para lo desconocido.** Las palabras del entrenamiento son
  un token cada una; las cifras, los signos y unos pocos trozos fijos del formato
  (``Acción: calculadora {"expresion": "``…) también. Una palabra desconocida se cambia por un
  marcador numerado (``<?1>``, ``<?2>``…), y al entrenar se «olvida» a propósito un 15 % de las
  palabras conocidas (*word dropout*) para que el modelo aprenda a elegir herramienta sin
  entenderlo todo y a copiar un marcador. Las secuencias son de unos 20 tokens: el
  entrenamiento cabe en un minuto de CPU.
* **Pérdida solo en lo que escribe el agente**, en dos turnos cortos: pregunta → acción y
  observación → respuesta; la pregunta y la observación se enmascaran.
* **Decodificación restringida.** La herramienta (y, para la tienda, la consulta) se **elige**
  entre las cabeceras válidas por su probabilidad; el valor del argumento, entre los trozos de
  la pregunta que tienen sentido (y la respuesta, entre los principios de la observación), por
  la probabilidad completa que les da el modelo.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from genai_utils.agents.loop import parse_action
from genai_utils.agents.models import cut_at_stop
from genai_utils.agents.sql import PRODUCTS
from genai_utils.agents.tools import ToolRegistry
from genai_utils.gpt import GPT, GPTConfig
from genai_utils.recipes import get_recipe
from genai_utils.validation import check_non_negative_int, check_positive_int

__all__ = [
    "ALPHABET",
    "ANSWER_HEAD",
    "TEST_CATEGORIES",
    "TEST_PRODUCTS",
    "TEST_TOPICS",
    "TOPICS",
    "ToolExample",
    "ToolGPT",
    "WordCharVocab",
    "action_heads",
    "compact_prompt",
    "first_call",
    "make_examples",
    "render_example",
    "render_turns",
    "train_tool_gpt",
    "turn_prompt",
]

ALPHABET = (
    '\n !"#%()*+,-./0123456789:;<=>?@[\\]_{|}~¡¿ABCDEFGHIJKLMNOPQRSTUVWXYZ'
    "abcdefghijklmnopqrstuvwxyzÁÉÍÑÓÚÜáéíñóúü«»…'"
)
OBS_CHARS = 40
ANSWER_HEAD = "Respuesta: "

# --- Plantillas -------------------------------------------------------------------------------
# Envoltorios: {x} es el núcleo tal cual; {X}, con la primera letra en mayúscula.
_WRAPPERS_TRAIN = [
    "¿{X}?",
    "Dime {x}.",
    "Quiero saber {x}.",
    "¿Puedes decirme {x}?",
    "Oye, ¿{x}?",
    "Por favor, dime {x}.",
    "Me interesa saber {x}.",
]
_WRAPPERS_TEST = ["Necesito saber {x}.", "¿Sabrías decirme {x}?", "Me gustaría saber {x}."]

# Aritmética: (núcleo o enunciado, expresión). Las divisiones son exactas.
_ARITH_CORES_TRAIN = [
    ("cuánto es {a} más {b}", "{a} + {b}"),
    ("cuánto es {a} menos {b}", "{a} - {b}"),
    ("cuánto es {a} por {b}", "{a} * {b}"),
    ("cuánto es {a} entre {b}", "{a} / {b}"),
    ("cuánto da la suma de {a} y {b}", "{a} + {b}"),
    ("cuánto vale {a} multiplicado por {b}", "{a} * {b}"),
    ("cuánto queda si a {a} le quito {b}", "{a} - {b}"),
    ("cuánto sale al dividir {a} entre {b}", "{a} / {b}"),
]
_ARITH_CORES_TEST = [
    ("qué resultado da {a} más {b}", "{a} + {b}"),
    ("cuál es el producto de {a} por {b}", "{a} * {b}"),
    ("cuánto da {a} menos {b}", "{a} - {b}"),
    ("cuánto es {a} dividido entre {b}", "{a} / {b}"),
]
_ARITH_PROBLEMS_TRAIN = [
    ("Si compro {a} cajas de {b} lápices, ¿cuántos lápices tengo?", "{a} * {b}"),
    ("Tenía {a} euros y gasté {b}. ¿Cuánto me queda?", "{a} - {b}"),
    ("Reparto {a} caramelos entre {b} niños, ¿cuántos tocan a cada uno?", "{a} / {b}"),
    ("Un libro tiene {a} páginas y otro {b}. ¿Cuántas páginas suman?", "{a} + {b}"),
]
_ARITH_PROBLEMS_TEST = [
    ("Compro {a} paquetes de {b} galletas. ¿Cuántas galletas tengo?", "{a} * {b}"),
    ("Tengo {a} euros y gasto {b}. ¿Cuánto dinero me queda?", "{a} - {b}"),
    ("Reparto {a} cromos entre {b} amigos. ¿Cuántos le tocan a cada uno?", "{a} / {b}"),
    ("Una carpeta tiene {a} hojas y otra {b}. ¿Cuántas hojas suman?", "{a} + {b}"),
]

# La tienda: (núcleo o enunciado, consulta). {p} es un producto y {k}, una categoría.
_SQL_QUERIES = {
    "precio": "SELECT precio FROM productos WHERE nombre = ?",
    "stock": "SELECT stock FROM productos WHERE nombre = ?",
    "cuenta": "SELECT COUNT(*) FROM productos WHERE categoria = ?",
    "caro": "SELECT MAX(precio) FROM productos WHERE categoria = ?",
}
_SQL_CORES_TRAIN = [
    ("cuánto cuesta {p}", "precio"),
    ("qué precio tiene {p} en la tienda", "precio"),
    ("cuántas unidades de {p} quedan", "stock"),
    ("cuánto stock hay de {p}", "stock"),
    ("cuántos productos hay en la categoría {k}", "cuenta"),
    ("cuál es el precio más alto en la categoría {k}", "caro"),
]
_SQL_CORES_TEST = [
    ("cuál es el precio de {p}", "precio"),
    ("cuántas existencias de {p} quedan en la tienda", "stock"),
    ("cuántos artículos tiene la tienda en la categoría {k}", "cuenta"),
    ("cuánto cuesta el producto más caro de la categoría {k}", "caro"),
]
_SQL_PROBLEMS_TRAIN = [
    ("Busca en la tienda el precio de {p}.", "precio"),
    ("Consulta en la tienda el stock de {p}.", "stock"),
]
_SQL_PROBLEMS_TEST = [
    ("Mira en la tienda cuánto vale {p}.", "precio"),
    ("En la categoría {k}, ¿cuántos productos vende la tienda?", "cuenta"),
]
TEST_PRODUCTS = ["tijeras", "altavoz", "paraguas", "cómic", "cargador"]
TEST_CATEGORIES = ["accesorios"]
# Artículos y categorías que la tienda NO tiene: en el entrenamiento, la mitad de las preguntas
# sobre la tienda los usan (la respuesta real es «(sin resultados)», «0» o «None»). Así el
# modelo no puede fiarse de memorizar los nombres del catálogo: tiene que fijarse en «precio»,
# «stock», «categoría»… y copiar el nombre, sea cual sea.
EXTRA_PRODUCTS = [
    "sacapuntas", "regla", "goma", "compás", "pegamento", "agenda", "linterna", "pila", "cable",
    "funda", "lámpara", "termo", "gorra", "bufanda", "revista", "enciclopedia", "pizarra",
    "tiza", "acuarelas", "pincel", "cartulina", "folios", "sobres", "sello", "brújula",
    "reloj", "monedero", "llavero", "taza", "cuerda", "balón", "raqueta", "guantes",
    "webcam", "micrófono", "router", "impresora", "tableta", "pendrive", "batería",
]
EXTRA_CATEGORIES = ["juguetes", "deportes", "jardín", "cocina", "música", "ropa", "hogar"]

# El libro: núcleos y enunciados con un tema {t}.
_BOOK_CORES_TRAIN = [
    "qué dice el libro sobre {t}",
    "qué explica el libro acerca de {t}",
    "qué cuenta el libro de {t}",
    "dónde habla el libro de {t}",
]
_BOOK_CORES_TEST = [
    "qué se sabe de {t} según el libro",
    "en qué capítulo del libro aparece {t}",
    "qué aprendo en el libro sobre {t}",
]
_BOOK_PROBLEMS_TRAIN = ["Busca en el libro información sobre {t}."]
_BOOK_PROBLEMS_TEST = ["Encuentra en el libro algo sobre {t}."]
TOPICS = [
    "las cadenas de Markov",
    "los n-gramas",
    "la temperatura",
    "la perplejidad",
    "la máxima verosimilitud",
    "el descenso de gradiente",
    "los espacios latentes",
    "las mezclas de gaussianas",
    "los modelos fundacionales",
    "el preentrenamiento",
    "el ajuste fino",
    "la memorización",
    "la generalización",
    "los datos sintéticos",
    "la pérdida antagónica",
    "la ELBO",
    "la coincidencia de puntuaciones",
    "el transformer",
    "la difusión",
    "los autocodificadores variacionales",
    "las GAN",
    "el muestreo",
    "la regla de Bayes",
    "el clasificador bayesiano ingenuo",
    "la entropía cruzada",
    "la tasa de aprendizaje",
    "la divergencia de Kullback-Leibler",
    "el suavizado aditivo",
    "las máquinas de Boltzmann",
    "la decodificación voraz",
    "los sesgos de los datos",
    "el análisis de componentes principales",
    "la regresión logística",
    "el aprendizaje por refuerzo",
    "la tokenización",
    "los agentes",
    "WaveNet",
    "MuseNet",
]
# Temas inventados para el entrenamiento: «la capa de los datos», «el mapa»… Con miles de
# combinaciones el modelo no puede memorizar los temas y aprende a copiarlos de la pregunta.
_TOPIC_PARTS = [
    "la capa", "el mapa", "los vectores", "la frontera", "el peso", "las redes", "la señal",
    "el error", "los pasos", "la imagen", "el texto", "las palabras", "la media", "el ruido",
    "los ejemplos", "la varianza", "el modelo", "las muestras", "la escala", "el lote",
    "los parámetros", "la función", "el espacio", "las neuronas", "la energía", "el código",
    "los datos", "la muestra", "el sesgo", "las clases", "la distancia", "el umbral",
]


def _train_topic(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(TOPICS)
    first, second = rng.sample(_TOPIC_PARTS, 2)
    return first if rng.random() < 0.4 else _tidy(f"{first} de {second} ")[:-1]


TEST_TOPICS = [
    "la atención",
    "el conjunto de prueba",
    "las alucinaciones",
    "la retropropagación",
    "el muestreo ancestral",
    "Jukebox",
    "los modelos discriminativos",
    "la recuperación",
    "el ruido gaussiano",
    "los embeddings",
]


@dataclass(frozen=True)
class ToolExample:
    """Una pregunta con su llamada correcta: ``tool`` y ``arguments``."""

    question: str
    tool: str
    arguments: dict


def _phrasing(rng: random.Random, cores: tuple[list, list], problems: tuple[list, list],
              train: bool) -> tuple[str, object]:
    """Una forma de preguntar: ``(texto con huecos, dato de la plantilla)``.

    Entrenamiento: un envoltorio de entrenamiento con un núcleo de entrenamiento, o un enunciado
    de entrenamiento. Prueba: un enunciado de prueba o un par (envoltorio, núcleo) en el que al
    menos uno de los dos es nuevo; así ninguna forma de la prueba se vio al entrenar."""
    core_train, core_test = cores
    if train:
        if rng.random() < 0.25:
            return rng.choice(problems[0])
        wrapper, (core, data) = rng.choice(_WRAPPERS_TRAIN), rng.choice(core_train)
    else:
        if rng.random() < 0.25:
            return rng.choice(problems[1])
        pairs = [(w, c) for w in _WRAPPERS_TRAIN + _WRAPPERS_TEST for c in core_train + core_test
                 if w in _WRAPPERS_TEST or c in core_test]
        wrapper, (core, data) = rng.choice(pairs)
    return wrapper.replace("{X}", core[0].upper() + core[1:]).replace("{x}", core), data


def _tidy(text: str) -> str:
    return text.replace(" de el ", " del ").replace(" a el ", " al ")


def _held_out(a: int, b: int) -> bool:
    """Los pares ``(a, b)`` reservados para la prueba: uno de cada siete, repartidos al azar."""
    return (31 * a + b) % 7 == 0


def _numbers(rng: random.Random, train: bool, division: bool) -> tuple[int, int]:
    """Dos números del mismo rango en los dos conjuntos, pero de pares disjuntos. Las
    divisiones son exactas, como en los problemas escolares."""
    while True:
        b = rng.randint(2, 999)
        a = b * rng.randint(2, 40) if division else rng.randint(2, 9999)
        if _held_out(a, b) != train:
            return a, b


def _arith(rng: random.Random, train: bool) -> ToolExample:
    text, expr = _phrasing(rng, (_ARITH_CORES_TRAIN, _ARITH_CORES_TEST),
                           (_ARITH_PROBLEMS_TRAIN, _ARITH_PROBLEMS_TEST), train)
    a, b = _numbers(rng, train, division="/ {b}" in expr)
    values = {"a": a, "b": b}
    return ToolExample(text.format(**values), "calculadora", {"expresion": expr.format(**values)})


def _sql(rng: random.Random, train: bool) -> ToolExample:
    text, kind = _phrasing(rng, (_SQL_CORES_TRAIN, _SQL_CORES_TEST),
                           (_SQL_PROBLEMS_TRAIN, _SQL_PROBLEMS_TEST), train)
    products = [p[0] for p in PRODUCTS if (p[0] in TEST_PRODUCTS) != train]
    categories = sorted({p[1] for p in PRODUCTS if (p[1] in TEST_CATEGORIES) != train})
    if train and rng.random() < 0.5:
        products, categories = EXTRA_PRODUCTS, EXTRA_CATEGORIES
    name, category = rng.choice(products), rng.choice(categories)
    value = category if "{k}" in text else name
    return ToolExample(text.format(p=name, k=category), "consultar_sql",
                       {"consulta": _SQL_QUERIES[kind], "parametros": [value]})


def _book(rng: random.Random, train: bool) -> ToolExample:
    text, _ = _phrasing(rng, ([(c, None) for c in _BOOK_CORES_TRAIN],
                              [(c, None) for c in _BOOK_CORES_TEST]),
                        ([(p, None) for p in _BOOK_PROBLEMS_TRAIN],
                         [(p, None) for p in _BOOK_PROBLEMS_TEST]), train)
    topic = rng.choice(TEST_TOPICS) if not train else _train_topic(rng)
    question = _tidy(text.format(t=topic))
    if topic not in question:  # «del transformer»: se busca lo que se puede copiar
        topic = topic.removeprefix("el ")
    return ToolExample(question, "buscar_libro", {"consulta": topic})


def make_examples(n: int, *, split: str = "train", seed: int = 0) -> list[ToolExample]:
    """``n`` preguntas con su llamada correcta, repartidas por igual entre las tres herramientas.

    ``split="train"`` usa las formas de preguntar y los valores de entrenamiento;
    ``split="test"``, formas que el modelo no vio (envoltorios, núcleos o enunciados nuevos) y
    valores nuevos (números, productos, una categoría y temas del libro).
    """
    check_positive_int(n, "n")
    if split not in ("train", "test"):
        raise ValueError(f'El argumento `split` debe ser "train" o "test"; se recibió {split!r}.')
    rng = random.Random(f"{split}-{seed}")
    train = split == "train"
    makers: list[Callable[[], ToolExample]] = [
        lambda: _arith(rng, train),
        lambda: _sql(rng, train),
        lambda: _book(rng, train),
    ]
    return [makers[i % 3]() for i in range(n)]


# --- Del ejemplo al texto de entrenamiento --------------------------------------------------
_KNOWN = set(ALPHABET)


def clean_text(text: str) -> str:
    """Sustituye por «?» los caracteres que no están en :data:`ALPHABET` (conserva los saltos)."""
    return "".join(c if c in _KNOWN else "?" for c in text)


def compact_observation(text: str, max_chars: int = OBS_CHARS) -> str:
    """Observación recortada a ``max_chars`` caracteres (lo que ve el GPT pequeño)."""
    text = clean_text(" ".join(text.split()))
    return text if len(text) <= max_chars else text[:max_chars]


def answer_from_observation(observation: str) -> str:
    """La respuesta que el modelo aprende a escribir: la cita ``[fuente#n]`` si la hay; si no,
    la observación entera (un número o un valor de la tabla)."""
    text = compact_observation(observation)
    match = re.match(r"^(\[[^\]]+\])", text)
    return match[1] if match else text


def action_heads() -> list[str]:
    """Cabeceras de acción posibles: ``Acción: herramienta {"argumento": "`` (una por consulta SQL).

    Cada cabecera es un solo token; elegirla es elegir la herramienta (y la consulta SQL)."""
    heads = [
        'Acción: calculadora {"expresion": "',
        'Acción: buscar_libro {"consulta": "',
    ]
    heads += [
        f'Acción: consultar_sql {{"consulta": "{q}", "parametros": ["'
        for q in _SQL_QUERIES.values()
    ]
    return heads


def format_phrases() -> list[str]:
    """Trozos fijos del formato de llamada, uno por token en :class:`WordCharVocab`."""
    return ["Pregunta: ", "Observación: ", ANSWER_HEAD, '"}\n', '"]}\n', *action_heads()]


def render_example(example: ToolExample, observation: str) -> tuple[str, list[tuple[int, int]]]:
    """Texto de entrenamiento y tramos ``(inicio, fin)`` que escribe el agente (con pérdida)."""
    call = json.dumps(example.arguments, ensure_ascii=False)
    head = f"Pregunta: {clean_text(example.question)}\n"
    agent = f"Acción: {example.tool} {call}\n"
    obs = f"Observación: {compact_observation(observation)}\n"
    final = f"{ANSWER_HEAD}{answer_from_observation(observation)}\n"
    text = head + agent + obs + final
    spans = [(len(head), len(head) + len(agent)), (len(head + agent + obs), len(text))]
    return text, spans


def compact_prompt(prompt: str, max_chars: int = OBS_CHARS) -> str:
    """Quita lo anterior a ``Pregunta:`` y recorta cada observación, como en el entrenamiento."""
    start = prompt.rfind("Pregunta:")
    prompt = clean_text(prompt[start:] if start != -1 else prompt)
    lines = []
    for line in prompt.split("\n"):
        if line.startswith("Observación: "):
            line = "Observación: " + compact_observation(line[len("Observación: ") :], max_chars)
        lines.append(line)
    return "\n".join(lines)


def render_turns(example: ToolExample, observation: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Los dos turnos cortos con los que se entrena: pregunta → acción y observación → respuesta.

    Cada uno es ``(texto, tramos con pérdida)``. Es la conversación de :func:`render_example`
    partida en dos: el modelo ve en cada turno solo lo que necesita (ver :func:`turn_prompt`),
    y las secuencias son la mitad de largas."""
    text, (action, final) = render_example(example, observation)
    question_end = text.index("\n") + 1
    obs_start = action[1]
    return [
        (text[:question_end] + text[action[0] : action[1]], [(question_end, action[1])]),
        (text[obs_start:], [(final[0] - obs_start, final[1] - obs_start)]),
    ]


def turn_prompt(prompt: str, max_chars: int = OBS_CHARS) -> str:
    """Lo que ve el GPT pequeño en cada turno: desde la última observación si la hay (para
    escribir la respuesta) o desde la pregunta (para elegir la acción), recortado como en el
    entrenamiento. Es una memoria mínima: basta para las preguntas de un solo paso."""
    prompt = compact_prompt(prompt, max_chars)
    start = prompt.rfind("Observación:")
    return prompt[start:] if start != -1 else prompt


# --- Vocabulario ------------------------------------------------------------------------------
_WORDS = r" ?\d| ?[^\W\d]+| ?[^\w\s]|\s"


N_UNKNOWN = 8
UNKNOWN = [f"<?{k}>" for k in range(1, N_UNKNOWN + 1)]


class WordCharVocab:
    """Vocabulario de palabras, con los trozos fijos del formato y los caracteres sueltos.

    Cada carácter de :data:`ALPHABET` es un token (las cifras y los signos van siempre sueltos,
    así cualquier número se puede copiar) y cada trozo de ``phrases`` (``Acción: calculadora
    {"expresion": "``, cada consulta SQL…) vale uno, como haría un BPE entrenado con estos
    textos. Las palabras que aparecen al menos ``min_count`` veces en ``texts`` son un token cada
    una, con su espacio delante (``min_count=None``: ninguna, solo caracteres).

    Una palabra que no está en el vocabulario se deletrea letra a letra o, con
    ``unknown_token=True``, se cambia por un **marcador numerado** (:data:`UNKNOWN`: ``<?1>``,
    ``<?2>``…) según el orden en que aparece en el texto: la misma palabra lleva siempre el mismo
    marcador, así el modelo puede copiar «la segunda palabra desconocida» sin saber cuál es.
    Deletrear parece mejor, pero el modelo casi nunca ve letras sueltas al entrenar, sus
    *embeddings* quedan sin entrenar y una palabra nueva es ruido: fue la causa principal de que
    una primera versión acertase la herramienta solo la mitad de las veces.
    """

    def __init__(
        self,
        texts: Sequence[str],
        min_count: int | None = 5,
        phrases: Sequence[str] = (),
        *,
        unknown_token: bool = False,
    ) -> None:
        if min_count is not None:
            check_positive_int(min_count, "min_count")
        # Las más largas primero (para la expresión regular) y, a igual longitud, en orden
        # alfabético: el orden de un ``set`` cambia de un proceso a otro y cambiaría el vocabulario.
        longest_first = sorted(set(phrases), key=lambda p: (-len(p), p))
        self._pattern = re.compile("|".join([*(re.escape(p) for p in longest_first), _WORDS]))
        counts: dict[str, int] = {}
        for text in texts if min_count is not None else ():
            for piece in self._pattern.findall(clean_text(text)):
                if len(piece.strip()) > 1:
                    counts[piece] = counts.get(piece, 0) + 1
        words = sorted(
            w for w, c in counts.items() if c >= (min_count or 0) and w not in longest_first
        )
        self.unknown_token = bool(unknown_token)
        special = [*longest_first, *(UNKNOWN if unknown_token else [])]
        self.tokens = list(ALPHABET) + special + words
        self.first_word = len(ALPHABET) + len(special)
        self._index = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def tokenize(
        self, text: str, unknown: dict[str, str] | None = None, drop: Set[str] = frozenset()
    ) -> list[str]:
        """Trozos de ``text``: frases del formato y palabras conocidas enteras; lo demás, letra
        a letra o, con ``unknown_token``, un marcador numerado.

        ``unknown`` (palabra → marcador) se rellena con cada palabra desconocida nueva; pasar el
        mismo diccionario a varios textos (la pregunta y la acción) mantiene la numeración. Las
        palabras de ``drop`` se tratan como desconocidas (sirve para entrenar)."""
        unknown = {} if unknown is None else unknown
        pieces: list[str] = []
        for piece in self._pattern.findall(clean_text(text)):
            word = piece.strip()
            if piece in self._index and word not in drop:
                pieces.append(piece)
            elif self.unknown_token and len(word) > 1:
                if word not in unknown:
                    unknown[word] = UNKNOWN[min(len(unknown), N_UNKNOWN - 1)]
                pieces.append(unknown[word])
            else:
                pieces.extend(piece)
        return pieces

    def encode(
        self, text: str, unknown: dict[str, str] | None = None, drop: Set[str] = frozenset()
    ) -> torch.Tensor:
        """Texto → identificadores ``int64`` (``unknown`` y ``drop``, como en :meth:`tokenize`)."""
        pieces = self.tokenize(text, unknown, drop)
        return torch.tensor([self._index[p] for p in pieces], dtype=torch.long)

    def decode(
        self, ids: Sequence[int] | torch.Tensor, unknown: dict[str, str] | None = None
    ) -> str:
        """Identificadores → texto. Con ``unknown`` (el de :meth:`encode`), cada marcador vuelve
        a ser su palabra, con un espacio delante salvo al principio."""
        words = {mark: word for word, mark in (unknown or {}).items()}
        out = ""
        for i in ids:
            token = self.tokens[int(i)]
            if token in words:
                token = (" " if out and not out.endswith(('"', " ")) else "") + words[token]
            out += token
        return out

    def is_word(self, token: str) -> bool:
        """``True`` si ``token`` es una palabra del vocabulario (no un carácter ni una frase)."""
        return self._index.get(token, -1) >= self.first_word

    def index(self, token: str) -> int:
        """Identificador de un token exacto (una frase del formato, un carácter o una palabra)."""
        if token not in self._index:
            raise KeyError(f"El token {token!r} no está en el vocabulario.")
        return self._index[token]


# --- El modelo con la interfaz del agente -----------------------------------------------------
class ToolGPT:
    """El GPT entrenado, con la interfaz ``complete`` del agente y **decodificación restringida**.

    Cada turno empieza **eligiendo** la opción más probable entre las válidas
    (:func:`action_heads` y, si ya hay una observación, ``Respuesta:``). Después, con
    ``copy_values=True`` (por defecto), el modelo también elige el valor entre los que tienen
    sentido, por su probabilidad completa (la suma de log-probabilidades de sus caracteres y del
    cierre de la línea):

    * ``calculadora``: ``x op y`` con dos números de la pregunta y ``op`` en ``+ - * /``;
    * ``buscar_libro`` y ``consultar_sql``: un trozo de palabras seguidas de la pregunta;
    * ``Respuesta:``: el principio de la observación, hasta el final de una palabra.

    Con ``copy_values=False`` el valor se genera libremente, carácter a carácter, de forma voraz,
    hasta el cierre de la línea (o ``max_line_tokens`` tokens).
    """

    needs_header = False

    def __init__(
        self,
        model: GPT,
        vocab: WordCharVocab,
        device: torch.device | str = "cpu",
        *,
        max_line_tokens: int = 48,
        copy_values: bool = True,
    ) -> None:
        self.model = model
        self.vocab = vocab
        self.device = torch.device(device)
        self.max_line_tokens = check_positive_int(max_line_tokens, "max_line_tokens")
        self.copy_values = bool(copy_values)
        self.options = [*action_heads(), ANSWER_HEAD]
        self._option_ids = torch.tensor([vocab.index(o) for o in self.options])

    @torch.no_grad()
    def _next_logits(self, ids: list[int]) -> torch.Tensor:
        context = self.model.config.context
        x = torch.tensor([ids[-context:]], device=self.device)
        logits, _ = self.model(x)
        return logits[0, -1].float().cpu()

    def _allowed(self, text: str) -> torch.Tensor:
        """Opciones válidas en este turno: ``Respuesta:`` solo tras una observación."""
        return self._option_ids if "Observación: " in text else self._option_ids[:-1]

    def choice_probabilities(self, prompt: str) -> dict[str, float]:
        """Probabilidad de cada opción válida del primer token (renormalizada entre ellas).

        Las claves son cortas: ``calculadora``, ``buscar_libro``, ``consultar_sql:precio``…
        y, tras una observación, ``responder``."""
        self.model.eval()
        text = turn_prompt(prompt)
        allowed = self._allowed(text)
        probs = torch.softmax(self._next_logits(self.vocab.encode(text, {}).tolist())[allowed], 0)
        names = [_short_name(self.vocab.tokens[int(o)]) for o in allowed]
        return dict(zip(names, probs.tolist(), strict=True))

    @torch.no_grad()
    def score_values(
        self,
        ids: list[int],
        values: Sequence[str],
        closer: str,
        unknown: dict[str, str] | None = None,
    ) -> torch.Tensor:
        """Log-probabilidad de ``value + closer`` tras ``ids`` para cada valor (una pasada por
        lotes, con relleno a la derecha, que en un modelo causal no cambia nada). ``unknown`` es
        la numeración de palabras desconocidas con la que se codificó ``ids``."""
        seqs = [
            self.vocab.encode(v, dict(unknown or {})).tolist() + [self.vocab.index(closer)]
            for v in values
        ]
        width = len(ids) + max(len(q) for q in seqs)
        if width > self.model.config.context:
            raise ValueError(f"El turno ocupa {width} tokens y el contexto es "
                             f"{self.model.config.context}.")
        x = torch.zeros(len(seqs), width, dtype=torch.long)
        for i, q in enumerate(seqs):
            x[i, : len(ids) + len(q)] = torch.tensor(ids + q)
        logp = torch.log_softmax(self.model(x.to(self.device))[0].float().cpu(), dim=-1)
        scores = torch.zeros(len(seqs))
        for i, q in enumerate(seqs):
            positions = torch.arange(len(ids) - 1, len(ids) + len(q) - 1)
            scores[i] = logp[i, positions, torch.tensor(q)].sum()
        return scores

    def complete(self, prompt: str, *, stop: Sequence[str] = (), max_tokens: int = 120) -> str:
        """La opción más probable y, a continuación, su valor: elegido entre los válidos
        (``copy_values``) o generado de forma voraz hasta el cierre de la línea."""
        check_positive_int(max_tokens, "max_tokens")
        self.model.eval()
        text = turn_prompt(prompt)
        unknown: dict[str, str] = {}  # palabras desconocidas → <?1>, <?2>… en este turno
        ids = self.vocab.encode(text, unknown).tolist()
        allowed = self._allowed(text)
        option = int(allowed[self._next_logits(ids)[allowed].argmax()])
        head = self.vocab.tokens[option]
        ids.append(option)
        values = _candidate_values(head, text) if self.copy_values else []
        if values:
            closer = "\n" if head == ANSWER_HEAD else ('"]}\n' if "[" in head else '"}\n')
            best = int(self.score_values(ids, values, closer, unknown).argmax())
            return cut_at_stop(head + values[best] + closer, stop)
        new: list[int] = []
        for _ in range(min(max_tokens, self.max_line_tokens) - 1):
            new.append(int(self._next_logits(ids + new).argmax()))
            if self.vocab.tokens[new[-1]].endswith("\n"):
                break
        return cut_at_stop(head + self.vocab.decode(new, unknown), stop)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[^\s¿?¡!.,;:«»()]+")


def _candidate_values(head: str, text: str, max_words: int = 6) -> list[str]:
    """Valores válidos para la cabecera ``head`` a partir del texto del turno (ver
    :class:`ToolGPT`). Lista vacía si no hay ninguno (entonces se genera libremente)."""
    if head == ANSWER_HEAD:
        obs = text[text.rfind("Observación: ") + len("Observación: ") :].split("\n")[0]
        words = obs.split()
        return [" ".join(words[:k]) for k in range(1, len(words) + 1)]
    question = text[text.find("Pregunta: ") + len("Pregunta: ") :].split("\n")[0]
    numbers = _NUMBER.findall(question)
    if "calculadora" in head and len(numbers) > 1:
        return [f"{x} {op} {y}" for i, x in enumerate(numbers) for j, y in enumerate(numbers)
                if i != j for op in "+-*/"]
    # Un trozo de palabras seguidas (también si la calculadora no tiene dos números: la
    # llamada será válida como JSON y la calculadora explicará el error en la observación).
    words = _WORD.findall(question)
    spans = {" ".join(words[i:j]) for i in range(len(words))
             for j in range(i + 1, min(i + max_words, len(words)) + 1)}
    return sorted(s for s in spans if s in question)


def _short_name(option: str) -> str:
    if option == ANSWER_HEAD:
        return "responder"
    tool = option.split()[1]
    for kind, query in _SQL_QUERIES.items():
        if query in option:
            return f"{tool}:{kind}"
    return tool


# --- Entrenamiento ----------------------------------------------------------------------------
def _encode_examples(
    texts: Sequence[tuple[str, list[tuple[int, int]]]],
    vocab: WordCharVocab,
    context: int,
    *,
    word_dropout: float = 0.0,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Matrices (N, context) de entrada y de objetivo; -100 donde no hay pérdida.

    Cada tramo se tokeniza por separado, así sus fronteras coinciden con las de los tokens.
    Con ``word_dropout`` > 0 (y un vocabulario con marcadores), en cada ejemplo cada palabra
    conocida se trata como desconocida con esa probabilidad, en todas sus apariciones: el modelo
    aprende a elegir herramienta sin conocer todas las palabras y a copiar un marcador."""
    n = len(texts)
    x = torch.zeros(n, context, dtype=torch.long)
    y = torch.full((n, context), -100, dtype=torch.long)
    for i, (text, spans) in enumerate(texts):
        cuts = sorted({0, len(text), *(p for span in spans for p in span)})
        ids: list[int] = []
        trained: list[bool] = []
        unknown: dict[str, str] = {}
        drop = _words_to_drop(text, vocab, word_dropout, generator) if word_dropout else set()
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            piece = vocab.encode(text[a:b], unknown, drop).tolist()
            ids += piece
            trained += [any(s <= a and b <= e for s, e in spans)] * len(piece)
        if len(ids) > context + 1:
            raise ValueError(f"Un ejemplo ocupa {len(ids)} tokens y el contexto es {context}.")
        x[i, : len(ids) - 1] = torch.tensor(ids[:-1])
        for t in range(1, len(ids)):  # el objetivo en la posición t - 1 es el token t
            if trained[t]:
                y[i, t - 1] = ids[t]
    return x, y


def _words_to_drop(
    text: str, vocab: WordCharVocab, p: float, generator: torch.Generator | None
) -> set[str]:
    """Palabras conocidas de ``text`` que se tratarán como desconocidas, con probabilidad ``p``."""
    words = sorted({t.strip() for t in vocab.tokenize(text) if vocab.is_word(t)})
    draws = torch.rand(len(words), generator=generator).tolist()
    return {w for w, r in zip(words, draws, strict=True) if r < p}


def _observations(examples: Sequence[ToolExample], registry: ToolRegistry) -> list[str]:
    """Ejecuta de verdad la llamada correcta de cada ejemplo (una vez por llamada distinta)."""
    cache: dict[str, str] = {}
    out = []
    for e in examples:
        key = e.tool + json.dumps(e.arguments, ensure_ascii=False, sort_keys=True)
        if key not in cache:
            cache[key] = registry.call(e.tool, e.arguments).text
        out.append(cache[key])
    return out


_RECIPE = get_recipe("gpt_herramientas")


def train_tool_gpt(
    examples: Sequence[ToolExample],
    registry: ToolRegistry,
    *,
    steps: int = _RECIPE.training["steps"],
    batch_size: int = _RECIPE.training["batch_size"],
    context: int = _RECIPE.model["context"],
    n_layer: int = _RECIPE.model["n_layer"],
    n_head: int = _RECIPE.model["n_head"],
    n_embd: int = _RECIPE.model["n_embd"],
    lr: float = _RECIPE.training["lr"],
    word_min_count: int | None = _RECIPE.model["word_min_count"],
    word_dropout: float = _RECIPE.model["word_dropout"],
    seed: int = _RECIPE.seed,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[ToolGPT, list[float]]:
    """Entrena el GPT con ``examples``; devuelve el :class:`ToolGPT` y la curva de pérdida.

    Los valores por defecto son la receta ``gpt_herramientas`` de :mod:`genai_utils.recipes`.

    Las observaciones de los ejemplos se obtienen ejecutando de verdad la llamada correcta con
    ``registry``; cada conversación da dos turnos (:func:`render_turns`). El vocabulario es
    :class:`WordCharVocab` con las palabras que aparecen al menos ``word_min_count`` veces y
    marcadores para las desconocidas, con ``word_dropout`` (``word_min_count=None``: solo
    caracteres, sin marcadores ni abandono). Cada lote reúne turnos de longitud parecida (se
    ordenan por longitud y se toma una ventana al azar), para no gastar cálculo en relleno. Con
    la misma semilla y en la CPU el resultado es idéntico bit a bit.
    """
    check_positive_int(steps, "steps")
    check_positive_int(batch_size, "batch_size")
    check_non_negative_int(seed, "seed")
    if not examples:
        raise ValueError("El argumento `examples` no puede estar vacío.")
    device = torch.device("cpu" if device is None else device)
    observations = _observations(examples, registry)
    rendered = [
        turn for e, o in zip(examples, observations, strict=True) for turn in render_turns(e, o)
    ]
    words = word_min_count is not None
    vocab = WordCharVocab(
        [t for t, _ in rendered], word_min_count, format_phrases(), unknown_token=words
    )
    generator = torch.Generator().manual_seed(seed)
    x, y = _encode_examples(
        rendered, vocab, context, word_dropout=word_dropout if words else 0.0, generator=generator
    )
    # Longitud útil de cada turno (hasta su último token con pérdida) y orden por longitud.
    lengths = ((y != -100) * torch.arange(1, context + 1)).max(dim=1).values
    shuffled = torch.randperm(len(x), generator=generator)
    order = shuffled[torch.argsort(lengths[shuffled], stable=True)]
    batch_size = min(batch_size, len(x))
    x, y = x.to(device), y.to(device)
    torch.manual_seed(seed)
    config = GPTConfig(len(vocab), context=context, n_layer=n_layer, n_head=n_head, n_embd=n_embd)
    model = GPT(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    losses: list[float] = []
    from tqdm.auto import tqdm

    bar = tqdm(range(steps), desc="entrenando el GPT de herramientas", disable=not progress)
    model.train()
    for step in bar:
        for group in optimizer.param_groups:  # calentamiento corto y decaimiento coseno
            warmup = min(1.0, (step + 1) / 50)
            group["lr"] = lr * warmup * 0.5 * (1 + math.cos(math.pi * step / steps))
        start = int(torch.randint(len(x) - batch_size + 1, (1,), generator=generator))
        idx = order[start : start + batch_size]  # turnos de longitud parecida
        length = int(lengths[idx].max())  # recorta el relleno final
        idx = idx.to(device)
        logits, _ = model(x[idx, :length])
        loss = F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y[idx, :length].reshape(-1), ignore_index=-100
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if step % 50 == 0:
            bar.set_postfix(pérdida=f"{losses[-1]:.3f}")
    model.eval()
    return ToolGPT(model, vocab, device), losses


def first_call(model: object, question: str) -> tuple[str | None, object]:
    """Herramienta y argumentos de la primera acción que el modelo propone para ``question``."""
    action = parse_action(model.complete(f"Pregunta: {question}\n", stop=["\nObservación:"]))  # type: ignore[attr-defined]
    return action.tool, action.arguments
