// A small SVG writer for charts: the document frame and a line plot. The benchmark's bar chart
// (bench/lib/report.js) and the bots' RTT chart (bots/chart.ts) are drawn with it.

/** Text escaped for an SVG (XML) document. */
export function escapeXml(text: unknown): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A whole SVG document: white background, `title` in bold at the top, then `body`'s elements. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="18" font-size="13" font-weight="bold">${escapeXml(title)}</text>
${body.join('\n')}
</svg>
`;
}

/** One line of a `linePlot`. */
export interface PlotSeries {
  /** Its name in the legend. */
  label: string;
  /** An SVG colour. */
  color: string;
  /** Its points, in the order the line joins them. */
  points: Array<[x: number, y: number]>;
}

/** Where a `linePlot` goes and what its axes say. */
export interface PlotFrame {
  /** Where the plot area starts, in the document's pixels (its axes' labels go outside). */
  left: number;
  /** Top of the plot area. */
  top: number;
  /** Width of the plot area. */
  width: number;
  /** Height of the plot area. */
  height: number;
  /** What the x axis counts. */
  xLabel: string;
  /** What the y axis measures. */
  yLabel: string;
  /** Formats a tick value of the y axis (default: as is). */
  yTick?: (value: number) => string;
}

/** A round axis end at or above `max`: 1, 1.2, 1.5 … 8 or 10 times a power of ten. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((step) => round(step * power)).find((end) => end >= max)!;
}

/** `value` without the binary noise of decimal arithmetic (120.00000000000001 → 120). */
const round = (value: number): number => Number(value.toPrecision(12));

/** A line plot of `series` in `frame`, both axes from 0, with five ticks each and a legend. */
export function linePlot(frame: PlotFrame, series: PlotSeries[]): string[] {
  const { left, top, width, height } = frame;
  const all = series.flatMap((line) => line.points);
  const xMax = niceMax(Math.max(0, ...all.map(([x]) => x)));
  const yMax = niceMax(Math.max(0, ...all.map(([, y]) => y)));
  const px = (x: number) => left + (x / xMax) * width;
  const py = (y: number) => top + height - (y / yMax) * height;
  const yTick = frame.yTick ?? String;
  const parts = [
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`,
    `<text x="${left + width / 2}" y="${top + height + 30}" text-anchor="middle">${escapeXml(frame.xLabel)}</text>`,
    `<text x="${left - 45}" y="${top + height / 2}" text-anchor="middle" transform="rotate(-90 ${left - 45} ${top + height / 2})">${escapeXml(frame.yLabel)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const [xTick, yValue] = [round((xMax * i) / 5), round((yMax * i) / 5)];
    const [x, y] = [px(xTick), py(yValue)];
    parts.push(`<line x1="${left}" y1="${y}" x2="${left + width}" y2="${y}" stroke="#eee"/>`,
      `<text x="${left - 4}" y="${y + 4}" text-anchor="end">${escapeXml(yTick(yValue))}</text>`,
      `<text x="${x}" y="${top + height + 14}" text-anchor="middle">${escapeXml(String(xTick))}</text>`);
  }
  series.forEach((line, i) => {
    const points = line.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${line.color}" stroke-width="1.5"/>`,
      `<rect x="${left + 10}" y="${top + 8 + i * 14}" width="10" height="3" fill="${line.color}"/>`,
      `<text x="${left + 24}" y="${top + 12 + i * 14}">${escapeXml(line.label)}</text>`);
  });
  return parts;
}
