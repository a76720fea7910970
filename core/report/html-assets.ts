/**
 * The stylesheet and the script every report.html carries inline (core/report/html.ts): one file
 * that opens from file:// with no network. The page's Content-Security-Policy allows exactly these
 * two by their hashes, so markup a target smuggled into the evidence could neither run nor load
 * anything even if escaping failed.
 *
 * Colours are chosen for WCAG AA contrast (4.5:1 or better) on their backgrounds; widths are in
 * rem and percent so the page reflows at 200% zoom; print drops the controls and dark fills and
 * shows every check expanded.
 */

export const REPORT_CSS = `
:root { --fg: #1a1a1a; --muted: #4a4a4a; --bg: #fff; --panel: #f4f5f7; --line: #c9cdd3; --focus: #1a56db;
  --pass: #0a6b2e; --fail: #b00020; --warn: #8a5300; --skip: #555555; --error: #7b1fa2; --inconclusive: #00607a; --waived: #005f87; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font-size: 100%; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 80rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
h4 { font-size: 1rem; margin: .75rem 0 .25rem; }
a { color: #0b4fb3; }
code, pre, kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .9em; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: .5rem .75rem; margin: .25rem 0 .75rem;
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 28rem; overflow: auto; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.banner { border-left: .5rem solid var(--muted); background: var(--panel); padding: .75rem 1rem; margin: .5rem 0 1rem; }
.banner.v-pass { border-color: var(--pass); } .banner.v-fail, .banner.v-error { border-color: var(--fail); }
.banner p { margin: .25rem 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead th { background: var(--panel); }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.badge { display: inline-block; min-width: 3.2rem; text-align: center; padding: 0 .4rem; border-radius: 3px; font-weight: 700; font-size: .85rem; color: #fff; background: var(--muted); }
.v-pass .badge, .badge.v-pass { background: var(--pass); } .badge.v-fail { background: var(--fail); } .badge.v-warn { background: var(--warn); }
.badge.v-skip { background: var(--skip); } .badge.v-error { background: var(--error); } .badge.v-inconclusive { background: var(--inconclusive); }
.badge.v-waived { background: var(--waived); }
.tag { display: inline-block; border: 1px solid var(--line); border-radius: 3px; padding: 0 .3rem; font-size: .85rem; color: var(--muted); }
.notice { border: 1px solid var(--line); border-left: .35rem solid var(--warn); padding: .5rem .75rem; margin: .5rem 0; background: #fffaf0; }
.notice.bad { border-left-color: var(--fail); background: #fff5f6; }
.notice.good { border-left-color: var(--pass); background: #f3fbf5; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; background: var(--panel); border: 1px solid var(--line); padding: .75rem; border-radius: 4px; margin: 1rem 0; }
form.filters label { display: flex; flex-direction: column; font-weight: 600; font-size: .9rem; }
form.filters select, form.filters input, button { font: inherit; padding: .25rem .5rem; border: 1px solid #6b7280; border-radius: 4px; background: #fff; color: var(--fg); }
form.filters input[type=search] { min-width: min(18rem, 100%); }
button { cursor: pointer; font-weight: 600; }
button:hover { background: #eef2ff; }
.shown { margin: 0 0 .5rem; color: var(--muted); }
details.check { border: 1px solid var(--line); border-left: .35rem solid var(--skip); border-radius: 4px; margin: .4rem 0; background: #fff; }
details.check.v-pass { border-left-color: var(--pass); } details.check.v-fail { border-left-color: var(--fail); } details.check.v-warn { border-left-color: var(--warn); }
details.check.v-error { border-left-color: var(--error); } details.check.v-inconclusive { border-left-color: var(--inconclusive); } details.check.v-waived { border-left-color: var(--waived); }
details.check > summary { padding: .4rem .6rem; cursor: pointer; display: flex; flex-wrap: wrap; gap: .25rem .6rem; align-items: baseline; }
details.check > summary .title { flex: 1 1 16rem; }
details.check > .body { padding: 0 .9rem .6rem 1.2rem; border-top: 1px solid var(--line); }
.anchor { text-decoration: none; color: var(--muted); }
blockquote.clause { margin: .5rem 0; padding: .25rem .75rem; border-left: .25rem solid var(--line); color: var(--fg); }
blockquote.clause p { margin: .2rem 0; }
.source { color: var(--muted); font-size: .9rem; }
dl.ea { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: .5rem 0; }
dl.ea dt { font-weight: 600; } dl.ea dd { margin: 0; overflow-wrap: anywhere; }
.exchange { border-top: 1px dashed var(--line); margin-top: .5rem; }
.repro { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
.repro pre { flex: 1 1 100%; }
.offscreen { position: fixed; left: -100rem; top: 0; opacity: 0; }
svg { max-width: 100%; height: auto; }
ul.findings { list-style: none; padding: 0; margin: .25rem 0 1rem; }
ul.findings li { margin: .2rem 0; }
@media print {
  form.filters, .shown, button.copy, .anchor { display: none !important; }
  body { background: #fff; color: #000; }
  main { max-width: none; padding: 0; }
  .check[hidden], .group[hidden] { display: block !important; }
  details.check { break-inside: auto; }
  details > summary { list-style: none; }
  details > summary::-webkit-details-marker { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  .badge, .badge.v-pass, .badge.v-fail, .badge.v-warn, .badge.v-skip, .badge.v-error, .badge.v-inconclusive, .badge.v-waived { background: #fff !important; color: #000; border: 1px solid #000; }
  pre { background: #fff; max-height: none; overflow: visible; }
  .banner, .notice, thead th { background: #fff; }
  a { color: #000; }
}
`;

