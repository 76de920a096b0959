/*
 * Demo viva del capítulo 1: el n-grama de caracteres del libro escribe con temperatura.
 *
 * El modelo son solo recuentos (tablas.json, exportadas de genai_utils.ngram.CharNGram con la
 * receta ngramas_libro): este archivo reproduce en JavaScript la misma regla de suavizado aditivo
 * con retroceso, sin motor de redes neuronales.
 */
(function () {
  "use strict";
  const D = window.DemoViva;

  /** Modelo de n-gramas a partir de las tablas exportadas. */
  class CharNGram {
    constructor(tables) {
      this.alpha = tables.alpha;
      this.backoff = tables.backoff;
      this.vocab = Array.from(tables.vocab); // caracteres (puntos de código), en orden
      this.index = new Map(this.vocab.map((c, i) => [c, i]));
      this.counts = tables.counts; // counts[m][contexto] = [siguientes, recuentos]
      this.maxOrder = tables.counts.length;
      this.chosenOrder = tables.chosen_order;
    }

    /** Contexto usado tras `history` (lista de caracteres) con orden `order`, como en Python. */
    context(history, order) {
      const m = Math.min(order - 1, history.length);
      let ctx = history.slice(history.length - m);
      if (this.backoff) {
        while (ctx.length && !(ctx.join("") in this.counts[ctx.length])) ctx = ctx.slice(1);
      }
      return ctx.join("");
    }

    /** p(· | history): Float64Array alineado con el vocabulario. */
    distribution(history, order) {
      const ctx = this.context(history, order);
      const values = new Float64Array(this.vocab.length).fill(this.alpha);
      const entry = this.counts[Array.from(ctx).length][ctx];
      if (entry) {
        const chars = Array.from(entry[0]);
        chars.forEach((c, i) => (values[this.index.get(c)] += entry[1][i]));
      }
      let sum = 0;
      for (const v of values) sum += v;
      return values.map((v) => v / sum);
    }

    /** Genera `n` caracteres tras `prompt` con temperatura `temperature` y semilla `seed`. */
    sample(prompt, n, { order, temperature, seed }) {
      const random = D.rng(seed);
      const text = Array.from(prompt);
      for (let t = 0; t < n; t++) {
        const logits = this.distribution(text, order).map(Math.log);
        text.push(this.vocab[D.sampleIndex(D.softmax(logits.map((v) => v / temperature)), random)]);
      }
      return text.join("");
    }
  }

  /** Lista de los cinco caracteres más probables tras el comienzo. */
  function topChars(model, prompt, order) {
    const probs = model.distribution(Array.from(prompt), order);
    const order5 = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, 5);
    return order5.map((i) => {
      const c = model.vocab[i] === " " ? "␣" : model.vocab[i] === "\n" ? "↵" : model.vocab[i];
      return `«${c}» ${(100 * probs[i]).toFixed(1).replace(".", ",")} %`;
    }).join(" · ");
  }

  D.register("ngramas", async (root) => {
    const tables = await D.fetchJson(D.modelUrl("ngramas", "tablas.json"));
    const model = new CharNGram(tables);
    const $ = (sel) => root.querySelector(sel);
    const orderInput = $("[name=orden]");
    orderInput.max = String(model.maxOrder);
    orderInput.value = String(model.chosenOrder);

    const render = () => {
      const order = Number(orderInput.value);
      const temperature = Number($("[name=temperatura]").value);
      const seed = Number($("[name=semilla]").value);
      const prompt = $("[name=comienzo]").value;
      $(".valor-orden").textContent = String(order);
      $(".valor-temperatura").textContent = temperature.toFixed(1).replace(".", ",");
      $(".demo-salida").textContent = model.sample(prompt, 200, { order, temperature, seed });
      $(".demo-probabilidades").textContent = topChars(model, prompt, order);
      $(".demo-estado").textContent =
        `Modelo de orden ${order} (el elegido en desarrollo es ${model.chosenOrder}); ` +
        `${model.vocab.length} caracteres distintos.`;
      D.markOutput("ngramas", root);
    };
    root.addEventListener("input", render);
    $("[name=otra]").addEventListener("click", () => {
      const seedInput = $("[name=semilla]");
      seedInput.value = String(Number(seedInput.value) + 1);
      render();
    });
    // Para las pruebas de equivalencia numérica con PyTorch.
    window.demosVivas.ngramas = Object.assign(window.demosVivas.ngramas || { salidas: 0 }, {
      api: { distribution: (context, order) => Array.from(model.distribution(Array.from(context), order)) },
    });
    render();
  });
})();
