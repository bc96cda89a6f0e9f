// Browsers refuse a caption file beside a page opened from disk (file://): the page carries
// a copy of each one (the <script type="text/vtt"> a video's data-vtt names), and this makes
// it a track, handed over as a blob. None where the page carries no copy.
function carriedTrack(v, label) {
  var copy = document.getElementById(v.dataset.vtt);
  if (!copy) return null;
  var n = document.createElement('track');
  n.kind = 'captions'; n.srclang = 'en'; n.label = label || 'English'; n.default = true;
  var text = copy.textContent.replace(/^\s+/, '');
  n.src = URL.createObjectURL(new Blob([text], {type: 'text/vtt'}));
  return n;
}
