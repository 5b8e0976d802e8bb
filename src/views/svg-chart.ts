/**
 * Chart geometry for server-rendered SVG: pure functions that turn labelled values into bars,
 * points, axis ticks and labels. `views/partials/bar-chart.ejs` draws the result as inline
 * `<svg>` (no script, no inline style), with a table of the same numbers as its fallback.
 */
import { formatBytes, formatNumber } from './view-helpers.ts';

export interface ChartDatum {
  label: string;
  value: number;
  /** A shorter label for the axis ("Mar" for "March 2026"); the full one goes in the table and tooltips. */
  axisLabel?: string;
  /** A fixed name (never user data) that styles this datum: the bar gets class `chart-bar-<key>`. */
  key?: string;
}

/** `count`: whole numbers, ticks never fractional; `bytes`: ticks on 1, 2, 5 × a power of 1024. */
export type ValueKind = 'count' | 'bytes';

export interface ChartOptions {
  /** Unique within the page: the id of the SVG's title derives from it. */
  id: string;
  title: string;
  /** What one value is, for the fallback table's header ("Creators", "Videos added"). */
  valueName: string;
  /** What one label is ("Tier", "Week of"). */
  labelName: string;
  valueKind?: ValueKind;
  width?: number;
  height?: number;
  /** How many intervals the value axis aims for (the ticks are "nice", so it may be fewer). */
  tickCount?: number;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
  label: string;
  axisLabel: string;
  valueLabel: string;
  className: string;
  /** Centre of the bar, where its category label and value label sit. */
  centerX: number;
  /** Baseline of the value label, just above the bar. */
  valueY: number;
  /** Whether the category label is drawn (crowded axes show every n-th). */
  showLabel: boolean;
}

export interface Point {
  x: number;
  y: number;
  value: number;
  label: string;
  axisLabel: string;
  valueLabel: string;
  showLabel: boolean;
}

export interface AxisTick {
  value: number;
  label: string;
  y: number;
}

export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface ChartBase {
  id: string;
  title: string;
  titleId: string;
  ariaLabel: string;
  valueName: string;
  labelName: string;
  width: number;
  height: number;
  viewBox: string;
  plot: PlotArea;
  ticks: AxisTick[];
  /** The value at the top of the axis. */
  scaleMax: number;
  /** Baseline of the category labels under the plot. */
  labelY: number;
  /**
   * Every n-th category label is drawn (1: all), counted back from the last (the latest period), so labels never
   * overlap.
   */
  labelEvery: number;
  /** True when every value is zero (or there are none): the partial says so. */
  empty: boolean;
  rows: { label: string; value: number; valueLabel: string }[];
}

export interface BarChart extends ChartBase {
  kind: 'bar';
  bars: Bar[];
}

export interface LineChart extends ChartBase {
  kind: 'line';
  points: Point[];
  /** SVG path data through the points, and the same closed down to the baseline for the area. */
  linePath: string;
  areaPath: string;
}

export type Chart = BarChart | LineChart;

const DEFAULT_WIDTH = 560;
const DEFAULT_HEIGHT = 260;
const MARGIN = { left: 60, right: 12, top: 24, bottom: 36 };
/** Width of one character of an axis label (13px text, see app.css) and the gap between labels, in viewBox units. */
const CHAR_WIDTH = 7.5;
const LABEL_GAP = 8;
const BAR_SHARE = 0.64;
const MAX_BAR_WIDTH = 96;

const round = (n: number) => Math.round(n * 100) / 100;

/** 1, 2 or 5 times a power of ten, the smallest such step ≥ `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * The value axis: ticks from 0 to the first nice value ≥ `max`. Counts step by whole numbers;
 * bytes by nice multiples of the largest power of 1024 below the maximum (so labels read
 * "512 MB", "1 GB"). All-zero data gets the single tick 0 and a scale of 1 (bars of height 0).
 */
export function axisTicks(
  max: number,
  kind: ValueKind = 'count',
  tickCount = 4,
): { scaleMax: number; values: number[] } {
  if (!(max > 0)) return { scaleMax: 1, values: [0] };
  const unit = kind === 'bytes' ? 1024 ** Math.max(0, Math.floor(Math.log(max) / Math.log(1024))) : 1;
  const step = Math.max(1, niceStep(max / unit / Math.max(1, tickCount)) * unit);
  const intervals = Math.ceil(max / step - 1e-9);
  return { scaleMax: intervals * step, values: Array.from({ length: intervals + 1 }, (_, i) => i * step) };
}

