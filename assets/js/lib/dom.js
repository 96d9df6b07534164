/* The pages' one DOM helper.
 *
 *   el("button", {class: "tile", type: "button", "data-id": id, onclick: go, disabled: !open},
 *      el("span", {class: "name", text: label}), "more text", [a, b])
 *   el("div", "row", text)              // a class name instead of attributes
 *   fill(box, el(…), [rows], null)      // draw a part of the page anew (same children)
 *   fillRows(list, [rows])              // a list whose rows drawn the same stay (see below)
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

/** Make `list`'s children the `rows` (elements just drawn with `el`), keeping each row
 * already there that was drawn the same (the same markup when it was drawn: what
 * the page changed in it since, a running timer's text, does not count), in its
 * place; the rows placed, kept or new, are returned. Lists that are redrawn while
 * people press on them (the caller's windows, queue, held tickets and cases, at each
 * event) use it: a row replaced or moved between the press and the release swallows
 * the click. Listeners are not compared: such lists handle clicks on the page. */
export function fillRows(list, rows) {
  const old = new Map();  // markup as drawn → the rows of the list drawn so, in order
  for (const node of list.children) {
    const drawn = DRAWN.get(node);
    if (drawn !== undefined) old.set(drawn, [...(old.get(drawn) || []), node]);
  }
  const placed = rows.map((row) => {
    const drawn = row.outerHTML;
    const same = old.get(drawn);
    const node = same && same.length ? same.shift() : row;
    DRAWN.set(node, drawn);
    return node;
  });
  const wanted = new Set(placed);
  for (const node of [...list.children]) if (!wanted.has(node)) node.remove();
  placed.forEach((node, i) => { if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null); });
  return placed;
}
const DRAWN = new WeakMap();  // a row placed by fillRows → its markup when it was drawn

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(typeof child === "number" ? String(child) : child);
  }
}

/** document.getElementById. */
export const $ = (id) => document.getElementById(id);
