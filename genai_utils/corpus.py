"""Corpus de texto en español: la prosa del propio libro y cualquier archivo de texto del lector.

Ningún paquete instalable trae prosa española, así que el corpus por defecto se construye con
las páginas del libro (``book/**/*.md``) y las celdas de texto de los cuadernos, quitando la
sintaxis MyST, el código y las matemáticas con ``strip_markup``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from genai_utils.packaged_book import packaged_book_root
from genai_utils.validation import check_fraction, check_positive_int

BOOK_DIR_ENV = "GENAI_LIBRO_DIR"

# Directivas cuyo contenido no es prosa: se descartan enteras.
_DROPPED_DIRECTIVES = {
    "code-cell", "code", "code-block", "sourcecode", "math", "image", "raw", "glue", "glue:figure",
    "literalinclude", "toctree", "tableofcontents", "bibliography", "mermaid", "eval-rst",
    "csv-table", "include",
}
# Roles cuyo texto visible se conserva; los demás ({cite}, {numref}, {eq}, {math}…) se quitan.
_KEPT_ROLES = {"term", "ref", "doc", "abbr", "sub", "sup", "download", "index", "kbd", "guilabel"}

_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.-]+)\}")
_OPTION = re.compile(r"^\s*:[\w-]+:(\s.*)?$")
_ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}(?P<ticks>`+)(?P<body>.*?)(?P=ticks)")
_SKIPPED_LINE = re.compile(
    r"^\s*(\([\w:.-]+\)=\s*|%.*|\+\+\+.*|\[[^\]^]+\]:\s+\S.*|([-*_]\s*){3,}|"
    r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?)$"
)
_HEADING = re.compile(r"^\s*#{1,6}\s")
_BLOCK_START = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|\||>)")
_INLINE_RULES = [
    (re.compile(r"(`+).*?\1"), ""),  # código en línea
    (re.compile(r"(?<![\\$])\$(?!\$)[^$\n]+?(?<!\\)\$"), ""),  # matemáticas en línea
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # imágenes
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # enlaces
    (re.compile(r"\[([^\]^]*)\]\[[^\]]*\]"), r"\1"),  # enlaces por referencia
    (re.compile(r"\[\^[^\]]+\]:?"), ""),  # marcas de nota al pie
    (re.compile(r"<https?://[^>]*>"), ""),  # enlaces automáticos
    (re.compile(r"</?[A-Za-z][^<>]*>"), ""),  # etiquetas HTML
    (re.compile(r"\{\{[^}]*\}\}"), ""),  # sustituciones
    (re.compile(r"^\s*(#{1,6}|[-*+](?=\s)|\d+[.)](?=\s)|>+)\s*"), ""),  # almohadillas y viñetas
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|~])"), r"\1"),  # caracteres escapados
    (re.compile(r"\*+|(?<!\w)_+|_+(?!\w)"), ""),  # énfasis
    (re.compile(r"\|"), " "),  # barras de las tablas
]


def strip_markup(markdown: str) -> str:
    """Convierte una página MyST-markdown en prosa: sin código, matemáticas ni sintaxis.

    Conserva el texto de las advertencias y desplegables (``{note}``, ``{dropdown}``…). Cada
    párrafo queda en una línea; los párrafos se separan con un solo salto de línea.
    """
    if not isinstance(markdown, str):
        raise TypeError(
            "El argumento `markdown` debe ser un texto (str); "
            f"se recibió {type(markdown).__name__}."
        )
    text = unicodedata.normalize("NFC", markdown).replace("\r\n", "\n").replace("\r", "\n")
    text = _drop_front_matter(text)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = "\n".join(_drop_fenced_blocks(text.split("\n")))
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.DOTALL)
    text = re.sub(r"\\begin\{([\w*]+)\}.*?\\end\{\1\}", "", text, flags=re.DOTALL)
    return "\n".join(_paragraphs(text.split("\n")))


def _drop_front_matter(text: str) -> str:
    match = re.match(r"---\n.*?\n---[ \t]*(\n|$)", text, flags=re.DOTALL)
    return text[match.end() :] if match else text


def _drop_fenced_blocks(lines: list[str]) -> list[str]:
    """Quita los bloques de código y las líneas de apertura, cierre y opciones de directivas."""
    kept: list[str] = []
    stack: list[tuple[str, bool]] = []  # (cerca, ¿se descarta el contenido?)
    options = "no"  # "no", "líneas" (:clave: valor) o "yaml" (entre líneas ---)
    for line in lines:
        match = _FENCE.match(line)
        dropping = bool(stack) and stack[-1][1]
        if match and stack and _closes(match, stack[-1][0]):
            stack.pop()
            kept.append("")
            options = "no"
        elif match and not dropping:
            stack.append((match["fence"], _drops_body(match)))
            kept.append("")
            options = "líneas"
        elif not dropping:
            options = _options_state(options, line)
            if options == "no":
                kept.append(line)
    return kept


def _options_state(state: str, line: str) -> str:
    """Sigue el bloque de opciones al principio de una directiva; "no" si la línea es texto."""
    if state == "yaml":
        return "fin-yaml" if line.strip() == "---" else "yaml"
    if state == "líneas" and line.strip() == "---":
        return "yaml"
    if state == "líneas" and _OPTION.match(line):
        return "líneas"
    return "no"


def _closes(match: re.Match[str], fence: str) -> bool:
    closing = match["fence"]
    return closing[0] == fence[0] and len(closing) >= len(fence) and not match["info"].strip()


def _drops_body(match: re.Match[str]) -> bool:
    directive = _DIRECTIVE.match(match["info"].strip())
    if directive is None:
        return match["fence"][0] != ":"  # ``` o ~~~ sin directiva: bloque de código
    return directive["name"] in _DROPPED_DIRECTIVES


def _paragraphs(lines: list[str]) -> list[str]:
    """Limpia cada línea y une en un párrafo las líneas consecutivas de un mismo bloque."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if _SKIPPED_LINE.match(line) or not line.strip():
            paragraphs.append([])
            continue
        if _BLOCK_START.match(line):
            paragraphs.append([])
        paragraphs[-1].append(_clean_inline(line))
        if _HEADING.match(line):
            paragraphs.append([])
    joined = (" ".join(" ".join(p).split()) for p in paragraphs)
    return [p for p in joined if p]


