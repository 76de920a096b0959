"""Pruebas de la herramienta SQL de solo lectura (capítulo 6)."""

import sqlite3

import pytest

from genai_utils.agents.sql import (
    PRODUCTS,
    SQLError,
    create_demo_database,
    format_rows,
    query_readonly,
    sql_tool,
)


@pytest.fixture()
def db(tmp_path):
    return create_demo_database(tmp_path / "tienda.db")


def _count(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM productos").fetchone()[0]


def test_lectura_con_parametros(db):
    columns, rows = query_readonly(
        db, "SELECT precio, stock FROM productos WHERE nombre = ?", ["lápiz"]
    )
    assert columns == ["precio", "stock"] and rows == [(0.6, 300)]
    assert format_rows(*query_readonly(db, "SELECT COUNT(*) FROM productos")) == str(len(PRODUCTS))


def test_parametro_ligado_no_se_interpreta_como_sql(db):
    evil = "x' OR '1'='1"
    assert query_readonly(db, "SELECT nombre FROM productos WHERE nombre = ?", [evil])[1] == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("DELETE FROM productos", "Solo se permiten consultas de lectura"),
        ("UPDATE productos SET precio = 0", "Solo se permiten consultas de lectura"),
        ("INSERT INTO productos VALUES ('x', 'y', 1, 1)", "Solo se permiten consultas de lectura"),
        ("DROP TABLE productos", "Solo se permiten consultas de lectura"),
        ("ATTACH DATABASE '/tmp/otra.db' AS otra", "Solo se permiten consultas de lectura"),
        ("PRAGMA journal_mode = WAL", "Solo se permiten consultas de lectura"),
        ("SELECT 1; DROP TABLE productos", "una sentencia"),
        ("SELECT 1; SELECT 2", "una sentencia"),
        ("WITH t AS (SELECT 1) DELETE FROM productos", "no permitida"),
        ("SELECT * FROM pragma_table_info('productos')", "no permitida"),
        ("SELECT nombre FROM productos WHERE nombre = 'a", "incompleta"),
        ("", "no vacío"),
    ],
)
def test_rechaza_escrituras_attach_pragma_y_varias_sentencias(db, query, message):
    with pytest.raises(SQLError, match=message):
        query_readonly(db, query)
    assert _count(db) == len(PRODUCTS)


def test_el_autorizador_deniega_aunque_se_salte_el_prefijo(db):
    # La defensa en profundidad: el motor deniega la escritura dentro de un WITH.
    with pytest.raises(SQLError, match="no permitida"):
        query_readonly(db, "WITH x AS (SELECT 1) INSERT INTO productos SELECT 'a','b',1,1")
    assert _count(db) == len(PRODUCTS)


def test_consulta_infinita_se_interrumpe(db):
    query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"
    with pytest.raises(SQLError, match="interrumpió"):
        query_readonly(db, query)


def test_limite_de_filas_y_herramienta(db):
    assert len(query_readonly(db, "SELECT nombre FROM productos", max_rows=5)[1]) == 5
    tool = sql_tool(db)
    result = tool.function(
        consulta="SELECT COUNT(*) FROM productos WHERE categoria = ?", parametros=["libros"]
    )
    assert result == "4"


def test_base_inexistente(tmp_path):
    with pytest.raises(SQLError, match="No existe"):
        query_readonly(tmp_path / "no.db", "SELECT 1")


def test_funciones_de_la_lista_blanca(db):
    query = (
        "SELECT COUNT(*), SUM(stock), ROUND(AVG(precio), 2), MAX(lower(nombre)) FROM productos "
        "WHERE categoria LIKE 'lib%'"
    )
    assert query_readonly(db, query)[1] == [(4, 79, 16.98, "novela")]
    calls = {"printf": "'%d', 1", "zeroblob": "10", "fts3_tokenizer": "'simple'", "hex": "'a'",
             "replace": "'a', 'b', 'c'"}
    for name, args in calls.items():
        with pytest.raises(SQLError, match=f"La función «{name}» no está permitida"):
            query_readonly(db, f"SELECT {name}({args})")


def test_consulta_lenta_se_corta_por_reloj(db):
    query = "SELECT count(*) FROM productos a, productos b, productos c, productos d"
    with pytest.raises(SQLError, match="interrumpió"):
        query_readonly(db, query, timeout=0.001)
