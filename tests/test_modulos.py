"""Forma del paquete: módulos de una sola idea (ninguno largo) y agentes sin PyTorch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
MAX_LINEAS = 500

# Las piezas del agente que son Python puro: importarlas (juntas) no debe cargar PyTorch.
_AGENTE_PURO = (
    "genai_utils.agents",
    "genai_utils.agents.actions",
    "genai_utils.agents.calculator",
    "genai_utils.agents.deadline",
    "genai_utils.agents.evalset",
    "genai_utils.agents.loop",
    "genai_utils.agents.prompt",
    "genai_utils.agents.quarantine",
    "genai_utils.agents.sql",
    "genai_utils.agents.tools",
    "genai_utils.agents.trace",
)


def test_ningun_modulo_pasa_de_500_lineas() -> None:
    largos = {
        ruta.relative_to(RAIZ).as_posix(): n
        for ruta in sorted((RAIZ / "genai_utils").rglob("*.py"))
        if (n := len(ruta.read_text(encoding="utf-8").splitlines())) > MAX_LINEAS
    }
    assert not largos, f"módulos de más de {MAX_LINEAS} líneas (pártelos por tarea): {largos}"


def test_el_agente_de_python_puro_no_importa_torch() -> None:
    code = (
        f"import sys\nfor m in {_AGENTE_PURO!r}: __import__(m)\n"
        "assert 'torch' not in sys.modules, 'torch cargado'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
        cwd=RAIZ,
    )
    assert result.returncode == 0, result.stderr


def test_loop_sigue_exportando_las_piezas() -> None:
    from genai_utils.agents import actions, deadline, loop, prompt, quarantine, trace

    assert loop.parse_action is actions.parse_action and loop.Action is actions.Action
    assert loop.Step is trace.Step and loop.Trace is trace.Trace
    assert loop.transcript is prompt.transcript and loop.default_header is prompt.default_header
    assert loop.Quarantine is quarantine.Quarantine
    assert callable(deadline.call_tool)
    assert set(loop.__all__) == {"Action", "Quarantine", "Step", "Trace", "default_header",
                                 "parse_action", "run_agent", "transcript"}
