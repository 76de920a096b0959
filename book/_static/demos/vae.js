/*
 * Demo viva del capítulo 3: el mapa latente del VAE. Cada punto del plano es un código z; el
 * decodificador del VAE de dos dimensiones latentes (receta beta_vae_plano, β = 1) lo convierte
 * en un dígito. La red (decodificador.onnx) corre en onnxruntime-web.
 */
(function () {
  "use strict";
  const D = window.DemoViva;
  const LIMIT = 3.5; // el mapa cubre [-3,5; 3,5] en cada eje
  const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  /** Dibuja los códigos μ de los dígitos de prueba, coloreados por clase, y el punto elegido. */
  function drawMap(canvas, codes, z) {
    const ctx = canvas.getContext("2d");
    const s = canvas.width;
    const px = (v) => ((v + LIMIT) / (2 * LIMIT)) * s;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, s, s);
    codes.mu.forEach(([a, b], i) => {
      ctx.fillStyle = COLORS[codes.labels[i]];
      ctx.fillRect(px(a) - 1.5, px(-b) - 1.5, 3, 3);
    });
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(px(z[0]), px(-z[1]), 7, 0, 2 * Math.PI);
    ctx.stroke();
  }

  D.register("vae", async (root) => {
    const $ = (sel) => root.querySelector(sel);
    const [codes, { ort, session }] = await Promise.all([
      D.fetchJson(D.modelUrl("vae", "codigos.json")),
      D.loadSession("vae", "decodificador.onnx"),
    ]);
    const map = $(".demo-mapa");
    const z = [0, 0];

    /** Imagen media (64 valores en [0, 1]) del decodificador para el código `code`. */
    const decode = async (code) => {
      const out = await session.run({ z: new ort.Tensor("float32", Float32Array.from(code), [1, 2]) });
      return out.image.data;
    };
    const render = async () => {
      drawMap(map, codes, z);
      const image = await decode(z);
      D.drawDigit($(".demo-digito"), image);
      const fmt = (v) => v.toFixed(2).replace(".", ",");
      $(".demo-salida").textContent = `z = (${fmt(z[0])}; ${fmt(z[1])})`;
      D.markOutput("vae", root);
    };
    /** Lleva el punto a la posición del puntero dentro del mapa. */
    const moveTo = (event) => {
      const rect = map.getBoundingClientRect();
      z[0] = ((event.clientX - rect.left) / rect.width) * 2 * LIMIT - LIMIT;
      z[1] = LIMIT - ((event.clientY - rect.top) / rect.height) * 2 * LIMIT;
      render();
    };
    map.addEventListener("pointerdown", (e) => { map.setPointerCapture(e.pointerId); moveTo(e); });
    map.addEventListener("pointermove", (e) => { if (e.buttons) moveTo(e); });
    // Teclado: las flechas mueven el punto 0,25 unidades.
    map.addEventListener("keydown", (e) => {
      const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      if (!step) return;
      e.preventDefault();
      z[0] = Math.max(-LIMIT, Math.min(LIMIT, z[0] + 0.25 * step[0]));
      z[1] = Math.max(-LIMIT, Math.min(LIMIT, z[1] + 0.25 * step[1]));
      render();
    });
    window.demosVivas.vae = Object.assign(window.demosVivas.vae || { salidas: 0 }, {
      api: { decode: async (code) => Array.from(await decode(code)), z },
    });
    await render();
  });
})();
