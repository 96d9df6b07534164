/* The pages' one DOM helper.
 *
 *   el("button", {class: "tile", type: "button", "data-id": id, onclick: go, disabled: !open},
 *      el("span", {class: "name", text: label}), "more text", [a, b])
 *   el("div", "row", text)              // a class name instead of attributes
 *   fill(box, el(…), [rows], null)      // draw a part of the page anew (same children)
 *   fillRows(list, [[shows, make], …])  // a list whose unchanged rows stay (see below)
 *
 * Attributes: text → textContent, class → className, on<event> (a function) → a
 * listener, disabled, checked and value → the properties; false, null and undefined leave the
 * attribute out, true sets it empty. Children: nodes, strings and numbers (as
 * text) and arrays of them; null, false and undefined are skipped. Pages build their
 * markup with it only (no innerHTML), so text from the hub is never read as markup.
 */

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (typeof attrs === "string") {
    if (attrs) node.className = attrs;
  } else {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else if (key === "disabled") node.disabled = Boolean(value);
      else if (key === "checked") node.checked = Boolean(value);
      else if (key === "value") { if (value !== null && value !== undefined && value !== false) node.value = value; }
      else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value === true ? "" : value);
    }
  }
  append(node, children);
  return node;
}

/** Replace the children of `node` by `children` (the same kinds `el` takes). */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Make `list`'s children the rows given as [shows, make] pairs: `shows` is a string of
 * everything the row shows (JSON of its fields); a row already there that shows the
 * same stays, in its place, and `make()` draws the others. Lists that are redrawn
 * while people press on them (a clerk's window list and queue, redrawn at each event)
 * use it: a row replaced or moved between the press and the release swallows the
 * click. */
export function fillRows(list, rows) {
  const kept = new Map([...list.children].map((node) => [node.dataset.shows, node]));
  const nodes = rows.map(([shows, make]) => {
    let node = kept.get(shows);
    if (!node) { node = make(); node.dataset.shows = shows; }
    kept.delete(shows);  // the same row twice is drawn twice
    return node;
  });
  const wanted = new Set(nodes);
  for (const node of [...list.children]) if (!wanted.has(node)) node.remove();
  nodes.forEach((node, i) => { if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null); });
  return list;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(typeof child === "number" ? String(child) : child);
  }
}

/** document.getElementById. */
export const $ = (id) => document.getElementById(id);
