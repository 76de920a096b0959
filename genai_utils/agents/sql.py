"""Consultas de solo lectura sobre una base de datos SQLite real, como herramienta de un agente.

Varias defensas independientes, porque un modelo puede escribir cualquier cosa:

1. la conexión se abre en modo solo lectura (``mode=ro``) y con ``PRAGMA query_only``, y no se
   puede **adjuntar** ninguna otra base de datos (``SQLITE_LIMIT_ATTACHED = 0``): ``mode=ro`` solo
   protege la base principal, no las adjuntas;
2. un **autorizador** de SQLite solo permite leer tablas y llamar a las funciones de una lista
   blanca (``count``, ``sum``, ``lower``…): ``INSERT``, ``UPDATE``, ``DELETE``, ``CREATE``,
   ``DROP``, ``ATTACH``, cualquier ``PRAGMA`` y funciones como ``printf``, ``zeroblob`` o
   ``fts3_tokenizer`` se deniegan;
3. se ejecuta **una sola sentencia** ``SELECT``/``WITH`` y los valores van como **parámetros
   ligados** (``?``), nunca pegados en el texto de la consulta.

Además cada consulta está **acotada** en tiempo y memoria: un manejador de progreso la corta al
pasar ``MAX_SECONDS`` segundos de reloj o ``MAX_VM_STEPS`` instrucciones del motor, ningún texto o
*blob* puede superar ``MAX_VALUE_BYTES`` bytes (``SQLITE_LIMIT_LENGTH``: una sola llamada a una
función nunca trabaja sobre un texto enorme) y se devuelven como mucho ``max_rows`` filas.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from genai_utils.agents.tools import Tool, truncate
from genai_utils.validation import check_positive_float, check_positive_int

__all__ = [
    "ALLOWED_FUNCTIONS",
    "SQLError",
    "create_demo_database",
    "format_rows",
    "query_readonly",
    "sql_tool",
]

MAX_ROWS = 20
MAX_ROWS_LIMIT = 1000
MAX_VM_STEPS = 2_000_000
MAX_SECONDS = 1.0
MAX_VALUE_BYTES = 10_000
MAX_SQL_CHARS = 5_000
MAX_COLUMNS = 64

_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_ALLOWED_ACTIONS |= {getattr(sqlite3, "SQLITE_RECURSIVE", 33)}

#: Funciones SQL que puede usar una consulta (el resto las deniega el autorizador).
ALLOWED_FUNCTIONS = frozenset(
    "abs avg coalesce count date datetime glob group_concat ifnull iif instr julianday length "
    "like lower ltrim max min nullif round rtrim strftime substr substring sum time total trim "
    "typeof upper".split()
)

_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_CHARS * 4,
    sqlite3.SQLITE_LIMIT_COLUMN: MAX_COLUMNS,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}
_HEADER = b"SQLite format 3\x00"
_DEMO_COLUMNS = ["nombre", "categoria", "precio", "stock"]

PRODUCTS: list[tuple[str, str, float, int]] = [
    ("cuaderno", "papelería", 2.5, 120),
    ("lápiz", "papelería", 0.6, 300),
    ("bolígrafo", "papelería", 1.2, 250),
    ("rotulador", "papelería", 1.8, 90),
    ("carpeta", "papelería", 3.4, 60),
    ("tijeras", "papelería", 4.9, 35),
    ("grapadora", "papelería", 7.5, 18),
    ("calculadora", "electrónica", 14.9, 25),
    ("auriculares", "electrónica", 24.0, 14),
    ("ratón", "electrónica", 12.5, 40),
    ("teclado", "electrónica", 29.9, 12),
    ("altavoz", "electrónica", 35.0, 8),
    ("cargador", "electrónica", 15.5, 30),
    ("mochila", "accesorios", 32.0, 16),
    ("estuche", "accesorios", 6.5, 45),
    ("botella", "accesorios", 9.9, 50),
    ("paraguas", "accesorios", 12.0, 22),
    ("atlas", "libros", 19.5, 7),
    ("diccionario", "libros", 22.0, 11),
    ("novela", "libros", 16.9, 28),
    ("cómic", "libros", 9.5, 33),
]


class SQLError(ValueError):
    """La consulta no es una lectura permitida o el motor la rechazó."""


def create_demo_database(path: str | os.PathLike[str]) -> Path:
    """Crea (o rehace) en ``path`` la base de datos de la tienda del capítulo y la devuelve.

    Tiene una tabla ``productos(nombre, categoria, precio, stock)`` con 21 artículos. Si en
    ``path`` ya hay un archivo, solo se sustituye cuando es una base de datos de la tienda creada
    por esta función; cualquier otro archivo se deja intacto y se lanza ``FileExistsError``.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"El argumento `path` debe ser una ruta; se recibió {type(path).__name__}.")
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"El argumento `path` es una carpeta («{path}»); debe ser la ruta de un archivo, "
            "p. ej. carpeta / 'tienda.db'."
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"No existe la carpeta «{path.parent}» del argumento `path`: créala antes."
        )
    if (path.exists() or path.is_symlink()) and not _is_demo_database(path):
        raise FileExistsError(
            f"Ya existe «{path}» y no es la base de datos de la tienda: no se sobrescribe. "
            "Elige otra ruta (o borra tú ese archivo si de verdad sobra)."
        )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        try:
            with conn:
                conn.execute(
                    "CREATE TABLE productos (nombre TEXT PRIMARY KEY, categoria TEXT NOT NULL, "
                    "precio REAL NOT NULL, stock INTEGER NOT NULL)"
                )
                conn.executemany("INSERT INTO productos VALUES (?, ?, ?, ?)", PRODUCTS)
        finally:
            conn.close()
        os.replace(tmp, path)  # de una vez: nunca queda una base a medias en `path`
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _is_demo_database(path: Path) -> bool:
    """¿Es ``path`` una base de datos con solo la tabla ``productos`` de la tienda?"""
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as handle:
            if handle.read(len(_HEADER)) != _HEADER:
                return False
        conn = sqlite3.connect(_readonly_uri(path), uri=True)
        try:
            names = conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')"
            ).fetchall()
            columns = [row[1] for row in conn.execute("PRAGMA table_info(productos)")]
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False
    return names == [("productos",)] and columns == _DEMO_COLUMNS


