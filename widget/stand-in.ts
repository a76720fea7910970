/**
 * The stand-in for DigiLocker's widget library: what the browser gets instead of savelocker.js or
 * dl.js. It records what the page looked like when the library ran (jQuery present, the script's
 * attributes), draws the buttons, and lets the harness act out each outcome the documents name:
 * the error codes 203–207, shown as the widget shows them (an authentication error and its code),
 * and the result attribute SUCCESS or FAILURE added to the <a> tag.
 */
import { WIDGET_BUTTON, WIDGET_ERROR_CODES, type WidgetKind } from '../protocol/widget.js';

/** The global the stand-in sets; the harness reads it and calls `simulate` through it. */
export const STAND_IN_GLOBAL = '__dlconformWidget';

/** What the stand-in recorded when it ran. */
export interface StandInRecord {
  kind: WidgetKind;
  /** window.jQuery was a function when the library ran */
  jquery: boolean;
  src: string | null;
}

export function standInScript(kind: WidgetKind): string {
  const label = kind === 'save-to-locker' ? 'Save to DigiLocker' : 'Choose from DigiLocker';
  return `/* dlconform: a stand-in for DigiLocker's ${kind === 'save-to-locker' ? 'savelocker.js' : 'dl.js'}; nothing was fetched from DigiLocker */
(function () {
  var script = document.currentScript;
  var messages = ${JSON.stringify(WIDGET_ERROR_CODES)};
  var buttons = ${JSON.stringify(WIDGET_BUTTON[kind])};
  var state = {
    kind: ${JSON.stringify(kind)},
    jquery: typeof window.jQuery === 'function',
    src: script ? script.src : null,
    simulate: function (outcome) {
      if (outcome === 'SUCCESS' || outcome === 'FAILURE') {
        var button = document.querySelector(buttons);
        if (!button) return false;
        button.setAttribute('result', outcome);
        return true;
      }
      var box = document.createElement('div');
      box.setAttribute('role', 'alertdialog');
      box.className = 'dlconform-widget-error';
      box.textContent = 'DigiLocker: authentication error. Error code ' + outcome + ': ' + (messages[outcome] || '');
      document.body.appendChild(box);
      return true;
    }
  };
  window.${STAND_IN_GLOBAL} = state;
  function draw() {
    var all = document.querySelectorAll(buttons);
    for (var i = 0; i < all.length; i++) if (!all[i].textContent) all[i].textContent = ${JSON.stringify(label)};
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
  else draw();
})();
`;
}
