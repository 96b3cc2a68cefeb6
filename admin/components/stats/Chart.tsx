import React, { useEffect, useRef } from 'react';
import { Box, H5 } from '@adminjs/design-system';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, HeatmapChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** One Apache ECharts chart (SVG renderer) in a card; redrawn when `option` changes, resized with the window. */
export const Chart: React.FC<{ id: string; title: string; option: ChartOption; height?: number; width?: string }> = ({ id, title, option, height = 300, width = '48%' }) => {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return undefined;
    chart.current = echarts.init(el.current, undefined, { renderer: 'svg' });
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return (
    <Box variant="card" p="lg" style={{ width, minWidth: 360, flexGrow: 1 }} data-testid={`chart-${id}`}>
      <H5>{title}</H5>
      <div ref={el} style={{ width: '100%', height }} />
    </Box>
  );
};

export default Chart;
