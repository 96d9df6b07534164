/* The names the device agents call into a page (pywebview's evaluate_js): a classic
 * script, so they exist as soon as the page is parsed, before its ES modules have
 * run. A call that comes that early is kept, and handed to the page's module when
 * it takes the name over (hall.js and window.js: JiaohaoDisplay.deviceNotice;
 * kiosk.js: Kiosk.setPrinter).
 */
(function () {
  "use strict";
  function early(name, method) {
    if (window[name]) return;
    const stand = {early: []};
    stand[method] = function (value) { stand.early.push(value); };
    window[name] = stand;
  }
  early("JiaohaoDisplay", "deviceNotice");
  early("Kiosk", "setPrinter");
})();
