// The metadata a sync test applies: all four kinds, named after the run.
import type { Fixture } from './fixture.js';
import { WAREHOUSE_PASSWORD_REF } from '../warehouse.js';

export interface SampleNames {
  database: string;
  orders: string;
  byRegion: string;
  pie: string;
  bigNumber: string;
  table: string;
  bar: string;
  counter: string;
  dashboard: string;
  slug: string;
}

export function sampleNames(runId: string): SampleNames {
  return {
    database: `db_${runId}`,
    orders: `orders_${runId}`,
    byRegion: `by_region_${runId}`,
    pie: `Revenue by region ${runId}`,
    bigNumber: `Total revenue ${runId}`,
    table: `Regions table ${runId}`,
    bar: `Monthly orders ${runId}`,
    counter: `Order count ${runId}`,
    dashboard: `sales_${runId}`,
    slug: `sales-${runId.replace(/_/g, '-')}`,
  };
}

export const FILES = {
  database: 'databases/warehouse.yaml',
  orders: 'datasets/warehouse/orders.yaml',
  byRegion: 'datasets/warehouse/by_region.yaml',
  pie: 'charts/revenue-by-region.yaml',
  bigNumber: 'charts/total-revenue.yaml',
  table: 'charts/regions-table.yaml',
  bar: 'charts/monthly-orders.yaml',
  counter: 'charts/order-count.yaml',
  dashboard: 'dashboards/sales.yaml',
} as const;

/** Writes the sample tree into the fixture; returns the names it used. */
export function writeSampleTree(fx: Fixture): SampleNames {
  const n = sampleNames(fx.runId);
  fx.write(
    FILES.database,
    `kind: database
name: ${n.database}
sqlalchemy_uri: ${fx.warehouseUri}
password: ${WAREHOUSE_PASSWORD_REF}
expose_in_sqllab: true
allow_dml: false
cache_timeout: 300
extra:
  engine_params: { connect_args: { connect_timeout: 10 } }
  metadata_cache_timeout: { schema_cache_timeout: 600 }
`,
  );
  fx.write(
    FILES.orders,
    `kind: dataset
name: ${n.orders}
database: ${n.database}
schema: public
table_name: orders_${fx.runId}
description: Order lines.
main_dttm_col: order_date
cache_timeout: 120
columns:
  - name: order_id
    verbose_name: Order
    groupby: false
  - name: order_date
    verbose_name: Order date
    is_dttm: true
  - name: region
    verbose_name: Region
  - name: product
    verbose_name: Product
  - name: amount
    verbose_name: Amount
    groupby: false
  - name: status
  - name: amount_x2
    expression: amount * 2
    verbose_name: Double amount
metrics:
  - name: revenue
    expression: SUM(amount)
    verbose_name: Revenue
    d3format: $,.0f
  - name: order_count
    expression: COUNT(*)
    verbose_name: Orders
`,
  );
  fx.write(
    FILES.byRegion,
    `kind: dataset
name: ${n.byRegion}
database: ${n.database}
table_name: by_region_${fx.runId}
sql: |
  SELECT region, SUM(amount) AS revenue, COUNT(*) AS orders
  FROM orders_${fx.runId}
  GROUP BY region
metrics:
  - name: total_revenue
    expression: SUM(revenue)
    verbose_name: Revenue
`,
  );
  fx.write(
    FILES.pie,
    `kind: chart
name: ${n.pie}
dataset: ${n.orders}
viz_type: pie
params:
  groupby: [region]
  metric: revenue
  row_limit: 100
  donut: true
  time_range: No filter
`,
  );
  fx.write(
    FILES.bigNumber,
    `kind: chart
name: ${n.bigNumber}
dataset: ${n.orders}
viz_type: big_number_total
description: All revenue.
cache_timeout: 60
certified_by: Finance
params:
  metric: revenue
  subheader: all orders
  time_range: No filter
`,
  );
  fx.write(
    FILES.table,
    `kind: chart
name: ${n.table}
dataset: ${n.byRegion}
viz_type: table
params:
  query_mode: aggregate
  groupby: [region]
  metrics: [total_revenue]
  row_limit: 1000
  order_desc: true
  time_range: No filter
`,
  );
  // Two charts no dashboard places: one that can be pruned, one protected.
  fx.write(
    FILES.bar,
    `kind: chart
name: ${n.bar}
dataset: ${n.orders}
viz_type: echarts_timeseries_bar
params:
  x_axis: order_date
  time_grain_sqla: P1M
  metrics: [order_count]
  groupby: [product]
  row_limit: 10000
  time_range: No filter
`,
  );
  fx.write(
    FILES.counter,
    `kind: chart
name: ${n.counter}
dataset: ${n.orders}
viz_type: big_number_total
params:
  metric: order_count
  time_range: No filter
protected: true
`,
  );
  fx.write(
    FILES.dashboard,
    `kind: dashboard
name: ${n.dashboard}
title: Sales ${fx.runId}
slug: ${n.slug}
published: true
css: '.header { color: navy; }'
certified_by: Data team
layout:
  - header: Sales
    size: LARGE_HEADER
  - row:
      - chart: ${n.bigNumber}
        width: 4
      - chart: ${n.pie}
        width: 8
  - tabs:
      - title: Detail
        children:
          - row:
              - chart: ${n.table}
                width: 8
                height: 60
              - markdown: |
                  ### Notes
                  Managed as code.
                width: 4
native_filters:
  - name: Region
    type: filter_select
    targets:
      - dataset: ${n.orders}
        column: region
    control_values:
      multiSelect: true
metadata:
  color_scheme: supersetColors
  refresh_frequency: 300
  label_colors: { north: '#1f77b4' }
`,
  );
  return n;
}

/**
 * A dataset on the sample warehouse's customers table with every column typed and its metric listed:
 * what a bulk create sends through Superset's import (nothing a REST create would read from the table).
 */
export function typedCustomersDataset(name: string, database: string): string {
  return `kind: dataset
name: ${name}
database: ${database}
schema: public
columns:
  - name: customer_id
    type: INTEGER
  - name: name
    type: TEXT
  - name: segment
    type: TEXT
metrics:
  - name: customers
    expression: COUNT(*)
`;
}