def _clean_inline(line: str) -> str:
    line = _ROLE.sub(_role_text, line)
    for pattern, replacement in _INLINE_RULES:
        line = pattern.sub(replacement, line)
    return line


def _role_text(match: re.Match[str]) -> str:
    if match["name"] not in _KEPT_ROLES:
        return ""
    body = match["body"].strip()
    explicit = re.match(r"^(.*?)\s*<[^<>]*>$", body)
    if explicit:
        return explicit[1]
    return body if match["name"] in {"term", "abbr", "sub", "sup", "kbd", "guilabel"} else ""


def notebook_markdown(path: str | Path) -> str:
    """Texto de las celdas markdown de un cuaderno ``.ipynb``, ya pasado por ``strip_markup``."""
    path = _existing_file(path, "path")
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise ValueError(
            f"El archivo {path} no es un cuaderno de Jupyter válido (JSON con `cells`)."
        ) from error
    texts = []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            texts.append(strip_markup("".join(source) if isinstance(source, list) else source))
    return "\n".join(t for t in texts if t)


def find_book_root(start: str | Path | None = None) -> Path:
    """Carpeta raíz del libro: la de ``GENAI_LIBRO_DIR`` o la primera, subiendo desde ``start``
    (por defecto, la de este módulo y luego la actual), que contenga ``_toc.yml`` y ``book/``.

    Si no hay ninguna (el paquete se instaló con ``pip`` y se usa fuera del repositorio), la
    copia de la prosa que viaja con el paquete (:mod:`genai_utils.packaged_book`)."""
    env = os.environ.get(BOOK_DIR_ENV)
    if env:
        root = Path(env).expanduser()
        if not root.is_dir():
            raise FileNotFoundError(
                f"La variable de entorno {BOOK_DIR_ENV} apunta a «{env}», que no es una carpeta."
            )
        return root.resolve()
    starts = [Path(start)] if start is not None else [Path(__file__).parent, Path.cwd()]
    for folder in starts:
        for candidate in [folder.resolve(), *folder.resolve().parents]:
            if (candidate / "_toc.yml").is_file() and (candidate / "book").is_dir():
                return candidate
    packaged = packaged_book_root()  # fuera del repositorio: la copia que lleva el paquete
    if packaged is not None:
        return packaged
    raise FileNotFoundError(
        "No se encontró la carpeta del libro (la que contiene `_toc.yml` y `book/`) ni la copia "
        "que lleva el paquete instalado. Ejecuta el código desde el repositorio, instala el "
        f"paquete construido con `make paquete`, o define la variable de entorno {BOOK_DIR_ENV}, "
        f"por ejemplo: os.environ['{BOOK_DIR_ENV}'] = '/ruta/al/libro'."
    )


