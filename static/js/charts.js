/*
 * Draws the figures built by leaderboard/charts/ (plotly.py figures, serialised once there).
 *
 * Contract with the templates (no inline script anywhere: CSP script-src 'self'):
 *   <div class="chart" id="chart-X" data-chart-src="chart-X-data"></div>
 *   <script id="chart-X-data" type="application/json">{{ chart.figure_json|safe }}</script>
 * and, before this file, <script src=".../vendor/plotly-basic.min.js" defer></script>.
 *
 * Each drawn div gets data-drawn="1" (and <html> gets the class "charts-drawn" once all are
 * drawn), so CSS may hide the table equivalent visually once the chart is there. Without
 * Plotly, or when a figure cannot be read, the div gets data-drawn="0" and the table stays.
 */
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
  };

  // Below this width plotly's toolbar would sit on the legend (and a phone has no hover):
  // it is not shown at all. Wider, it shows on hover, above the legend (see themed()).
  var SMALL = 640;

  function config(div) {
    return Object.assign({}, CONFIG, { displayModeBar: div.clientWidth >= SMALL ? "hover" : false });
  }

  function readFigure(div) {
    var source = document.getElementById(div.dataset.chartSrc || "");
    if (!source) {
      return null;
    }
    try {
      var figure = JSON.parse(source.textContent);
      return figure && Array.isArray(figure.data) ? figure : null;
    } catch (error) {
      return null;
    }
  }

  function themed(layout, div) {
    // Text colour follows the page's CSS (light or dark theme) unless the figure sets it.
    var result = Object.assign({}, layout);
    var font = Object.assign({}, result.font || {});
    if (!font.color) {
      font.color = window.getComputedStyle(div).color;
    }
    result.font = font;
    if (div.clientWidth >= SMALL) {
      // The toolbar (about 30px, top right) gets a strip of its own above the legend.
      var margin = Object.assign({}, result.margin || {});
      margin.t = Math.max(margin.t || 0, 36);
      result.margin = margin;
    }
    if (div.clientWidth && div.clientWidth < SMALL) {
      // Narrow screens: a taller figure and smaller text, so the legend leaves room to plot.
      font.size = Math.min(font.size || 14, 12);
      // The legend and the angled category labels take their share: the plot keeps ~300px.
      result.height = Math.max(result.height || 0, 560);
      result.legend = Object.assign({}, result.legend || {}, { font: { size: 12 } });
    }
    return result;
  }

  function failed(div, reason) {
    div.dataset.drawn = "0";
    div.setAttribute("aria-hidden", "true");
    if (window.console && reason) {
      window.console.warn("chart " + div.id + " not drawn: " + reason);
    }
  }

  async function draw(div) {
    if (div.dataset.drawn === "1") {
      return true;
    }
    var figure = readFigure(div);
    if (!figure) {
      failed(div, "no readable figure in #" + div.dataset.chartSrc);
      return false;
    }
    try {
      await window.Plotly.newPlot(div, figure.data, themed(figure.layout || {}, div), config(div));
    } catch (error) {
      failed(div, String(error));
      return false;
    }
    div.dataset.drawn = "1";
    // The table equivalent beside the chart carries the information for screen readers, so
    // the drawing is hidden from them, and its mouse-only controls leave the keyboard order.
    div.setAttribute("aria-hidden", "true");
    Array.prototype.forEach.call(
      div.querySelectorAll("a[href], a[data-title], button, input, [tabindex]"),
      function (el) {
        el.setAttribute("tabindex", "-1");
      }
    );
    return true;
  }

  async function drawAll() {
    var divs = Array.prototype.slice.call(document.querySelectorAll("div.chart[data-chart-src]"));
    if (divs.length === 0) {
      return;
    }
    if (!window.Plotly || typeof window.Plotly.newPlot !== "function") {
      divs.forEach(function (div) {
        failed(div, "Plotly is not loaded");
      });
      return;
    }
    var results = await Promise.all(divs.map(draw));
    if (results.every(Boolean)) {
      document.documentElement.classList.add("charts-drawn");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
