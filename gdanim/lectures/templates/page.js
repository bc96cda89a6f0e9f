(function () {
  var videos = Array.prototype.slice.call(document.querySelectorAll('video'));
  var status = document.getElementById('status');
  function update() {
    var ready = 0, tracks = 0, bad = 0;
    videos.forEach(function (v) {
      if (v.dataset.ready === '1') ready++;
      if (v.dataset.ready === 'error') bad++;
      if (Number(v.dataset.cues) > 0) tracks++;
    });
    status.dataset.videos = videos.length;
    status.dataset.ready = ready;
    status.dataset.tracks = tracks;
    status.textContent = ready + ' of ' + videos.length + ' videos ready, ' + tracks +
      ' with captions' + (bad ? ', ' + bad + ' could not be played' : '');
  }
  function loaded(v, t) {
    v.dataset.cues = t.track && t.track.cues ? t.track.cues.length : 0;
    update();
  }
  function failed(v) { v.dataset.cues = 'error'; update(); }
  function fallback(v, t) {
    // The caption file beside the page was refused (opened from disk): the page's copy.
    if (!t.parentNode) return;
    var n = carriedTrack(v, t.label);
    if (!n) { failed(v); return; }
    n.dataset.copyOf = t.getAttribute('src');
    n.addEventListener('load', function () { loaded(v, n); });
    n.addEventListener('error', function () { failed(v); });
    t.parentNode.replaceChild(n, t);
    if (n.track) n.track.mode = 'showing';
  }
  videos.forEach(function (v) {
    v.addEventListener('loadeddata', function () {
      v.dataset.ready = '1'; v.dataset.duration = v.duration.toFixed(3); update();
    });
    v.addEventListener('error', function () { v.dataset.ready = 'error'; update(); });
    if (v.readyState >= 2) { v.dataset.ready = '1'; v.dataset.duration = v.duration.toFixed(3); }
    var t = v.querySelector('track');
    if (!t) return;
    t.addEventListener('load', function () { loaded(v, t); });
    t.addEventListener('error', function () { fallback(v, t); });
    if (t.readyState === 2) loaded(v, t);
    if (t.readyState === 3) fallback(v, t);
  });
  Array.prototype.forEach.call(document.querySelectorAll('a[data-seek]'), function (a) {
    a.addEventListener('click', function (event) {
      var v = document.querySelector('#lecture video');
      if (!v) return;
      event.preventDefault();
      v.currentTime = Number(a.dataset.seek);
      v.play();
    });
  });
  update();
})();
