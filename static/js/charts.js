/* Draws every chart of a dashboard page with plotly.js (served from static/, never a CDN).
 * Each chart's figure is JSON in a <script type="application/json"> beside it (Django's
 * json_script), built in Python by onpoint/charts/. Without JavaScript, the summary sentence
 * and the "Show data" table carry the same numbers. */
(function () {
  "use strict";
  if (!window.Plotly) { return; }

  var config = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };
  var drawn = [];

  var nodes = document.querySelectorAll(".chart[data-figure]");
  for (var i = 0; i < nodes.length; i++) {
    var node = nodes[i];
    var source = document.getElementById(node.dataset.figure);
    if (!source) { continue; }
    var figure = JSON.parse(source.textContent);
    // On a phone the legend's entries stack one per line above the plot: give them room, or
    // plotly.js squeezes the plot and scrolls the legend.
    if (node.clientWidth < 640 && figure.layout.showlegend !== false) {
      var entries = figure.data.filter(function (trace) {
        return trace.showlegend !== false && trace.name;
      }).length;
      figure.layout.height += 24 * entries;
    }
    node.classList.add("chart--drawn");
    window.Plotly.newPlot(node, figure.data, figure.layout, config);
    drawn.push(node);
  }

  /* A board packet is printed at the paper's width, not the screen's. */
  function resizeAll() {
    for (var j = 0; j < drawn.length; j++) { window.Plotly.Plots.resize(drawn[j]); }
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