/**
 * Filters, search, deep links and copy buttons. Written for the browsers auditors use (no build
 * step, no module): it only shows and hides server-rendered markup, so the page reads the same
 * with scripts off.
 */
export const REPORT_JS = `
(function () {
  'use strict';
  var live = document.getElementById('announce');
  function say(text) { if (live) live.textContent = text; }

  function copyByExecCommand(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function copied(button, ok) {
    button.setAttribute('data-copied', ok ? 'yes' : 'no');
    button.textContent = ok ? 'Copied' : 'Select and copy by hand';
    say(ok ? 'Copied to the clipboard' : 'Copying failed: select the text and copy it');
  }
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button.copy') : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy-target') || '');
    if (!source) return;
    var text = source.textContent || '';
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { copied(button, true); }, function () { copied(button, copyByExecCommand(text)); });
    } else {
      copied(button, copyByExecCommand(text));
    }
  });

  var reopen = [];
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details:not([open])').forEach(function (d) { d.open = true; reopen.push(d); });
  });
  window.addEventListener('afterprint', function () {
    reopen.forEach(function (d) { d.open = false; });
    reopen = [];
  });

  var form = document.getElementById('filters');
  if (!form) return;
  var checks = Array.prototype.slice.call(document.querySelectorAll('.check'));
  var texts = checks.map(function (c) { return (c.textContent || '').toLowerCase(); });
  var groups = Array.prototype.slice.call(document.querySelectorAll('.group')).reverse();
  var shown = document.getElementById('shown');
  function value(name) { var field = form.elements.namedItem(name); return field ? field.value : ''; }
  function apply() {
    var verdict = value('verdict'), level = value('level'), api = value('api'), tag = value('tag');
    var query = value('q').trim().toLowerCase();
    var count = 0;
    checks.forEach(function (c, i) {
      var tags = ' ' + (c.getAttribute('data-tags') || '') + ' ';
      var match = (!verdict || c.getAttribute('data-verdict') === verdict) && (!level || c.getAttribute('data-level') === level) &&
        (!api || c.getAttribute('data-api') === api) && (!tag || tags.indexOf(' ' + tag + ' ') >= 0) && (!query || texts[i].indexOf(query) >= 0);
      c.hidden = !match;
      if (match) count++;
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('.check:not([hidden])'); });
    var text = count + ' of ' + checks.length + ' checks shown';
    if (shown) shown.textContent = text;
    say(text);
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); apply(); });
  form.addEventListener('reset', function () { setTimeout(apply, 0); });

  function openLinked() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target || !target.classList.contains('check')) return;
    if (target.hidden) { form.reset(); apply(); }
    target.open = true;
    target.scrollIntoView();
  }
  window.addEventListener('hashchange', openLinked);
  apply();
  openLinked();
})();
`;