def _readonly_uri(path: Path) -> str:
    """URI ``file:`` con la ruta codificada (``#``, ``?`` y ``%`` no cambian su sentido)."""
    return path.resolve().as_uri() + "?mode=ro"


def _authorizer(denied: list[str]):  # noqa: ANN202 - devuelve la función que pide sqlite3
    def check(action: int, arg1: object, arg2: object, *_: object) -> int:
        if action not in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_FUNCTION:
            name = str(arg2 or arg1 or "").lower()
            if name not in ALLOWED_FUNCTIONS:
                denied.append(name)
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    return check


def _connect(path: Path, seconds: float, denied: list[str]) -> sqlite3.Connection:
    if not path.is_file():
        raise SQLError(f"No existe la base de datos «{path}».")
    conn = sqlite3.connect(_readonly_uri(path), uri=True)
    try:
        conn.execute("PRAGMA query_only = ON")  # antes del autorizador, que deniega los PRAGMA
        for limit, value in _LIMITS.items():
            conn.setlimit(limit, value)
        conn.set_authorizer(_authorizer(denied))
        steps = {"n": 0}
        deadline = time.monotonic() + seconds

        def progress() -> int:  # devuelve ≠ 0 para interrumpir la consulta
            steps["n"] += 1
            return int(steps["n"] * 1000 > MAX_VM_STEPS or time.monotonic() > deadline)

        conn.set_progress_handler(progress, 1000)
    except BaseException:
        conn.close()
        raise
    return conn


