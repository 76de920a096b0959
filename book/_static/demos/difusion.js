/*
 * Demo viva del capítulo 4: muestreo de la difusión de los dígitos paso a paso, con guía sin
 * clasificador (receta difusion_digitos). El bucle de DDIM (η = 0, x̂₀ recortado a [−1, 1]) está
 * escrito aquí como en genai_utils.diffusion.ddim_sample; la red de ruido (red_de_ruido.onnx)
 * corre en onnxruntime-web, con la predicción condicional y la incondicional en un mismo lote.
 */
(function () {
  "use strict";
  const D = window.DemoViva;
  const PIXELS = 64;

  D.register("difusion", async (root) => {
    const $ = (sel) => root.querySelector(sel);
    const [plan, { ort, session }] = await Promise.all([
      D.fetchJson(D.modelUrl("difusion", "calendario.json")),
      D.loadSession("difusion", "red_de_ruido.onnx"),
    ]);
    const { alpha_bars: aBars, steps, null_label: nullLabel, clip } = plan;

    /** ε̂ guiada: ε_incond + w (ε_cond − ε_incond), las dos en un lote de 2. */
    const guidedNoise = async (x, step, label, w) => {
      const xx = new Float32Array(2 * PIXELS);
      xx.set(x);
      xx.set(x, PIXELS);
      const out = await session.run({
        x: new ort.Tensor("float32", xx, [2, PIXELS]),
        t: new ort.Tensor("int64", BigInt64Array.of(BigInt(step), BigInt(step)), [2]),
        labels: new ort.Tensor("int64", BigInt64Array.of(BigInt(label), BigInt(nullLabel)), [2]),
      });
      const e = out.eps.data;
      return Float32Array.from({ length: PIXELS }, (_, i) => e[PIXELS + i] + w * (e[i] - e[PIXELS + i]));
    };

    /** DDIM determinista desde `xT`; devuelve los estados x_t y las predicciones x̂₀. */
    const sample = async (xT, label, w) => {
      let x = Float32Array.from(xT);
      const states = [x];
      const predictions = [];
      for (let i = 0; i < steps.length; i++) {
        const aBar = aBars[steps[i]];
        const aPrev = i + 1 < steps.length ? aBars[steps[i + 1]] : 1;
        const eps = await guidedNoise(x, steps[i], label, w);
        const x0 = x.map((v, j) =>
          Math.min(clip, Math.max(-clip, (v - Math.sqrt(1 - aBar) * eps[j]) / Math.sqrt(aBar))));
        // ε coherente con el x̂₀ recortado, y el paso de DDIM con σ = 0.
        const epsClip = x.map((v, j) => (v - Math.sqrt(aBar) * x0[j]) / Math.sqrt(1 - aBar));
        x = x0.map((v, j) => Math.sqrt(aPrev) * v + Math.sqrt(1 - aPrev) * epsClip[j]);
        states.push(x);
        predictions.push(x0);
      }
      return { states, predictions };
    };

    const toImage = (x) => x.map((v) => Math.min(1, Math.max(0, (v + 1) / 2)));
    const stepInput = $("[name=paso]");
    stepInput.max = String(steps.length);
    let result = null;
    let turn = 0;

    /** Muestra el estado del paso elegido (0 = ruido puro; el último = la muestra final). */
    const show = () => {
      const k = Number(stepInput.value);
      D.drawDigit($(".demo-estado-xt"), toImage(result.states[k]));
      D.drawDigit($(".demo-x0"), toImage(result.predictions[Math.max(0, k - 1)]));
      const t = k < steps.length ? steps[k] : 0;
      $(".valor-paso").textContent = `${k} de ${steps.length}`;
      $(".demo-salida").textContent =
        k === steps.length ? "Muestra final x₀." : `Estado tras ${k} pasos (t = ${t}).`;
      D.markOutput("difusion", root);
    };
    const render = async () => {
      const mine = ++turn;
      const label = Number($("[name=clase]").value);
      const w = Number($("[name=guia]").value);
      const seed = Number($("[name=semilla]").value);
      $(".valor-guia").textContent = w.toFixed(1).replace(".", ",");
      const random = D.rng(seed);
      const xT = Float32Array.from({ length: PIXELS }, () => D.normal(random));
      const out = await sample(xT, label, w);
      if (mine !== turn) return;
      result = out;
      show();
    };
    root.addEventListener("input", (e) => (e.target === stepInput ? show() : render()));
    window.demosVivas.difusion = Object.assign(window.demosVivas.difusion || { salidas: 0 }, {
      api: {
        noise: async (x, step, label) => {
          const out = await session.run({
            x: new ort.Tensor("float32", Float32Array.from(x), [2, PIXELS]),
            t: new ort.Tensor("int64", BigInt64Array.from(step.map(BigInt)), [2]),
            labels: new ort.Tensor("int64", BigInt64Array.from(label.map(BigInt)), [2]),
          });
          return Array.from(out.eps.data);
        },
        sample: async (xT, label, w) => Array.from((await sample(xT, label, w)).states.at(-1)),
      },
    });
    await render();
  });
})();