export function formatValue(value: number, kind: ValueKind = 'count'): string {
  return kind === 'bytes' ? formatBytes(value) : formatNumber(value);
}

function base(data: readonly ChartDatum[], options: ChartOptions): ChartBase & { band: number; kind: ValueKind } {
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  const kind = options.valueKind ?? 'count';
  const plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  const values = data.map((d) => Math.max(0, d.value));
  const max = values.length > 0 ? Math.max(...values) : 0;
  const axis = axisTicks(max, kind, options.tickCount);
  const plotHeight = plot.bottom - plot.top;
  const rows = data.map((d) => ({ label: d.label, value: d.value, valueLabel: formatValue(d.value, kind) }));
  const band = data.length > 0 ? (plot.right - plot.left) / data.length : 0;
  const longest = Math.max(0, ...data.map((d) => (d.axisLabel ?? d.label).length));
  const summary = rows.map((r) => `${r.label}: ${r.valueLabel}`).join(', ');
  return {
    id: options.id,
    title: options.title,
    titleId: `${options.id}-title`,
    ariaLabel: rows.length > 0 ? `${options.title}. ${summary}.` : `${options.title}. No data.`,
    valueName: options.valueName,
    labelName: options.labelName,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    plot,
    ticks: axis.values.map((value) => ({
      value,
      label: formatValue(value, kind),
      y: round(plot.bottom - (value / axis.scaleMax) * plotHeight),
    })),
    scaleMax: axis.scaleMax,
    labelY: plot.bottom + 22,
    labelEvery: band > 0 ? Math.max(1, Math.ceil((longest * CHAR_WIDTH + LABEL_GAP) / band)) : 1,
    empty: max === 0,
    rows,
    band,
    kind,
  };
}

function heightOf(value: number, scaleMax: number, plot: PlotArea): number {
  return round((Math.max(0, value) / scaleMax) * (plot.bottom - plot.top));
}

export function barChart(data: readonly ChartDatum[], options: ChartOptions): BarChart {
  const { band, kind, ...chart } = base(data, options);
  const barWidth = round(Math.min(MAX_BAR_WIDTH, band * BAR_SHARE));
  const bars = data.map((d, i): Bar => {
    const height = heightOf(d.value, chart.scaleMax, chart.plot);
    const centerX = round(chart.plot.left + band * i + band / 2);
    const y = round(chart.plot.bottom - height);
    return {
      x: round(centerX - barWidth / 2),
      y,
      width: barWidth,
      height,
      value: d.value,
      label: d.label,
      axisLabel: d.axisLabel ?? d.label,
      valueLabel: formatValue(d.value, kind),
      className: d.key ? `chart-bar chart-bar-${d.key}` : 'chart-bar',
      centerX,
      valueY: round(y - 6),
      showLabel: (data.length - 1 - i) % chart.labelEvery === 0,
    };
  });
  return { kind: 'bar', ...chart, bars };
}

/** Points at the centres of the categories, joined by a line; the area under it is filled. */
export function lineChart(data: readonly ChartDatum[], options: ChartOptions): LineChart {
  const { band, kind, ...chart } = base(data, options);
  const points = data.map((d, i): Point => {
    const x = round(chart.plot.left + band * i + band / 2);
    const y = round(chart.plot.bottom - heightOf(d.value, chart.scaleMax, chart.plot));
    return {
      x,
      y,
      value: d.value,
      label: d.label,
      axisLabel: d.axisLabel ?? d.label,
      valueLabel: formatValue(d.value, kind),
      showLabel: (data.length - 1 - i) % chart.labelEvery === 0,
    };
  });
  const linePath = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');
  const first = points[0];
  const last = points[points.length - 1];
  const areaPath =
    first && last ? `${linePath} L${last.x} ${chart.plot.bottom} L${first.x} ${chart.plot.bottom} Z` : '';
  return { kind: 'line', ...chart, points, linePath, areaPath };
}
