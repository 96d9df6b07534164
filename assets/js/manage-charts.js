/* Small inline-SVG charts for the dashboard: grouped vertical bars and horizontal bars.
 * No chart library (nothing is fetched from outside); the SVG scales with its box.
 */

import M from "./manage.js";

const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#0b57d0", "#1e7d32", "#b06000", "#b3261e", "#6a3fb5"];

function node(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * What a screen reader says for a chart (its text alternative): the title, then
 * each label with its values, e.g. "9时: 取号 7; 10时: 取号 3".
 */
function describe(options) {
  const rows = options.labels.map((label, i) => {
    const values = options.series.map((s) => (s.name ? s.name + " " : "") + (s.values[i] || 0));
    return `${label}: ${values.join(", ")}`;
  });
  const said = (options.title ? options.title + " — " : "") + rows.join("; ");
  // A chart with nothing in it still says what it is (an empty name is no name).
  return said || (M.t ? M.t("empty") : "—");
}

/**
 * Charts are laid out in the pixels they are shown at, so their text is 12 px on
 * screen (an SVG scaled into a narrow card would shrink it to 7 px): once the
 * chart is in the page, it is drawn again for its real width, and again whenever
 * that width changes.
 */
function fitted(svg, draw, options) {
  svg.setAttribute("aria-label", describe(options));
  if (typeof ResizeObserver === "undefined") return svg;
  const observer = new ResizeObserver(() => {
    const shown = Math.floor(svg.getBoundingClientRect().width);
    if (shown <= 0 || Math.abs(shown - svg.viewBox.baseVal.width) < 2) return;
    observer.disconnect();
    svg.replaceWith(draw(Object.assign({}, options, {width: shown})));
  });
  observer.observe(svg);
  return svg;
}

/** About how wide `text` is at 12 px (a Chinese character ≈ 12, Latin ≈ 6.6). */
function textWidth(text) {
  let used = 0;
  for (let i = 0; i < text.length; i++) used += text.charCodeAt(i) > 0x2e80 ? 12 : 6.6;
  return used;
}

/** A round step for about four gridlines (1, 2, 5 × 10^n; whole numbers when counting). */
function axis(value, whole) {
  const raw = Math.max(value, whole ? 4 : 1e-9) / 4;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  if (whole) step = Math.max(1, Math.round(step));
  const top = Math.max(step, Math.ceil(value / step) * step);
  return {top, step, count: Math.round(top / step)};
}

/**
 * Grouped vertical bars.
 * options: labels [..], series [{name, values, color}], width, height, format(v)
 */
function bars(options) {
  const width = options.width || 560, height = options.height || 220;
  const left = 44, right = 10, top = 20, bottom = options.series.length > 1 ? 48 : 30;
  const plotW = width - left - right, plotH = height - top - bottom;
  const labels = options.labels;
  const all = options.series.flatMap((s) => s.values);
  const whole = all.every((v) => Number.isInteger(v));
  const scale = axis(Math.max(0, ...all), whole);
  const max = scale.top;
  const format = options.format || ((v) => String(Math.round(v * 10) / 10));
  const svg = node("svg", {viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img"});
  if (options.title) svg.append(node("title", {}, options.title));
  for (let i = 0; i <= scale.count; i++) {
    const y = top + plotH - (plotH * i) / scale.count;
    svg.append(node("line", {x1: left, x2: width - right, y1: y, y2: y, class: "gridline"}));
    svg.append(node("text", {x: left - 6, y: y + 4, "text-anchor": "end", class: "axis"}, format(scale.step * i)));
  }
  const slot = plotW / Math.max(labels.length, 1);
  // Every label when they fit side by side, else every second (third…) one.
  const widest = Math.max(0, ...labels.map(textWidth));
  const every = Math.max(1, Math.ceil((widest + 6) / slot));
  const groupW = slot * 0.74, barW = groupW / options.series.length;
  labels.forEach((label, i) => {
    const x0 = left + slot * i + (slot - groupW) / 2;
    options.series.forEach((series, s) => {
      const value = series.values[i] || 0;
      const h = (plotH * value) / max;
      const x = x0 + barW * s, y = top + plotH - h;
      svg.append(node("rect", {x, y, width: Math.max(barW - 2, 1), height: h, fill: series.color || COLORS[s], rx: 2},
        undefined));
      if (value && barW > 14) {
        svg.append(node("text", {x: x + barW / 2 - 1, y: y - 3, "text-anchor": "middle", class: "value"}, format(value)));
      }
    });
    if (i % every === 0) {
      // Centred under its bars, but never past the chart's edges (a long last label).
      const half = textWidth(label) / 2 + 2;
      const x = Math.min(Math.max(left + slot * i + slot / 2, half), width - half);
      svg.append(node("text", {x, y: top + plotH + 18, "text-anchor": "middle", class: "axis"}, label));
    }
  });
  if (options.series.length > 1) {
    let x = left;
    options.series.forEach((series, s) => {
      svg.append(node("rect", {x, y: height - 14, width: 12, height: 12, fill: series.color || COLORS[s], rx: 2}));
      const text = node("text", {x: x + 16, y: height - 4, class: "axis"}, series.name);
      svg.append(text);
      x += 28 + textWidth(series.name);
    });
  }
  return fitted(svg, bars, options);
}

/** `text` cut with "…" to about `width` px at 12px (a Chinese character ≈ 12, Latin ≈ 6.6). */
function fit(text, width) {
  if (textWidth(text) <= width) return text;
  for (let i = text.length - 1; i > 0; i--) {
    if (textWidth(text.slice(0, i)) + 12 <= width) return text.slice(0, i) + "…";
  }
  return text.slice(0, 1) + "…";
}

/**
 * Horizontal bars, one row per label, with one or more series side by side.
 * options: labels, series [{name, values, color}], width, rowHeight, labelWidth
 */
function hbars(options) {
  const width = options.width || 560;
  const labelWidth = options.labelWidth || Math.min(170, Math.round(width * 0.36));
  const rowH = options.rowHeight || 30, legend = options.series.length > 1 ? 24 : 0;
  const height = options.labels.length * rowH + legend + 8;
  const plotW = width - labelWidth - 50;
  const values = options.series.flatMap((s) => s.values);
  const max = axis(Math.max(0, ...values), values.every((v) => Number.isInteger(v))).top;
  const svg = node("svg", {viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img"});
  if (options.title) svg.append(node("title", {}, options.title));
  const barH = (rowH - 8) / options.series.length;
  options.labels.forEach((label, i) => {
    const y0 = i * rowH + 4;
    const shown = fit(label, labelWidth - 12);
    svg.append(node("text", {x: labelWidth - 8, y: y0 + rowH / 2 + 1, "text-anchor": "end", class: "axis"}, shown));
    options.series.forEach((series, s) => {
      const value = series.values[i] || 0;
      const w = (plotW * value) / max;
      const y = y0 + barH * s;
      svg.append(node("rect", {x: labelWidth, y, width: Math.max(w, value ? 2 : 0), height: barH - 1,
        fill: series.color || COLORS[s], rx: 2}));
      svg.append(node("text", {x: labelWidth + w + 4, y: y + barH - 3, class: "value"}, String(value)));
    });
  });
  if (legend) {
    let x = labelWidth;
    options.series.forEach((series, s) => {
      svg.append(node("rect", {x, y: height - 18, width: 12, height: 12, fill: series.color || COLORS[s], rx: 2}));
      svg.append(node("text", {x: x + 16, y: height - 8, class: "axis"}, series.name));
      x += 28 + textWidth(series.name);
    });
  }
  return fitted(svg, hbars, options);
}

M.charts = {bars, hbars, COLORS};
