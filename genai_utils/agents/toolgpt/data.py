"""Datos sintéticos del GPT de herramientas: plantillas de preguntas y ejemplos con su llamada.

Tres familias de preguntas, cada una con su herramienta: aritmética (``calculadora``), la tienda
(``consultar_sql`` con parámetros ligados) y el libro (``buscar_libro``). Las preguntas de prueba
usan envoltorios, cuerpos y valores que no están en el entrenamiento.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from genai_utils.agents.sql import PRODUCTS
from genai_utils.validation import check_positive_int

# Envoltorios: {x} es el cuerpo tal cual; {X}, con la primera letra en mayúscula.
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

# Aritmética: (cuerpo o enunciado, expresión). Las divisiones son exactas.
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

# La tienda: (cuerpo o enunciado, consulta). {p} es un producto y {k}, una categoría.
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

# El libro: cuerpos y enunciados con un tema {t}.
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

    Entrenamiento: un envoltorio de entrenamiento con un cuerpo de entrenamiento, o un enunciado
    de entrenamiento. Prueba: un enunciado de prueba o un par (envoltorio, cuerpo) en el que al
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
    ``split="test"``, formas que el modelo no vio (envoltorios, cuerpos o enunciados nuevos) y
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
