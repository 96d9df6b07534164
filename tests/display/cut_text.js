/* Runs in a display page (tests/display/test_display_fit.py): every text that is cut,
 * overflows its box, ends in an ellipsis or leaves the screen, as one line each. */
() => {
  const bad = [];
  const vw = innerWidth, vh = innerHeight;
  const clips = (v) => v !== 'visible';
  for (const node of document.querySelectorAll('body *')) {
    if (node.closest('[data-scrolls]') || node.closest('[hidden]')) continue;
    const own = Array.from(node.childNodes).some((c) => c.nodeType === 3 && c.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(node);
    const r = node.getBoundingClientRect();
    if (style.display === 'none' || style.visibility === 'hidden' || r.width === 0 || r.height === 0) continue;
    let shown = true;
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      if (getComputedStyle(n).display === 'none') { shown = false; break; }
    }
    if (!shown) continue;
    const text = node.textContent.trim().slice(0, 40);
    const where = node.id ? '#' + node.id : node.className || node.tagName;
    if (node.scrollWidth > node.clientWidth + 1 && style.display !== 'inline') {
      bad.push(`${where} "${text}": content ${node.scrollWidth} px wide in ${node.clientWidth} px`);
    }
    if (style.display !== 'inline' && node.scrollHeight > node.clientHeight + 2 && clips(style.overflowY)) {
      bad.push(`${where} "${text}": content ${node.scrollHeight} px high in ${node.clientHeight} px`);
    }
    if (style.textOverflow === 'ellipsis' && node.scrollWidth > node.clientWidth) {
      bad.push(`${where} "${text}": ends in an ellipsis`);
    }
    if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
      bad.push(`${where} "${text}": outside the screen (${Math.round(r.left)},${Math.round(r.top)})-(${Math.round(r.right)},${Math.round(r.bottom)})`);
    }
    for (let a = node.parentElement; a && a !== document.body; a = a.parentElement) {
      const as = getComputedStyle(a);
      // A box the eye sees (a background or a border) holds its text like one that clips.
      const box = !as.backgroundColor.endsWith(', 0)') && as.backgroundColor !== 'transparent' ||
        as.backgroundImage !== 'none' || parseFloat(as.borderTopWidth) > 0 || parseFloat(as.borderLeftWidth) > 0;
      if (!clips(as.overflowX) && !clips(as.overflowY) && !box) continue;
      const ar = a.getBoundingClientRect();
      if (r.left < ar.left - 1 || r.right > ar.right + 1 || r.top < ar.top - 1 || r.bottom > ar.bottom + 1) {
        bad.push(`${where} "${text}": cut by ${a.id ? '#' + a.id : a.className}`);
        break;
      }
    }
  }
  return bad;
}
