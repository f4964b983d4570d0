import { linePlot, svgDocument } from '../svg';
import { BotsSummary } from './summary';

const WIDTH = 640;
const PLOT = { left: 70, width: 540, height: 200 };

/**
 * The run as an SVG chart: ENet round-trip time (p50, p99) and packet loss (p99) of the joined
 * bots against how many were joined, one point a second. Meant for runs with a ramp, where the
 * number of bots grows.
 */
export function botsChart(summary: BotsSummary): string {
  const samples = summary.timeline.filter((at) => at.rttMs.samples > 0);
  const points = (value: (at: (typeof samples)[number]) => number | null) =>
    samples.map((at) => [at.joined, value(at) ?? 0] as [number, number]);
  const body = [
    ...linePlot({ ...PLOT, top: 40, xLabel: 'bots joined', yLabel: 'round trip (ms)' }, [
      { label: 'RTT p50', color: '#2b6cb0', points: points((at) => at.rttMs.p50) },
      { label: 'RTT p99', color: '#d9822b', points: points((at) => at.rttMs.p99) },
    ]),
    ...linePlot({ ...PLOT, top: 300, xLabel: 'bots joined', yLabel: 'packet loss (%)', yTick: (value) => value.toFixed(2) }, [
      { label: 'loss p99', color: '#c53030', points: points((at) => (at.loss.p99 ?? 0) * 100) },
    ]),
  ];
  const title = `godot-enet bots: ${summary.joined}/${summary.bots} joined, ENet round trip and loss against bots`;
  return svgDocument(WIDTH, 550, title, body);
}
