"""Un GPT pequeño que aprende a usar herramientas: datos sintéticos, entrenamiento y uso.

Los datos se generan con **plantillas** en español de tres tipos de preguntas, cada una con su
herramienta correcta: problemas de aritmética (``calculadora``), preguntas sobre la tienda
(``consultar_sql`` con parámetros ligados) y preguntas sobre el libro (``buscar_libro``). Cada
ejemplo es una conversación completa del bucle del agente, con la observación real que devuelve
la herramienta::

    Pregunta: ¿Cuánto es 12 por 7?
    Acción: calculadora {"expresion": "12 * 7"}
    Observación: 84
    Respuesta: 84

El modelo (el :class:`~genai_utils.gpt.GPT` del capítulo 5, a nivel de caracteres) se entrena
solo sobre lo que escribe el agente (pensamiento, acción y respuesta): las pérdidas de la
pregunta y de la observación se enmascaran. Las plantillas de **prueba** son distintas de las de
entrenamiento (otras formas de preguntar, otros números, otros temas), para medir si generaliza.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from genai_utils.agents.loop import parse_action
from genai_utils.agents.models import cut_at_stop
from genai_utils.agents.sql import PRODUCTS
from genai_utils.agents.tools import ToolRegistry
from genai_utils.gpt import GPT, GPTConfig
from genai_utils.validation import check_non_negative_int, check_positive_int

__all__ = [
    "ALPHABET",
    "ToolExample",
    "ToolGPT",
    "WordCharVocab",
    "compact_prompt",
    "make_examples",
    "render_example",
    "train_tool_gpt",
]

ALPHABET = (
    '\n !"#%()*+,-./0123456789:;<=>?@[\\]_{|}~¡¿ABCDEFGHIJKLMNOPQRSTUVWXYZ'
    "abcdefghijklmnopqrstuvwxyzÁÉÍÑÓÚÜáéíñóúü«»…'"
)
OBS_CHARS = 56


# --- Plantillas: (texto, función que da los argumentos) --------------------------------------
_ARITH_TRAIN = [
    ("¿Cuánto es {a} más {b}?", "{a} + {b}"),
    ("¿Cuánto es {a} menos {b}?", "{a} - {b}"),
    ("¿Cuánto es {a} por {b}?", "{a} * {b}"),
    ("¿Cuánto es {a} entre {b}?", "{a} / {b}"),
    ("Si compro {a} cajas de {b} lápices, ¿cuántos lápices tengo?", "{a} * {b}"),
    ("Tenía {a} euros y gasté {b}. ¿Cuánto me queda?", "{a} - {b}"),
    ("Reparto {a} caramelos entre {b} niños, ¿cuántos tocan a cada uno?", "{a} / {b}"),
    ("Calcula {a} elevado a {c}.", "{a} ** {c}"),
    ("¿Cuál es el {b} % de {a}?", "{a} * {b} / 100"),
    ("Un libro tiene {a} páginas y otro {b}. ¿Cuántas suman?", "{a} + {b}"),
]
_ARITH_TEST = [
    ("Suma {a} y {b}.", "{a} + {b}"),
    ("Multiplica {a} por {b}.", "{a} * {b}"),
    ("Un tren recorre {a} km cada hora durante {b} horas, ¿cuántos km recorre?", "{a} * {b}"),
    ("Si tengo {a} euros y pago {b}, ¿cuánto dinero tengo?", "{a} - {b}"),
]
_SQL_QUERIES = {
    "precio": "SELECT precio FROM productos WHERE nombre = ?",
    "stock": "SELECT stock FROM productos WHERE nombre = ?",
    "cuenta": "SELECT COUNT(*) FROM productos WHERE categoria = ?",
    "caro": "SELECT MAX(precio) FROM productos WHERE categoria = ?",
}
_SQL_TRAIN = [
    ("¿Cuánto cuesta el artículo {p}?", "precio"),
    ("¿Qué precio tiene {p} en la tienda?", "precio"),
    ("¿Cuántas unidades de {p} quedan?", "stock"),
    ("¿Cuánto stock hay de {p}?", "stock"),
    ("¿Cuántos productos hay en la categoría {k}?", "cuenta"),
    ("¿Cuál es el precio más alto en la categoría {k}?", "caro"),
]
_SQL_TEST = [
    ("Dime el precio de {p}.", "precio"),
    ("¿Quedan existencias de {p}? ¿Cuántas?", "stock"),
    ("¿Cuántos artículos de {k} vende la tienda?", "cuenta"),
]
_BOOK_TRAIN = [
    "¿Qué dice el libro sobre {t}?",
    "Busca en el libro información sobre {t}.",
    "¿Qué explica el libro acerca de {t}?",
    "Quiero leer lo que cuenta el libro de {t}.",
]
_BOOK_TEST = [
    "Según el libro, ¿qué se sabe de {t}?",
    "¿Dónde habla el libro de {t}?",
]
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
TEST_TOPICS = [
    "la atención",
    "el conjunto de prueba",
    "las alucinaciones",
    "la retropropagación",
    "el muestreo ancestral",
    "Jukebox",
    "los modelos discriminativos",
    "la recuperación",
]


@dataclass(frozen=True)
class ToolExample:
    """Una pregunta con su llamada correcta: ``tool`` y ``arguments``."""

    question: str
    tool: str
    arguments: dict


def _arith(rng: random.Random, templates: Sequence[tuple[str, str]]) -> ToolExample:
    text, expr = rng.choice(templates)
    values = {"a": rng.randint(2, 999), "b": rng.randint(2, 99), "c": rng.randint(2, 4)}
    if "/ {b}" in expr:  # divisiones exactas, como en los problemas escolares
        values["a"] = values["b"] * rng.randint(2, 40)
    if "**" in expr:
        values["a"] = rng.randint(2, 30)
    return ToolExample(text.format(**values), "calculadora", {"expresion": expr.format(**values)})


def _sql(rng: random.Random, templates: Sequence[tuple[str, str]]) -> ToolExample:
    text, kind = rng.choice(templates)
    name, category, _, _ = rng.choice(PRODUCTS)
    value = category if "{k}" in text else name
    question = text.format(p=name, k=category)
    return ToolExample(
        question, "consultar_sql", {"consulta": _SQL_QUERIES[kind], "parametros": [value]}
    )


def _book(rng: random.Random, templates: Sequence[str], topics: Sequence[str]) -> ToolExample:
    topic = rng.choice(topics)
    question = rng.choice(templates).format(t=topic).replace(" de el ", " del ")
    return ToolExample(question.replace(" a el ", " al "), "buscar_libro", {"consulta": topic})


def format_phrases() -> list[str]:
    """Trozos fijos del formato de llamada, uno por token en :class:`WordCharVocab`."""
    phrases = [
        "Pregunta: ",
        "Observación: ",
        "Respuesta: ",
        '"}\n',
        '"]}\n',
        'Acción: calculadora {"expresion": "',
        'Acción: buscar_libro {"consulta": "',
    ]
    phrases += [
        f'Acción: consultar_sql {{"consulta": "{q}", "parametros": ["'
        for q in _SQL_QUERIES.values()
    ]
    return phrases


def make_examples(n: int, *, split: str = "train", seed: int = 0) -> list[ToolExample]:
    """``n`` preguntas con su llamada correcta, repartidas por igual entre las tres herramientas.

    ``split="train"`` usa las plantillas y temas de entrenamiento; ``split="test"``, otros
    distintos (formas de preguntar y temas que el modelo no vio).
    """
    check_positive_int(n, "n")
    if split not in ("train", "test"):
        raise ValueError(f'El argumento `split` debe ser "train" o "test"; se recibió {split!r}.')
    rng = random.Random(f"{split}-{seed}")
    train = split == "train"
    makers: list[Callable[[], ToolExample]] = [
        lambda: _arith(rng, _ARITH_TRAIN if train else _ARITH_TEST),
        lambda: _sql(rng, _SQL_TRAIN if train else _SQL_TEST),
        lambda: _book(rng, _BOOK_TRAIN if train else _BOOK_TEST, TOPICS if train else TEST_TOPICS),
    ]
    return [makers[i % 3]() for i in range(n)]


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


def render_example(example: ToolExample, observation: str) -> tuple[str, list[tuple[int, int]]]:
    """Texto de entrenamiento y tramos ``(inicio, fin)`` que escribe el agente (con pérdida)."""
    call = json.dumps(example.arguments, ensure_ascii=False)
    head = f"Pregunta: {clean_text(example.question)}\n"
    agent = f"Acción: {example.tool} {call}\n"
    obs = f"Observación: {compact_observation(observation)}\n"
    final = f"Respuesta: {answer_from_observation(observation)}\n"
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


_WORDS = r" ?\d| ?[^\W\d]+| ?[^\w\s]|\s"


class WordCharVocab:
    """Vocabulario mixto: las palabras frecuentes del entrenamiento son un token cada una (con
    su espacio delante) y todo lo demás se deletrea carácter a carácter. Los dígitos van siempre
    sueltos, así que cualquier número se puede copiar; una palabra nueva (un tema que el modelo
    nunca vio) también, letra a letra. Las secuencias quedan unas tres veces más cortas que con
    caracteres, y el entrenamiento, mucho más barato. ``phrases`` son trozos fijos del formato
    (``Acción: calculadora {"expresion": "``, cada consulta SQL…) que valen un token cada uno,
    como haría un BPE entrenado con estos textos."""

    def __init__(
        self, texts: Sequence[str], min_count: int = 5, phrases: Sequence[str] = ()
    ) -> None:
        check_positive_int(min_count, "min_count")
        longest_first = sorted(set(phrases), key=len, reverse=True)
        self._pattern = re.compile("|".join([*(re.escape(p) for p in longest_first), _WORDS]))
        counts: dict[str, int] = {}
        for text in texts:
            for piece in self._pattern.findall(clean_text(text)):
                if len(piece.strip()) > 1:
                    counts[piece] = counts.get(piece, 0) + 1
        words = sorted(w for w, c in counts.items() if c >= min_count and w not in phrases)
        self.tokens = list(ALPHABET) + list(longest_first) + words
        self._index = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def tokenize(self, text: str) -> list[str]:
        """Trozos de ``text``: palabras conocidas enteras; lo demás, letra a letra."""
        pieces: list[str] = []
        for piece in self._pattern.findall(clean_text(text)):
            pieces.extend([piece] if piece in self._index else list(piece))
        return pieces

    def encode(self, text: str) -> torch.Tensor:
        """Texto → identificadores ``int64``."""
        return torch.tensor([self._index[p] for p in self.tokenize(text)], dtype=torch.long)

    def decode(self, ids: Sequence[int] | torch.Tensor) -> str:
        """Identificadores → texto."""
        return "".join(self.tokens[int(i)] for i in ids)


class ToolGPT:
    """Envoltorio del GPT de caracteres con la interfaz ``complete`` del agente."""

    needs_header = False

    def __init__(
        self, model: GPT, vocab: WordCharVocab, device: torch.device | str = "cpu"
    ) -> None:
        self.model = model
        self.vocab = vocab
        self.device = torch.device(device)

    @torch.no_grad()
    def complete(self, prompt: str, *, stop: Sequence[str] = (), max_tokens: int = 120) -> str:
        """Continuación voraz, token a token, hasta terminar una línea ``Acción:`` o
        ``Respuesta:`` (o ``max_tokens`` tokens)."""
        check_positive_int(max_tokens, "max_tokens")
        text = compact_prompt(prompt)
        ids = self.vocab.encode(text).to(self.device).reshape(1, -1)
        context = self.model.config.context
        self.model.eval()
        out = ""
        for _ in range(max_tokens):
            logits, _ = self.model(ids[:, -context:])
            token = int(logits[0, -1].argmax())
            out += self.vocab.tokens[token]
            ids = torch.cat([ids, torch.tensor([[token]], device=self.device)], dim=1)
            last_line = out.rstrip("\n").rsplit("\n", 1)[-1]
            if out.endswith("\n") and last_line.startswith(("Acción:", "Respuesta:")):
                break
        return cut_at_stop(out, stop)


def _encode_examples(
    texts: Sequence[tuple[str, list[tuple[int, int]]]], vocab: WordCharVocab, context: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Matrices (N, context) de entrada y de objetivo; -100 donde no hay pérdida.

    Cada tramo se tokeniza por separado, así sus fronteras coinciden con las de los tokens."""
    n = len(texts)
    x = torch.zeros(n, context, dtype=torch.long)
    y = torch.full((n, context), -100, dtype=torch.long)
    for i, (text, spans) in enumerate(texts):
        cuts = sorted({0, len(text), *(p for span in spans for p in span)})
        ids: list[int] = []
        trained: list[bool] = []
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            piece = vocab.encode(text[a:b]).tolist()
            ids += piece
            trained += [any(s <= a and b <= e for s, e in spans)] * len(piece)
        if len(ids) > context + 1:
            raise ValueError(f"Un ejemplo ocupa {len(ids)} tokens y el contexto es {context}.")
        x[i, : len(ids) - 1] = torch.tensor(ids[:-1])
        for t in range(1, len(ids)):  # el objetivo en la posición t - 1 es el token t
            if trained[t]:
                y[i, t - 1] = ids[t]
    return x, y


def train_tool_gpt(
    examples: Sequence[ToolExample],
    registry: ToolRegistry,
    *,
    steps: int = 600,
    batch_size: int = 32,
    context: int = 160,
    n_layer: int = 2,
    n_head: int = 4,
    n_embd: int = 64,
    lr: float = 3e-3,
    seed: int = 0,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[ToolGPT, list[float]]:
    """Entrena un GPT de caracteres con ``examples`` y devuelve el modelo y su curva de pérdida.

    Las observaciones de los ejemplos se obtienen ejecutando de verdad la llamada correcta con
    ``registry``. Con la misma semilla y en la CPU el resultado es idéntico bit a bit.
    """
    check_positive_int(steps, "steps")
    check_positive_int(batch_size, "batch_size")
    check_non_negative_int(seed, "seed")
    if not examples:
        raise ValueError("El argumento `examples` no puede estar vacío.")
    device = torch.device("cpu" if device is None else device)
    rendered = [render_example(e, registry.call(e.tool, e.arguments).text) for e in examples]
    vocab = WordCharVocab([text for text, _ in rendered], phrases=format_phrases())
    x, y = _encode_examples(rendered, vocab, context)
    x, y = x.to(device), y.to(device)
    torch.manual_seed(seed)
    config = GPTConfig(len(vocab), context=context, n_layer=n_layer, n_head=n_head, n_embd=n_embd)
    model = GPT(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    generator = torch.Generator().manual_seed(seed)
    losses: list[float] = []
    from tqdm.auto import tqdm

    bar = tqdm(range(steps), desc="entrenando el GPT de herramientas", disable=not progress)
    model.train()
    for step in bar:
        for group in optimizer.param_groups:  # calentamiento corto y decaimiento coseno
            group["lr"] = (
                lr
                * min(1.0, (step + 1) / 50)
                * 0.5
                * (1 + torch.cos(torch.tensor(torch.pi * step / steps)).item())
            )
        idx = torch.randint(len(x), (batch_size,), generator=generator).to(device)
        length = int((y[idx] != -100).nonzero()[:, 1].max()) + 1  # recorta el relleno final
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