def book_corpus(root: str | Path | None = None) -> str:
    """Prosa de todas las páginas ``book/**/*.md`` y de los cuadernos ``notebooks/**/*.ipynb``.

    Es la unión de :func:`book_pages`, en orden alfabético de las rutas (primero el libro, luego
    los cuadernos): sin las líneas de plantilla de las cabeceras ni los párrafos repetidos. Se
    omiten los archivos que empiezan por ``_`` o ``.`` (o están en carpetas así) y las copias de
    ``.ipynb_checkpoints``.
    """
    return "\n".join(book_pages(root).values())


@dataclass(frozen=True)
class TextSplits:
    """Reparto del corpus por páginas: ``train`` para ajustar, ``dev`` para elegir y ``test`` para
    informar. ``pages`` dice qué páginas (rutas relativas a la raíz) forman cada parte."""

    train: str
    dev: str
    test: str
    pages: dict[str, tuple[str, ...]]


# Líneas de plantilla que se repiten en todas las cabeceras de los cuadernos.
_BOILERPLATE = re.compile(r"^(Tiempo de ejecución medido|Requisitos previos)\b")
# Páginas que escribe un guion con medidas (no son prosa): no entran en el corpus.
GENERATED_PAGES = frozenset({"book/tiempos_cuadernos.md"})


def book_pages(root: str | Path | None = None) -> dict[str, str]:
    """La prosa de cada página del libro y de cada cuaderno, sin repeticiones entre páginas.

    Devuelve ``ruta relativa → prosa``. Se omiten las páginas generadas por un guion
    (``GENERATED_PAGES``, como la tabla de tiempos) y se quitan las líneas de plantilla de las
    cabeceras («Tiempo de ejecución medido…», «Requisitos previos…») y cada párrafo que ya
    apareció, igual, en una página anterior: así un mismo aviso copiado en varios cuadernos no
    acaba a la vez en el texto de entrenamiento y en el de prueba.
    """
    root = find_book_root() if root is None else Path(root)
    if not (root / "book").is_dir():
        raise FileNotFoundError(f"La carpeta del libro {root} no contiene la subcarpeta `book/`.")
    raw = {p: strip_markup(p.read_text(encoding="utf-8")) for p in _sources(root / "book", "*.md")}
    raw |= {p: notebook_markdown(p) for p in _sources(root / "notebooks", "*.ipynb")}
    seen: set[str] = set()
    pages = {}
    for path, text in raw.items():
        if path.relative_to(root).as_posix() in GENERATED_PAGES:
            continue
        kept = []
        for paragraph in text.split("\n"):
            key = paragraph.strip()
            if not key or _BOILERPLATE.match(key) or key in seen:
                continue
            seen.add(key)
            kept.append(paragraph)
        if kept:
            pages[path.relative_to(root).as_posix()] = "\n".join(kept)
    if not pages:
        raise ValueError(f"No se encontró prosa en {root / 'book'} ni en {root / 'notebooks'}.")
    return pages


