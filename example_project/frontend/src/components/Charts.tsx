/**
 * Two small SVG charts, drawn by hand to keep the bundle small: horizontal bars (a value out of
 * a maximum per row) and a histogram. Each carries the same data as a visually hidden table,
 * since an SVG picture alone says nothing to a screen reader.
 */

import { useId } from "react";

export interface Bar {
  label: string;
  value: number | null;
  max: number;
  /** What the table says instead of a null value ("not attempted" unless told). */
  missing?: string;
}

// A narrow drawing, so its 11px text stays readable when scaled to a phone's width.
const ROW = 24;
const LABEL_WIDTH = 130;
const WIDTH = 380;
const VALUE_WIDTH = 44;

function truncate(text: string, length: number) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** `columns` name the value and the maximum in the table that reads the chart out. */
export function BarChart({
  title,
  bars,
  columns = ["Score", "Maximum"],
}: {
  title: string;
  bars: Bar[];
  columns?: [string, string];
}) {
  const id = useId();
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = Math.max(bars.length, 1) * ROW + 8;
  return (
    <figure>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        className="chart"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        preserveAspectRatio="xMinYMin meet"
      >
        {bars.map((bar, index) => {
          const ratio = bar.max > 0 && bar.value !== null ? Math.min(bar.value / bar.max, 1) : 0;
          const y = index * ROW + 4;
          return (
            <g key={`${bar.label}-${index}`}>
              <text x={0} y={y + 15}>
                {truncate(bar.label, 19)}
              </text>
              <rect className="axis" x={LABEL_WIDTH} y={y + 3} width={plot} height={16} fill="#eef0f5" />
              <rect
                className={ratio >= 1 ? "bar bar--full" : "bar"}
                x={LABEL_WIDTH}
                y={y + 3}
                width={plot * ratio}
                height={16}
                rx={3}
              />
              <text x={LABEL_WIDTH + plot + 6} y={y + 15}>
                {bar.value === null ? "—" : `${Math.round(ratio * 100)}%`}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="visually-hidden">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">{columns[0]}</th>
              <th scope="col">{columns[1]}</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar, index) => (
              <tr key={`${bar.label}-${index}`}>
                <th scope="row">{bar.label}</th>
                <td>{bar.value ?? bar.missing?.toLowerCase() ?? "not attempted"}</td>
                <td>{bar.max}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export interface Bin {
  label: string;
  count: number;
}

/** Counts `values` (each between 0 and `max`) into `bins` equal ranges. */
export function binScores(values: number[], max: number, bins = 5): Bin[] {
  const counts = Array.from({ length: bins }, () => 0);
  const size = max > 0 ? max / bins : 1;
  for (const value of values) {
    const index = max > 0 ? Math.min(Math.floor(value / size), bins - 1) : 0;
    counts[Math.max(index, 0)]! += 1;
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return counts.map((count, index) => ({
    label: index === bins - 1 ? `${round(index * size)}–${round(max)}` : `${round(index * size)}–<${round((index + 1) * size)}`,
    count,
  }));
}

export function Histogram({ title, bins }: { title: string; bins: Bin[] }) {
  const id = useId();
  const width = 320;
  const height = 150;
  const bottom = 28;
  const top = 14;
  const most = Math.max(1, ...bins.map((bin) => bin.count));
  const slot = width / Math.max(bins.length, 1);
  return (
    <figure>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg className="chart chart--small" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`}>
        <line className="axis" x1={0} x2={width} y1={height - bottom} y2={height - bottom} />
        {bins.map((bin, index) => {
          const barHeight = ((height - bottom - top) * bin.count) / most;
          const x = index * slot + 6;
          const y = height - bottom - barHeight;
          return (
            <g key={bin.label}>
              <rect className="bar" x={x} y={y} width={slot - 12} height={barHeight} rx={3} />
              <text x={x + (slot - 12) / 2} y={y - 3} textAnchor="middle">
                {bin.count}
              </text>
              <text x={x + (slot - 12) / 2} y={height - bottom + 16} textAnchor="middle">
                {bin.label}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="visually-hidden">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Score range</th>
              <th scope="col">Students</th>
            </tr>
          </thead>
          <tbody>
            {bins.map((bin) => (
              <tr key={bin.label}>
                <th scope="row">{bin.label}</th>
                <td>{bin.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
