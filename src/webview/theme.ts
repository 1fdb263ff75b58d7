// How each drop cause looks: a theme colour, a distinct shape and a label, so colour is never the
// only signal. Shapes are SVG path data so the canvas (Path2D) and the legend (SVG) draw the same.

import type { DropCause } from '../core/events.ts';
import { DROP_CAUSES } from '../core/events.ts';
import { causeLabel } from './format.ts';

export interface MarkerStyle {
  /** A VS Code theme variable and a fallback for when it is missing. */
  readonly colorVar: string;
  readonly fallback: string;
  /** Path data centred on 0,0 within a radius of about 6. */
  readonly path: string;
  /** Stroked outline instead of a filled shape. */
  readonly stroke: boolean;
  readonly shapeName: string;
}

const CIRCLE = 'M5,0A5,5 0 1 1 -5,0A5,5 0 1 1 5,0Z';

export const CAUSE_STYLES: Readonly<Record<DropCause, MarkerStyle>> = {
  watchdog: { colorVar: '--vscode-charts-red', fallback: '#e51400', path: 'M-4.5,-4.5L4.5,4.5M4.5,-4.5L-4.5,4.5', stroke: true, shapeName: 'cross' },
  eof: { colorVar: '--vscode-charts-blue', fallback: '#1a85ff', path: CIRCLE, stroke: false, shapeName: 'dot' },
  reset: { colorVar: '--vscode-charts-orange', fallback: '#d18616', path: 'M0,-5.5L5.5,4.5L-5.5,4.5Z', stroke: false, shapeName: 'triangle' },
  'http-status': { colorVar: '--vscode-charts-purple', fallback: '#a374f5', path: 'M-4.5,-4.5H4.5V4.5H-4.5Z', stroke: false, shapeName: 'square' },
  'grpc-status': { colorVar: '--vscode-charts-purple', fallback: '#a374f5', path: 'M0,-6L6,0L0,6L-6,0Z', stroke: false, shapeName: 'diamond' },
  'ws-close': { colorVar: '--vscode-charts-blue', fallback: '#1a85ff', path: 'M-1.75,-6H1.75V6H-1.75Z', stroke: false, shapeName: 'bar' },
  'protocol-error': { colorVar: '--vscode-charts-yellow', fallback: '#cca700', path: 'M0,5.5L5.5,-4.5L-5.5,-4.5Z', stroke: false, shapeName: 'inverted triangle' },
  manual: { colorVar: '--vscode-descriptionForeground', fallback: '#888888', path: CIRCLE, stroke: true, shapeName: 'ring' },
};

export function causeStyle(cause: string): MarkerStyle {
  return (CAUSE_STYLES as Record<string, MarkerStyle>)[cause] ?? CAUSE_STYLES['protocol-error'];
}

/** Legend rows in a stable order. */
export function legendEntries(): { cause: DropCause; label: string; style: MarkerStyle }[] {
  return DROP_CAUSES.map((cause) => ({ cause, label: causeLabel(cause), style: CAUSE_STYLES[cause] }));
}

/** Colours the timeline and histograms need besides the causes. */
export const BASE_COLORS = {
  foreground: ['--vscode-foreground', '#cccccc'],
  muted: ['--vscode-descriptionForeground', '#8b8b8b'],
  session: ['--vscode-charts-green', '#388a34'],
  heartbeatIn: ['--vscode-charts-green', '#388a34'],
  heartbeatOut: ['--vscode-charts-blue', '#1a85ff'],
  grid: ['--vscode-editorWidget-border', '#454545'],
  laneAlt: ['--vscode-list-hoverBackground', 'rgba(128,128,128,0.08)'],
  error: ['--vscode-errorForeground', '#f48771'],
  cutoff: ['--vscode-charts-red', '#e51400'],
  bar: ['--vscode-charts-blue', '#1a85ff'],
  focus: ['--vscode-focusBorder', '#0078d4'],
} as const satisfies Record<string, readonly [string, string]>;
