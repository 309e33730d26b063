/*
 * Follows a background job (an import, a model check) on its page: the server streams the job's
 * status as Server-Sent Events; this moves the <progress> bar and the phase text, and reloads
 * the page when the job ends so the server shows the outcome. Without JavaScript the page
 * refreshes itself (<noscript> meta refresh) instead.
 */
(function () {
  'use strict';
  function follow(box) {
    var bar = box.querySelector('progress');
    var phase = box.querySelector('[data-job-phase]');
    var ended = false;
    function show(status) {
      if (ended) return;
      if (status.state !== 'running') {
        ended = true;
        window.location.reload();
        return;
      }
      if (bar && typeof status.fraction === 'number') {
        bar.max = 1000;
        bar.value = Math.round(status.fraction * 1000);
        bar.textContent = Math.round(status.fraction * 100) + '%';
      }
      if (phase) {
        var text = status.phase;
        if (typeof status.done === 'number') text += ': ' + status.done.toLocaleString('en-GB') + ' records';
        if (typeof status.fraction === 'number') text += ' (' + Math.round(status.fraction * 100) + '%)';
        phase.textContent = text;
      }
    }
    function poll() {
      fetch(box.getAttribute('data-job-status'), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (status) { show(status); if (!ended) setTimeout(poll, 1000); })
        .catch(function () { setTimeout(poll, 2000); });
    }
    if (typeof window.EventSource !== 'function') return poll();
    var source = new window.EventSource(box.getAttribute('data-job-events'));
    source.onmessage = function (event) {
      var status = JSON.parse(event.data);
      show(status);
      if (status.state !== 'running') source.close();
    };
    source.onerror = function () {
      source.close();
      if (!ended) poll();
    };
  }
  function start() {
    document.querySelectorAll('[data-job-events]').forEach(follow);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
