"""Consultas de solo lectura sobre una base de datos SQLite real, como herramienta de un agente.

Tres defensas independientes, porque un modelo puede escribir cualquier cosa:

1. la conexión se abre en modo solo lectura (``mode=ro``): el motor rechaza cualquier escritura;
2. un **autorizador** de SQLite solo permite leer tablas y llamar funciones: ``INSERT``,
   ``UPDATE``, ``DELETE``, ``CREATE``, ``DROP``, ``ATTACH`` y cualquier ``PRAGMA`` se deniegan;
3. se ejecuta **una sola sentencia** ``SELECT``/``WITH`` y los valores van como **parámetros
   ligados** (``?``), nunca pegados en el texto de la consulta.

Además se limita el número de filas devueltas y el trabajo del motor (un manejador de progreso
corta las consultas que no terminan).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from genai_utils.agents.tools import Tool
from genai_utils.validation import check_positive_int

__all__ = ["SQLError", "create_demo_database", "format_rows", "query_readonly", "sql_tool"]

MAX_ROWS = 20
MAX_VM_STEPS = 2_000_000

_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_ALLOWED_ACTIONS |= {getattr(sqlite3, "SQLITE_RECURSIVE", 33)}

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

    Tiene una tabla ``productos(nombre, categoria, precio, stock)`` con 21 artículos.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"El argumento `path` debe ser una ruta; se recibió {type(path).__name__}.")
    path = Path(path)
    if path.exists():
        path.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE productos (nombre TEXT PRIMARY KEY, categoria TEXT NOT NULL, "
            "precio REAL NOT NULL, stock INTEGER NOT NULL)"
        )
        conn.executemany("INSERT INTO productos VALUES (?, ?, ?, ?)", PRODUCTS)
    conn.close()
    return path


def _authorizer(action: int, *_: object) -> int:
    return sqlite3.SQLITE_OK if action in _ALLOWED_ACTIONS else sqlite3.SQLITE_DENY


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise SQLError(f"No existe la base de datos «{path}».")
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    conn.set_authorizer(_authorizer)
    steps = {"n": 0}

    def progress() -> int:  # devuelve ≠ 0 para interrumpir la consulta
        steps["n"] += 1
        return int(steps["n"] * 1000 > MAX_VM_STEPS)

    conn.set_progress_handler(progress, 1000)
    return conn


def query_readonly(
    path: str | os.PathLike[str],
    query: str,
    parameters: Sequence[object] = (),
    *,
    max_rows: int = MAX_ROWS,
) -> tuple[list[str], list[tuple]]:
    """Ejecuta una única consulta de lectura y devuelve ``(columnas, filas)``.

    Lanza :class:`SQLError` en español si la consulta escribe, adjunta otra base de datos, usa
    ``PRAGMA``, encadena varias sentencias o el motor la rechaza.
    """
    check_positive_int(max_rows, "max_rows")
    if not isinstance(query, str) or not query.strip():
        raise SQLError("La consulta debe ser un texto SQL no vacío.")
    if not isinstance(parameters, list | tuple):
        raise SQLError("Los parámetros deben ser una lista de valores.")
    text = query.strip()
    first = text.split(None, 1)[0].upper()
    if first not in {"SELECT", "WITH"}:
        raise SQLError(f"Solo se permiten consultas de lectura (SELECT); se recibió «{first}».")
    if not sqlite3.complete_statement(text if text.endswith(";") else text + ";"):
        raise SQLError("La consulta SQL está incompleta (¿falta cerrar comillas o paréntesis?).")
    conn = _connect(Path(path))
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
    except sqlite3.DatabaseError as error:
        if "not authorized" in str(error):
            raise SQLError(
                "Operación no permitida: esta herramienta solo puede leer tablas."
            ) from error
        if "interrupted" in str(error):
            raise SQLError("La consulta tardaba demasiado y se interrumpió.") from error
        raise SQLError(f"El motor rechazó la consulta: {error}.") from error
    finally:
        conn.close()
    return columns, rows


def format_rows(columns: list[str], rows: list[tuple]) -> str:
    """Texto compacto de un resultado: un solo valor tal cual; si no, filas separadas por «;»."""
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
