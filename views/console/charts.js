/*
 * Draws every chart on a console page. Each chart is a <canvas data-chart="ID"> next to a
 * <script type="application/json" id="ID"> holding a Chart.js configuration, written by the
 * server: no inline script, so the CSP stays `script-src 'self'`. The table beside each chart
 * carries the same figures for readers without JavaScript or without sight.
 */
(function () {
  'use strict';
  function draw() {
    if (typeof window.Chart !== 'function') return;
    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute('data-chart'));
      if (!source) return;
      var config = JSON.parse(source.textContent || '{}');
      config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
      new window.Chart(canvas, config);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
  else draw();
})();