def book_splits(
    root: str | Path | None = None,
    *,
    dev_fraction: float = 0.1,
    test_fraction: float = 0.1,
    seed: int = 0,
) -> TextSplits:
    """Reparte las páginas del libro (:func:`book_pages`) en entrenamiento, desarrollo y prueba.

    Las páginas se ordenan por un resumen SHA-256 de ``seed`` y su ruta (un sorteo reproducible
    que no cambia al añadir páginas nuevas) y se asignan enteras: primero a prueba hasta reunir
    ``test_fraction`` de los caracteres, luego a desarrollo hasta ``dev_fraction``, y el resto a
    entrenamiento. Ninguna página queda partida entre dos repartos, así que el texto de prueba
    trata de temas que el modelo vio en otras páginas, pero no sus frases.
    """
    check_fraction(dev_fraction, "dev_fraction")
    check_fraction(test_fraction, "test_fraction")
    if dev_fraction + test_fraction >= 1:
        raise ValueError(
            "`dev_fraction` + `test_fraction` debe ser menor que 1; se recibió "
            f"{dev_fraction} + {test_fraction}."
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"`seed` debe ser un entero ≥ 0; se recibió {seed!r}.")
    pages = book_pages(root)
    if len(pages) < 3:
        raise ValueError(f"Hacen falta al menos tres páginas para repartir; hay {len(pages)}.")
    order = sorted(pages, key=lambda p: hashlib.sha256(f"{seed}:{p}".encode()).hexdigest())
    total = sum(len(t) for t in pages.values())
    parts: dict[str, list[str]] = {"test": [], "dev": [], "train": []}
    filled = {"test": 0, "dev": 0}
    goals = {"test": test_fraction * total, "dev": dev_fraction * total}
    for path in order:
        part = next((p for p in ("test", "dev") if filled[p] < goals[p]), "train")
        parts[part].append(path)
        filled[part] = filled.get(part, 0) + len(pages[path])
    if not parts["train"]:
        raise ValueError(
            "No quedan páginas para entrenar: reduce `dev_fraction` o `test_fraction`."
        )
    texts = {k: "\n".join(pages[p] for p in sorted(v)) for k, v in parts.items()}
    return TextSplits(texts["train"], texts["dev"], texts["test"],
                      {k: tuple(sorted(v)) for k, v in parts.items()})


def _sources(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.rglob(pattern)):
        parts = path.relative_to(folder).parts
        if not any(part.startswith(("_", ".")) for part in parts):
            files.append(path)
    return files


def load_text(path: str | Path, *, min_chars: int = 1) -> str:
    """Lee un archivo de texto UTF-8 (normalizado a NFC) con al menos ``min_chars`` caracteres."""
    check_positive_int(min_chars, "min_chars")
    path = _existing_file(path, "path")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"El archivo {path} no está codificado en UTF-8; guárdalo como UTF-8 y vuelve a "
            "intentarlo."
        ) from error
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    if not text.strip():
        raise ValueError(f"El archivo {path} está vacío.")
    if len(text) < min_chars:
        raise ValueError(
            f"El archivo {path} tiene {len(text)} caracteres; se necesitan al menos "
            f"`min_chars`={min_chars}."
        )
    return text


def _existing_file(path: object, name: str) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"El argumento `{name}` debe ser una ruta (str o Path); se recibió "
            f"{type(path).__name__}."
        )
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"No existe el archivo «{path}» (argumento `{name}`).")
    return path


def split_text(text: str, val_fraction: float = 0.1) -> tuple[str, str]:
    """Parte ``text`` en entrenamiento y validación contiguos; la validación es el final."""
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    check_fraction(val_fraction, "val_fraction")
    n_val = round(len(text) * val_fraction)
    if n_val < 1 or n_val >= len(text):
        raise ValueError(
            f"El argumento `text` es demasiado corto ({len(text)} caracteres) para apartar una "
            f"fracción `val_fraction`={val_fraction} como validación."
        )
    return text[:-n_val], text[-n_val:]
