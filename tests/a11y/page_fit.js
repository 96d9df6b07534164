/* Runs in a page (tests/a11y/test_page_fit.py): everything that overflows sideways or
 * whose text is cut, one line each. `scrolls`: the page may scroll down (a phone, the
 * dashboard), so text below the fold is not "outside"; sideways it never may.
 *
 * - the page itself is wider than the viewport (a horizontal scroll bar);
 * - a text element whose content is wider than its box (scrollWidth > clientWidth),
 *   taller than a box that clips it, or that ends in an ellipsis;
 * - a text outside the viewport (left/right always; top/bottom unless `scrolls`);
 * - a text cut by an ancestor that clips (overflow hidden/clip; auto/scroll only
 *   sideways, as scrolling down a list is fine) or that draws a box around it
 *   (a background or a border: a card, a button, a cell). */
(scrolls) => {
  const bad = [];
  const vw = document.documentElement.clientWidth, vh = innerHeight;
  const page = document.scrollingElement;
  if (page.scrollWidth > vw + 1) bad.push(`page: ${page.scrollWidth} px wide in ${vw} px`);
  const sx = scrollX, sy = scrollY;
  for (const node of document.querySelectorAll('body *')) {
    if (node.closest('[data-scrolls]') || node.closest('[hidden]')) continue;
    // The body of a closed <details> is not shown (only its summary is).
    const shut = node.closest('details:not([open])');
    if (shut && !node.closest('summary')) continue;
    const own = Array.from(node.childNodes).some((c) => c.nodeType === 3 && c.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(node);
    const r = node.getBoundingClientRect();
    if (style.display === 'none' || style.visibility === 'hidden' || r.width === 0 || r.height === 0) continue;
    let shown = true;
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') { shown = false; break; }
    }
    if (!shown) continue;
    const text = node.textContent.trim().replace(/\s+/g, ' ').slice(0, 40);
    const name = (n) => n.id ? '#' + n.id : n.tagName.toLowerCase() +
      (typeof n.className === 'string' && n.className.trim() ? '.' + n.className.trim().split(/\s+/).join('.') : '');
    const where = name(node);
    const block = style.display !== 'inline';
    if (block && node.tagName !== 'INPUT' && node.tagName !== 'SELECT' && node.tagName !== 'TEXTAREA'
        && node.scrollWidth > node.clientWidth + 1 && !['auto', 'scroll'].includes(style.overflowX)) {
      bad.push(`${where} "${text}": content ${node.scrollWidth} px wide in ${node.clientWidth} px`);
    }
    if (block && node.scrollHeight > node.clientHeight + 2 && ['hidden', 'clip'].includes(style.overflowY)) {
      bad.push(`${where} "${text}": content ${node.scrollHeight} px high in ${node.clientHeight} px`);
    }
    if (style.textOverflow === 'ellipsis' && node.scrollWidth > node.clientWidth) {
      bad.push(`${where} "${text}": ends in an ellipsis`);
    }
    const top = r.top + sy, bottom = r.bottom + sy;
    if (r.left + sx < -1 || r.right + sx > vw + 1 || (!scrolls && (top < -1 || bottom > vh + 1))) {
      bad.push(`${where} "${text}": outside the screen (${Math.round(r.left)},${Math.round(r.top)})-(${Math.round(r.right)},${Math.round(r.bottom)})`);
    }
    for (let a = node.parentElement; a && a !== document.body; a = a.parentElement) {
      const as = getComputedStyle(a);
      const hard = (v) => v === 'hidden' || v === 'clip';
      const soft = (v) => v === 'auto' || v === 'scroll';
      const box = (!as.backgroundColor.endsWith(', 0)') && as.backgroundColor !== 'transparent') ||
        as.backgroundImage !== 'none' || parseFloat(as.borderTopWidth) > 0 || parseFloat(as.borderLeftWidth) > 0;
      const clipX = hard(as.overflowX) || soft(as.overflowX) || box;
      const clipY = hard(as.overflowY) || (box && !soft(as.overflowY));
      if (!clipX && !clipY) continue;
      const ar = a.getBoundingClientRect();
      const outX = r.left < ar.left - 1 || r.right > ar.right + 1;
      const outY = r.top < ar.top - 1 || r.bottom > ar.bottom + 1;
      if ((clipX && outX) || (clipY && outY)) {
        bad.push(`${where} "${text}": cut by ${name(a)}`);
        break;
      }
      if (soft(as.overflowY)) break;  // inside a list that scrolls down: its own business
    }
  }
  return bad;
}
