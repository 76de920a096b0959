/*
 * Demo viva del capítulo 2: interpolación en el espacio latente de la GAN condicional de los
 * dígitos (receta gan_digitos). Se sortean dos códigos z y se recorre el camino entre ellos en 9
 * fotogramas; el generador (generador.onnx) los convierte en dígitos en onnxruntime-web.
 */
(function () {
  "use strict";
  const D = window.DemoViva;

  /** Camino entre `a` y `b`: recta (lineal) o arco de círculo máximo (esférica, «slerp»). */
  function interpolate(a, b, t, mode) {
    if (mode === "esferica") {
      const dot = a.reduce((s, v, i) => s + v * b[i], 0);
      const norm = Math.hypot(...a) * Math.hypot(...b);
      const omega = Math.acos(Math.min(1, Math.max(-1, dot / norm)));
      if (omega > 1e-6) {
        const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
        const wb = Math.sin(t * omega) / Math.sin(omega);
        return a.map((v, i) => wa * v + wb * b[i]);
      }
    }
    return a.map((v, i) => (1 - t) * v + t * b[i]);
  }

  D.register("gan", async (root) => {
    const $ = (sel) => root.querySelector(sel);
    const [info, { ort, session }] = await Promise.all([
      D.fetchJson(D.modelUrl("gan", "info.json")),
      D.loadSession("gan", "generador.onnx"),
    ]);
    const { latent_dim: dim, frames } = info;
    const strip = $(".demo-tira");
    const canvases = Array.from({ length: frames }, (_, i) => {
      const c = document.createElement("canvas");
      c.width = c.height = 64;
      c.setAttribute("aria-label", `Fotograma ${i + 1} de ${frames}`);
      strip.appendChild(c);
      return c;
    });

    /** Imágenes (frames × 64) del generador para los códigos `z` y las etiquetas `labels`. */
    const generate = async (z, labels) => {
      const oneHot = new Float32Array(frames * 10);
      labels.forEach((y, i) => (oneHot[i * 10 + y] = 1));
      const out = await session.run({
        z: new ort.Tensor("float32", Float32Array.from(z), [frames, dim]),
        one_hot: new ort.Tensor("float32", oneHot, [frames, 10]),
      });
      return out.image.data;
    };
    let turn = 0;
    const render = async () => {
      const mine = ++turn;
      const digit = Number($("[name=clase]").value);
      const seed = Number($("[name=semilla]").value);
      const mode = $("[name=camino]").value;
      const random = D.rng(seed);
      const a = Array.from({ length: dim }, () => D.normal(random));
      const b = Array.from({ length: dim }, () => D.normal(random));
      const z = [];
      for (let i = 0; i < frames; i++) z.push(...interpolate(a, b, i / (frames - 1), mode));
      const images = await generate(z, new Array(frames).fill(digit));
      if (mine !== turn) return;
      canvases.forEach((c, i) => D.drawDigit(c, images.subarray(i * 64, (i + 1) * 64)));
      $(".demo-salida").textContent =
        `Dígito ${digit}: camino ${mode === "esferica" ? "esférico" : "lineal"} entre dos ` +
        `códigos z de ${dim} dimensiones (semilla ${seed}).`;
      D.markOutput("gan", root);
    };
    root.addEventListener("input", render);
    $("[name=otra]").addEventListener("click", () => {
      const seedInput = $("[name=semilla]");
      seedInput.value = String(Number(seedInput.value) + 1);
      render();
    });
    window.demosVivas.gan = Object.assign(window.demosVivas.gan || { salidas: 0 }, {
      api: { generate: async (z, labels) => Array.from(await generate(z, labels)) },
    });
    await render();
  });
})();
