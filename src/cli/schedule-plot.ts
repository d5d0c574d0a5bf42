/**
 * Draws a schedule's per-frame values as an SVG line chart: axes with rounded tick labels, the curve, and a
 * marker on every keyframe. Pure text out, so the CLI decides where it goes (rasterised by core/image/codec.ts).
 */

export interface SchedulePlot {
  readonly title: string;
  readonly values: Float64Array;
  readonly keyframes: readonly number[];
  readonly widthPx: number;
  readonly heightPx: number;
}

const MARGIN = { left: 70, right: 20, top: 36, bottom: 44 };
const TICKS = 6;

export function buildSchedulePlotSvg(plot: SchedulePlot): string {
  const { values, widthPx, heightPx } = plot;
  const plotWidth = widthPx - MARGIN.left - MARGIN.right;
  const plotHeight = heightPx - MARGIN.top - MARGIN.bottom;
  const finite = Array.from(values).filter(Number.isFinite);
  const [low, high] = valueRange(finite);
  const lastFrame = Math.max(1, values.length - 1);
  const x = (frame: number): number => MARGIN.left + (frame / lastFrame) * plotWidth;
  const y = (value: number): number => MARGIN.top + (1 - (value - low) / (high - low)) * plotHeight;

  const yTicks = niceTicks(low, high).map((value) => {
    const py = y(value).toFixed(1);
    return (
      `<line x1="${String(MARGIN.left)}" x2="${String(MARGIN.left + plotWidth)}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>` +
      `<text x="${String(MARGIN.left - 8)}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(value)}</text>`
    );
  });
  const xTicks = niceTicks(0, lastFrame)
    .filter((frame) => Number.isInteger(frame))
    .map((frame) => {
      const px = x(frame).toFixed(1);
      return (
        `<line x1="${px}" x2="${px}" y1="${String(MARGIN.top + plotHeight)}" y2="${String(MARGIN.top + plotHeight + 5)}" stroke="#333"/>` +
        `<text x="${px}" y="${String(MARGIN.top + plotHeight + 18)}" text-anchor="middle">${String(frame)}</text>`
      );
    });
  const markers = plot.keyframes
    .filter((frame) => frame < values.length && Number.isFinite(values[frame]))
    .map(
      (frame) => `<circle cx="${x(frame).toFixed(1)}" cy="${y(values[frame] ?? 0).toFixed(1)}" r="4" fill="#d9480f"/>`,
    );

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(widthPx)}" height="${String(heightPx)}" font-family="sans-serif" font-size="12" fill="#333">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${String(widthPx / 2)}" y="22" text-anchor="middle" font-size="14">${escapeXml(plot.title)}</text>`,
    ...yTicks,
    ...xTicks,
    `<line x1="${String(MARGIN.left)}" x2="${String(MARGIN.left)}" y1="${String(MARGIN.top)}" y2="${String(MARGIN.top + plotHeight)}" stroke="#333"/>`,
    `<line x1="${String(MARGIN.left)}" x2="${String(MARGIN.left + plotWidth)}" y1="${String(MARGIN.top + plotHeight)}" y2="${String(MARGIN.top + plotHeight)}" stroke="#333"/>`,
    `<text x="${String(MARGIN.left + plotWidth / 2)}" y="${String(heightPx - 8)}" text-anchor="middle">frame</text>`,
    ...segments(values).map(
      (points) =>
        `<polyline fill="none" stroke="#1971c2" stroke-width="2" points="${points.map(([f, v]) => `${x(f).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
    ),
    ...markers,
    '</svg>',
  ].join('\n');
}

/** NaN and ±inf frames break the line rather than dragging it off the chart. */
function segments(values: Float64Array): [number, number][][] {
  const runs: [number, number][][] = [];
  let current: [number, number][] = [];
  values.forEach((value, frame) => {
    if (Number.isFinite(value)) {
      current.push([frame, value]);
      return;
    }
    if (current.length > 0) runs.push(current);
    current = [];
  });
  if (current.length > 0) runs.push(current);
  return runs;
}

function valueRange(finite: readonly number[]): [number, number] {
  if (finite.length === 0) return [0, 1];
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  if (high > low) return [low - (high - low) * 0.05, high + (high - low) * 0.05];
  const pad = Math.abs(low) > 0 ? Math.abs(low) * 0.1 : 1;
  return [low - pad, high + pad];
}

/** Ticks on 1, 2 or 5 times a power of ten, so labels read as round numbers. */
function niceTicks(low: number, high: number): number[] {
  const raw = (high - low) / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step)
    ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  return Math.abs(value) >= 1e5 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(1) : String(value);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[char] ?? char);
}