def query_readonly(
    path: str | os.PathLike[str],
    query: str,
    parameters: Sequence[object] = (),
    *,
    max_rows: int = MAX_ROWS,
    timeout: float = MAX_SECONDS,
) -> tuple[list[str], list[tuple]]:
    """Ejecuta una única consulta de lectura y devuelve ``(columnas, filas)``.

    Lanza :class:`SQLError` en español si la consulta escribe, adjunta otra base de datos, usa
    ``PRAGMA`` o una función fuera de :data:`ALLOWED_FUNCTIONS`, encadena varias sentencias,
    tarda más de ``timeout`` segundos, produce un valor de más de ``MAX_VALUE_BYTES`` bytes o el
    motor la rechaza.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"El argumento `path` debe ser una ruta; se recibió {type(path).__name__}.")
    check_positive_int(max_rows, "max_rows")
    if max_rows > MAX_ROWS_LIMIT:
        raise ValueError(
            f"El argumento `max_rows` debe ser como mucho {MAX_ROWS_LIMIT}; se recibió {max_rows}."
        )
    check_positive_float(timeout, "timeout")
    if not isinstance(query, str) or not query.strip():
        raise SQLError("El argumento `query` debe ser un texto SQL no vacío.")
    if len(query) > MAX_SQL_CHARS:
        raise SQLError(f"La consulta es demasiado larga (máximo {MAX_SQL_CHARS} caracteres).")
    if not isinstance(parameters, list | tuple):
        raise SQLError("El argumento `parameters` debe ser una lista de valores.")
    text = query.strip()
    first = text.split(None, 1)[0].upper()
    if first not in {"SELECT", "WITH"}:
        raise SQLError(
            f"Solo se permiten consultas de lectura (SELECT); se recibió «{truncate(first, 30)}»."
        )
    if not sqlite3.complete_statement(text if text.endswith(";") else text + ";"):
        raise SQLError("La consulta SQL está incompleta (¿falta cerrar comillas o paréntesis?).")
    denied: list[str] = []
    try:
        conn = _connect(Path(path), timeout, denied)
    except sqlite3.Error as error:
        raise SQLError(f"No se pudo abrir la base de datos «{path}»: {error}.") from error
    try:
        cursor = conn.execute(text, tuple(parameters))
        rows = cursor.fetchmany(max_rows)
        columns = [d[0] for d in cursor.description or []]
    except sqlite3.ProgrammingError as error:
        if "one statement" in str(error):
            raise SQLError(
                "Solo se permite una sentencia por consulta (sin «;» intermedios)."
            ) from error
        raise SQLError(f"Consulta inválida: {error}.") from error
    except sqlite3.Error as error:
        raise _engine_error(error, denied, timeout) from error
    finally:
        conn.close()
    return columns, rows


def _engine_error(error: sqlite3.Error, denied: list[str], timeout: float) -> SQLError:
    """Traduce al español el error del motor."""
    message = str(error)
    if "not authorized" in message and denied:
        allowed = ", ".join(sorted(ALLOWED_FUNCTIONS))
        return SQLError(
            f"La función «{truncate(denied[0], 40)}» no está permitida en esta herramienta; "
            f"se admiten: {allowed}."
        )
    if "not authorized" in message:
        return SQLError("Operación no permitida: esta herramienta solo puede leer tablas.")
    if "interrupted" in message:
        return SQLError(
            f"La consulta tardaba demasiado (más de {timeout:g} s o demasiados pasos del motor) "
            "y se interrumpió."
        )
    if "too big" in message or "too many columns" in message:
        return SQLError(
            f"La consulta produce un valor demasiado grande (máximo {MAX_VALUE_BYTES} bytes por "
            f"valor y {MAX_COLUMNS} columnas)."
        )
    return SQLError(f"El motor rechazó la consulta: {truncate(message, 200)}.")


def format_rows(columns: list[str], rows: list[tuple]) -> str:
    """Texto compacto de un resultado: un solo valor tal cual; si no, filas separadas por «;»."""
    if not isinstance(columns, list | tuple):
        raise TypeError("El argumento `columns` debe ser una lista de nombres de columna.")
    if not isinstance(rows, list | tuple) or not all(isinstance(r, list | tuple) for r in rows):
        raise TypeError("El argumento `rows` debe ser una lista de filas (tuplas).")
    if not rows:
        return "(sin resultados)"
    if len(rows) == 1 and len(rows[0]) == 1:
        return _cell(rows[0][0])
    return "; ".join(", ".join(_cell(v) for v in row) for row in rows)


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sql_tool(path: str | os.PathLike[str]) -> Tool:
    """Herramienta ``consultar_sql`` sobre la base de datos ``path`` (solo lectura)."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"El argumento `path` debe ser una ruta; se recibió {type(path).__name__}.")
    path = Path(path)

    def run(consulta: str, parametros: list | None = None) -> str:
        columns, rows = query_readonly(path, consulta, parametros or [])
        return format_rows(columns, rows)

    schema = {
        "type": "object",
        "properties": {
            "consulta": {
                "type": "string",
                "maxLength": 500,
                "description": "una sentencia SELECT con ? donde van los valores",
            },
            "parametros": {
                "type": "array",
                "maxItems": 10,
                "items": {"type": "string"},
                "description": "valores que sustituyen a cada ?",
            },
        },
        "required": ["consulta"],
    }
    return Tool(
        "consultar_sql",
        "consulta de solo lectura sobre la tabla productos(nombre, categoria, precio, stock)",
        schema,
        run,
    )
