// What a dashboard answer looks like (decision 0035): the same shape for every role, so one
// screen draws any of them. Every chart carries exactly the numbers drawn; the table and the CSV
// under it show those numbers and nothing else.

/** How a figure reads: money in minor units, a count, a quantity in the variant's unit, hours. */
export type FigureUnit = 'money' | 'count' | 'qty' | 'hours' | 'percent';

/** A headline figure, with what it is measured against (the same weekday's average…). */
export interface Card {
  /** The words: analytics:card.<id>. */
  id: string;
  unit: FigureUnit;
  value: number;
  compare?: { id: string; value: number };
}

/** What the x labels are: days, ISO weeks, months, hours of the day, or names (products…). */
export type LabelKind = 'day' | 'week' | 'month' | 'hour' | 'name';

export interface ChartSeries {
  /** The words (analytics:series.<key>) unless `name` is given: a branch's or product's. */
  key: string;
  name?: string;
  values: number[];
}

export interface Chart {
  /** The words: analytics:chart.<id>. */
  id: string;
  /** line, bar, stacked bars, or heat (rows: series = weekdays; columns: labels = hours). */
  kind: 'line' | 'bar' | 'stacked' | 'heat';
  unit: FigureUnit;
  labelKind: LabelKind;
  labels: string[];
  series: ChartSeries[];
}

export interface ListColumn {
  /** The words: analytics:column.<key>. */
  key: string;
  unit?: FigureUnit | 'text' | 'day' | 'age';
}

/** A short list beside the charts (stock running low, what must be dispatched…). */
export interface ListTable {
  /** The words: analytics:list.<id>. */
  id: string;
  columns: ListColumn[];
  rows: Record<string, string | number | null>[];
}

export const dashboardKinds = ['shop', 'factory', 'finance', 'company', 'rep', 'driver'] as const;
export type DashboardKind = (typeof dashboardKinds)[number];

export type Bucket = 'day' | 'week' | 'month';

export interface Dashboard {
  kind: DashboardKind;
  /** The dashboards the person may open (the first is theirs). */
  kinds: readonly DashboardKind[];
  /** The days covered, both ends included, and how the charts over time group them. */
  range: { from: string; to: string; bucket: Bucket };
  /** The branch shown; null: every branch this database covers. */
  branchId: string | null;
  /** The branches the person may choose between (empty: only their own). */
  branches: { id: string; code: string; name: string; kind: string }[];
  /** Whether costs and margins are in it (the person may see costs). */
  costs: boolean;
  cards: Card[];
  charts: Chart[];
  lists: ListTable[];
}
